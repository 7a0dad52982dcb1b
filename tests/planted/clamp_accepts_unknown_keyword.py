"""Bug: clamp (torch.clamp and Tensor.clamp) silently drops keyword arguments it does not know (torch's argument
parser refuses them with a TypeError: "clamp() got an unexpected keyword argument ...")."""
import torch

from ._base import module_getattr, plant


def _clamp(self, *args, **kwargs):
    known = {k: v for k, v in kwargs.items() if k in ("min", "max", "out")}
    return torch.clamp(self, *args, **known)


PLANTED = plant("ClampAcceptsUnknownKeyword",
                                  {torch.Tensor.clamp: _clamp, torch.clamp: _clamp})
__getattr__ = module_getattr(PLANTED)
