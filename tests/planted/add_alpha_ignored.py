"""Bug: add ignores its alpha argument (values differ)."""
import torch

from ._base import module_getattr, plant


def _add(input, other, *, alpha=1):
    return torch.add(input, other)


PLANTED = plant("AddAlphaIgnored", {torch.Tensor.add: _add, torch.add: _add})
__getattr__ = module_getattr(PLANTED)
