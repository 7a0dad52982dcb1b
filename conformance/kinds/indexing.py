"""Argument kinds of the indexing ops: index expressions (ints, slices, None, Ellipsis,
bools, lists, integer tensors, boolean masks and mixes) built against the live tensor,
setitem values, and the index/mask/source tensors of index_select, gather, scatter, ...

Index tensors are either reused from the live environment (int64/bool tensors that fit)
or made inline by a `torch.tensor(...)` statement added just before the one being built.
Each kind is valid most of the time and invalid on purpose (`_invalid`) some of the time.
"""
from __future__ import annotations

import math

from refimpl.indexing import advanced_index

from ..program import SETITEM_AUGMENTED, decode_value
from .base import OMIT, Splat, _invalid, _scalar, kind

INDEX_DTYPES = ("int64", "int32")


# --- helpers -------------------------------------------------------------------------------
def _inline(ctx, data, dtype):
    """Add `vN = torch.tensor(data, dtype=...)` before the statement being built."""
    return ctx.gen.add_setup("tensor", [data], {"dtype": {"dtype": dtype}})


def _nest(flat, shape):
    if not shape:
        return flat[0]
    n = math.prod(shape[1:])
    return [_nest(flat[i * n:(i + 1) * n], shape[1:]) for i in range(shape[0])]


def _defined(t):
    """No unspecified values (torch.empty...): they cannot decide shapes or positions."""
    return t._undefined_mask() is None


def _live(ctx, pred):
    env = ctx.gen.env
    return [n for n in ctx.gen.tensor_names()
            if n != ctx.self_name and _defined(env[n]) and pred(env[n])]


def _int_tensor(ctx, size, shape, allow_neg=True):
    """An integer index tensor of `shape` with values valid for a dim of `size`
    (inline, or a live int64 tensor that fits)."""
    c = ctx.c
    bad = _invalid(ctx)
    if not bad and c.boolean(0.3):
        lo = -size if allow_neg else 0
        live = _live(ctx, lambda t: t.dtype.name == "int64" and t.dim() <= 2 and t.numel() <= 8 and
                     all(lo <= v < size for v in t._values().reshape(-1).tolist()))
        if live:
            return {"var": c.choice(live)}
    n = math.prod(shape)
    if size == 0:
        flat = [c.integer(-2, 2) for _ in range(n)] if bad else []
        if not bad and n:
            shape = [0]
    else:
        lo = -size if allow_neg else 0
        flat = [c.integer(lo, size - 1) for _ in range(n)]
    if bad and flat:
        flat[c.integer(0, len(flat) - 1)] = c.choice([size, -size - 1, size + 3])
    dtype = c.choice(INDEX_DTYPES) if c.boolean(0.2) else "int64"
    if bad and c.boolean(0.3):
        dtype = c.choice(["float32", "int8", "int16"])
    return _inline(ctx, _nest(flat, list(shape)) if shape else flat[0] if flat else [], dtype)


def _bool_mask(ctx, shape):
    c = ctx.c
    bad = _invalid(ctx)
    if bad and shape:
        shape = list(shape)
        shape[c.integer(0, len(shape) - 1)] += 1
    if not bad and c.boolean(0.3):
        live = _live(ctx, lambda t: t.dtype.name == "bool" and tuple(t.shape) == tuple(shape))
        if live:
            return {"var": c.choice(live)}
    flat = [c.boolean(0.6) for _ in range(math.prod(shape))]
    return _inline(ctx, _nest(flat, list(shape)) if shape else flat[0], "bool")


def _dim_arg(ctx):
    """The dim argument already drawn (args[1]) wrapped, or None if invalid."""
    t = ctx.self_t
    d = ctx.arg("dim")
    d = 0 if d is None else d
    n = max(t.dim(), 1)
    if not isinstance(d, int) or not -n <= d < n:
        return None
    return d % n


def _size(t, d):
    return t.shape[d] if t.dim() else 1


