"""Build a torch-like module whose tensors carry one patched behaviour.

The module is torch itself, except that its factories mark the tensors they make as the
module's (a `_planted_bug` attribute naming the bug). One TorchFunctionMode, pushed
once when this file is imported, routes every torch call that involves a marked tensor to
the bug's replacement where it has one (and to torch otherwise) and marks the results;
calls that involve no marked tensor (the oracle's, other tests') pass through unchanged.

The tensors stay plain torch tensors, so an unpatched module conforms exactly like torch,
autograd included (a tensor subclass would give every result an AliasBackward0 grad_fn,
as as_subclass aliases).
"""
from __future__ import annotations

import torch
from torch.overrides import TorchFunctionMode

FACTORIES = {"tensor", "as_tensor", "arange", "zeros", "ones", "full", "eye", "empty",
             "linspace", "zeros_like", "ones_like", "full_like", "empty_like"}

_PATCHES = {}   # planted name -> {torch function or Tensor method: replacement}
_PATCHED = set()  # what any of them patches


def _tensors(value):
    """The tensors in value, a call's arguments or result: nested tuples, lists and dicts
    (what torch's pytree would flatten here, at a tenth of its cost: the mode runs for every
    call on a marked tensor, the observer's t.stride() and t.tolist() included)."""
    if isinstance(value, torch.Tensor):
        yield value
    elif isinstance(value, (tuple, list)):
        for item in value:
            yield from _tensors(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _tensors(item)


def _owner(args, kwargs):
    for t in _tensors((args, kwargs)):
        name = getattr(t, "_planted_bug", None)
        if name is not None:
            return name
    return None


def _mark(result, name):
    for t in _tensors(result):
        t._planted_bug = name
    return result


class _PlantedMode(TorchFunctionMode):
    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        if func not in _PATCHED:  # most calls: the observer's reads, unpatched ops
            result = func(*args, **kwargs)
            if isinstance(result, (torch.Tensor, tuple, list)) and next(_tensors(result), None) is not None:
                name = _owner(args, kwargs)
                if name is not None:
                    _mark(result, name)
            return result
        name = _owner(args, kwargs)
        if name is None:
            return func(*args, **kwargs)
        # the mode is off while it runs: a replacement calls torch itself
        result = _PATCHES[name].get(func, func)(*args, **kwargs)
        return _mark(result, name)


_PlantedMode().__enter__()


def plant(name, patches):
    """Register a planted bug: patches ({torch function or Tensor method or property
    accessor (torch.Tensor.data.__get__): replacement})."""
    _PATCHES[name] = dict(patches)
    _PATCHED.update(patches)
    return name


def module_getattr(name):
    """A module-level __getattr__: torch's namespace, with factories making tensors of the
    planted bug `name`."""
    def __getattr__(attr):
        value = getattr(torch, attr)
        if attr in FACTORIES:
            def factory(*args, **kwargs):
                return _mark(value(*args, **kwargs), name)
            factory.__name__ = attr
            return factory
        return value
    return __getattr__


# --- nn modules ------------------------------------------------------------------------------
NN_CLASSES = ("Linear", "BatchNorm1d", "Dropout", "ReLU", "Identity", "Sequential")


def planted_nn(bug):
    """A torch.nn namespace whose module classes (NN_CLASSES) carry the methods of the class
    bug: each is a subclass of torch's with bug first in its bases, under torch's name (so
    its repr is torch's). nn.Module, nn.Parameter and nn.functional stay torch's."""
    import types
    namespace = types.ModuleType("planted_nn")
    namespace.__dict__.update({k: v for k, v in vars(torch.nn).items() if not k.startswith("__")})
    for name in NN_CLASSES:
        base = getattr(torch.nn, name)
        setattr(namespace, name, type(name, (bug, base), {"__module__": base.__module__}))
    return namespace
