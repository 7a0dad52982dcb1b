"""torch.nn.Parameter: a Tensor that a Module registers when it is assigned as an attribute.

Follows torch/nn/parameter.py (Parameter.__new__, __repr__) and, for what the new tensor
is, Tensor._make_subclass (torch/csrc/autograd/python_variable.cpp): a new tensor on the
data's storage and version counter (as data.detach() gives), without history, a leaf,
with requires_grad as given. Operations on a Parameter return plain Tensors, since
refimpl's ops build their results as Tensor.
"""
from __future__ import annotations

import refimpl

from ..tensor import Tensor


class Parameter(Tensor):
    """Parameter(data=None, requires_grad=True)."""

    def __init__(self, data=None, requires_grad=True):
        if data is None:
            data = refimpl.empty(0)
        detached = data.detach()
        super().__init__(detached._storage, detached._offset, detached._sizes,
                         detached._strides, detached.dtype, detached._version_counter)
        self._is_inference = detached._is_inference
        # _make_subclass calls set_requires_grad, whose message starts with a capital
        self._set_requires_grad(bool(requires_grad), "Only Tensors of floating point and "
                                "complex dtype can require gradients")

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()

    __str__ = __repr__