# --- index expressions -----------------------------------------------------------------------
def _index_items(ctx):
    c = ctx.c
    t = ctx.self_t
    shape = list(t.shape)
    ndim = len(shape)
    items = []
    dim = 0
    used_ellipsis = False
    n_items = c.choice([1, 1, 1, 2, 2, 2, 3, 3, 4])
    for _ in range(n_items):
        left = ndim - dim
        kind = c.choice(["int", "int", "slice", "slice", "slice", "None", "Ellipsis", "bool",
                         "list", "tensor", "tensor", "mask"])
        if kind in ("int", "slice", "list", "tensor") and left <= 0 and not _invalid(ctx):
            kind = c.choice(["None", "None", "Ellipsis", "bool"])
        if kind == "int":
            s = shape[dim] if dim < ndim else 0
            v = c.integer(-s, s - 1) if s else 0
            if _invalid(ctx) or not s:
                v = c.choice([s, -s - 1, s + 2])
            items.append(v)
            dim += 1
        elif kind == "slice":
            s = shape[dim] if dim < ndim else 3

            def bound(s=s):
                return None if c.boolean(0.35) else c.integer(-s - 2, s + 2)
            step = c.choice([None, None, 1, 2, 3])
            if _invalid(ctx):
                step = c.choice([-1, 0])
            items.append({"slice": [bound(), bound(), step]})
            dim += 1
        elif kind == "None":
            items.append(None)
        elif kind == "Ellipsis":
            # never a second one: torch accepts several (undocumented; pytorch/pytorch#59787
            # would refuse them), each moving the dim on by ndim - specified, so an item
            # after them indexes past the tensor's dims, where TensorIndexing.h's
            # applySelect/applySlice read the sizes array out of bounds: x[..., ..., :1] of
            # a 3-d tensor is x, x[..., ..., 0] says "dimension 2 with size 0". Memory
            # decides, so there is nothing to compare (1800 s campaign, seed 1)
            if used_ellipsis:
                continue
            used_ellipsis = True
            items.append({"ellipsis": True})
            rest = c.integer(0, 2)
            dim = max(dim, ndim - rest)
        elif kind == "bool":
            items.append(c.boolean(0.7))
        elif kind == "list":
            s = shape[dim] if dim < ndim else 1
            if c.boolean(0.2) and s:
                items.append({"list": [c.boolean() for _ in range(s)]})
            else:
                n = c.choice([0, 1, 2, 2, 3, 4])
                vals = [c.integer(-s, s - 1) for _ in range(n)] if s else []
                if _invalid(ctx):
                    vals.append(s)
                items.append({"list": vals})
            dim += 1
        elif kind == "tensor":
            s = shape[dim] if dim < ndim else 1
            rank = c.choice([0, 1, 1, 1, 2])
            tshape = [c.integer(1, 3) for _ in range(rank)]
            items.append(_int_tensor(ctx, s, tshape))
            dim += 1
        else:  # mask over k dims
            k = c.integer(0 if left <= 0 else 1, max(min(left, 2 if c.boolean(0.6) else 4), 0))
            items.append(_bool_mask(ctx, shape[dim:dim + k]))
            dim += k
    if _invalid(ctx):
        items.append(0)   # one index too many, often
    return items


def k_index(ctx):
    """A getitem/setitem index expression: a single item or a tuple of items."""
    items = _index_items(ctx)
    if len(items) == 1 and ctx.c.boolean(0.6):
        item = items[0]
        if isinstance(item, dict) and "list" in item and any(
                isinstance(x, (dict, list)) for x in item["list"]):
            return {"tuple": items}
        return item
    return {"tuple": items}


def _indexed_result(ctx):
    """The oracle's result of self[index] (the index drawn before), or None if it raises."""
    module = ctx.gen.oracle.module
    try:
        return ctx.self_t[decode_value(ctx.arg("index"), ctx.gen.env, module)]
    except Exception:  # noqa: BLE001
        return None


