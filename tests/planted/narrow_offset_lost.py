"""Bug: narrow forgets to move the storage offset (views start at the old offset)."""
import torch

from ._base import make_tensor_class, module_getattr


def _narrow(self, dim, start, length):
    view = torch.narrow(self, dim, start, length)
    return torch.as_strided(self, view.shape, view.stride(), self.storage_offset())


PlantedTensor = make_tensor_class("NarrowOffsetLost", {
    torch.Tensor.narrow: _narrow, torch.narrow: _narrow,
})
__getattr__ = module_getattr(PlantedTensor)
