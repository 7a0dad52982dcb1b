"""Bug: contiguous() copies even a contiguous tensor (it should return self)."""
import torch

from ._base import module_getattr, plant


def _contiguous(self, memory_format=torch.contiguous_format):
    return torch.Tensor.contiguous(self, memory_format=memory_format).clone(
        memory_format=memory_format)


PLANTED = plant("ContiguousAlwaysCopies", {torch.Tensor.contiguous: _contiguous})
__getattr__ = module_getattr(PLANTED)