def _tensor_value(ctx, shape, dtype):
    """A live tensor of a shape broadcastable to `shape`, or one made inline."""
    c = ctx.c
    env = ctx.gen.env

    def fits(t):
        if t.dim() > len(shape):
            return False
        for a, b in zip(reversed(t.shape), reversed(shape)):
            if a != b and a != 1:
                return False
        return (t.dtype.name == dtype) or c.boolean(0.1)
    live = [n for n in ctx.gen.tensor_names() if n != ctx.self_name and fits(env[n])]
    if live and c.boolean(0.5):
        return {"var": c.choice(live)}
    tail = list(shape)[c.integer(0, len(shape)):] if shape else []
    if c.boolean(0.2):
        tail = [1] + tail
    if dtype == "bool":
        flat = [c.boolean() for _ in range(math.prod(tail))]
    elif dtype in ("float16", "bfloat16", "float32", "float64"):
        flat = [c.integer(-20, 20) / 4.0 for _ in range(math.prod(tail))]
    else:
        flat = [c.integer(0, 9) for _ in range(math.prod(tail))]
    if _invalid(ctx):
        tail = tail + [c.integer(2, 3)]
        flat = flat * tail[-1] if flat else [flat[0] if flat else 1] * tail[-1]
    return _inline(ctx, _nest(flat, tail) if tail else flat[0], dtype)


@kind(reads=('index',))
def k_setitem_value(ctx):
    """A scalar, or a tensor broadcastable to self[index] (same dtype mostly)."""
    c = ctx.c
    if c.boolean(0.4):
        kind = ctx.self_t.dtype.kind
        if ctx.form == SETITEM_AUGMENTED and not _invalid(ctx):
            # v[idx] += x is an add_: keep x in self's promotion category
            return (c.boolean() if kind == "bool" else c.integer(-3, 9) if kind == "int"
                    else c.choice([0.5, -2.25, 3.0, float("nan"), 1e30]))
        return _scalar(c)
    r = _indexed_result(ctx)
    shape = list(r.shape) if r is not None else list(ctx.self_t.shape)
    dtype = ctx.self_t.dtype.name if c.boolean(0.85) else c.choice(["float32", "int64", "bool", "float64"])
    if ctx.form == SETITEM_AUGMENTED and ctx.self_t.dtype.kind == "bool" and not _invalid(ctx):
        dtype = "bool"
    return _tensor_value(ctx, shape, dtype)


# --- index_put_ --------------------------------------------------------------------------------
def k_put_indices(ctx):
    """A tuple of index tensors (None for skipped dims) for index_put_."""
    c = ctx.c
    t = ctx.self_t
    ndim = t.dim()
    if ndim == 0:
        return {"tuple": [_bool_mask(ctx, [])]}
    if c.boolean(0.25):
        k = c.integer(1, ndim)
        return {"tuple": [_bool_mask(ctx, list(t.shape[:k]))]}
    n = c.integer(1, ndim)
    bshape = [c.integer(1, 3) for _ in range(c.choice([1, 1, 2]))]
    items = []
    for d in range(n):
        if c.boolean(0.2) and d < n - 1:
            items.append(None)
        else:
            items.append(_int_tensor(ctx, t.shape[d], bshape if c.boolean(0.8) else bshape[-1:]))
    if all(x is None for x in items):
        items[-1] = _int_tensor(ctx, t.shape[n - 1], bshape)
    return {"tuple": items}


@kind(reads=('indices',))
def k_put_values(ctx):
    c = ctx.c
    module = ctx.gen.oracle.module
    try:
        idx = decode_value(ctx.arg("indices"), ctx.gen.env, module)
        shape = list(advanced_index(ctx.self_t, list(idx)).shape)
    except Exception:  # noqa: BLE001
        shape = [1]
    dtype = ctx.self_t.dtype.name if c.boolean(0.9) else c.choice(["float32", "int64"])
    return _tensor_value(ctx, shape, dtype)


def k_accumulate(ctx):
    return ctx.c.boolean() if ctx.c.boolean(0.7) else OMIT


