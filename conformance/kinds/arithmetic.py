"""Argument kinds of the binary arithmetic, comparison and logical ops (sub, div, pow,
clamp, maximum, logical_and, lerp, ...)."""
from __future__ import annotations

import math

import numpy as np

from refimpl.dtypes import result_type
from refimpl.storage import to_dtype_array

from .base import (
    DTYPES, INT_RANGES, OMIT, Splat, _broadcastable, _element, _invalid, _other, _scalar, _shape,
    kind, tensor_literal,
)

FLOATS = ("float16", "bfloat16", "float32", "float64")


def _env(ctx):
    return ctx.gen.env


def _decode(ctx, encoded):
    return _env(ctx)[encoded["var"]] if isinstance(encoded, dict) else encoded


def _tensor_candidates(ctx, inplace, dtype=None):
    shape = tuple(ctx.self_t.shape)
    names = [n for n in ctx.gen.tensor_names()
             if _broadcastable(shape, _env(ctx)[n].shape, shape if inplace else None)]
    if dtype is not None:
        names = [n for n in names if _env(ctx)[n].dtype is dtype]
    return names


def _make_tensor(ctx, shape, dtype):
    """Add `vN = torch.tensor(data, dtype=...)` before the statement being drawn (an
    operand that fits self: same dtype, a shape that broadcasts); return its reference."""
    c = ctx.c
    flavor = c.choice(["plain", "plain", "random", "edge"])
    flat = [_element(c, dtype, flavor) for _ in range(math.prod(shape))]
    return tensor_literal(ctx, flat, shape, dtype)


def _fitting_shape(ctx, inplace):
    """A shape that broadcasts with self's (to exactly self's when inplace)."""
    c = ctx.c
    shape = list(ctx.self_t.shape)
    shape = [1 if s and c.boolean(0.2) else s for s in shape]
    if shape and c.boolean(0.3):
        shape = shape[c.integer(1, len(shape)):]
    if not inplace and shape and c.boolean(0.15):
        shape = [c.integer(1, 2)] + shape
    return shape


def _dtype_name(t):
    return t.dtype.name


def _pick(ctx, names):
    c = ctx.c
    return names[-1] if c.boolean(0.3) else c.choice(names)


# --- tensors only (maximum, minimum, logical_and, ...) ------------------------------------------
def _other_tensor(ctx, inplace):
    c = ctx.c
    if _invalid(ctx):  # a Python number: TypeError, or any tensor (bad shape)
        return _scalar(c) if c.boolean() else {"var": c.choice(ctx.gen.tensor_names())}
    names = _tensor_candidates(ctx, inplace)
    if not names or c.boolean(0.3):
        dtype = _dtype_name(ctx.self_t) if c.boolean(0.5) else c.choice(DTYPES)
        return _make_tensor(ctx, _fitting_shape(ctx, inplace), dtype)
    return {"var": _pick(ctx, names)}


def k_tensor_other(ctx):
    return _other_tensor(ctx, ctx.inplace)


# --- division: integer kernels refuse a zero divisor ------------------------------------------
def _unspecified_int(t):
    """An integer or bool tensor holding unspecified values: as a divisor of an integer
    kernel, whether torch raises ZeroDivisionError would be unspecified too."""
    return t.dtype.kind in ("bool", "int") and t._undefined_mask() is not None


def k_self_divisible(ctx):
    """self for ops with integer division kernels (it is the divisor in `2 // t`)."""
    name = ctx.gen.pick_tensor()
    if _unspecified_int(_env(ctx)[name]):
        names = [n for n in ctx.gen.tensor_names() if not _unspecified_int(_env(ctx)[n])]
        name = ctx.c.choice(names) if names else name
    ctx.self_name = name
    return {"var": name}


def _divisor(ctx, inplace):
    for _ in range(4):
        other = _other(ctx, inplace)
        if not (isinstance(other, dict) and _unspecified_int(_env(ctx)[other["var"]])):
            return other
    return ctx.c.choice([2, -1, 3, 0.5, -2.25])


def k_divisor(ctx):
    return _divisor(ctx, ctx.inplace)


