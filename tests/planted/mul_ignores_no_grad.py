"""Bug: mul records its graph even under no_grad."""
import torch

from ._base import module_getattr, plant


def mul(input, other, *, out=None):
    with torch.enable_grad():
        return torch.mul(input, other) if out is None else torch.mul(input, other, out=out)


PLANTED = plant("MulIgnoresNoGrad", {
    torch.mul: mul, torch.Tensor.mul: mul, torch.Tensor.__mul__: mul})
__getattr__ = module_getattr(PLANTED)