# --- index_select, take, gather, scatter --------------------------------------------------------
@kind(reads=('dim',))
def k_select_index(ctx):
    c = ctx.c
    t = ctx.self_t
    d = _dim_arg(ctx)
    size = _size(t, d) if d is not None else 1
    n = 1 if t.dim() == 0 and not _invalid(ctx) else c.choice([0, 1, 2, 3, 4])
    rank = 0 if (n == 1 and c.boolean(0.2)) else 1
    if _invalid(ctx):
        rank = 2
    return _int_tensor(ctx, size, [n] if rank == 1 else ([1, n] if rank == 2 else []),
                       allow_neg=False)


def k_take_index(ctx):
    c = ctx.c
    n = ctx.self_t.numel()
    shape = [c.integer(0, 3) for _ in range(c.choice([0, 1, 1, 2]))]
    if n == 0 and not _invalid(ctx):
        shape = [0]
    return _int_tensor(ctx, max(n, 1), shape)


def _gather_shape(ctx, d):
    c = ctx.c
    t = ctx.self_t
    nd = max(t.dim(), 1)
    shape = []
    for i in range(nd):
        s = _size(t, i)
        shape.append(c.integer(0, s) if i != d else c.integer(0, 3) if s else 0)
    if _invalid(ctx) and shape:
        shape[c.integer(0, nd - 1)] += 2
    return shape if t.dim() else ([] if c.boolean(0.5) else shape)


@kind(reads=('dim',))
def k_gather_index(ctx):
    d = _dim_arg(ctx)
    d = 0 if d is None else d
    t = ctx.self_t
    shape = _gather_shape(ctx, d)
    return _int_tensor(ctx, _size(t, d), shape, allow_neg=False)


@kind(reads=("dim",))
def k_scatter_index(ctx):
    return k_gather_index(ctx)


def _source_like(ctx, shape):
    dtype = ctx.self_t.dtype.name if not _invalid(ctx) else ctx.c.choice(["float32", "int64", "float64"])
    c = ctx.c
    env = ctx.gen.env
    shares = ctx.c.boolean(0.1)   # a source sharing self's storage now and then
    live = [n for n in ctx.gen.tensor_names()
            if env[n].dtype.name == dtype and list(env[n].shape) == list(shape)
            and (shares or env[n]._storage is not ctx.self_t._storage)]
    if live and c.boolean(0.4):
        return {"var": c.choice(live)}
    n = math.prod(shape)
    if dtype == "bool":
        flat = [c.boolean() for _ in range(n)]
    elif dtype in ("float16", "bfloat16", "float32", "float64"):
        flat = [c.integer(-40, 40) / 8.0 for _ in range(n)]
    else:
        flat = [c.integer(0, 9) for _ in range(n)]
    return _inline(ctx, _nest(flat, list(shape)) if shape else (flat[0] if flat else 0), dtype)


@kind(reads=('index',))
def k_scatter_src(ctx):
    """A source at least as large as the index (a scalar some of the time)."""
    c = ctx.c
    if c.boolean(0.25):
        return _scalar(c)
    drawn = ctx.arg("index")
    index = ctx.gen.env[drawn["var"]] if isinstance(drawn, dict) else None
    shape = list(index.shape) if index is not None else [1]
    shape = [s + c.choice([0, 0, 1]) for s in shape]
    return _source_like(ctx, shape)


@kind(reads=('index',))
def k_scatter_add_src(ctx):
    c = ctx.c
    drawn = ctx.arg("index")
    index = ctx.gen.env[drawn["var"]] if isinstance(drawn, dict) else None
    shape = list(index.shape) if index is not None else [1]
    shape = [s + c.choice([0, 0, 1]) for s in shape]
    return _source_like(ctx, shape)


