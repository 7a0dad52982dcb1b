"""Argument kinds of the shape and layout ops (squeeze, movedim, split, as_strided, ...).

Each kind is valid most of the time (the dims exist, the sizes add up, the geometry
stays inside the storage) and invalid on purpose some of the time via _invalid(ctx).
"""
from __future__ import annotations

from ..program import METHOD
from .base import OMIT, Splat, _dim, _factorize, _invalid, kind


def _seq(c, items):
    """A list of ints as a tuple or a list (both are int[] to torch)."""
    return {"tuple": list(items)} if c.boolean() else {"list": list(items)}


def _maybe_negative(c, d, ndim, p=0.3):
    """Dim d (wrapped) written as itself or as its negative alias."""
    return d - max(ndim, 1) if c.boolean(p) else d


def _valid_dim(ctx):
    """A valid dim of self (0-d tensors accept 0 and -1)."""
    ndim = ctx.self_t.dim()
    return _maybe_negative(ctx.c, ctx.c.integer(0, max(ndim, 1) - 1), ndim)


def _size_at(t, d):
    if t.dim() == 0:
        return 1
    return t.shape[d % t.dim()] if -t.dim() <= d < t.dim() else 1


def _live(ctx, accept):
    """Names of live tensors satisfying accept(tensor)."""
    return [n for n in ctx.gen.tensor_names() if accept(ctx.gen.env[n])]


# --- *_as ------------------------------------------------------------------------------------
def k_other_same_numel(ctx):
    """Another live tensor with self's number of elements (self itself qualifies)."""
    c = ctx.c
    numel = ctx.self_t.numel()
    names = _live(ctx, lambda t: t.numel() == numel)
    if _invalid(ctx) or not names:
        names = ctx.gen.tensor_names()
    return {"var": c.choice(names)}


def _expands_to(src, dst):
    if len(dst) < len(src):
        return False
    return all(s == t or s == 1 for s, t in zip(reversed(src), reversed(dst)))


def k_other_expandable(ctx):
    """A live tensor whose shape self can be expanded to."""
    c = ctx.c
    shape = tuple(ctx.self_t.shape)
    names = _live(ctx, lambda t: _expands_to(shape, tuple(t.shape)))
    if _invalid(ctx) or not names:
        names = ctx.gen.tensor_names()
    return {"var": c.choice(names)}


# --- movedim ----------------------------------------------------------------------------------
def k_movedim_args(ctx):
    """source, destination: two ints, or two equally long sequences of distinct dims."""
    c = ctx.c
    ndim = ctx.self_t.dim()
    n = max(ndim, 1)
    if c.boolean(0.4):
        return Splat([_dim(ctx, ndim), _dim(ctx, ndim)])
    k = c.integer(0, n)
    src = [_maybe_negative(c, d, ndim) for d in _sample(c, range(n), k)]
    dst = [_maybe_negative(c, d, ndim) for d in _sample(c, range(n), k)]
    if _invalid(ctx):
        what = c.integer(0, 2)
        if what == 0:
            dst = dst[:-1] if dst else [0]
        elif what == 1 and src:
            src.append(src[0])
            dst.append((dst[0] + 1) % n if dst else 0)
        else:
            src = src + [n]
            dst = dst + [c.choice(range(n))]
    return Splat([_seq(c, src), _seq(c, dst)])


def _sample(c, items, k):
    items = list(items)
    for i in range(len(items) - 1, 0, -1):
        j = c.integer(0, i)
        items[i], items[j] = items[j], items[i]
    return items[:k]


# --- squeeze / unsqueeze / flatten / unflatten ---------------------------------------------------
def k_squeeze_dims(ctx):
    """No dim, one dim (often a size-1 one), or a sequence of distinct dims."""
    c = ctx.c
    t = ctx.self_t
    ndim = t.dim()
    n = max(ndim, 1)
    ones = [d for d in range(ndim) if t.shape[d] == 1]
    choice = c.integer(0, 9)
    if choice <= 2:
        return OMIT
    if choice <= 5:
        if ones and c.boolean(0.6):
            return _maybe_negative(c, c.choice(ones), ndim)
        return _dim(ctx, ndim)
    dims = [_maybe_negative(c, d, ndim) for d in _sample(c, range(n), c.integer(0, n))]
    if _invalid(ctx):
        dims = dims + ([dims[0]] if dims and c.boolean() else [c.choice([n, -n - 1])])
    if choice == 9 and dims and ctx.form == METHOD:
        return Splat(dims)
    return _seq(c, dims)


