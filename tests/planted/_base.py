"""Build a torch-like module whose tensors carry one patched behaviour.

Tensors made by the module's factories are a torch.Tensor subclass; its
__torch_function__ routes the patched functions/methods to a replacement and everything
else to torch unchanged (so an unpatched module must conform exactly like torch).
"""
from __future__ import annotations

import torch

FACTORIES = {"tensor", "as_tensor", "arange", "zeros", "ones", "full", "eye", "empty",
             "linspace", "zeros_like", "ones_like", "full_like", "empty_like"}


def make_tensor_class(name, patches):
    """patches: {torch function or Tensor method: replacement(*args, **kwargs)}."""

    class Planted(torch.Tensor):
        @classmethod
        def __torch_function__(cls, func, types, args=(), kwargs=None):
            kwargs = kwargs or {}
            replacement = patches.get(func)
            if replacement is None:
                return super().__torch_function__(func, types, args, kwargs)
            with torch._C.DisableTorchFunctionSubclass():
                result = replacement(*args, **kwargs)
            return _wrap(result, cls)

    # named Tensor, as torch's parser names a tensor's type in its TypeErrors
    # ("got (Tensor, str)"), so that only the planted bug differs from torch
    Planted.__name__ = Planted.__qualname__ = "Tensor"
    Planted.planted_name = name
    return Planted


def _wrap(result, cls):
    if isinstance(result, torch.Tensor) and not isinstance(result, cls):
        return result.as_subclass(cls)
    if isinstance(result, tuple):
        return type(result)(_wrap(r, cls) for r in result) if not hasattr(result, "_fields") \
            else type(result)(*(_wrap(r, cls) for r in result))
    return result


def module_getattr(cls):
    """A module-level __getattr__: torch's namespace, with factories returning cls."""
    def __getattr__(name):
        value = getattr(torch, name)
        if name in FACTORIES:
            def factory(*args, **kwargs):
                # requires_grad is set on the subclass tensor itself, so it is the leaf
                requires_grad = kwargs.pop("requires_grad", False)
                return value(*args, **kwargs).as_subclass(cls).requires_grad_(requires_grad)
            factory.__name__ = name
            return factory
        return value
    return __getattr__