@kind(reads=('dim',))
def k_index_1d(ctx):
    """A 1-d index into dim args[1] (index_add_/index_copy_/index_fill_)."""
    c = ctx.c
    t = ctx.self_t
    d = _dim_arg(ctx)
    size = _size(t, d) if d is not None else 1
    n = c.choice([0, 1, 2, 3]) if t.dim() or _invalid(ctx) else 1
    return _int_tensor(ctx, size, [n] if c.boolean(0.85) else [], allow_neg=False)


@kind(reads=('dim', 'index'))
def k_index_source(ctx):
    """A source with self's shape but len(index) along dim."""
    t = ctx.self_t
    d = _dim_arg(ctx)
    drawn = ctx.arg("index")
    index = ctx.gen.env[drawn["var"]] if isinstance(drawn, dict) else None
    shape = list(t.shape)
    if d is not None and shape and index is not None:
        shape[d] = index.numel()
    if _invalid(ctx) and shape:
        shape[0] += 1
    return _source_like(ctx, shape)


def k_index_fill_value(ctx):
    c = ctx.c
    if c.boolean(0.2):
        return _inline(ctx, c.integer(-3, 3), ctx.self_t.dtype.name)
    return _scalar(c)


# --- masks -----------------------------------------------------------------------------------
def k_mask(ctx):
    """A bool mask broadcastable to self (its trailing dims, or all of them)."""
    c = ctx.c
    shape = list(ctx.self_t.shape)
    k = c.integer(0, len(shape))
    tail = shape[len(shape) - k:]
    tail = [1 if c.boolean(0.15) else s for s in tail]
    if _invalid(ctx):
        if c.boolean(0.5):
            return _inline(ctx, _nest([c.integer(0, 1) for _ in range(math.prod(tail))], tail)
                           if tail else 1, "uint8")
    return _bool_mask(ctx, tail)


def k_mask_fill_value(ctx):
    c = ctx.c
    if c.boolean(0.2):
        dtype = ctx.self_t.dtype.name if c.boolean(0.7) else c.choice(["float64", "int64", "bool"])
        shape = [] if not _invalid(ctx) else [2]
        return _inline(ctx, _nest([1] * math.prod(shape), shape) if shape else 1, dtype)
    return _scalar(c)


def k_masked_source(ctx):
    t = ctx.self_t
    n = t.numel() + ctx.c.choice([0, 0, 1, 3])
    if _invalid(ctx):
        n = max(n - 2, 0)
    return _source_like(ctx, [n])


def k_self_defined(ctx):
    """A live tensor whose values are all specified (nonzero's result shape depends on them)."""
    gen = ctx.gen
    names = [n for n in gen.tensor_names() if _defined(gen.env[n])]
    if not names:
        ctx.self_name = _inline(ctx, [ctx.c.boolean() for _ in range(3)], "bool")["var"]
    else:
        pick = gen.pick_tensor()
        ctx.self_name = pick if pick in names else ctx.c.choice(names)
    return {"var": ctx.self_name}


def k_as_tuple(ctx):
    return ctx.c.boolean() if ctx.c.boolean(0.6) else OMIT


@kind(reads=('condition',))
def k_where_args(ctx):
    """torch.where(cond) or torch.where(cond, x, y) with broadcasting and promotion;
    x is the picked live tensor (or a scalar), y a scalar or a tensor broadcasting with it."""
    c = ctx.c
    ctx.self_name = ctx.gen.pick_tensor()
    ctx.args = [{"var": ctx.self_name}]
    t = ctx.self_t
    shape = list(t.shape)
    cond = ctx.arg("condition") if t.dtype.name == "bool" and _defined(t) and c.boolean(0.5) else None
    if cond is None:
        k = c.integer(0, len(shape))
        cond = _bool_mask(ctx, shape[len(shape) - k:])
    if c.boolean(0.3):
        return Splat([cond])
    other = _scalar(c) if c.boolean(0.4) else _source_like(ctx, shape[c.integer(0, len(shape)):])
    first = ctx.arg("condition") if c.boolean(0.7) else _scalar(c)
    return Splat([cond, first, other])
