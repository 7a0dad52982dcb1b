"""refimpl indexing against torch: getitem (view or copy, shape, strides, offset),
setitem (values, version), index_put_, and the index/mask/gather/scatter ops.

Every scenario is built twice through the same code, with `refimpl` and with `torch`."""
import pytest
import torch

import refimpl
from tests.refimpl.harness import outcome

MODS = (refimpl, torch)


def observe(mod, r, base=None):
    if not isinstance(r, mod.Tensor):
        return ("value", r)
    shares = None
    if base is not None:
        if mod is torch:
            shares = r.untyped_storage().data_ptr() == base.untyped_storage().data_ptr()
        else:
            shares = r._storage is base._storage
    return (tuple(r.shape), tuple(r.stride()), r.storage_offset(), repr(r.dtype), r.tolist(),
            r._version, shares)


def run(fn):
    """The outcome of fn(mod) for refimpl and for torch."""
    return [outcome(fn, mod) for mod in MODS]


def base_tensor(mod, layout="plain"):
    x = mod.arange(24, dtype=mod.float32).reshape(2, 3, 4)
    if layout == "t":
        x = x.transpose(0, 2)
    elif layout == "step":
        x = mod.arange(60, dtype=mod.float32).reshape(3, 5, 4)[::2, 1:4]
    return x


def T(mod, data, dtype="int64"):
    return mod.tensor(data, dtype=getattr(mod, dtype))


# (label, index builder, is_view) — checked for shape, strides, offset, values, sharing
INDEX_TABLE = [
    ("int", lambda m: 1, True),
    ("neg int", lambda m: -1, True),
    ("slice", lambda m: slice(0, 2), True),
    ("slice step", lambda m: (slice(None), slice(None, None, 2)), True),
    ("slice oob", lambda m: slice(5, 10), True),
    ("slice neg bounds", lambda m: (slice(-10, -1), slice(-2, None)), True),
    ("None", lambda m: None, True),
    ("Ellipsis", lambda m: Ellipsis, True),
    ("empty tuple", lambda m: (), True),
    ("int, ..., None", lambda m: (0, Ellipsis, None), True),
    ("None, ..., int", lambda m: (None, Ellipsis, 1), True),
    ("0-dim int tensor", lambda m: T(m, 1), True),
    ("0-dim int tensor in tuple", lambda m: (slice(None), T(m, -1)), True),
    ("True", lambda m: True, False),
    ("False", lambda m: False, False),
    ("True, int", lambda m: (True, 0), False),
    ("list", lambda m: [1, 0, 1], False),
    ("list of bools", lambda m: [True, False], False),
    ("empty list", lambda m: [], False),
    ("int tensor", lambda m: T(m, [[0, 1], [1, 1]]), False),
    ("int32 tensor", lambda m: T(m, [1, 0], "int32"), False),
    ("adjacent advanced", lambda m: (slice(None), [0, 2], [1, 3]), False),
    ("separated advanced", lambda m: ([0, 1], slice(None), [1, 3]), False),
    ("separated by int", lambda m: ([1, 0], 1, [0, 2]), False),
    ("advanced, None, advanced", lambda m: ([1, 0], None, [0, 1]), False),
    ("advanced, ..., advanced", lambda m: ([1, 0], Ellipsis, [0, 1]), False),
    ("broadcast advanced", lambda m: (T(m, [[0], [1]]), slice(None), T(m, [0, 2, 3])), False),
    ("full mask", lambda m: base_tensor(m) > 5, False),
    ("partial mask", lambda m: T(m, [[True, False, True], [False, True, True]], "bool"), False),
    ("mask then slice", lambda m: (T(m, [[True, False, True], [False, True, True]], "bool"), slice(1, 3)), False),
    ("slice, mask", lambda m: (slice(None), T(m, [True, False, True], "bool")), False),
    ("mask, list", lambda m: (T(m, [True, True], "bool"), slice(None), [0, 3]), False),
    ("0-dim bool tensor", lambda m: T(m, True, "bool"), False),
    ("too many", lambda m: (0, 0, 0, 0), None),
    ("out of range int", lambda m: 5, None),
    ("out of range int, dim 1", lambda m: (None, 0, 3), None),
    ("out of range tensor", lambda m: (slice(None), [0, -5]), None),
    ("negative step", lambda m: slice(None, None, -1), None),
    ("zero step", lambda m: slice(None, None, 0), None),
    ("float index tensor", lambda m: T(m, [0.0], "float32"), None),
    ("int8 index tensor", lambda m: T(m, [0], "int8"), None),
    ("mask shape mismatch", lambda m: T(m, [True, False, True], "bool"), None),
    ("broadcast mismatch", lambda m: ([0, 1], [0, 1, 2]), None),
    ("float", lambda m: 1.0, None),
]


