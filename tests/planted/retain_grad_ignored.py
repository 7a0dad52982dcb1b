"""Bug: retain_grad() does nothing."""
import torch

from ._base import module_getattr, plant


def retain_grad(self):
    if not self.requires_grad:
        raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")


PLANTED = plant("RetainGradIgnored", {torch.Tensor.retain_grad: retain_grad})
__getattr__ = module_getattr(PLANTED)
