"""Bug: integer tensor * Python float keeps the integer dtype (type promotion lost)."""
import torch

from ._base import module_getattr, plant


def _mul(input, other):
    result = torch.mul(input, other)
    if isinstance(other, float) and isinstance(input, torch.Tensor) \
            and not input.dtype.is_floating_point and input.dtype != torch.bool:
        return result.to(input.dtype)
    return result


PLANTED = plant("MulScalarKeepsInt", {
    torch.Tensor.mul: _mul, torch.mul: _mul, torch.Tensor.__mul__: _mul,
})
__getattr__ = module_getattr(PLANTED)
