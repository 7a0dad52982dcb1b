"""Bug: detach() shares storage but not the version counter."""
import torch

from ._base import make_tensor_class, module_getattr

_data = torch.Tensor.data


def detach(self):
    return _data.__get__(self)  # same storage, a version counter of its own


PlantedTensor = make_tensor_class("DetachFreshVersion", {torch.Tensor.detach: detach})
__getattr__ = module_getattr(PlantedTensor)