# --- div rounding mode ----------------------------------------------------------------------------
def _holds(x, value, common):
    """Whether x may hold value once converted to common (unspecified elements may)."""
    if not hasattr(x, "_values"):
        return not isinstance(x, bool) and x == value
    if x._undefined_mask() is not None:
        return True
    return bool(np.any(to_dtype_array(x._values(), common) == value))


def _traps(ctx):
    """int32/int64 MIN / -1 in the truncating integer division kernel is C++ undefined
    behaviour that kills the process on x86 (SIGFPE), so the fuzzer never asks for it."""
    if len(ctx.args) < 2:
        return False
    a, b = ctx.self_t, _decode(ctx, ctx.arg("other"))
    try:
        common = result_type(a, b)
    except Exception:  # noqa: BLE001 - an invalid call: the op refuses it before dividing
        return False
    if common.name not in ("int32", "int64"):
        return False
    return _holds(a, INT_RANGES[common.name][0], common) and _holds(b, -1, common)


@kind(reads=("other",))
def k_rounding_mode(ctx):
    c = ctx.c
    if _invalid(ctx):
        return c.choice(["round", "true", "Floor"])
    mode = c.choice([OMIT, OMIT, None, "trunc", "trunc", "floor", "floor"])
    if mode == "trunc" and _traps(ctx):
        mode = "floor"
    return mode


# --- pow ----------------------------------------------------------------------------------------
_EXPONENTS = [2, 3, -2, -1, 0, 1, 0.5, -0.5, 2.5, -1.5, 1.0, 0.0, -2.0, 3.0, True, False,
              float("nan"), float("inf"), float("-inf"), 7, 64, 1e30]


def _exponent(ctx, inplace):
    c = ctx.c
    if c.boolean(0.55):
        e = c.choice(_EXPONENTS)
        integral = ctx.self_t.dtype.kind in ("bool", "int")
        if (integral and not isinstance(e, bool) and isinstance(e, int) and e < 0
                and not _invalid(ctx)):
            e = -e  # integers to negative integer powers: an error, kept rare
        return e
    return _other(ctx, inplace)


def k_exponent(ctx):
    return _exponent(ctx, ctx.inplace)


# --- clamp ---------------------------------------------------------------------------------------
_BOUNDS = [0, 1, 2, -1, 3, 0.5, -0.25, 2.5, -3.75, float("nan"), float("inf"), float("-inf"),
           True, False, 100, 300, -129, 1e30, -0.0]


def _bound_scalar(ctx):
    c = ctx.c
    dtype = ctx.self_t.dtype
    if dtype.kind == "bool" and c.boolean(0.7):
        return c.boolean()  # keeps the bool dtype
    if dtype.kind == "int" and c.boolean(0.7):
        return c.choice([0, 1, 2, -1, 3, 5, True, 100])  # keeps the integer dtype
    return c.choice(_BOUNDS)


def _bound_tensor(ctx, inplace):
    names = _tensor_candidates(ctx, inplace)
    if not names or _invalid(ctx):
        names = ctx.gen.tensor_names()
    return {"var": _pick(ctx, names)}


def _clamp_bounds(ctx, inplace):
    """Scalars or tensors (never mixed), min and/or max, positional or keyword."""
    c = ctx.c
    tensors = c.boolean(0.35)
    which = c.choice(["both", "both", "min", "max"])
    if _invalid(ctx):
        which = "none"
    make = (lambda: _bound_tensor(ctx, inplace)) if tensors else (lambda: _bound_scalar(ctx))
    lo = make() if which in ("both", "min") else None
    hi = make() if which in ("both", "max") else None
    if not tensors and which == "both" and c.boolean(0.3):
        lo, hi = sorted([lo, hi], key=lambda v: (v != v, v))  # mostly min <= max
    keyword = c.boolean(0.4)
    ctx.share("clamp_kw", {"min": lo, "max": hi} if keyword else {})
    if keyword:
        return Splat([])
    if which == "none":
        return Splat([] if c.boolean() else [None, None])
    return Splat([lo] if hi is None else [lo, hi])


@kind(shares=("clamp_kw",))
def k_clamp_bounds(ctx):
    return _clamp_bounds(ctx, ctx.inplace)


