"""Argument kinds of the unary math ops and of copies / dtype conversions."""
from __future__ import annotations

from ..program import FUNCTION
from .base import DTYPES, FLOAT_EDGES, OMIT, Splat, _invalid, _other, _scalar


# --- unary ------------------------------------------------------------------------------------
def k_decimals(ctx):
    """round(decimals=): small powers of ten mostly, sometimes one beyond the opmath
    range (every result NaN); a float on purpose (a TypeError). Not in torch.round(...):
    its 'invalid combination' message names the input's Python class, which differs
    for targets that subclass torch.Tensor (e.g. tests/planted) without being wrong."""
    c = ctx.c
    if c.boolean(0.4):
        return OMIT
    if _invalid(ctx) and not (ctx.form == FUNCTION and ctx.gen.current_op.name == "round"):
        return c.choice([1.5, -0.5])
    if c.boolean(0.1):
        return c.choice([10, 20, 39, 40, 300, 400, -39, -40, -400])
    return c.integer(-4, 4)


_REPLACEMENTS = [0.0, 1.5, -2.0, 7, -1, True, 1e30, -1e30, 1e300, -70000.0, 65504.0,
                 float("inf"), float("-inf"), float("nan")]


def k_replacements(ctx):
    """nan_to_num(nan, posinf, neginf) given positionally: usually none of them."""
    c = ctx.c
    if c.boolean(0.75):
        return OMIT
    return Splat([c.choice(_REPLACEMENTS) for _ in range(c.integer(1, 3))])


def _replacement(position):
    """A keyword replacement value; left out when already given positionally, except
    on purpose (a TypeError: multiple values for the argument)."""
    def kind(ctx):
        c = ctx.c
        given = len(ctx.args) - 1 > position
        if c.boolean(0.5) or (given and not _invalid(ctx)):
            return OMIT
        if _invalid(ctx):
            return "x"
        return c.choice(_REPLACEMENTS)
    return kind


k_nan = _replacement(0)
k_posinf = _replacement(1)
k_neginf = _replacement(2)


# --- copies and conversions ---------------------------------------------------------------------
def k_copy_src(ctx):
    """copy_'s source: a live tensor broadcastable to self (self itself and views of it
    included), a Python number, or any tensor when invalid on purpose."""
    c = ctx.c
    if c.boolean(0.1):
        return {"var": ctx.self_name}
    return _other(ctx, inplace=True)


def _flag(ctx):
    return ctx.c.boolean() if ctx.c.boolean(0.3) else OMIT


k_non_blocking = _flag
k_to_copy = _flag


def k_to_target(ctx):
    """to(dtype): self's own dtype often (to returns self then); to(other tensor)."""
    c = ctx.c
    if c.boolean(0.2):
        return {"var": c.choice(ctx.gen.tensor_names())}
    if c.boolean(0.35):
        return {"dtype": ctx.self_t.dtype.name}
    return {"dtype": c.choice(DTYPES)}


def k_type_arg(ctx):
    """type(): no argument (the legacy type string), a dtype, or a type string; an
    unknown type string on purpose."""
    c = ctx.c
    choice = c.integer(0, 4)
    if choice == 0:
        return OMIT
    if _invalid(ctx):
        return c.choice(["torch.Foo", "float"])
    name = ctx.self_t.dtype.name if c.boolean(0.35) else c.choice(DTYPES)
    if choice == 1:
        return _TYPE_STRINGS[name]
    return {"dtype": name}


_TYPE_STRINGS = {"bool": "torch.BoolTensor", "uint8": "torch.ByteTensor",
                 "int8": "torch.CharTensor", "int16": "torch.ShortTensor",
                 "int32": "torch.IntTensor", "int64": "torch.LongTensor",
                 "float16": "torch.HalfTensor", "bfloat16": "torch.BFloat16Tensor",
                 "float32": "torch.FloatTensor", "float64": "torch.DoubleTensor"}


def k_fill_arg(ctx):
    """fill_'s value: a Python number (edge values included), or a live 0-dim tensor;
    a tensor with dimensions on purpose."""
    c = ctx.c
    gen = ctx.gen
    zero_dim = [n for n in gen.tensor_names() if gen.env[n].dim() == 0]
    if _invalid(ctx):
        dimmed = [n for n in gen.tensor_names() if gen.env[n].dim() > 0]
        if dimmed:
            return {"var": c.choice(dimmed)}
    if zero_dim and c.boolean(0.35):
        return {"var": c.choice(zero_dim)}
    if c.boolean(0.3):
        return c.choice(FLOAT_EDGES)
    return _scalar(c)

