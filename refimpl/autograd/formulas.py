"""Helpers that the ops' backward formulas share, ported from
torch/csrc/autograd/FunctionsManual.cpp. They are written with refimpl's own ops, so a
backward pass with create_graph=True records a graph of its own (higher-order
gradients)."""
from __future__ import annotations


def sum_to(grad, sizes):
    """at::sum_to (aten/src/ATen/ExpandUtils.h): sum a broadcast gradient back to sizes."""
    from ..reductions import sum as sum_
    from ..views import reshape
    sizes = tuple(sizes)
    if not sizes:  # to a 0-dim shape: a plain full sum, a new tensor even from a 0-dim one
        return sum_(grad)
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


# --- scalars ---------------------------------------------------------------------------------------
def scalar_minus(x, t):
    """`x - t` for a C++ Scalar x (ATen/TensorOperators.h): empty_like(t).fill_(x).sub_(t),
    so the subtraction is in t's dtype (two bool tensors are refused)."""
    from ..creation import empty_like
    from ..views import preserve_format
    return empty_like(t, memory_format=preserve_format).fill_(x).sub_(t)


def maybe_multiply(t, s):
    """FunctionsManual.cpp maybe_multiply: t itself when the Scalar s is 1 (True counts as
    1), else t * s (so no multiplication is recorded for alpha=1 under create_graph)."""
    return t if s == 1 else t * s


def unsqueeze_multiple(t, dims, n_dims):
    """FunctionsManual.cpp unsqueeze_multiple: t with a size-1 dim inserted at each of
    dims (wrapped against n_dims), in increasing order."""
    from .. import layout
    from ..shape_ops import unsqueeze
    dims = [dims] if isinstance(dims, int) else list(dims)
    if not dims:
        return t
    if len(dims) == 1:  # the one-dim shortcut: wrapped against t, not n_dims
        return unsqueeze(t, dims[0])
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
