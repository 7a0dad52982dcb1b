"""Bug: transpose returns a contiguous copy (strides and aliasing differ)."""
import torch

from ._base import module_getattr, plant


def _transpose(self, dim0, dim1):
    return torch.transpose(self, dim0, dim1).contiguous()


PLANTED = plant("TransposeContiguous", {
    torch.Tensor.transpose: _transpose, torch.transpose: _transpose,
})
__getattr__ = module_getattr(PLANTED)
