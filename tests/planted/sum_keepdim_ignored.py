"""Bug: sum drops reduced dims even with keepdim=True (shape differs)."""
import torch

from ._base import module_getattr, plant


def _sum(input, *args, **kwargs):
    kwargs.pop("keepdim", None)
    if len(args) > 1:
        args = args[:1]
    return torch.sum(input, *args, **kwargs)


PLANTED = plant("SumKeepdimIgnored", {torch.Tensor.sum: _sum, torch.sum: _sum})
__getattr__ = module_getattr(PLANTED)
