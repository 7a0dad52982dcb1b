"""Accumulating a gradient into a leaf's .grad (torch/csrc/autograd/functions/
accumulate_grad.h accumulateGrad) and retained gradients of non-leaves (variable.cpp
retain_grad)."""
from __future__ import annotations

from .. import layout
from .grad_mode import MODE


def accumulate_into_leaf(variable, new_grad):
    """The first gradient is stored obeying the layout contract: with the variable's
    strides when it is non-overlapping and dense, contiguous otherwise. Later ones are
    added in place (the .grad object and its version change) unless the backward pass
    records (create_graph), where .grad becomes a new tensor."""
    from ..conversions import copy_
    from ..tensor import Tensor
    old = variable._grad
    if old is None:
        if layout.is_non_overlapping_and_dense(variable._sizes, variable._strides):
            g = Tensor._empty(variable._sizes, new_grad.dtype, variable._strides)
        else:
            g = Tensor._empty(variable._sizes, new_grad.dtype)
        copy_(g, new_grad)
        variable._grad = g
    elif not MODE.grad_enabled:
        old.add_(new_grad)
    else:
        variable._grad = old + new_grad


def retain(tensor, grad):
    """retain_grad's hook: a contiguous clone first, then out-of-place sums."""
    from ..views import clone, contiguous_format
    if tensor._grad is None:
        tensor._grad = clone(grad, memory_format=contiguous_format)
    else:
        tensor._grad = tensor._grad + grad
