"""Bug: add_ and mul_ write through .data, so the version counter is not bumped."""
import torch

from ._base import module_getattr, plant


def _add_(self, other, *, alpha=1):
    self.data.add_(other, alpha=alpha)
    return self


def _mul_(self, other):
    self.data.mul_(other)
    return self


PLANTED = plant("InplaceVersionLost", {
    torch.Tensor.add_: _add_, torch.Tensor.mul_: _mul_,
})
__getattr__ = module_getattr(PLANTED)
