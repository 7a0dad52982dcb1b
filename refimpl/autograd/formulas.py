"""Helpers that the ops' backward formulas share, ported from
torch/csrc/autograd/FunctionsManual.cpp. They are written with refimpl's own ops, so a
backward pass with create_graph=True records a graph of its own (higher-order
gradients)."""
from __future__ import annotations

import numpy as np


def sum_to(grad, sizes):
    """at::sum_to (aten/src/ATen/ExpandUtils.h): sum a broadcast gradient back to sizes."""
    from ..reductions import sum as sum_
    from ..views import reshape
    sizes = tuple(sizes)
    if grad._sizes == sizes:
        return grad
    lead = grad.dim() - len(sizes)
    dims = list(range(lead)) + [lead + i for i, s in enumerate(sizes)
                                if s == 1 and grad._sizes[lead + i] != 1]
    if dims:
        grad = sum_(grad, dims, keepdim=True)
    if lead:
        grad = reshape(grad, sizes)
    return grad


def as_strided_backward(grad, input_geometry, view_geometry):
    """The gradient of an input of geometry input_geometry for a view of it of
    view_geometry (sizes, strides, storage offset): each element of the view adds its
    gradient to the storage element it reads, and the input reads its elements back out
    of that storage (FunctionsManual.cpp as_strided_backward, for a non-overlapping
    input)."""
    from ..creation import zeros
    from ..indexing.advanced import index_put
    from ..shape_ops import as_strided
    from ..tensor import Tensor
    from .. import dtypes
    in_sizes, in_strides, in_offset = input_geometry
    v_sizes, v_strides, v_offset = view_geometry
    extent = 1 + max([in_offset] + [in_offset + sum((s - 1) * st for s, st in zip(in_sizes, in_strides))
                                    if all(in_sizes) else in_offset]
                     + [v_offset + sum((s - 1) * st for s, st in zip(v_sizes, v_strides))
                        if all(v_sizes) else 0])
    storage = zeros(extent, dtype=grad.dtype)
    positions = np.full(v_sizes, v_offset, dtype=np.int64)
    for d, (size, stride) in enumerate(zip(v_sizes, v_strides)):
        shape = [1] * len(v_sizes)
        shape[d] = size
        positions = positions + (np.arange(size, dtype=np.int64) * stride).reshape(shape)
    index = Tensor._from_array(positions.reshape(-1), dtypes.int64)
    from ..views import reshape
    storage = index_put(storage, [index], reshape(grad, (-1,)), accumulate=True)
    return as_strided(storage, in_sizes, in_strides, in_offset)


# --- appended for the elementwise ops ----------------------------------------------------------
def maybe_multiply(t, s):
    """FunctionsManual.cpp maybe_multiply: t itself when the Scalar s is 1 (True counts as
    1), else t * s (so no multiplication is recorded for alpha=1 under create_graph)."""
    return t if s == 1 else t * s


from .recording import NOT_IMPLEMENTED, TypeAndSize, derivative  # noqa: E402,F401

# transitional names: the core's derivative() reads metadata (<input>_sizes, ...) and
# overload variants itself
derivative_by_overload = derivative


def unsqueeze_multiple(t, dims, n_dims):
    """FunctionsManual.cpp unsqueeze_multiple: t with a size-1 dim inserted at each of
    dims (wrapped against n_dims), in increasing order."""
    from .. import layout
    from ..shape_ops import unsqueeze
    dims = [dims] if isinstance(dims, int) else list(dims)
    wanted = {layout.wrap_dim(d, n_dims) for d in dims}
    for i in range(n_dims):
        if i in wanted:
            t = unsqueeze(t, i)
    return t


def sum_backward(grad, sizes, dims, keepdim):
    """FunctionsManual.cpp sum_backward: grad (reduced over dims, or over everything when
    dims is None or empty) expanded back to sizes."""
    from ..views import expand
    sizes = tuple(sizes)
    if not keepdim and sizes:
        if dims is not None and (isinstance(dims, int) or len(dims)):
            grad = unsqueeze_multiple(grad, dims, len(sizes))
    return expand(grad, sizes)


def geometry_derivative(op, name, **formulas):
    derivative(op, name, **formulas)
    return op.__declaration__.derivative
