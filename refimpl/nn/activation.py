"""torch.nn.ReLU, following torch/nn/modules/activation.py."""
from __future__ import annotations

from . import functional as F
from .module import Module


class ReLU(Module):
    """max(0, x) elementwise; in place when inplace."""

    def __init__(self, inplace=False):
        super().__init__()
        self.inplace = inplace

    def forward(self, input):
        return F.relu(input, inplace=self.inplace)

    def extra_repr(self):
        return "inplace=True" if self.inplace else ""
