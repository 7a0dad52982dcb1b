"""Bug: requires_grad_(False) on a module leaves its parameters requiring grad, so a frozen
layer still gets grads and SGD steps still update it."""
from ._base import module_getattr, plant, planted_nn


class _FreezeIgnored:
    def requires_grad_(self, requires_grad=True):
        return self


PLANTED = plant("FrozenParameterUpdated", {})
nn = planted_nn(_FreezeIgnored)
__getattr__ = module_getattr(PLANTED)
