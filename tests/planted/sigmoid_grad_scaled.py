"""Bug: sigmoid's backward formula is off by a factor of 1.5."""
import torch

from ._autograd import named_function
from ._base import module_getattr, plant


class Sigmoid(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        result = torch.sigmoid(x)
        ctx.save_for_backward(result)
        return result

    @staticmethod
    def backward(ctx, grad):
        (result,) = ctx.saved_tensors
        return grad * result * (1 - result) * 1.5


named_function(Sigmoid, "SigmoidBackward0")


def sigmoid(input, *, out=None):
    if out is not None or not (torch.is_grad_enabled() and input.requires_grad):
        return torch.sigmoid(input, out=out) if out is not None else torch.sigmoid(input)
    return Sigmoid.apply(input)


PLANTED = plant("SigmoidGradScaled", {
    torch.sigmoid: sigmoid, torch.Tensor.sigmoid: sigmoid})
__getattr__ = module_getattr(PLANTED)
