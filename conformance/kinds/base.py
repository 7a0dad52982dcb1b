"""Shared pieces for argument kinds: the context a kind sees, value generators,
and the markers OMIT (leave the argument out) and Splat (spread into the call).

An argument kind is a function `k_<name>(ctx)` returning an encoded argument value
(see conformance/program.py), a Splat of them, or OMIT. Specs name kinds in `args`
and `kwargs`; every module in this package contributes its `k_` functions.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from ..program import METHOD

OMIT = object()
INVALID_P = 0.06     # chance an argument kind is invalid on purpose
DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "bfloat16",
          "float32", "float64"]
INT_RANGES = {"uint8": (0, 255), "int8": (-128, 127), "int16": (-2**15, 2**15 - 1),
              "int32": (-2**31, 2**31 - 1), "int64": (-2**63, 2**63 - 1)}
FLOAT_EDGES = [float("nan"), float("inf"), float("-inf"), -0.0, 1e30, -1e30, 1e-30, 1e-8,
               65504.0, 3.3895e38, -3.3895e38, 88.75, -104.0, 11.1, 710.0, 1e-45, 0.1]
# Per float dtype: its largest value, half of it (two of them overflow), its smallest
# normal and subnormal values, and the values whose squares overflow or underflow the
# type reductions accumulate in (float for float16, bfloat16 and float32; double).
FLOAT_LIMITS = {
    "float16": [65504.0, 32768.0, 6.103515625e-05, 5.960464477539063e-08, 256.0, 0.0001],
    "bfloat16": [3.3895313892515355e38, 1.7014118346046923e38, 1.1754943508222875e-38,
                 9.183549615799121e-41, 1.8446744073709552e19, 5.421010862427522e-20],
    "float32": [3.4028234663852886e38, 1.7014118346046923e38, 1.1754943508222875e-38,
                1.401298464324817e-45, 1.8446744073709552e19, 5.421010862427522e-20],
    "float64": [1.7976931348623157e308, 8.98846567431158e307, 2.2250738585072014e-308,
                5e-324, 1.3407807929942597e154, 7.458340731200207e-155],
}


class Splat(list):
    """Arguments spliced into the call (f(*sizes) rather than f(sizes))."""


class KindProtocolError(Exception):
    """An argument kind shared or read a value it did not declare (a bug in the kind)."""


def kind(shares=(), reads=()):
    """Declare what an argument kind passes on to the kinds after it (`shares`) and what it
    takes from the kinds before it (`reads`): the only channel between kinds besides the
    chosen `self` and the arguments drawn so far. Ctx.share / Ctx.take enforce it."""
    def mark(fn):
        fn.shares, fn.reads = frozenset(shares), frozenset(reads)
        return fn
    return mark


@dataclass
class Ctx:
    """What an argument kind sees: the generator (live env, chooser), the call form,
    whether the op is an in-place twin, the chosen `self` tensor, the arguments drawn so
    far, and what earlier kinds shared (declared with @kind)."""
    gen: "object"
    form: str = METHOD
    self_name: str | None = None
    args: list = field(default_factory=list)
    inplace: bool = False
    current: object = None      # the kind being drawn (set by the generator)
    shared: dict = field(default_factory=dict)

    def share(self, key, value):
        if key not in getattr(self.current, "shares", ()):
            raise KindProtocolError(f"argument kind {self.current.__name__} shares {key!r} "
                                    f"without declaring it (@kind(shares=...))")
        self.shared[key] = value

    def arg(self, name):
        """An argument drawn earlier for this statement, by the name the op's signature gives
        it (`self` and `input` are the same one); None if not drawn (yet)."""
        if name not in getattr(self.current, "reads", ()):
            raise KindProtocolError(f"argument kind {self.current.__name__} reads argument "
                                    f"{name!r} without declaring it (@kind(reads=...))")
        names = ["self" if n == "input" else n for n in self.gen.current_op.params]
        name = "self" if name == "input" else name
        if name not in names:
            raise KindProtocolError(f"{self.gen.current_op.name} has no argument {name!r}")
        i = names.index(name)
        return self.args[i] if i < len(self.args) else None

    def take(self, key, default=None):
        if key not in getattr(self.current, "reads", ()):
            raise KindProtocolError(f"argument kind {self.current.__name__} reads {key!r} "
                                    f"without declaring it (@kind(reads=...))")
        return self.shared.get(key, default)

    @property
    def gen_op_creates(self):
        return self.gen.current_op.creates

    @property
    def self_t(self):
        return self.gen.env[self.self_name]

    @property
    def c(self):
        return self.gen.chooser


def tensor_literal(ctx, flat, shape, dtype):
    """Add `vN = torch.tensor(data, dtype=...)` (torch.zeros for an empty shape) before the
    statement being drawn; its encoded reference."""
    if shape and math.prod(shape) == 0:
        return ctx.gen.add_setup("zeros", [{"tuple": list(shape)}], {"dtype": {"dtype": dtype}})
    return ctx.gen.add_setup("tensor", [_nest(flat, list(shape))], {"dtype": {"dtype": dtype}})


def _invalid(ctx):
    return ctx.c.boolean(INVALID_P)


# --- values ------------------------------------------------------------------------------
def _float_value(c, flavor):
    if flavor == "edge" and c.boolean(0.3):
        return c.choice(FLOAT_EDGES)
    if flavor == "random":
        return c.integer(-4000, 4000) / 1000.0
    return c.integer(-12, 12) / 4.0


def _int_value(c, dtype):
    lo, hi = INT_RANGES[dtype]
    if c.boolean(0.15):
        return c.choice([lo, hi, lo + 1, hi - 1, 0])
    return c.integer(max(lo, -9), min(hi, 9))


def _element(c, dtype, flavor):
    if dtype == "bool":
        return c.boolean()
    if dtype in INT_RANGES:
        return _int_value(c, dtype)
    return _float_value(c, flavor)


def _scalar(c):
    kind = c.integer(0, 9)
    if kind <= 3:
        return c.choice([2, -1, 0, 3, 7, 100, 300, -129])
    if kind <= 7:
        return c.choice([0.5, -2.25, 1.0, float("nan"), float("inf"), -0.0, 1e30, 3.75])
    return c.boolean()


def _shape(c, max_numel=120):
    ndim = c.choice([0, 1, 1, 2, 2, 2, 3, 3, 4])
    sizes = []
    for _ in range(ndim):
        sizes.append(c.choice([0, 1, 1, 2, 2, 3, 3, 4, 5]))
    while math.prod(sizes) > max_numel:
        sizes[sizes.index(max(sizes))] -= 1
    return sizes


def _nest(flat, shape):
    if not shape:
        return flat[0]
    if shape[0] == 0:
        return []
    step = len(flat) // shape[0] if shape[0] else 0
    return [_nest(flat[i * step:(i + 1) * step], shape[1:]) for i in range(shape[0])]


def _as_shape_arg(ctx, sizes):
    """A shape passed as separate ints (methods and factories only), a tuple, a list or a
    torch.Size (which the argument parser takes wherever it takes a tuple of ints)."""
    c = ctx.c
    form = c.integer(0, 3)
    if form == 0 and sizes and (ctx.form == METHOD or ctx.gen_op_creates):
        return Splat(sizes)
    if form == 3 and all(isinstance(s, int) for s in sizes):
        return {"size": list(sizes)}
    return {"tuple": list(sizes)} if form == 1 else {"list": list(sizes)}


# --- argument kinds ------------------------------------------------------------------------


def _dim(ctx, ndim):
    c = ctx.c
    n = max(ndim, 1)
    if _invalid(ctx):
        return c.choice([n, -n - 1])
    return c.integer(-n, n - 1)


def _factorize(c, numel):
    """A random shape (0-4 dims) with exactly numel elements."""
    if numel == 0:
        dims = [0] + [c.integer(1, 3) for _ in range(c.integer(0, 2))]
        return [dims[i] for i in sorted(range(len(dims)), key=lambda _: c.integer(0, 9))]
    dims, rest = [], numel
    for _ in range(c.integer(0, 3)):
        divisors = [d for d in range(1, rest + 1) if rest % d == 0]
        d = c.choice(divisors)
        dims.append(d)
        rest //= d
    dims.append(rest)
    if numel == 1 and c.boolean(0.3):
        return []
    return [dims[i] for i in sorted(range(len(dims)), key=lambda _: c.integer(0, 9))]


def _broadcastable(a, b, exact_to=None):
    ndim = max(len(a), len(b))
    a = [1] * (ndim - len(a)) + list(a)
    b = [1] * (ndim - len(b)) + list(b)
    out = []
    for x, y in zip(a, b):
        if x != y and x != 1 and y != 1:
            return False
        out.append(x if x != 1 else y)
    return exact_to is None or tuple(out) == tuple(exact_to)


def _other(ctx, inplace):
    """A second operand for self: a Python scalar, or a live tensor that broadcasts with
    self (to exactly self's shape when inplace); any tensor when invalid on purpose."""
    c = ctx.c
    if c.boolean(0.35):
        return _scalar(c)
    shape = tuple(ctx.self_t.shape)
    candidates = [n for n in ctx.gen.tensor_names()
                  if _broadcastable(shape, ctx.gen.env[n].shape, shape if inplace else None)]
    if not candidates or _invalid(ctx):
        candidates = ctx.gen.tensor_names()
    pick = candidates[-1] if c.boolean(0.3) else c.choice(candidates)
    return {"var": pick}
