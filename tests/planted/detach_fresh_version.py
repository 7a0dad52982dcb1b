"""Bug: detach() shares storage but not the version counter."""
import torch

from ._base import module_getattr, plant

_data = torch.Tensor.data


def detach(self):
    return _data.__get__(self)  # same storage, a version counter of its own


PLANTED = plant("DetachFreshVersion", {torch.Tensor.detach: detach})
__getattr__ = module_getattr(PLANTED)
