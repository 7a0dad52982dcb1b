"""Argument kinds of the factories beyond the core ones (as_tensor, linspace, empty,
*_like): valid most of the time, invalid on purpose some of the time via _invalid(ctx)."""
from __future__ import annotations

from . import core
from .base import DTYPES, OMIT, Splat, _float_value, _invalid, kind


@kind(shares=("as_tensor_src", "data_dtype"))
def k_as_tensor_data(ctx):
    """A live tensor (as_tensor may return it itself) or nested Python data."""
    c = ctx.c
    names = ctx.gen.tensor_names()
    ctx.share("as_tensor_src", None)
    if names and c.boolean(0.6):
        name = names[-1] if c.boolean(0.3) else c.choice(names)
        ctx.share("as_tensor_src", name)
        return {"var": name}
    return core.k_data(ctx)


@kind(reads=("as_tensor_src", "data_dtype"))
def k_as_tensor_dtype(ctx):
    c = ctx.c
    src = ctx.take("as_tensor_src")
    if src is None:
        return core.k_dtype(ctx)
    choice = c.integer(0, 2)
    if choice == 0:
        return OMIT
    if choice == 1:
        return {"dtype": ctx.gen.env[src].dtype.name}
    return {"dtype": c.choice(DTYPES)}


def k_linspace_args(ctx):
    """start, end, steps: ints, floats (edge values now and then) or bools."""
    c = ctx.c

    def endpoint():
        kind = c.integer(0, 9)
        if kind <= 4:
            return c.integer(-20, 20)
        if kind <= 8:
            return _float_value(c, c.choice(["plain", "random", "edge"]))
        return c.boolean()
    steps = c.choice([0, 1, 2, 2, 3, 4, 5, 7, 10, 16, 33, 50])
    if _invalid(ctx):
        steps = -c.integer(1, 3)
    return Splat([endpoint(), endpoint(), steps])


def k_dtype_linspace(ctx):
    c = ctx.c
    if c.boolean(0.35):
        return OMIT
    options = [d for d in DTYPES if d != "bool"]
    if _invalid(ctx):
        options = ["bool"]
    return {"dtype": c.choice(options)}


def k_empty_memory_format(ctx):
    """memory_format= for torch.empty: contiguous, or channels_last for 4-d sizes."""
    c = ctx.c
    if c.boolean(0.6):
        return OMIT
    ndim = _ndim_of_size_args(ctx.args)
    if _invalid(ctx):
        return {"memory_format": c.choice(["preserve_format", "channels_last"])}
    options = ["contiguous_format"] + (["channels_last"] * 2 if ndim == 4 else [])
    return {"memory_format": c.choice(options)}


def _ndim_of_size_args(args):
    if len(args) == 1 and isinstance(args[0], dict):
        seq = args[0].get("tuple", args[0].get("list"))
        return len(seq) if seq is not None else None
    return len(args)
