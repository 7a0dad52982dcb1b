"""Bug: state_dict() leaves the buffers out (BatchNorm1d's running statistics are lost)."""
from ._base import module_getattr, plant, planted_nn


class _ParametersOnly:
    def _save_to_state_dict(self, destination, prefix, keep_vars):
        for name, param in self._parameters.items():
            if param is not None:
                destination[prefix + name] = param if keep_vars else param.detach()


PLANTED = plant("BufferMissingFromStateDict", {})
nn = planted_nn(_ParametersOnly)
__getattr__ = module_getattr(PLANTED)
