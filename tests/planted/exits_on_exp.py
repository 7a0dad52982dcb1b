"""A target whose exp raises what no statement may raise (SystemExit is not an Exception,
so it is not an observed error): a campaign must record a crash and go on."""
import torch

from ._base import module_getattr, plant


def _exit(*args, **kwargs):
    raise SystemExit(7)


PLANTED = plant("ExitsOnExp", {torch.Tensor.exp: _exit, torch.exp: _exit})
__getattr__ = module_getattr(PLANTED)