@pytest.mark.parametrize("layout", ["plain", "t", "step"])
@pytest.mark.parametrize("label,build,is_view", INDEX_TABLE, ids=[r[0] for r in INDEX_TABLE])
def test_getitem_table(label, build, is_view, layout):
    def fn(mod):
        x = base_tensor(mod, layout)
        if label in ("full mask",):
            idx = x > 5
        else:
            idx = build(mod)
        return observe(mod, x[idx], x)
    r, t = run(fn)
    assert r == t
    if is_view is not None and r[0] != "error":
        if layout == "plain":
            assert r[1][-1] is is_view


def test_getitem_zero_dim():
    for idx in (0, 5, slice(None), None, Ellipsis, True, False, (0,), [], (None, Ellipsis)):
        r, t = run(lambda mod: observe(mod, mod.tensor(3.0)[idx]))
        assert r == t, idx


SETITEM = [
    ("int scalar", lambda m: 0, lambda m: 7),
    ("slice tensor", lambda m: (slice(None), slice(1, 3)), lambda m: m.ones(2, dtype=m.float32)),
    ("ellipsis", lambda m: Ellipsis, lambda m: 2.5),
    ("None", lambda m: None, lambda m: m.zeros(1, 3, 4)),
    ("True", lambda m: True, lambda m: 1),
    ("False", lambda m: False, lambda m: m.ones(5)),
    ("list", lambda m: [1, 0], lambda m: -1),
    ("duplicate list", lambda m: ([0, 0], 1, 1), lambda m: m.tensor([1.0, 1.0])),
    ("mask scalar", lambda m: T(m, [[True, False, True], [False, True, True]], "bool"), lambda m: 9),
    ("mask tensor", lambda m: T(m, [True, False], "bool"), lambda m: m.ones(3, 4)),
    ("advanced separated", lambda m: ([0, 1], slice(None), [1, 3]), lambda m: m.ones(3)),
    ("prefix ones", lambda m: 0, lambda m: m.ones(1, 1, 3, 4)),
    ("dtype mismatch advanced", lambda m: [0], lambda m: m.ones(3, 4, dtype=m.float64)),
    ("dtype mismatch basic", lambda m: 0, lambda m: m.ones(3, 4, dtype=m.float64)),
    ("bad shape basic", lambda m: 0, lambda m: m.ones(5)),
    ("bad shape advanced", lambda m: [0], lambda m: m.ones(5)),
    ("out of range", lambda m: ([0, 5],), lambda m: 1.0),
    ("string value", lambda m: 0, lambda m: "a"),
]


@pytest.mark.parametrize("label,build_idx,build_value", SETITEM, ids=[s[0] for s in SETITEM])
@pytest.mark.parametrize("through_view", [False, True])
def test_setitem(label, build_idx, build_value, through_view):
    def fn(mod):
        base = base_tensor(mod)
        x = base[:] if through_view else base
        err = outcome(lambda: x.__setitem__(build_idx(mod), build_value(mod)))
        return err, observe(mod, base), observe(mod, x)
    r, t = run(fn)
    assert r == t


@pytest.mark.parametrize("dtype,value", [("uint8", 300), ("uint8", -1), ("bool", 2.5), ("int64", 2.7),
                                         ("int64", float("nan")), ("float16", 1e30)])
def test_setitem_scalar_conversion(dtype, value):
    def fn(mod):
        x = mod.zeros(3, dtype=getattr(mod, dtype))
        x[0] = value
        return observe(mod, x)
    r, t = run(fn)
    assert r == t


def test_augmented_setitem_bumps_like_torch():
    def fn(mod):
        x = mod.arange(6, dtype=mod.float32)
        x[1:3] += 1
        a = x._version
        x[[0, 0]] += 1
        return a, observe(mod, x)
    r, t = run(fn)
    assert r == t


