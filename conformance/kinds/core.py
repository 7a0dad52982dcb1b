"""Argument kinds of the core ops: factories, views, elementwise, sum."""
from __future__ import annotations

import math

from .base import (
    kind, tensor_literal,
    DTYPES, FLOAT_EDGES, FLOAT_LIMITS, INT_RANGES, OMIT, Splat, _as_shape_arg, _dim,
    _factorize, _invalid, _nest, _element, _other, _scalar, _shape,
)

# how tensor data is drawn: "limits" mixes values near the dtype's limits into plain ones
DATA_FLAVORS = ["plain", "plain", "edge", "random", "limits"]


def data_element(c, dtype, flavor):
    """One element of drawn tensor data: for the "limits" flavor and a float dtype, half
    the time a value near that dtype's limits (FLOAT_LIMITS), of either sign."""
    if flavor == "limits":
        if dtype in FLOAT_LIMITS and c.boolean(0.5):
            value = c.choice(FLOAT_LIMITS[dtype])
            return -value if c.boolean(0.3) else value
        flavor = "plain"
    return _element(c, dtype, flavor)


@kind(shares=("data_dtype",))
def k_data(ctx):
    c = ctx.c
    dtype = c.choice(DTYPES)
    ctx.share("data_dtype", dtype)
    shape = _shape(c)
    flavor = c.choice(DATA_FLAVORS)
    flat = [data_element(c, dtype, flavor) for _ in range(math.prod(shape))]
    if dtype in INT_RANGES and _invalid(ctx) and flat:
        flat[0] = INT_RANGES[dtype][1] + 1  # out of range: torch refuses it
    return _nest(flat, shape)


@kind(reads=("data_dtype",))
def k_dtype(ctx):
    """The dtype of the data drawn just before (mostly), or any."""
    c = ctx.c
    data_dtype = ctx.take("data_dtype")
    if data_dtype is not None:
        if c.boolean(0.75) or data_dtype in ("uint8", "int8", "int16", "int32",
                                             "float16", "bfloat16", "float64"):
            return {"dtype": data_dtype}
        return OMIT
    return {"dtype": c.choice(DTYPES)} if c.boolean(0.5) else OMIT


def k_dtype_arange(ctx):
    c = ctx.c
    if c.boolean(0.6):
        return OMIT
    options = ["float32", "float64", "float16"]
    if not any(isinstance(a, float) for a in ctx.args):
        options += ["int64", "int32", "int16", "uint8", "bool"]
    return {"dtype": c.choice(options)}


def k_dtype_sum(ctx):
    return {"dtype": ctx.c.choice(DTYPES)} if ctx.c.boolean(0.2) else OMIT


def k_size(ctx):
    c = ctx.c
    sizes = _shape(c)
    if _invalid(ctx):
        sizes = sizes + [-1]
    return _as_shape_arg(ctx, sizes)


def k_size_tuple(ctx):
    c = ctx.c
    sizes = _shape(c)
    if _invalid(ctx):
        sizes = sizes + [-2]
    return {"tuple": sizes} if c.boolean() else {"list": sizes}


def k_fill_value(ctx):
    c = ctx.c
    if c.boolean(0.3):
        return c.choice(FLOAT_EDGES)
    return _scalar(c)


def k_arange_args(ctx):
    c = ctx.c
    floats = c.boolean(0.3)

    def num(lo, hi):
        return c.integer(lo * 4, hi * 4) / 4.0 if floats else c.integer(lo, hi)
    start, end, step = num(-5, 5), num(-5, 12), c.choice([1, 2, 3, -1, -2] if not floats
                                                        else [0.5, 1.5, -0.75, 2.0])
    if _invalid(ctx):
        step = 0
    elif (step > 0) != (end >= start):
        start, end = end, start
    n = c.integer(1, 3)
    if n == 1:
        return Splat([abs(end)])
    if n == 2:
        return Splat([min(start, end), max(start, end)])
    return Splat([start, end, step])


def k_eye_args(ctx):
    c = ctx.c
    n = -1 if _invalid(ctx) else c.integer(0, 5)
    return Splat([n] if c.boolean() else [n, c.integer(0, 5)])


def k_self(ctx):
    ctx.self_name = ctx.gen.pick_tensor()
    return {"var": ctx.self_name}


