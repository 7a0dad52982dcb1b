"""Bug: torch.add(..., out=t) with a t of another shape leaves t as it is (no resize) and
returns a new tensor, instead of resizing t and writing the sum into it."""
import torch

from ._base import make_tensor_class, module_getattr


def _add(input, other, *, alpha=1, out=None):
    if out is None:
        return torch.add(input, other, alpha=alpha)
    result = torch.add(input, other, alpha=alpha)
    if result.shape != out.shape:
        return result
    return out.copy_(result)


PlantedTensor = make_tensor_class("AddOutNotResized", {torch.add: _add})
__getattr__ = module_getattr(PlantedTensor)
