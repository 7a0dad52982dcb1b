"""Bug: add ignores its alpha argument (values differ)."""
import torch

from ._base import make_tensor_class, module_getattr


def _add(input, other, *, alpha=1):
    return torch.add(input, other)


PlantedTensor = make_tensor_class("AddAlphaIgnored", {torch.Tensor.add: _add, torch.add: _add})
__getattr__ = module_getattr(PlantedTensor)
