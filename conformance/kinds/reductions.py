"""Argument kinds of reductions (mean, prod, max/min, amax/amin, argmax/argmin, all/any,
norm, cumsum), linear algebra (matmul, mm, bmm, mv, dot, outer) and joining (cat, stack).

Operands that must fit self (a matrix of matching inner size, tensors to concatenate)
are mostly made on the spot: the kind adds a `torch.tensor(...)` statement before the
one being drawn, so programs are valid most of the time, and sometimes picks a live
tensor of the wrong shape or dtype on purpose.
"""
from __future__ import annotations

import math

from .base import DTYPES, OMIT, _dim, _invalid, kind, tensor_literal
from .core import DATA_FLAVORS, data_element

FLOAT_DTYPES = ["float16", "bfloat16", "float32", "float64"]
MATMUL_DTYPES = ["float32", "float32", "float64", "float16", "bfloat16", "int64", "int32",
                 "int8", "uint8", "int16"]


def _dtype_name(t):
    return str(t.dtype).replace("torch.", "")


def _make_tensor(ctx, shape, dtype):
    """Add `vN = torch.tensor(data, dtype=...)` (or torch.zeros for empty shapes) before
    the statement being drawn; return its encoded reference."""
    c = ctx.c
    flavor = c.choice(DATA_FLAVORS)
    flat = [data_element(c, dtype, flavor) for _ in range(math.prod(shape))]
    return tensor_literal(ctx, flat, shape, dtype)


def _any_tensor(ctx):
    return {"var": ctx.c.choice(ctx.gen.tensor_names())}


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
    own = _dtype_name(ctx.self_t)
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
        return _any_tensor(ctx)
    shape = list(t.shape)
    shape = [1 if s and c.boolean(0.2) else s for s in shape]
    if shape and c.boolean(0.3):
        shape = shape[c.integer(1, len(shape)):]
    dtype = _dtype_name(t) if c.boolean(0.6) else c.choice(DTYPES)
    return _make_tensor(ctx, shape, dtype)


# --- linear algebra ------------------------------------------------------------------------
def _self_dtype(ctx):
    return _dtype_name(ctx.self_t)


def _mm_dtype(ctx):
    """Usually self's dtype (mm, bmm, mv and dot need equal dtypes), sometimes another."""
    c = ctx.c
    if _invalid(ctx):
        return c.choice(DTYPES)
    return _self_dtype(ctx)


def _inner(ctx, size):
    """The contraction size the other operand needs (off by one when invalid on purpose)."""
    return size + 1 if _invalid(ctx) else size


def _batch_like(ctx, batch):
    """Batch dims that broadcast with `batch`: some dropped, some set to 1, some added."""
    c = ctx.c
    out = [1 if c.boolean(0.25) else b for b in batch]
    if out and c.boolean(0.3):
        out = out[c.integer(1, len(out)):]
    if len(out) < 2 and c.boolean(0.2):
        out = [c.integer(1, 3)] + out if not batch else out
    if _invalid(ctx) and out:
        out[0] = out[0] + 1
    return out


def k_matmul_other(ctx):
    """A second matmul operand of rank 1-4 that fits self (batch dims broadcast)."""
    c = ctx.c
    t = ctx.self_t
    if t.dim() == 0 or c.boolean(0.05):
        return _any_tensor(ctx)
    k = t.shape[-1]
    batch = list(t.shape[:-2])
    rank = c.choice([1, 2, 2, 3, 4]) if t.dim() <= 2 else c.choice([1, 2, 3, t.dim(), 4])
    p = c.integer(0, 4) if c.boolean(0.1) else c.integer(1, 4)
    if rank == 1:
        shape = [_inner(ctx, k)]
    else:
        extra = _batch_like(ctx, batch)[-(rank - 2):] if rank > 2 else []
        while len(extra) < rank - 2:
            extra = [c.integer(1, 3)] + extra
        shape = extra + [_inner(ctx, k), p]
    return _make_tensor(ctx, shape, _mm_dtype(ctx))


def k_mat(ctx):
    """A matrix whose first dim is self's last (mm), of self's dtype."""
    c = ctx.c
    t = ctx.self_t
    if t.dim() != 2 or c.boolean(0.03):
        return _any_tensor(ctx)
    return _make_tensor(ctx, [_inner(ctx, t.shape[1]), c.integer(0, 4) if c.boolean(0.1)
                              else c.integer(1, 4)], _mm_dtype(ctx))


