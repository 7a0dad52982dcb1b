"""The program generator.

It keeps the live state in view: every statement is executed on the oracle as soon as
it is drawn, so the next one is built against real shapes, dtypes and layouts, and is
valid most of the time (each argument kind is invalid on purpose some of the time).
It favours the variable made last (a view just made is likely written to next).

All randomness goes through a Chooser, so the same generator runs from a seeded
random.Random (the CLI campaign) or from hypothesis (pytest, which shrinks it).
"""
from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

from .program import AUGMENTED, FUNCTION, METHOD, OPERATOR, Program, Statement
from .runner import run_statement

OMIT = object()
INVALID_P = 0.06     # chance an argument kind is invalid on purpose
DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "bfloat16",
          "float32", "float64"]
INT_RANGES = {"uint8": (0, 255), "int8": (-128, 127), "int16": (-2**15, 2**15 - 1),
              "int32": (-2**31, 2**31 - 1), "int64": (-2**63, 2**63 - 1)}
FLOAT_EDGES = [float("nan"), float("inf"), float("-inf"), -0.0, 1e30, -1e30, 1e-30, 1e-8,
               65504.0, 3.3895e38, -3.3895e38, 88.75, -104.0, 11.1, 710.0, 1e-45, 0.1]


class Splat(list):
    """Arguments spliced into the call (f(*sizes) rather than f(sizes))."""


# --- choosers --------------------------------------------------------------------------
class RandomChooser:
    def __init__(self, rng: random.Random):
        self.rng = rng

    def integer(self, lo, hi):
        return self.rng.randint(lo, hi)

    def boolean(self, p=0.5):
        return self.rng.random() < p

    def choice(self, seq):
        return seq[self.integer(0, len(seq) - 1)]


class HypothesisChooser:
    """Draws from hypothesis; every choice shrinks toward the first/simplest option."""

    def __init__(self, data):
        from hypothesis import strategies as st
        self._st = st
        self.data = data

    def integer(self, lo, hi):
        return self.data.draw(self._st.integers(lo, hi))

    def boolean(self, p=0.5):
        return self.data.draw(self._st.integers(0, 999)) >= round(1000 * (1 - p))

    def choice(self, seq):
        return seq[self.integer(0, len(seq) - 1)]


# --- context passed to argument kinds ----------------------------------------------------
@dataclass
class Ctx:
    gen: "Generator"
    form: str = METHOD
    self_name: str | None = None
    data_dtype: str | None = None
    args: list = field(default_factory=list)

    @property
    def gen_op_creates(self):
        return self.gen.current_op.creates

    @property
    def self_t(self):
        return self.gen.env[self.self_name]

    @property
    def c(self):
        return self.gen.chooser


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
    """A shape passed as separate ints (methods and factories only), a tuple or a list."""
    c = ctx.c
    form = c.integer(0, 2)
    if form == 0 and sizes and (ctx.form == METHOD or ctx.gen_op_creates):
        return Splat(sizes)
    return {"tuple": list(sizes)} if form == 1 else {"list": list(sizes)}


# --- argument kinds ------------------------------------------------------------------------
def k_data(ctx):
    c = ctx.c
    dtype = c.choice(DTYPES)
    ctx.data_dtype = dtype
    shape = _shape(c)
    flavor = c.choice(["plain", "plain", "edge", "random"])
    flat = [_element(c, dtype, flavor) for _ in range(math.prod(shape))]
    if dtype in INT_RANGES and _invalid(ctx) and flat:
        flat[0] = INT_RANGES[dtype][1] + 1  # out of range: torch refuses it
    return _nest(flat, shape)


def k_dtype(ctx):
    c = ctx.c
    if ctx.data_dtype is not None:
        if c.boolean(0.75) or ctx.data_dtype in ("uint8", "int8", "int16", "int32",
                                                 "float16", "bfloat16", "float64"):
            return {"dtype": ctx.data_dtype}
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


def _dim(ctx, ndim):
    c = ctx.c
    n = max(ndim, 1)
    if _invalid(ctx):
        return c.choice([n, -n - 1])
    return c.integer(-n, n - 1)


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


def k_other(ctx):
    return _other(ctx, inplace=False)


def k_other_inplace(ctx):
    return _other(ctx, inplace=True)


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


ARG_KINDS = {name[2:]: fn for name, fn in globals().items() if name.startswith("k_")}


