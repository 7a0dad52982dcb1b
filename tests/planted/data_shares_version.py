"""Bug: .data returns a detached alias that shares the version counter, so writes through
it are seen by autograd (torch gives .data a fresh version counter)."""
import torch

from ._base import module_getattr, plant

PLANTED = plant("DataSharesVersion", {torch.Tensor.data.__get__: torch.Tensor.detach})
__getattr__ = module_getattr(PLANTED)
