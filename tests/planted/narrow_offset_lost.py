"""Bug: narrow forgets to move the storage offset (views start at the old offset)."""
import torch

from ._base import module_getattr, plant


def _narrow(self, dim, start, length):
    view = torch.narrow(self, dim, start, length)
    return torch.as_strided(self, view.shape, view.stride(), self.storage_offset())


PLANTED = plant("NarrowOffsetLost", {
    torch.Tensor.narrow: _narrow, torch.narrow: _narrow,
})
__getattr__ = module_getattr(PLANTED)
