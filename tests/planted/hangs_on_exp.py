"""A target that never returns from exp (a deadlock, say): a campaign must record a
timeout, restart the target's worker and go on."""
import time

import torch

from ._base import module_getattr, plant


def _hang(*args, **kwargs):
    while True:
        time.sleep(60)


PLANTED = plant("HangsOnExp", {torch.Tensor.exp: _hang, torch.exp: _hang})
__getattr__ = module_getattr(PLANTED)
