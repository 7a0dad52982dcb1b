"""Accumulating a gradient into a leaf's .grad (torch/csrc/autograd/functions/
accumulate_grad.h accumulateGrad) and retained gradients of non-leaves (variable.cpp
retain_grad)."""
from __future__ import annotations

from .. import layout
from .grad_mode import MODE


def obeys_layout_contract(grad, variable):
    """torch/csrc/autograd/functions/utils.h obeys_layout_contract: a dense variable's
    gradient has its strides (size-1 dims aside, unless 0-strided); any other variable's
    is contiguous."""
    if layout.is_non_overlapping_and_dense(variable._sizes, variable._strides):
        # .data = may have changed the variable's rank: torch compares each of the grad's
        # dims with variable.strides()[i], reading past the end of a shorter list into
        # c10's inline SizesAndStrides slots. What it finds there in practice: the 1 a
        # 0-dim tensor's first slot keeps, and past a real stride nothing that matches.
        # (A size-1 dim of the grad reads no variable stride.)
        strides = variable._strides + ((1,) if not variable._strides else ())
        for i, (size, gs) in enumerate(zip(grad._sizes, grad._strides)):
            if size == 1:
                if gs == 0:
                    return False
            elif i >= len(strides) or gs != strides[i]:
                return False
        return True
    return layout.is_contiguous(grad._sizes, grad._strides)


def accumulate_into_leaf(variable, new_grad):
    """The first gradient is kept as it is when nothing else holds it and it obeys the
    layout contract (torch steals it: .grad shares its memory and version), else copied
    into a tensor that obeys it: the variable's strides when it is non-overlapping and
    dense, contiguous otherwise. Later ones are added in place (the .grad object and its
    version change) unless the backward pass records (create_graph), where .grad becomes
    a new tensor.

    The version of a fresh .grad is left unspecified (as that of the gradients
    autograd.grad returns): it counts the in-place steps inside torch's backward formulas
    (masked_fill_, zero_, in-place buffer sums), implementation details refimpl follows
    where it knows them but does not claim to count."""
    from ..conversions import copy_
    from ..tensor import Tensor
    from ..views import detach
    from .engine import sole_holder
    old = variable._grad
    if old is not None:
        if not MODE.grad_enabled:
            old.add_(new_grad)
            return
        variable._grad = old + new_grad
    elif (not MODE.grad_enabled and sole_holder(new_grad, 5, storage=False)
            and obeys_layout_contract(new_grad, variable)):
        variable._grad = detach(new_grad)
    else:
        if layout.is_non_overlapping_and_dense(variable._sizes, variable._strides):
            g = Tensor._empty(variable._sizes, new_grad.dtype, variable._strides)
        else:
            g = Tensor._empty(variable._sizes, new_grad.dtype)
        copy_(g, new_grad)  # clone_obey_contract (made in inference mode: an inference tensor)
        variable._grad = g
    variable._grad._version_counter.unspecified = True


def retain(tensor, grad):
    """retain_grad's hook: a contiguous clone first, then out-of-place sums."""
    from ..views import clone, contiguous_format
    if tensor._grad is None:
        tensor._grad = clone(grad, memory_format=contiguous_format)
    else:
        tensor._grad = tensor._grad + grad
