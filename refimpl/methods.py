"""Binds the op functions as Tensor methods and operators, in one visible table.

Function form: refimpl.add(a, b); method form: a.add(b); in-place: a.add_(b);
operators: a + b, a += b (which is a.add_(b) returning a).
"""
from __future__ import annotations

from . import elementwise, reductions, views
from .tensor import Tensor

METHODS = {
    # views and copies
    "view": views.view, "reshape": views.reshape, "transpose": views.transpose,
    "t": views.t, "permute": views.permute, "narrow": views.narrow, "expand": views.expand,
    "contiguous": views.contiguous, "clone": views.clone, "detach": views.detach,
    # elementwise
    "add": elementwise.add, "add_": elementwise.add_, "mul": elementwise.mul,
    "mul_": elementwise.mul_, "neg": elementwise.neg, "neg_": elementwise.neg_,
    "exp": elementwise.exp, "exp_": elementwise.exp_, "sigmoid": elementwise.sigmoid,
    "sigmoid_": elementwise.sigmoid_,
    # reductions
    "sum": reductions.sum,
}


def _requires_grad_(self, requires_grad=True):
    if requires_grad and not self.dtype.is_floating_point:
        raise RuntimeError("only Tensors of floating point and complex dtype can require gradients")
    self.requires_grad = bool(requires_grad)
    return self


def _iadd(self, other):
    return elementwise.add_(self, other)


def _imul(self, other):
    return elementwise.mul_(self, other)


OPERATORS = {
    "__add__": elementwise.add, "__radd__": elementwise.add,
    "__mul__": elementwise.mul, "__rmul__": elementwise.mul,
    "__neg__": elementwise.neg,
    "__iadd__": _iadd, "__imul__": _imul,
    "requires_grad_": _requires_grad_,
}


def bind():
    for name, fn in {**METHODS, **OPERATORS}.items():
        setattr(Tensor, name, fn)
