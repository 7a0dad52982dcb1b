"""Targets: `MODULE[:DEVICE]`, any importable module offering the torch API.

Examples: `torch:cpu`, `torch:cuda`, `torch:cuda:1`, `torch:mps`, `torch:meta`, `refimpl`,
`mybackend:xpu`: any device string the module accepts. What a device cannot show (meta:
values) is declared in conformance.devices.
A target that cannot be used (module missing, device unavailable) raises
TargetError with a one-line message; the CLI turns that into exit code 2 and pytest
into a skip.
"""
from __future__ import annotations

import functools
import importlib
from dataclasses import dataclass

from .devices import capabilities


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

    @functools.cached_property
    def capabilities(self):
        return capabilities(self.device)

    def __str__(self):
        return self.spec

    def storage_key(self, t):
        """A key equal for tensors sharing storage, or None for storages that share no
        element: empty ones (torch gives them all address 0) and those without data (an
        efficient ZeroTensor's, whose data_ptr() raises)."""
        storage = t.untyped_storage()
        if storage.nbytes() == 0:
            return None
        try:
            address = storage.data_ptr()
        except RuntimeError:  # "Attempted to access the data pointer on an invalid ... storage"
            return None
        if self.capabilities.storage_identity == "storage":
            # no data (meta: every data_ptr() is 0): the address of the c10::StorageImpl,
            # which a tensor, its views and detach() share
            return None if t._is_zerotensor() else storage._cdata
        return address

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