@pytest.mark.parametrize("accumulate", [False, True])
def test_index_put_(accumulate):
    def fn(mod):
        x = mod.zeros(3, 4)
        x.index_put_((T(mod, [0, 2, 0]), T(mod, [1, 1, 1])), mod.tensor([1.0, 2.0, 1.0]), accumulate)
        return observe(mod, x)
    r, t = run(fn)
    assert r == t


OPS = [
    ("index_select", lambda m, x: x.index_select(1, T(m, [2, 0, 2]))),
    ("index_select oob", lambda m, x: x.index_select(1, T(m, [3]))),
    ("masked_fill", lambda m, x: x.masked_fill(x > 5, -1.0)),
    ("masked_fill broadcast", lambda m, x: x.masked_fill(T(m, [True, False, True, False], "bool"), 2)),
    ("masked_fill_", lambda m, x: x.masked_fill_(x > 5, m.tensor(3.0))),
    ("masked_select", lambda m, x: x.masked_select(x > 5)),
    ("masked_scatter_", lambda m, x: x.masked_scatter_(x > 20, m.arange(10, dtype=m.float32))),
    ("nonzero", lambda m, x: m.nonzero(x > 20)),
    ("nonzero as_tuple", lambda m, x: [observe(m, t) for t in m.nonzero(x > 20, as_tuple=True)]),
    ("where 1", lambda m, x: [observe(m, t) for t in m.where(x > 20)]),
    ("where 3", lambda m, x: m.where(x > 5, x, 2)),
    ("where promote", lambda m, x: m.where(x > 5, T(m, [1, 2, 3, 4]), m.tensor(2.5, dtype=m.float64))),
    ("where transposed", lambda m, x: m.where(x.transpose(0, 2) > 5, 1.5, x.transpose(0, 2))),
    ("gather", lambda m, x: x.gather(2, T(m, [[[0, 3], [1, 1], [2, 0]], [[3, 3], [0, 0], [1, 2]]]))),
    ("gather oob", lambda m, x: x.gather(0, T(m, [[[2]]]))),
    ("scatter src", lambda m, x: x.scatter(1, T(m, [[[0, 1, 2, 0]]]), -x)),
    ("scatter value", lambda m, x: x.scatter(2, T(m, [[[0, 3]]]), value=7.0)),
    ("scatter_", lambda m, x: x.scatter_(1, T(m, [[[2, 1]]]), -x)),
    ("scatter_add", lambda m, x: x.scatter_add(1, T(m, [[[0, 0, 0, 0], [0, 0, 0, 0]]]), x)),
    ("take", lambda m, x: m.take(x, T(m, [[0, -1], [5, 23]]))),
    ("take oob", lambda m, x: m.take(x, T(m, [24]))),
    ("index_add_", lambda m, x: x.index_add_(1, T(m, [0, 0, 2]), m.ones(2, 3, 4))),
    ("index_copy_", lambda m, x: x.index_copy_(2, T(m, [3, 0]), m.zeros(2, 3, 2))),
    ("index_fill_", lambda m, x: x.index_fill_(1, T(m, [-1, 0]), 4.0)),
    ("index_fill_ oob", lambda m, x: x.index_fill_(1, T(m, [3]), 4.0)),
]


@pytest.mark.parametrize("label,fn", OPS, ids=[o[0] for o in OPS])
def test_ops(label, fn):
    def go(mod):
        x = base_tensor(mod)
        r = fn(mod, x)
        return observe(mod, r) if isinstance(r, mod.Tensor) else r, observe(mod, x)
    r, t = run(go)
    assert r == t


