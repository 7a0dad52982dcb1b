"""Argument kinds of linear algebra (matmul, mm, bmm, mv, dot, outer): operands whose
inner sizes fit self (off by one on purpose sometimes), and self of the rank an op needs."""
from __future__ import annotations

from .base import DTYPES, _invalid
from .core import any_tensor, dtype_name, made_tensor

MATMUL_DTYPES = ["float32", "float32", "float64", "float16", "bfloat16", "int64", "int32",
                 "int8", "uint8", "int16"]


def self_dtype(ctx):
    return dtype_name(ctx.self_t)


def _mm_dtype(ctx):
    """Usually self's dtype (mm, bmm, mv and dot need equal dtypes), sometimes another."""
    c = ctx.c
    if _invalid(ctx):
        return c.choice(DTYPES)
    return self_dtype(ctx)


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
        return any_tensor(ctx)
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
    return made_tensor(ctx, shape, _mm_dtype(ctx))


def k_mat(ctx):
    """A matrix whose first dim is self's last (mm), of self's dtype."""
    c = ctx.c
    t = ctx.self_t
    if t.dim() != 2 or c.boolean(0.03):
        return any_tensor(ctx)
    return made_tensor(ctx, [_inner(ctx, t.shape[1]), c.integer(0, 4) if c.boolean(0.1)
                              else c.integer(1, 4)], _mm_dtype(ctx))


def k_batch_mat(ctx):
    c = ctx.c
    t = ctx.self_t
    if t.dim() != 3 or c.boolean(0.03):
        return any_tensor(ctx)
    b = t.shape[0] + 1 if _invalid(ctx) else t.shape[0]
    return made_tensor(ctx, [b, _inner(ctx, t.shape[2]), c.integer(0, 4) if c.boolean(0.1)
                              else c.integer(1, 4)], _mm_dtype(ctx))


def k_vec(ctx):
    """A vector of self's last size (mv, dot)."""
    c = ctx.c
    t = ctx.self_t
    if t.dim() == 0 or c.boolean(0.03):
        return any_tensor(ctx)
    return made_tensor(ctx, [_inner(ctx, t.shape[-1])], _mm_dtype(ctx))


def k_any_vec(ctx):
    """Any 1-d tensor (outer), of any dtype (outer promotes)."""
    c = ctx.c
    if _invalid(ctx):
        return any_tensor(ctx)
    dtype = self_dtype(ctx) if c.boolean(0.6) else c.choice(DTYPES)
    return made_tensor(ctx, [c.integer(0, 5)], dtype)


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
        ctx.self_name = made_tensor(ctx, shape, c.choice(MATMUL_DTYPES))["var"]
    return {"var": ctx.self_name}


def k_self_vector(ctx):
    return _self_of_rank(ctx, 1)


def k_self_matrix(ctx):
    return _self_of_rank(ctx, 2)


def k_self_batch(ctx):
    return _self_of_rank(ctx, 3)


def k_self_matmul(ctx):
    return _self_of_rank(ctx, ctx.c.choice([1, 2, 2, 3, 3, 4]))
