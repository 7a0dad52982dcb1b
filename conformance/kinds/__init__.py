"""Argument kinds, collected from every module of this package (one module per area)."""
from __future__ import annotations

import importlib
import pkgutil

from .base import OMIT, Ctx, KindProtocolError, Splat, kind  # noqa: F401


def _collect():
    kinds = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name == "base":
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        for name, fn in vars(module).items():
            if name.startswith("k_") and callable(fn):
                if name[2:] in kinds and kinds[name[2:]] is not fn:
                    raise ImportError(f"argument kind {name[2:]!r} defined twice "
                                      f"({info.name} and another module)")
                kinds[name[2:]] = fn
    return kinds


ARG_KINDS = _collect()