# Kernel details found by fuzzing: writes made before an out-of-bounds index stay,
# the visiting order decides which; int32 vs int64 index paths; nonzero's layout.
PARTIAL = [  # (label, make self, the call on it)
    ("index_put_ partial", lambda m: m.zeros(3), lambda m, x: x.index_put_((T(m, [0, 5]),), m.ones(2))),
    ("scatter_ partial", lambda m: m.zeros(5), lambda m, x: x.scatter_(0, T(m, [1, 7, 2]), 3.0)),
    ("scatter_ 3d order", lambda m: m.zeros(2, 4, 3, dtype=m.bool), lambda m, x: x.scatter_add_(
        0, T(m, [[[1], [1]], [[-3], [1]]], "int32"), T(m, [[[True, False], [True, False]],
                                                           [[False, False], [True, False]]], "bool"))),
    ("scatter_ bfloat16 no partial", lambda m: m.zeros(2, dtype=m.bfloat16),
     lambda m, x: x.scatter_(0, T(m, [0, 4]), -1)),
    ("scatter value overflow after index", lambda m: T(m, [0, 0, 0]),
     lambda m, x: x.scatter(0, T(m, [3], "int32"), float("inf"))),
    ("index_add_ dim0 int64", lambda m: m.zeros(2, 3), lambda m, x: x.index_add_(0, T(m, [0, 7]), m.ones(2, 3))),
    ("index_add_ last dim int64", lambda m: m.zeros(2, 3), lambda m, x: x.index_add_(1, T(m, [0, 7]), m.ones(2, 2))),
    ("index_add_ middle dim", lambda m: m.zeros(2, 3, 4), lambda m, x: x.index_add_(1, T(m, [0, 7]), m.ones(2, 2, 4))),
    ("index_add_ int32", lambda m: m.zeros(2, 3), lambda m, x: x.index_add_(1, T(m, [0, 7], "int32"), m.ones(2, 2))),
    ("index_add_ float16 rounding", lambda m: m.full((1, 2), 0.1, dtype=m.float16), lambda m, x: x.index_add_(
        1, T(m, [0, 0, 0]), m.tensor([[1.375, 4.125, -5.0]], dtype=m.float16))),
    ("index_fill_ partial", lambda m: m.zeros(4, 2, 1, 2), lambda m, x: x.index_fill_(-3, T(m, [0, 5, 1]), 1.0)),
    ("index_copy_ partial", lambda m: m.zeros(3, 3), lambda m, x: x.index_copy_(0, T(m, [1, 3, 0]), m.ones(3, 3))),
    ("index_copy_ empty self", lambda m: m.zeros(0, 5, dtype=m.bool),
     lambda m, x: x.index_copy_(0, T(m, [0, 0]), m.ones(2, 5, dtype=m.bool))),
    ("masked_scatter_ from itself", lambda m: m.arange(6), lambda m, x: x.masked_scatter_(x > 2, x)),
    ("index_put_ index aliasing self", lambda m: m.eye(4, 2, dtype=m.int64),
     lambda m, x: x[:, 0].__setitem__((True, True, x), x[:, 0][True, True, x] + 7)),
    # found by the 300 s campaign: an index constant along the inner loop is read once per loop
    ("index_put_ constant index aliasing self", lambda m: m.nonzero(m.eye(4, dtype=m.int64)),
     lambda m, x: x.index_put_((m.diagonal(x, 0),), T(m, [5, 5]), accumulate=True)),
    ("index_put_ constant index aliasing self, no accumulate",
     lambda m: m.nonzero(m.eye(4, dtype=m.int64)),
     lambda m, x: x.index_put_((m.diagonal(x, 0),), T(m, [5, 5]))),
    ("nonzero strides", lambda m: m.ones(2, 2), lambda m, x: m.nonzero(x)),
    ("nonzero 0-dim", lambda m: m.zeros(()), lambda m, x: m.nonzero(x)),
    ("take strides", lambda m: m.arange(6), lambda m, x: x.take(m.nonzero(m.ones(3, 2)))),
    ("index_select dim 1 bounds", lambda m: m.zeros(2, 3, 4), lambda m, x: x.index_select(1, T(m, [3]))),
    ("index_select empty self", lambda m: m.zeros(1, 0, 3), lambda m, x: x.index_select(0, T(m, [2]))),
    ("two ellipses", lambda m: m.zeros(4, 5),
     lambda m, x: x[..., ..., T(m, [True, False, True, True], "bool"), None]),
]


@pytest.mark.parametrize("label,make,call", PARTIAL, ids=[p[0] for p in PARTIAL])
def test_kernel_details(label, make, call):
    def go(mod):
        x = make(mod)
        result = outcome(call, mod, x,
                         observe=lambda r: observe(mod, r) if isinstance(r, mod.Tensor) else None)
        return result, observe(mod, x)
    r, t = run(go)
    assert r == t
