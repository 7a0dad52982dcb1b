"""A target whose exp is wrong one call in two, at random: its divergences are flaky (the
same program, run again, may agree) and must be kept apart from deterministic ones."""
import random

import torch

from ._base import module_getattr, plant

_chance = random.Random()


def _exp(input, *args, **kwargs):
    result = torch.exp(input, *args, **kwargs)
    if _chance.random() < 0.5 and result.is_floating_point():
        result = result + 1
    return result


def _method(self, *args, **kwargs):
    return _exp(self, *args, **kwargs)


PLANTED = plant("FlakyExp", {torch.Tensor.exp: _method, torch.exp: _exp})
__getattr__ = module_getattr(PLANTED)
