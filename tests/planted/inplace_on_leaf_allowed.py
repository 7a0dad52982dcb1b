"""Bug: in-place ops on a leaf that requires grad are allowed (run untracked)."""
import torch

from ._base import module_getattr, plant


def _untracked_on_leaves(method):
    def patched(self, *args, **kwargs):
        if self.is_leaf and self.requires_grad and torch.is_grad_enabled():
            with torch.no_grad():
                return method(self, *args, **kwargs)
        return method(self, *args, **kwargs)
    return patched


_METHODS = (torch.Tensor.add_, torch.Tensor.mul_, torch.Tensor.sub_, torch.Tensor.zero_,
            torch.Tensor.__iadd__, torch.Tensor.__imul__, torch.Tensor.__isub__)
PLANTED = plant("InplaceOnLeafAllowed",
                                  {m: _untracked_on_leaves(m) for m in _METHODS})
__getattr__ = module_getattr(PLANTED)
