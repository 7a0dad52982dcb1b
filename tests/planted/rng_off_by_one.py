"""Bug: manual_seed(s) leaves the stream one 32-bit draw past where mt19937(s) starts."""
import torch

from ._base import module_getattr, plant


def manual_seed(seed):
    generator = torch.manual_seed(seed)
    torch.randint(0, 2, (1,))   # one random() draw
    return generator


PLANTED = plant("RngOffByOne", {})
__getattr__ = module_getattr(PLANTED)
