"""Bug: Tensor.view silently falls back to reshape when no view is possible."""
import torch

from ._base import module_getattr, plant


def _view(self, *shape):
    try:
        return torch.Tensor.view(self, *shape)
    except RuntimeError:
        return torch.Tensor.reshape(self, *shape)


PLANTED = plant("ViewNoError", {torch.Tensor.view: _view})
__getattr__ = module_getattr(PLANTED)