def k_batch_mat(ctx):
    c = ctx.c
    t = ctx.self_t
    if t.dim() != 3 or c.boolean(0.03):
        return _any_tensor(ctx)
    b = t.shape[0] + 1 if _invalid(ctx) else t.shape[0]
    return _make_tensor(ctx, [b, _inner(ctx, t.shape[2]), c.integer(0, 4) if c.boolean(0.1)
                              else c.integer(1, 4)], _mm_dtype(ctx))


def k_vec(ctx):
    """A vector of self's last size (mv, dot)."""
    c = ctx.c
    t = ctx.self_t
    if t.dim() == 0 or c.boolean(0.03):
        return _any_tensor(ctx)
    return _make_tensor(ctx, [_inner(ctx, t.shape[-1])], _mm_dtype(ctx))


def k_any_vec(ctx):
    """Any 1-d tensor (outer), of any dtype (outer promotes)."""
    c = ctx.c
    if _invalid(ctx):
        return _any_tensor(ctx)
    dtype = _self_dtype(ctx) if c.boolean(0.6) else c.choice(DTYPES)
    return _make_tensor(ctx, [c.integer(0, 5)], dtype)


# --- joining -------------------------------------------------------------------------------
@kind(shares=("join_along",))
def k_tensor_list(ctx):
    """[self, ...]: tensors that agree with self except along one dim (often self again,
    legacy 1-d empty tensors, other dtypes), as a list or a tuple."""
    c = ctx.c
    ctx.self_name = ctx.gen.pick_tensor()
    t = ctx.self_t
    items = [{"var": ctx.self_name}]
    shape = list(t.shape)
    along = c.integer(0, len(shape) - 1) if shape else None
    for _ in range(c.integer(0, 3)):
        roll = c.integer(0, 9)
        if roll <= 2:
            items.append({"var": ctx.self_name})
        elif roll == 3:
            items.append(_make_tensor(ctx, [0], c.choice(DTYPES)))
        elif roll == 4 or _invalid(ctx):
            items.append(_any_tensor(ctx))
        else:
            other = list(shape)
            if along is not None and ctx.gen.current_op.name in ("cat", "concat"):
                other[along] = c.integer(0, 3)
            dtype = _self_dtype(ctx) if c.boolean(0.6) else c.choice(DTYPES)
            items.append(_make_tensor(ctx, other, dtype))
    ctx.share("join_along", along)
    order = list(range(len(items)))
    if c.boolean(0.3):
        order = sorted(order, key=lambda _: c.integer(0, 9))
    items = [items[i] for i in order]
    return {"list": items} if c.boolean(0.7) else {"tuple": items}


@kind(reads=("join_along",))
def k_cat_dim(ctx):
    c = ctx.c
    ndim = ctx.self_t.dim()
    along = ctx.take("join_along")
    if along is not None and not _invalid(ctx):
        if c.boolean(0.2):
            return OMIT if along == 0 else along
        return along - ndim if c.boolean(0.4) else along
    return _dim(ctx, ndim)


def k_stack_dim(ctx):
    c = ctx.c
    if c.boolean(0.2):
        return OMIT
    return _dim(ctx, ctx.self_t.dim() + 1)


def _self_of_rank(ctx, rank):
    """A live tensor of the given rank (often), else one made on the spot; any tensor
    when invalid on purpose."""
    c = ctx.c
    gen = ctx.gen
    names = [n for n in gen.tensor_names() if gen.env[n].dim() == rank]
    if _invalid(ctx):
        ctx.self_name = gen.pick_tensor()
    elif names and c.boolean(0.6):
        odd = [n for n in names if not gen.env[n].is_contiguous()]
        ctx.self_name = c.choice(odd) if odd and c.boolean(0.4) else c.choice(names)
    else:
        shape = [c.integer(0, 4) if c.boolean(0.1) else c.integer(1, 4) for _ in range(rank)]
        ctx.self_name = _make_tensor(ctx, shape, c.choice(MATMUL_DTYPES))["var"]
    return {"var": ctx.self_name}


def k_self_vector(ctx):
    return _self_of_rank(ctx, 1)


def k_self_matrix(ctx):
    return _self_of_rank(ctx, 2)


def k_self_batch(ctx):
    return _self_of_rank(ctx, 3)


def k_self_matmul(ctx):
    return _self_of_rank(ctx, ctx.c.choice([1, 2, 2, 3, 3, 4]))


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