# --- the generator ---------------------------------------------------------------------------
class Generator:
    """Builds one program, executing it on the oracle as it goes."""

    def __init__(self, ops: dict, chooser, oracle, focus=None, max_statements=12,
                 reported_ops=None):
        self.ops = ops
        self.chooser = chooser
        self.oracle = oracle
        self.focus = focus
        self.max_statements = max_statements
        self.env = {}
        self.statements = []
        self._next_var = 0
        self._creation = [o for o in ops.values() if o.creates]
        self._other = [o for o in ops.values() if not o.creates]
        # --ops: the selected ops come first, but every op still helps build their
        # inputs (a transpose before a view makes the view interesting)
        self._selected = [o for o in ops.values() if reported_ops is not None and o.name in reported_ops]

    def tensor_names(self):
        return [n for n, v in self.env.items() if isinstance(v, self.oracle.module.Tensor)]

    def pick_tensor(self):
        """Mostly the newest tensor; often a non-contiguous one (where layouts matter)."""
        names = self.tensor_names()
        if self.chooser.boolean(0.45):
            return names[-1]
        odd = [n for n in names if not self.env[n].is_contiguous()]
        if odd and self.chooser.boolean(0.4):
            return self.chooser.choice(odd)
        return self.chooser.choice(names)

    def _pick_op(self):
        c = self.chooser
        have_tensors = bool(self.tensor_names())
        focus = self.ops.get(self.focus) if self.focus else None
        if focus is not None and (focus.creates or have_tensors) and c.boolean(0.4):
            return focus
        if self._selected and c.boolean(0.6):
            chosen = c.choice(self._selected)
            if chosen.creates or have_tensors:
                return chosen
        if not have_tensors or not self._other or c.boolean(0.45 if len(self.env) < 2 else 0.2):
            return c.choice(self._creation)
        return c.choice(self._other)

    def _build_statement(self, op):
        c = self.chooser
        self.current_op = op
        form = c.choice(list(op.forms))
        ctx = Ctx(self, form=form)
        args = []
        for kind in op.args:
            v = ARG_KINDS[kind](ctx)
            if v is OMIT:
                continue
            args.extend(v) if isinstance(v, Splat) else args.append(v)
            ctx.args = args
        if form in (OPERATOR, AUGMENTED) and len(op.args) > 1 and len(args) < 2:
            form = METHOD if METHOD in op.forms else FUNCTION
        kwargs = {}
        if form in (FUNCTION, METHOD):
            for key, kind in op.kwargs.items():
                v = ARG_KINDS[kind](ctx)
                if v is not OMIT:
                    kwargs[key] = v
        if form == OPERATOR and len(args) == 2 and not isinstance(args[1], dict) and c.boolean(0.3):
            args = [args[1], args[0]]  # scalar on the left: 2 + t
        target = None if op.output == "inplace" else self._new_var()
        call = op.operator if form in (OPERATOR, AUGMENTED) else op.call
        return Statement(op=op.name, form=form, args=args, kwargs=kwargs, target=target,
                         call=call, creates=op.creates)

    def _new_var(self):
        name = f"v{self._next_var}"
        self._next_var += 1
        return name

    def _add_statement(self, stmt):
        run_statement(stmt, self.env, self.oracle)
        self.statements.append(stmt)
        return stmt

    def add(self, op):
        return self._add_statement(self._build_statement(op))

    def build(self):
        n = self.chooser.integer(1, self.max_statements)
        used_focus = False
        for _ in range(n):
            op = self._pick_op()
            used_focus |= op.name == self.focus
            self.add(op)
        if self.focus and not used_focus and self.focus in self.ops:
            op = self.ops[self.focus]
            for _ in range(5):  # the focus op needs an input: make one
                if op.creates or self.tensor_names():
                    break
                self.add(self.chooser.choice(self._creation))
            if not (op.creates or self.tensor_names()):
                self._add_statement(Statement(op="ones", form=FUNCTION, args=[{"tuple": [2, 3]}],
                                              target=self._new_var(), creates=True))
            self.add(op)
        return Program(self.statements)


def generate(ops, chooser, oracle, focus=None, max_statements=12, reported_ops=None):
    """One generated Program."""
    return Generator(ops, chooser, oracle, focus, max_statements, reported_ops).build()


def programs(ops, oracle, focus=None, max_statements=12):
    """A hypothesis strategy of Programs."""
    from hypothesis import strategies as st

    @st.composite
    def _programs(draw):
        data = draw(st.data())
        return generate(ops, HypothesisChooser(data), oracle, focus, max_statements)
    return _programs()