def k_flip_dims(ctx):
    """A sequence of distinct dims (empty too); invalid: a repeat or one out of range."""
    c = ctx.c
    ndim = ctx.self_t.dim()
    n = max(ndim, 1)
    dims = [_maybe_negative(c, d, ndim) for d in _sample(c, range(n), c.integer(0, n))]
    if _invalid(ctx):
        dims = dims + ([dims[0]] if dims and c.boolean() else [c.choice([n, -n - 1])])
    if dims and ctx.form == METHOD and c.boolean(0.3):
        return Splat(dims)
    return _seq(c, dims)


def k_unsqueeze_dim(ctx):
    return _dim(ctx, ctx.self_t.dim() + 1)


def k_flatten_args(ctx):
    """Nothing, start_dim, or start_dim and end_dim (start <= end once wrapped)."""
    c = ctx.c
    ndim = ctx.self_t.dim()
    n = max(ndim, 1)
    start, end = sorted((c.integer(0, n - 1), c.integer(0, n - 1)))
    if _invalid(ctx):
        start, end = (end, start) if start != end else (start, n)
    args = [_maybe_negative(c, start, ndim), _maybe_negative(c, end, ndim)]
    choice = c.integer(0, 2)
    if choice == 0:
        return OMIT
    return Splat(args[:choice])


def k_unflatten_args(ctx):
    """dim and sizes whose product is that dim's size (one of them maybe -1)."""
    c = ctx.c
    t = ctx.self_t
    d = _valid_dim(ctx)
    size = _size_at(t, d)
    sizes = _factorize(c, size) or [1]
    if size and c.boolean(0.3):
        sizes[c.integer(0, len(sizes) - 1)] = -1
    if _invalid(ctx):
        what = c.integer(0, 3)
        if what == 0:
            sizes = []
        elif what == 1:
            sizes = sizes + [2]
        elif what == 2:
            sizes = [-1, -1] + sizes[1:]
        else:
            d = _dim(ctx, t.dim()) if c.boolean() else d
            sizes = [0, -1]
    return Splat([d, _seq(c, sizes)])


# --- select / unbind / split / chunk -------------------------------------------------------------
def k_select_args(ctx):
    c = ctx.c
    t = ctx.self_t
    d = _valid_dim(ctx) if not _invalid(ctx) else _dim(ctx, t.dim())
    size = _size_at(t, d)
    index = c.integer(-size, size - 1) if size else 0
    if _invalid(ctx):
        index = c.choice([size, -size - 1])
    return Splat([d, index])


def k_unbind_dim(ctx):
    if ctx.c.boolean(0.3):
        return OMIT
    return _dim(ctx, ctx.self_t.dim())


def _choose_dim(ctx, default_ok=True):
    """The dim a split-like op works on, and how it is passed: positionally (in the
    returned list), as dim= (left for k_dim_kw), or not at all (dim 0)."""
    c = ctx.c
    ndim = ctx.self_t.dim()
    how = c.integer(0, 2) if default_ok else c.integer(0, 1)
    d = _dim(ctx, ndim) if how < 2 else 0
    ctx.share("pending_dim", d if how == 1 else None)
    return d, ([d] if how == 0 else [])


@kind(reads=("pending_dim",))
def k_dim_kw(ctx):
    """dim= for a split-like op whose dim was chosen but not passed positionally."""
    d = ctx.take("pending_dim")
    return OMIT if d is None else d


def _partition(c, total, parts):
    """`parts` non-negative ints summing to total."""
    cuts = sorted(c.integer(0, total) for _ in range(parts - 1))
    return [b - a for a, b in zip([0] + cuts, cuts + [total])]


@kind(shares=("pending_dim",))
def k_split_args(ctx):
    """split_size (an int) or split sizes (a sequence adding up to the dim's size)."""
    c = ctx.c
    t = ctx.self_t
    d, dim_args = _choose_dim(ctx)
    size = _size_at(t, d)
    if c.boolean(0.5):
        split = c.integer(1, size + 1) if size else c.integer(0, 2)
        if _invalid(ctx):
            split = c.choice([-1, 0]) if size else -1
        return Splat([split] + dim_args)
    sizes = _partition(c, size, c.integer(1, 4))
    if _invalid(ctx):
        sizes = c.choice([sizes + [1], sizes[:-1] + [-1, sizes[-1] + 1], []])
    return Splat([_seq(c, sizes)] + dim_args)


@kind(shares=("pending_dim",))
def k_split_sizes_args(ctx):
    c = ctx.c
    t = ctx.self_t
    d, dim_args = _choose_dim(ctx)
    size = _size_at(t, d)
    sizes = _partition(c, size, c.integer(1, 4))
    if _invalid(ctx):
        sizes = c.choice([sizes + [1], sizes[:-1] + [-1, sizes[-1] + 1], []])
    return Splat([_seq(c, sizes)] + dim_args)


