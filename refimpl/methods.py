"""Binds each op module's functions as Tensor methods and operators.

Every op module ends with the tables of what it provides:
  FUNCTIONS  torch.<name>(...)        (exported by refimpl/__init__.py)
  METHODS    tensor.<name>(...)       (in-place methods end with _)
  OPERATORS  tensor.__add__ etc.      (a += b is __iadd__, i.e. a.add_(b))
"""
from __future__ import annotations

from . import (
    arithmetic, conversions, elementwise, indexing, joining, linalg, reductions, shape_ops,
    unary, views,
)
from .tensor import Tensor

OP_MODULES = (views, shape_ops, elementwise, arithmetic, unary, conversions, reductions,
              linalg, joining, indexing)


def _requires_grad_(self, requires_grad=True):
    if requires_grad and not self.dtype.is_floating_point:
        raise RuntimeError("only Tensors of floating point dtype can require gradients")
    self.requires_grad = bool(requires_grad)
    return self


def functions():
    """All torch-level functions the op modules provide."""
    out = {}
    for module in OP_MODULES:
        out.update(getattr(module, "FUNCTIONS", {}))
    return out


def bind():
    for module in OP_MODULES:
        for table in ("METHODS", "OPERATORS"):
            for name, fn in getattr(module, table, {}).items():
                setattr(Tensor, name, fn)
    Tensor.requires_grad_ = _requires_grad_
