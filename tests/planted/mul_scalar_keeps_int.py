"""Bug: integer tensor * Python float keeps the integer dtype (type promotion lost)."""
import torch

from ._base import make_tensor_class, module_getattr


def _mul(input, other):
    result = torch.mul(input, other)
    if isinstance(other, float) and isinstance(input, torch.Tensor) \
            and not input.dtype.is_floating_point and input.dtype != torch.bool:
        return result.to(input.dtype)
    return result


PlantedTensor = make_tensor_class("MulScalarKeepsInt", {
    torch.Tensor.mul: _mul, torch.mul: _mul, torch.Tensor.__mul__: _mul,
})
__getattr__ = module_getattr(PlantedTensor)
