"""Bug: neg of +0.0 gives +0.0 instead of -0.0 (the sign of zero is lost; values
differ only in the sign of their zeros, which == cannot see)."""
import torch

from ._base import module_getattr, plant


def _neg(input):
    result = torch.neg(input)
    if result.is_floating_point():
        # every zero comes out as +0.0, as an implementation computing 0 - x would give
        result = torch.where(result == 0, torch.zeros_like(result), result)
    return result


PLANTED = plant("NegZeroSignLost", {
    torch.Tensor.neg: _neg, torch.neg: _neg, torch.Tensor.__neg__: _neg,
})
__getattr__ = module_getattr(PLANTED)
