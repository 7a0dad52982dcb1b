"""Bug: contiguous() copies even a contiguous tensor (it should return self)."""
import torch

from ._base import make_tensor_class, module_getattr


def _contiguous(self, memory_format=torch.contiguous_format):
    return torch.Tensor.contiguous(self, memory_format=memory_format).clone(
        memory_format=memory_format)


PlantedTensor = make_tensor_class("ContiguousAlwaysCopies", {torch.Tensor.contiguous: _contiguous})
__getattr__ = module_getattr(PlantedTensor)
