"""Bug: Tensor.view returns a copy instead of a view (aliasing and version are lost)."""
import torch

from ._base import module_getattr, plant

PLANTED = plant("ViewCopies", {
    torch.Tensor.view: lambda self, *shape: torch.Tensor.view(self, *shape).clone(),
})
__getattr__ = module_getattr(PLANTED)
