"""Targets: `MODULE[:DEVICE]`, any importable module offering the torch API.

Examples: `torch:cpu`, `torch:cuda`, `torch:cuda:1`, `refimpl`, `mybackend:xpu`.
A target that cannot be used (module missing, device unavailable) raises
TargetError with a one-line message; the CLI turns that into exit code 2 and pytest
into a skip.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass


class TargetError(Exception):
    """A target spec that cannot be used here."""


@dataclass
class Target:
    spec: str
    module_name: str
    device: str | None
    module: object

    @property
    def is_refimpl(self):
        return self.module_name == "refimpl"

    def __str__(self):
        return self.spec

    def storage_key(self, t):
        """A key equal for tensors sharing storage, or None for empty storages
        (an empty storage shares no element, and torch gives them all address 0)."""
        storage = t.untyped_storage()
        if storage.nbytes() == 0:
            return None
        return storage.data_ptr()

    def torch_version(self):
        return getattr(self.module, "__version__", "unknown")


def parse_target(spec: str) -> Target:
    """Import the module and check that the device exists."""
    if not spec or spec.startswith(":"):
        raise TargetError(f"bad target {spec!r}: expected MODULE[:DEVICE], e.g. torch:cpu")
    module_name, _, device = spec.partition(":")
    device = device or None
    try:
        module = importlib.import_module(module_name)
    except ImportError as e:
        raise TargetError(f"target {spec!r}: cannot import module {module_name!r} ({e})") from None
    if module_name == "refimpl":
        if device not in (None, "cpu"):
            raise TargetError(f"target {spec!r}: refimpl only models the cpu device")
        device = None
    if not hasattr(module, "tensor"):
        raise TargetError(f"target {spec!r}: module {module_name!r} does not offer the torch API "
                          "(no tensor() function)")
    if device is not None:
        _check_device(spec, module, device)
    return Target(spec=spec, module_name=module_name, device=device, module=module)


def _check_device(spec, module, device):
    kind = device.split(":")[0]
    backend = getattr(module, kind, None)
    is_available = getattr(backend, "is_available", None)
    if callable(is_available) and not is_available():
        raise TargetError(f"target {spec!r}: device {device!r} is not available on this machine")
    try:
        module.zeros(1, device=device)
    except Exception as e:  # noqa: BLE001 - any failure means the device is unusable
        msg = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise TargetError(f"target {spec!r}: cannot create a tensor on {device!r}: {msg}") from None