def _clamp_kw(ctx, key):
    kw = ctx.take("clamp_kw", {})
    if key not in kw or (kw[key] is None and ctx.c.boolean(0.7)):
        return OMIT
    return kw[key]


@kind(reads=("clamp_kw",))
def k_clamp_min_kw(ctx):
    return _clamp_kw(ctx, "min")


@kind(reads=("clamp_kw",))
def k_clamp_max_kw(ctx):
    return _clamp_kw(ctx, "max")


# --- lerp -----------------------------------------------------------------------------------------
def k_lerp_self(ctx):
    """Mostly a floating tensor (lerp has no integer kernel)."""
    c = ctx.c
    floats = [n for n in ctx.gen.tensor_names() if _env(ctx)[n].dtype.name in FLOATS]
    if _invalid(ctx):
        ctx.self_name = ctx.gen.pick_tensor()
    elif floats and c.boolean(0.7):
        ctx.self_name = floats[-1] if c.boolean(0.4) else c.choice(floats)
    else:
        made = _make_tensor(ctx, _shape(c), c.choice(FLOATS))
        ctx.self_name = made["var"]
    return {"var": ctx.self_name}


def _lerp_end(ctx, inplace):
    c = ctx.c
    if _invalid(ctx):
        return {"var": c.choice(ctx.gen.tensor_names())}
    names = _tensor_candidates(ctx, inplace, dtype=ctx.self_t.dtype)
    if not names or c.boolean(0.6):
        return _make_tensor(ctx, _fitting_shape(ctx, inplace), _dtype_name(ctx.self_t))
    return {"var": _pick(ctx, names)}


def k_lerp_end(ctx):
    return _lerp_end(ctx, ctx.inplace)


_WEIGHTS = [0.0, 0.25, 0.5, 0.75, 1.0, 0.3, -0.5, 1.5, 2.0, 0.4999, float("nan"), 1e30, -3.0, 0, 1]


def _lerp_weight(ctx, inplace):
    c = ctx.c
    if c.boolean(0.6):
        return c.choice(_WEIGHTS)
    self_t = ctx.self_t
    drawn = ctx.arg("end")
    end = _decode(ctx, drawn) if drawn is not None else self_t
    shape = tuple(np.broadcast_shapes(tuple(self_t.shape), tuple(end.shape))) \
        if _broadcastable(self_t.shape, end.shape) else tuple(self_t.shape)
    names = [n for n in ctx.gen.tensor_names()
             if (_env(ctx)[n].dtype is self_t.dtype or _env(ctx)[n].dim() == 0)
             and _broadcastable(shape, _env(ctx)[n].shape, shape if inplace else None)]
    if _invalid(ctx):
        return {"var": c.choice(ctx.gen.tensor_names())}
    if not names or c.boolean(0.5):
        if c.boolean(0.3):  # a 0-dim weight of any dtype is promoted
            return _make_tensor(ctx, [], c.choice(DTYPES))
        sub = list(shape[c.integer(0, len(shape)):])
        return _make_tensor(ctx, sub if not inplace else list(shape), _dtype_name(self_t))
    return {"var": _pick(ctx, names)}


@kind(reads=("end",))
def k_lerp_weight(ctx):
    return _lerp_weight(ctx, ctx.inplace)


# --- a Python number first: torch.pow(2, t), torch.remainder(2, t) -----------------------
def k_scalar_first(ctx):
    """The scalar operand drawn before self (pow.Scalar, remainder.Scalar_Tensor)."""
    return ctx.c.choice([2, 1, 0, -1, 3, 0.5, -2.25, 2.5, 1.0, True, False, float("nan"),
                         float("inf"), -0.0, 7, 100])


def k_self_second(ctx):
    """self as the second operand (its divisor role makes unspecified integers unsafe)."""
    return k_self_divisible(ctx)


def _clamp_bound(ctx, inplace):
    """The one bound of clamp_min / clamp_max: a number or a tensor."""
    if ctx.c.boolean(0.6):
        return _bound_scalar(ctx)
    return _bound_tensor(ctx, inplace)


def k_clamp_bound(ctx):
    return _clamp_bound(ctx, ctx.inplace)
