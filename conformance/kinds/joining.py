"""Argument kinds of joining (cat, concat, stack): lists of tensors that fit self along a
dim (made on the spot), with a wrong shape or dtype on purpose sometimes, and the dim."""
from __future__ import annotations

from .base import DTYPES, OMIT, _dim, _invalid, kind
from .core import any_tensor, made_tensor
from .linalg import self_dtype


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
            items.append(made_tensor(ctx, [0], c.choice(DTYPES)))
        elif roll == 4 or _invalid(ctx):
            items.append(any_tensor(ctx))
        else:
            other = list(shape)
            if along is not None and ctx.gen.current_op.name in ("cat", "concat"):
                other[along] = c.integer(0, 3)
            dtype = self_dtype(ctx) if c.boolean(0.6) else c.choice(DTYPES)
            items.append(made_tensor(ctx, other, dtype))
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
