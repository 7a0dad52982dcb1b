"""Bug: transpose returns a contiguous copy (strides and aliasing differ)."""
import torch

from ._base import make_tensor_class, module_getattr


def _transpose(self, dim0, dim1):
    return torch.transpose(self, dim0, dim1).contiguous()


PlantedTensor = make_tensor_class("TransposeContiguous", {
    torch.Tensor.transpose: _transpose, torch.transpose: _transpose,
})
__getattr__ = module_getattr(PlantedTensor)
