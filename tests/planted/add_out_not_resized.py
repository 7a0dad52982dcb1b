"""Bug: torch.add(..., out=t) with a t of another shape leaves t as it is (no resize) and
returns a new tensor, instead of resizing t and writing the sum into it."""
import torch

from ._base import module_getattr, plant


def _add(input, other, *, alpha=1, out=None):
    if out is None:
        return torch.add(input, other, alpha=alpha)
    result = torch.add(input, other, alpha=alpha)
    if result.shape != out.shape:
        return result
    return out.copy_(result)


PLANTED = plant("AddOutNotResized", {torch.add: _add})
__getattr__ = module_getattr(PLANTED)
