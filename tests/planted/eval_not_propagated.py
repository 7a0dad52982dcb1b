"""Bug: train(mode) / eval() set the module's own flag and not its children's (a Dropout in
an eval()ed Sequential keeps dropping)."""
from ._base import module_getattr, plant, planted_nn


class _OwnFlagOnly:
    def train(self, mode=True):
        if not isinstance(mode, bool):
            raise ValueError("training mode is expected to be boolean")
        self.training = mode
        return self


PLANTED = plant("EvalNotPropagated", {})
nn = planted_nn(_OwnFlagOnly)
__getattr__ = module_getattr(PLANTED)
