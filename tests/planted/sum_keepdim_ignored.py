"""Bug: sum drops reduced dims even with keepdim=True (shape differs)."""
import torch

from ._base import make_tensor_class, module_getattr


def _sum(input, *args, **kwargs):
    kwargs.pop("keepdim", None)
    if len(args) > 1:
        args = args[:1]
    return torch.sum(input, *args, **kwargs)


PlantedTensor = make_tensor_class("SumKeepdimIgnored", {torch.Tensor.sum: _sum, torch.sum: _sum})
__getattr__ = module_getattr(PlantedTensor)
