"""Control: the planted-bug machinery with no bug. Must conform exactly like torch."""
from ._base import make_tensor_class, module_getattr

PlantedTensor = make_tensor_class("CleanTensor", {})
__getattr__ = module_getattr(PlantedTensor)
