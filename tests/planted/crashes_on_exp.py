"""A target that dies like a segfault (no Python exception) when exp is called: the
campaign's results.jsonl must keep what was gathered, and `report` must rebuild it."""
import os

import torch

from ._base import module_getattr, plant


def _die(*args, **kwargs):
    os._exit(139)


PLANTED = plant("CrashesOnExp", {torch.Tensor.exp: _die, torch.exp: _die})
__getattr__ = module_getattr(PLANTED)
