"""Argument kinds of reductions (sum, mean, prod, max/min, amax/amin, argmax/argmin,
all/any, norm, cumsum).

Operands that must fit self are mostly made on the spot (core.made_tensor adds a
`torch.tensor(...)` statement before the one being drawn), so programs are valid most of
the time, and a live tensor of the wrong shape or dtype is picked on purpose sometimes.
"""
from __future__ import annotations

from .base import DTYPES, OMIT, _dim, _invalid
from .core import any_tensor, dtype_name, made_tensor

FLOAT_DTYPES = ["float16", "bfloat16", "float32", "float64"]


# --- reductions ----------------------------------------------------------------------------
def k_opt_dim(ctx):
    """One int dim (sometimes out of range), or left out."""
    if ctx.c.boolean(0.3):
        return OMIT
    return _dim(ctx, ctx.self_t.dim())


def k_dims(ctx):
    """A dim, a tuple/list of distinct dims (empty included), or left out."""
    c = ctx.c
    ndim = ctx.self_t.dim()
    choice = c.integer(0, 4)
    if choice == 0:
        return OMIT
    if choice == 1:
        return _dim(ctx, ndim)
    n = max(ndim, 1)
    dims = [d for d in range(n) if c.boolean(0.5)]
    dims = [d - n if c.boolean(0.3) else d for d in dims]
    order = sorted(range(len(dims)), key=lambda _: c.integer(0, 9))
    dims = [dims[i] for i in order]
    if _invalid(ctx):
        dims.append(dims[0] if dims and c.boolean() else c.choice([n, -n - 1]))
    return {"tuple": dims} if choice in (2, 4) else {"list": dims}


def k_keepdim_any(ctx):
    return ctx.c.boolean() if ctx.c.boolean(0.5) else OMIT


def k_dtype_mean(ctx):
    c = ctx.c
    if c.boolean(0.75):
        return OMIT
    if _invalid(ctx):
        return {"dtype": c.choice(["int64", "int32", "bool", "uint8"])}
    return {"dtype": c.choice(FLOAT_DTYPES)}


def k_dtype_cumsum(ctx):
    c = ctx.c
    if c.boolean(0.7):
        return OMIT
    options = [d for d in DTYPES if d != "bool"]
    return {"dtype": "bool" if _invalid(ctx) else c.choice(options)}


def k_dtype_norm(ctx):
    c = ctx.c
    if c.boolean(0.75):
        return OMIT
    own = dtype_name(ctx.self_t)
    if _invalid(ctx) or own not in FLOAT_DTYPES:
        return {"dtype": c.choice(DTYPES)}
    wider = [d for d in FLOAT_DTYPES if d == own or d == "float64"
             or (d == "float32" and own in ("float16", "bfloat16"))]
    return {"dtype": c.choice(wider)}


def k_norm_p(ctx):
    c = ctx.c
    choice = c.integer(0, 9)
    if choice == 0:
        return OMIT
    options = [1, 2, float("inf"), "fro", 2.0, 1.0, float("-inf"), 0, 3, 0.5, -1]
    if _invalid(ctx):
        # the nuclear norm is not modelled: 'nuc' only where it raises
        t = ctx.self_t
        options = ["foo", "bar"] if t.dim() >= 2 and t.dtype.is_floating_point else ["nuc", "foo"]
    return c.choice(options)


def k_norm_dim(ctx):
    c = ctx.c
    ndim = ctx.self_t.dim()
    choice = c.integer(0, 3)
    if choice == 0:
        return OMIT
    if choice == 1:
        return _dim(ctx, ndim)
    n = max(ndim, 1)
    dims = [d for d in range(n) if c.boolean(0.5)][:2 if c.boolean(0.8) else 4]
    dims = [d - n if c.boolean(0.3) else d for d in dims]
    if _invalid(ctx) and dims:
        dims.append(dims[0])
    return {"tuple": dims} if choice == 2 else {"list": dims}


def k_other_tensor(ctx):
    """A tensor that broadcasts with self (made on the spot), or any live tensor."""
    c = ctx.c
    t = ctx.self_t
    if _invalid(ctx) or c.boolean(0.2):
        return any_tensor(ctx)
    shape = list(t.shape)
    shape = [1 if s and c.boolean(0.2) else s for s in shape]
    if shape and c.boolean(0.3):
        shape = shape[c.integer(1, len(shape)):]
    dtype = dtype_name(t) if c.boolean(0.6) else c.choice(DTYPES)
    return made_tensor(ctx, shape, dtype)


def k_self_float(ctx):
    """self for ops defined on floating tensors only (mean, norm): usually a floating
    live tensor, sometimes any (their dtype errors)."""
    gen = ctx.gen
    floats = [n for n in gen.tensor_names() if gen.env[n].dtype.is_floating_point]
    if floats and ctx.c.boolean(0.75):
        newest = floats[-1]
        ctx.self_name = newest if ctx.c.boolean(0.4) else ctx.c.choice(floats)
    else:
        ctx.self_name = gen.pick_tensor()
    return {"var": ctx.self_name}
