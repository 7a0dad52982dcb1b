"""Grad mode and inference mode: the one place refimpl reads whether autograd records.

Ported from c10/core/GradMode.h (a thread-local flag), c10/core/InferenceMode.h and the
Python context managers of torch/autograd/grad_mode.py: no_grad, enable_grad and
inference_mode work as context managers and as decorators; set_grad_enabled(mode) sets
the mode when it is called (so it also works as a plain function) and restores the
previous one when used as a context manager or decorator.
"""
from __future__ import annotations

import functools


class _Mode:
    """The process's modes (refimpl runs one thread)."""
    grad_enabled = True
    inference = False


MODE = _Mode()


def is_grad_enabled():
    return MODE.grad_enabled


def is_inference_mode_enabled():
    return MODE.inference


class _DecoratorContextManager:
    """A context manager that is also a decorator (torch.utils._contextlib)."""

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapped(*args, **kwargs):
            with self.clone():
                return fn(*args, **kwargs)
        return wrapped

    def clone(self):
        return type(self)()


class _GradModeBlock(_DecoratorContextManager):
    """Grad mode set to `enabled` inside the block, the previous one restored after."""
    enabled = None

    def __enter__(self):
        self.prev = MODE.grad_enabled
        MODE.grad_enabled = self.enabled

    def __exit__(self, *exc):
        MODE.grad_enabled = self.prev
        return False


class no_grad(_GradModeBlock):
    enabled = False


class enable_grad(_GradModeBlock):
    enabled = True


class set_grad_enabled(_DecoratorContextManager):
    """Sets the mode at once; restores the previous one on exit."""

    def __init__(self, mode):
        if not isinstance(mode, bool):
            raise TypeError(f"set_grad_enabled(): argument 'mode' must be bool, not "
                            f"{type(mode).__name__}")
        self.prev = MODE.grad_enabled
        self.mode = mode
        MODE.grad_enabled = mode

    def __call__(self, fn):
        MODE.grad_enabled = self.prev  # as a decorator it only applies inside fn
        return super().__call__(fn)

    def clone(self):
        return set_grad_enabled(self.mode)

    def __enter__(self):
        pass

    def __exit__(self, *exc):
        MODE.grad_enabled = self.prev
        return False


class inference_mode(_DecoratorContextManager):
    """Inference mode: no recording, and tensors made inside are inference tensors
    (c10/core/InferenceMode.h); inference_mode(False) inside it turns it off again."""

    def __init__(self, mode=True):
        self.mode = mode

    def clone(self):
        return inference_mode(self.mode)

    def __enter__(self):
        self.prev = (MODE.grad_enabled, MODE.inference)
        if self.mode:
            MODE.grad_enabled, MODE.inference = False, True
        else:
            MODE.inference = False
            MODE.grad_enabled = True if self.prev[1] else MODE.grad_enabled

    def __exit__(self, *exc):
        MODE.grad_enabled, MODE.inference = self.prev
        return False