@kind(shares=("pending_dim",))
def k_chunk_args(ctx):
    c = ctx.c
    _, dim_args = _choose_dim(ctx)
    chunks = c.integer(1, 6)
    if _invalid(ctx):
        chunks = c.choice([0, -1])
    return Splat([chunks] + dim_args)


# --- diagonal / as_strided -----------------------------------------------------------------------
def k_diagonal_args(ctx):
    """Nothing, offset, offset and dim1, or offset, dim1 and dim2 (distinct dims)."""
    c = ctx.c
    ndim = ctx.self_t.dim()
    n = max(ndim, 1)
    offset = c.integer(-4, 4)
    dims = _sample(c, range(n), 2) if n >= 2 else [0, 1]
    d1, d2 = (_maybe_negative(c, d, ndim) for d in dims)
    if _invalid(ctx):
        d2 = c.choice([d1, n])
    choice = c.integer(0, 3)
    if choice == 0:
        return OMIT
    if choice == 2 and ndim >= 2 and d1 % ndim == 1 and not _invalid(ctx):
        d1 = 0  # dim2 defaults to 1
    return Splat([offset, d1, d2][:choice])


def k_as_strided_args(ctx):
    """size, stride and maybe storage_offset; the geometry mostly fits the storage
    (permuted, gappy and stride-0 layouts included), sometimes not, on purpose."""
    c = ctx.c
    t = ctx.self_t
    storage = t._storage.data.size  # elements (refimpl's model of the storage)
    ndim = c.choice([0, 1, 1, 2, 2, 3])
    size = [c.choice([0, 1, 1, 2, 2, 3, 4]) for _ in range(ndim)]
    # Strides in a random dim order, each past the span of the faster dims (gaps allowed):
    # no two elements share memory, except along stride-0 dims, which in-place ops refuse.
    # (Other overlapping layouts make in-place results, and even their errors, depend on
    # the kernel's visiting order, which PyTorch leaves unspecified.)
    stride = [0] * ndim
    span = 1
    for d in _sample(c, range(ndim), ndim):
        if c.boolean(0.1):
            continue  # stride 0
        stride[d] = span + c.choice([0, 0, 0, 1, 2])
        span += (max(size[d], 1) - 1) * stride[d]
    offset = None if c.boolean(0.3) else 0

    def extent():
        return 0 if 0 in size else 1 + sum((s - 1) * st for s, st in zip(size, stride))
    # shrink until it fits the storage from some offset
    base = t._offset if offset is None else 0
    while extent() and base + extent() > storage:
        big = [j for j in range(ndim) if size[j] > 1 and stride[j] > 0]
        if big:
            size[max(big, key=lambda j: (size[j] - 1) * stride[j])] -= 1
        else:  # even one element does not fit (an empty storage, or self at its end)
            size = [0] + size[1:] if ndim else [0]
            stride = stride if ndim else [1]
            ndim = len(size)
    if offset is not None:
        room = storage - extent() if extent() else storage + 2
        offset = c.integer(0, max(room, 0))
    if _invalid(ctx):
        what = c.integer(0, 4)
        if what == 0:
            offset = storage + c.integer(0, 3)  # past the end (fine only when empty)
        elif what == 1 and ndim:
            stride[c.integer(0, ndim - 1)] = -1
        elif what == 2:
            stride = stride + [1]
        elif what == 3 and ndim and (0 not in size or ndim >= 2):
            # next to a 0 size, torch 2.13 accepts it (ledger L-SHAPE-01)
            i = c.choice([j for j in range(ndim) if size[j] != 0] or [ndim - 1])
            size[i] = -c.integer(1, 2)
        else:
            offset = -1
    args = [_seq(c, size), _seq(c, stride)]
    if offset is not None:
        args.append(offset)
    elif c.boolean(0.2):
        args.append(None)
    return Splat(args)


# --- inputs ------------------------------------------------------------------------------------
def _self_with_ndim(ctx, least):
    """self, preferring a live tensor with at least `least` dims (any tensor sometimes)."""
    c = ctx.c
    names = [n for n in ctx.gen.tensor_names() if ctx.gen.env[n].dim() >= least]
    if names and not c.boolean(0.15):
        odd = [n for n in names if not ctx.gen.env[n].is_contiguous()]
        if c.boolean(0.4):
            pick = names[-1]
        elif odd and c.boolean(0.4):
            pick = c.choice(odd)
        else:
            pick = c.choice(names)
    else:
        pick = ctx.gen.pick_tensor()
    ctx.self_name = pick
    return {"var": pick}


def k_self_1d(ctx):
    """self for ops refusing 0-d tensors (select, split, chunk, unbind)."""
    return _self_with_ndim(ctx, 1)


def k_self_2d(ctx):
    """self for ops needing two dims (diagonal, mT)."""
    return _self_with_ndim(ctx, 2)
