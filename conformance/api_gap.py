"""How much of the torch API refimpl models: the public functions of `torch` and the
public methods of `torch.Tensor` in the installed torch (a target's worker lists them, so
the count is of the torch that target ran), against what refimpl offers by the same name.
"""
from __future__ import annotations

import types


def api_names(torch) -> dict:
    """The public API of a torch module: {"functions": [...], "methods": [...]} (callables
    only; classes, submodules and dunders left out)."""
    functions = []
    for name in dir(torch):
        if name.startswith("_"):
            continue
        value = getattr(torch, name, None)
        if callable(value) and not isinstance(value, (type, types.ModuleType)):
            functions.append(name)
    tensor = getattr(torch, "Tensor", None)
    methods = [name for name in dir(tensor) if not name.startswith("_")
               and callable(getattr(tensor, name, None))] if tensor is not None else []
    return {"functions": sorted(functions), "methods": sorted(methods)}


def api_gap(names: dict, torch_version: str) -> dict:
    """What of the listed API refimpl does not model, counted."""
    import refimpl
    out = {"torch_version": torch_version}
    for kind, owner in (("functions", refimpl), ("methods", refimpl.Tensor)):
        listed = names.get(kind, [])
        missing = [n for n in listed if not hasattr(owner, n)]
        out[kind] = {"total": len(listed), "modelled": len(listed) - len(missing),
                     "missing": missing}
    return out
