"""Bug: exp keeps its result for backward without the saved-tensor version check, so an
in-place write to the result is not detected (and the gradient silently uses it)."""
import torch

from ._autograd import named_function
from ._base import module_getattr, plant


class Exp(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        result = torch.exp(x)
        ctx.result = result  # not save_for_backward: no version check
        return result

    @staticmethod
    def backward(ctx, grad):
        return grad * ctx.result


named_function(Exp, "ExpBackward0")


def exp(input, *, out=None):
    if out is not None or not (torch.is_grad_enabled() and input.requires_grad):
        return torch.exp(input, out=out) if out is not None else torch.exp(input)
    return Exp.apply(input)


PLANTED = plant("ExpVersionCheckSkipped", {
    torch.exp: exp, torch.Tensor.exp: exp})
__getattr__ = module_getattr(PLANTED)