def k_dim(ctx):
    return _dim(ctx, ctx.self_t.dim())


def k_perm(ctx):
    c = ctx.c
    ndim = ctx.self_t.dim()
    perm = list(range(ndim))
    for i in range(ndim - 1, 0, -1):
        j = c.integer(0, i)
        perm[i], perm[j] = perm[j], perm[i]
    perm = [d - ndim if c.boolean(0.2) else d for d in perm]
    if _invalid(ctx):
        perm = perm[:-1] if perm and c.boolean() else perm + [0]
    return _as_shape_arg(ctx, perm) if perm else {"tuple": []}


def k_view_shape(ctx):
    c = ctx.c
    numel = ctx.self_t.numel()
    shape = _factorize(c, numel)
    if _invalid(ctx):
        shape = shape + [2] if numel else [3]
    elif shape and numel and c.boolean(0.3):
        shape[c.integer(0, len(shape) - 1)] = -1
    return _as_shape_arg(ctx, shape) if shape else {"tuple": []}


k_reshape_shape = k_view_shape


def k_narrow_args(ctx):
    c = ctx.c
    t = ctx.self_t
    d = _dim(ctx, t.dim())
    size = t.shape[d] if -t.dim() <= d < t.dim() else 1
    start = c.integer(-size, size) if size else 0
    begin = start + size if start < 0 else start
    length = c.integer(0, max(size - begin, 0))
    if _invalid(ctx):
        length = size - begin + 1
    return Splat([d, start, length])


def k_expand_shape(ctx):
    c = ctx.c
    sizes = list(ctx.self_t.shape)
    out = [c.integer(1, 3) for _ in range(c.choice([0, 0, 1, 2]))]
    for s in sizes:
        if s == 1:
            out.append(c.choice([1, 2, 3, -1]))
        else:
            out.append(-1 if c.boolean(0.3) else s)
    if _invalid(ctx) and out:
        i = c.integer(0, len(out) - 1)
        out[i] = (out[i] if out[i] > 0 else 1) + 1
    return _as_shape_arg(ctx, out) if out else {"tuple": []}


def k_memory_format(ctx):
    c = ctx.c
    options = ["preserve_format", "contiguous_format"]
    if ctx.self_t.dim() == 4 or _invalid(ctx):
        options.append("channels_last")
    return OMIT if c.boolean(0.4) else {"memory_format": c.choice(options)}


def k_memory_format_contiguous(ctx):
    c = ctx.c
    if c.boolean(0.7):
        return OMIT
    return {"memory_format": "channels_last" if ctx.self_t.dim() == 4 else "contiguous_format"}


def k_other(ctx):
    return _other(ctx, ctx.inplace)


def k_alpha(ctx):
    c = ctx.c
    if c.boolean(0.6):
        return OMIT
    return c.choice([2, -1, 0, 3, 0.5, -1.5, True])


def k_sum_dim(ctx):
    c = ctx.c
    ndim = ctx.self_t.dim()
    choice = c.integer(0, 3)
    if choice == 0:
        return OMIT
    if choice == 1:
        return _dim(ctx, ndim)
    dims = sorted({_dim(ctx, ndim) % max(ndim, 1) for _ in range(c.integer(1, max(ndim, 1)))})
    if _invalid(ctx) and dims:
        dims.append(dims[0])
    return {"tuple": dims} if choice == 2 else {"list": dims}


def k_keepdim(ctx):
    if len(ctx.args) < 2:  # sum(input) has no keepdim
        return OMIT
    return ctx.c.boolean() if ctx.c.boolean(0.6) else OMIT


# --- operands made on the spot (shared by the reduction, linalg and joining kinds) ------
def dtype_name(t):
    return str(t.dtype).replace("torch.", "")


def made_tensor(ctx, shape, dtype):
    """Add `vN = torch.tensor(data, dtype=...)` (or torch.zeros for empty shapes) before
    the statement being drawn; return its encoded reference."""
    c = ctx.c
    flavor = c.choice(DATA_FLAVORS)
    flat = [data_element(c, dtype, flavor) for _ in range(math.prod(shape))]
    return tensor_literal(ctx, flat, shape, dtype)


def any_tensor(ctx):
    return {"var": ctx.c.choice(ctx.gen.tensor_names())}
