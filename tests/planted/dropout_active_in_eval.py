"""Bug: Dropout drops in eval mode too."""
import torch

from ._base import module_getattr, plant, planted_nn


class _AlwaysTraining:
    def forward(self, input):
        if isinstance(self, torch.nn.Dropout):
            return torch.nn.functional.dropout(input, self.p, True, self.inplace)
        return super().forward(input)


PLANTED = plant("DropoutActiveInEval", {})
nn = planted_nn(_AlwaysTraining)
__getattr__ = module_getattr(PLANTED)
