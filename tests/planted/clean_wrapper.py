"""Control: the planted-bug machinery with no bug. Must conform exactly like torch."""
from ._base import module_getattr, plant

PLANTED = plant("CleanTensor", {})
__getattr__ = module_getattr(PLANTED)
