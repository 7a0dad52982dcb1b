"""refimpl shape/view ops and the new factories against torch: geometry (shape, strides,
storage offset), dtype, values, aliasing and errors (class and first message line)."""

import pytest
import torch

import refimpl
from tests.refimpl.harness import outcome, tolerance


def _geometry(r, base):
    info = (tuple(r.shape), tuple(r.stride()), r.storage_offset(), str(r.dtype).split(".")[-1])
    if base is not None:
        info += (r is base,
                 r.untyped_storage().data_ptr() == base.untyped_storage().data_ptr())
    return info


def observed(fn, mod, values=True):
    """What fn(mod, base) does: its error, or the geometry and values of what it returns."""
    base = mod.arange(24, dtype=mod.float32).reshape(2, 3, 4)

    def describe(r):
        out = [type(r).__name__]
        for t in r if isinstance(r, tuple) else (r,):
            out.append(_geometry(t, base))
            if values:
                out.append(repr(t.tolist()))  # NaN-safe
        return out
    return outcome(fn, mod, base, observe=describe)


def same(fn, values=True):
    assert observed(fn, refimpl, values) == observed(fn, torch, values)


def nc(m, x):
    """A non-contiguous view of x: (4, 3, 2) with strides (1, 4, 12)."""
    return x.transpose(0, 2)


SHAPE_CASES = {
    # *_as
    "view_as": lambda m, x: x.view_as(m.zeros(6, 4)),
    "view_as bad": lambda m, x: x.view_as(m.zeros(5)),
    "view_as nc": lambda m, x: nc(m, x).view_as(m.zeros(24)),
    "reshape_as nc": lambda m, x: nc(m, x).reshape_as(m.zeros(24)),
    "expand_as": lambda m, x: x[:, :1].expand_as(m.zeros(2, 3, 4)),
    "expand_as bad": lambda m, x: x.expand_as(m.zeros(3, 2)),
    "expand_as 0d": lambda m, x: x[0, 0, :1].expand_as(m.tensor(1.0)),
    # transposes
    "swapaxes": lambda m, x: x.swapaxes(0, -1),
    "swapaxes fn": lambda m, x: m.swapaxes(x, 1, 2),
    "swapaxes oor": lambda m, x: x.swapaxes(0, 3),
    "swapdims 0d": lambda m, x: x[0, 0, 0].swapdims(0, -1),
    "swapdims 0d oor": lambda m, x: m.swapdims(x[0, 0, 0], 0, 1),
    "T 2d": lambda m, x: x[0].T,
    "T 3d": lambda m, x: x.T,
    "T 1d": lambda m, x: x[0, 0].T,
    "T 0d": lambda m, x: x[0, 0, 0].T,
    "mT": lambda m, x: nc(m, x).mT,
    "mT 1d": lambda m, x: x[0, 0].mT,
    "mT 0d": lambda m, x: x[0, 0, 0].mT,
    # movedim
    "movedim int": lambda m, x: x.movedim(0, 2),
    "movedim list": lambda m, x: m.movedim(x, [0, 1], [2, 0]),
    "movedim tuple neg": lambda m, x: x.movedim((0, -1), (-1, 0)),
    "moveaxis": lambda m, x: m.moveaxis(x, 2, 0),
    "movedim len": lambda m, x: x.movedim([0, 1], [2]),
    "movedim dup src": lambda m, x: x.movedim([0, -3], [2, 1]),
    "movedim dup dst": lambda m, x: x.movedim([0, 1], [2, 2]),
    "movedim oor": lambda m, x: x.movedim(3, 0),
    "movedim 0d": lambda m, x: x[0, 0, 0].movedim(0, -1),
    "movedim 0d dup": lambda m, x: x[0, 0, 0].movedim([0, -1], [0, 0]),
    "movedim empty": lambda m, x: x.movedim([], []),
    # squeeze / unsqueeze
    "squeeze": lambda m, x: x[:, :1, None].squeeze(),
    "squeeze dim": lambda m, x: x[:1].squeeze(0),
    "squeeze dim not 1": lambda m, x: x.squeeze(1),
    "squeeze dim neg": lambda m, x: m.squeeze(x[:, :, :1], -1),
    "squeeze dim oor": lambda m, x: x.squeeze(3),
    "squeeze dims": lambda m, x: x[:1, :, :1].squeeze((0, 2)),
    "squeeze dims list": lambda m, x: x[:1, :, :1].squeeze([0, 1]),
    "squeeze dims splat": lambda m, x: x[:1, :, :1].squeeze(0, 2),
    "squeeze dims kw": lambda m, x: m.squeeze(x[:1], dim=(0, -1)),
    "squeeze dims dup": lambda m, x: x.squeeze((0, -3)),
    "squeeze dims dup then oor": lambda m, x: x.squeeze((0, 0, 5)),
    "squeeze dims oor": lambda m, x: x.squeeze((0, 5)),
    "squeeze dims empty": lambda m, x: x.squeeze(()),
    "squeeze 0d": lambda m, x: x[0, 0, 0].squeeze(),
    "squeeze 0d dim": lambda m, x: x[0, 0, 0].squeeze(-1),
    "squeeze 0d dim oor": lambda m, x: x[0, 0, 0].squeeze(1),
    "squeeze 0d dims dup": lambda m, x: x[0, 0, 0].squeeze((0, -1)),
    "squeeze keeps offset": lambda m, x: x[1, 1:2].squeeze(),
    "unsqueeze end": lambda m, x: x.unsqueeze(3),
    "unsqueeze neg": lambda m, x: m.unsqueeze(x, -4),
    "unsqueeze oor": lambda m, x: x.unsqueeze(4),
    "unsqueeze oor neg": lambda m, x: x.unsqueeze(-5),
    "unsqueeze nc": lambda m, x: nc(m, x).unsqueeze(1),
    "unsqueeze 0d": lambda m, x: x[0, 0, 0].unsqueeze(-1),
    "unsqueeze 0d oor": lambda m, x: x[0, 0, 0].unsqueeze(1),
    "unsqueeze empty": lambda m, x: x[:, :0].unsqueeze(1),
    # flatten / unflatten
    "flatten": lambda m, x: x.flatten(),
    "flatten start": lambda m, x: m.flatten(x, 1),
    "flatten nc copies": lambda m, x: nc(m, x).flatten(0, 1),
    "flatten nc view": lambda m, x: nc(m, x).flatten(1, 2),
    "flatten same dim": lambda m, x: x.flatten(1, 1),
    "flatten reversed": lambda m, x: x.flatten(2, 1),
    "flatten oor": lambda m, x: x.flatten(3),
    "flatten 0d": lambda m, x: x[0, 0, 0].flatten(),
    "flatten 0d oor": lambda m, x: x[0, 0, 0].flatten(1),
    "flatten empty": lambda m, x: nc(m, x)[:, :0].flatten(1),
    "flatten kw": lambda m, x: x.flatten(start_dim=1, end_dim=-1),
    "unflatten": lambda m, x: x.unflatten(1, (3, 1)),
    "unflatten infer": lambda m, x: m.unflatten(x, -1, [2, -1]),
    "unflatten nc": lambda m, x: nc(m, x).unflatten(0, [2, 2]),
    "unflatten bad product": lambda m, x: x.unflatten(2, [3, 2]),
    "unflatten bad product neg dim": lambda m, x: x.unflatten(-1, [3, 2]),
    "unflatten zero then infer": lambda m, x: x.unflatten(2, [0, -1]),
    "unflatten two infers": lambda m, x: x.unflatten(2, [-1, -1]),
    "unflatten negative size": lambda m, x: x.unflatten(2, [-2, 2]),
    "unflatten empty sizes": lambda m, x: x.unflatten(2, []),
    "unflatten oor": lambda m, x: x.unflatten(3, [4]),
    "unflatten 0d": lambda m, x: x[0, 0, 0].unflatten(0, [1]),
    "unflatten empty dim": lambda m, x: x[:, :0].unflatten(1, [0, 5]),
    "unflatten empty infer": lambda m, x: x[:, :0].unflatten(1, [0, -1]),
    # select / unbind
    "select": lambda m, x: x.select(1, 2),
    "select neg": lambda m, x: m.select(x, -2, -3),
    "select oor": lambda m, x: x.select(1, 3),
    "select oor neg dim": lambda m, x: x.select(-2, -4),
    "select dim oor": lambda m, x: x.select(3, 0),
    "select 0d": lambda m, x: x[0, 0, 0].select(0, 0),
    "select to 0d": lambda m, x: x[1, 2].select(0, 3),
    "unbind": lambda m, x: x.unbind(),
    "unbind neg": lambda m, x: m.unbind(x, -1),
    "unbind oor": lambda m, x: x.unbind(3),
    "unbind 0d": lambda m, x: x[0, 0, 0].unbind(),
    "unbind 0d neg": lambda m, x: x[0, 0, 0].unbind(-1),
    "unbind empty": lambda m, x: x[:, :0].unbind(1),
    # split / split_with_sizes / chunk
    "split": lambda m, x: x.split(2, 1),
    "split fn neg dim": lambda m, x: m.split(x, 3, dim=-1),
    "split bigger": lambda m, x: x.split(10, 1),
    "split zero": lambda m, x: x.split(0, 1),
    "split zero empty": lambda m, x: x[:, :0].split(0, 1),
    "split empty": lambda m, x: x[:, :0].split(2, 1),
    "split negative": lambda m, x: x.split(-1, 1),
    "split negative oor": lambda m, x: x.split(-1, 5),
    "split oor": lambda m, x: x.split(1, 5),
    "split 0d": lambda m, x: x[0, 0, 0].split(1),
    "split list": lambda m, x: x.split([1, 2], 1),
    "split tuple fn": lambda m, x: m.split(x, (1, 0, 2), dim=-2),
    "split list zeros": lambda m, x: x.split([0, 3, 0], 1),
    "split list bad sum": lambda m, x: x.split([1, 1], -2),
    "split list too big": lambda m, x: x.split([2, 2], 1),
    "split list negative": lambda m, x: x.split([4, -1], 1),
    "split list empty": lambda m, x: x.split([], 1),
    "split list empty on empty": lambda m, x: x[:, :0].split([], 1),
    "split list 0d": lambda m, x: x[0, 0, 0].split([1]),
    "split_with_sizes": lambda m, x: x.split_with_sizes([3, 1], 2),
    "split_with_sizes fn": lambda m, x: m.split_with_sizes(x, [1, 1], 0),
    "chunk": lambda m, x: x.chunk(2, 1),
    "chunk uneven": lambda m, x: m.chunk(x, 3, -1),
    "chunk more than size": lambda m, x: x.chunk(5, 2),
    "chunk 4 of 5": lambda m, x: m.arange(5).chunk(4),
    "chunk 6 of 10": lambda m, x: m.arange(10).chunk(6),
    "chunk zero": lambda m, x: x.chunk(0, 2),
    "chunk empty": lambda m, x: x[:, :0].chunk(3, 1),
    "chunk 0d": lambda m, x: x[0, 0, 0].chunk(1),
    "chunk oor": lambda m, x: x.chunk(2, 3),
    # diagonal
    "diagonal": lambda m, x: x.diagonal(),
    "diagonal offset": lambda m, x: m.diagonal(x, 1),
    "diagonal negative offset": lambda m, x: x.diagonal(-1),
    "diagonal offset off the end": lambda m, x: x.diagonal(5),
    "diagonal dims": lambda m, x: x.diagonal(0, 2, 0),
    "diagonal neg dims": lambda m, x: x.diagonal(1, -1, -3),
    "diagonal kw": lambda m, x: m.diagonal(x, offset=1, dim1=2, dim2=1),
    "diagonal identical": lambda m, x: x.diagonal(0, 1, -2),
    "diagonal oor": lambda m, x: x.diagonal(0, 1, 3),
    "diagonal 1d": lambda m, x: x[0, 0].diagonal(),
    "diagonal 0d": lambda m, x: x[0, 0, 0].diagonal(0, 0, -1),
    "diagonal empty": lambda m, x: x[:, :0].diagonal(-1, 0, 2),
    "diagonal nc": lambda m, x: nc(m, x).diagonal(-2, 0, 2),
    # as_strided
    "as_strided": lambda m, x: x.as_strided((2, 2), (1, 2)),
    "as_strided offset": lambda m, x: m.as_strided(x, (2, 2), (1, 2), 3),
    "as_strided keeps view offset": lambda m, x: x[1].as_strided((2,), (1,)),
    "as_strided offset None": lambda m, x: x[1].as_strided([3], [2], None),
    "as_strided overlap": lambda m, x: x.as_strided((3, 3), (1, 1), 5),
    "as_strided out of bounds": lambda m, x: x.as_strided((2, 2), (1, 20), 3),
    "as_strided offset out of bounds": lambda m, x: x.as_strided((2, 2), (1, 2), 30),
    "as_strided negative stride": lambda m, x: x.as_strided((2, 2), (1, -2), 3),
    "as_strided negative size": lambda m, x: x.as_strided((2, -2), (1, 2), 3),
    "as_strided negative size stride 0": lambda m, x: x.as_strided((2, -2), (1, 0)),
    "as_strided negative offset": lambda m, x: x.as_strided((2, 2), (1, 2), -1),
    "as_strided negative offset empty": lambda m, x: x.as_strided((2, 0), (1, 2), -1),
    "as_strided ranks differ": lambda m, x: x.as_strided((2, 2), (1,)),
    "as_strided empty far away": lambda m, x: x.as_strided((0, 2), (100, 100), 1000),
    "as_strided 0d": lambda m, x: x.as_strided((), (), 23),
    "as_strided empty storage": lambda m, x: m.zeros(2, 0).as_strided((1,), (1,)),
    "as_strided int8": lambda m, x: m.zeros(5, dtype=m.int8).as_strided((3,), (2,), 1),
    "as_strided int8 oob": lambda m, x: m.zeros(5, dtype=m.int8).as_strided((3,), (2,), 2),
    # shared rules these ops lean on
    "view zero then infer": lambda m, x: x.view(0, -1),
    "view empty infer": lambda m, x: x[:, :0].view(0, -1),
    "expand bool message": lambda m, x: m.zeros(2, 3, dtype=m.bool).expand(5),
    "expand bfloat16 message": lambda m, x: m.zeros(2, 3, dtype=m.bfloat16).expand(5),
    "expand half message": lambda m, x: m.zeros(2, 3, dtype=m.float16).expand(5),
}


@pytest.mark.parametrize("name", list(SHAPE_CASES))
def test_shape_op(name):
    same(SHAPE_CASES[name])


def test_views_share_version_counter():
    for mod in (refimpl, torch):
        x = mod.zeros(2, 3)
        parts = x.split(1)
        parts[0].add_(1)
        assert (x._version, parts[1]._version) == (1, 1)
        assert x.tolist() == [[1.0, 1.0, 1.0], [0.0, 0.0, 0.0]]


def test_iterating_a_tensor_selects_rows():
    assert [r.tolist() for r in refimpl.arange(6).reshape(3, 2)] == [[0, 1], [2, 3], [4, 5]]


# --- factories ---------------------------------------------------------------------------------
DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "bfloat16", "float32",
          "float64"]


def _dt(m, name):
    return getattr(m, name)


CREATION_CASES = {
    "as_tensor same object": lambda m, x: m.as_tensor(x),
    "as_tensor same dtype": lambda m, x: m.as_tensor(x, dtype=m.float32),
    "as_tensor converts": lambda m, x: m.as_tensor(nc(m, x), dtype=m.int16),
    "as_tensor converts expanded": lambda m, x: m.as_tensor(x[:, :1].expand(2, 3, 4), dtype=m.float64),
    "as_tensor list": lambda m, x: m.as_tensor([[1, 2], [3, 4]]),
    "as_tensor list dtype": lambda m, x: m.as_tensor([[1, 2.5]], dtype=m.float16),
    "as_tensor scalar": lambda m, x: m.as_tensor(3),
    "as_tensor ragged": lambda m, x: m.as_tensor([[1, 2], [3]]),
    "as_tensor str": lambda m, x: m.as_tensor("abc"),
    "as_tensor overflow": lambda m, x: m.as_tensor([300], dtype=m.uint8),
    "linspace": lambda m, x: m.linspace(0, 1, 5),
    "linspace 0 steps": lambda m, x: m.linspace(0, 1, 0),
    "linspace 1 step": lambda m, x: m.linspace(3, 1, 1),
    "linspace negative steps": lambda m, x: m.linspace(0, 1, -1),
    "linspace bool": lambda m, x: m.linspace(0, 1, 3, dtype=m.bool),
    "linspace bool 1 step": lambda m, x: m.linspace(2, 1, 1, dtype=m.bool),
    "linspace half overflow": lambda m, x: m.linspace(1, 1e30, 2, dtype=m.float16),
    "linspace half overflow 1 step": lambda m, x: m.linspace(1e30, 1, 1, dtype=m.float16),
    "linspace float overflow 1 step": lambda m, x: m.linspace(1e39, 1, 1, dtype=m.float32),
    "linspace nan into int": lambda m, x: m.linspace(float("nan"), 1, 3, dtype=m.int32),
    "linspace uint8 wraps": lambda m, x: m.linspace(-3, 10, 7, dtype=m.uint8),
    "linspace uint8 negative float": lambda m, x: m.linspace(-3.5, 1, 3, dtype=m.uint8),
    "linspace int8 overflow": lambda m, x: m.linspace(200, 1, 3, dtype=m.int8),
    "linspace inf": lambda m, x: m.linspace(1, float("inf"), 3, dtype=m.float16),
    "linspace bool args": lambda m, x: m.linspace(True, False, 3),
    "empty negative": lambda m, x: m.empty(2, -3),
    "empty no size": lambda m, x: m.empty(),
    "empty preserve": lambda m, x: m.empty(2, 3, memory_format=m.preserve_format),
    "empty channels_last 2d": lambda m, x: m.empty(2, 3, memory_format=m.channels_last),
    "full_like int": lambda m, x: m.full_like(x, 2.5, dtype=m.int32),
    "full_like overflow": lambda m, x: m.full_like(x, 1e300),
    "full_like half overflow": lambda m, x: m.full_like(x, 1e30, dtype=m.float16),
    "full_like half overflow 1 element": lambda m, x: m.full_like(x[0, 0, :1], 1e30, dtype=m.float16),
    "full_like uint8 wraps": lambda m, x: m.full_like(x, -3, dtype=m.uint8),
    "full_like nan into int": lambda m, x: m.full_like(x, float("nan"), dtype=m.int32),
    "full_like keeps int dtype": lambda m, x: m.full_like(m.zeros(2, dtype=m.int64), 2.7),
    "zeros_like channels_last 3d": lambda m, x: m.zeros_like(x, memory_format=m.channels_last),
    "ones_like bool": lambda m, x: m.ones_like(x, dtype=m.bool),
}


@pytest.mark.parametrize("name", list(CREATION_CASES))
def test_creation(name):
    same(CREATION_CASES[name])


LIKE_INPUTS = {
    "contiguous": lambda m: m.arange(24.0).reshape(2, 3, 4),
    "transposed": lambda m: m.arange(24.0).reshape(2, 3, 4).transpose(0, 2),
    "expanded": lambda m: m.zeros(3, 1).expand(3, 4),
    "sliced": lambda m: m.arange(24.0).reshape(2, 3, 4)[:, ::2],
    "channels_last": lambda m: m.arange(120.0).reshape(2, 5, 4, 3).permute(0, 3, 1, 2),
    "channels_last size 1": lambda m: m.arange(20.0).reshape(2, 4, 5, 1).permute(0, 3, 1, 2),
    "0-d": lambda m: m.tensor(1.0),
    "empty transposed": lambda m: m.zeros(2, 0, 3).transpose(0, 2),
    "empty 4-d": lambda m: m.zeros(2, 0, 4, 5),
}


@pytest.mark.parametrize("fmt", [None, "preserve_format", "contiguous_format", "channels_last"])
@pytest.mark.parametrize("source", list(LIKE_INPUTS))
@pytest.mark.parametrize("op", ["zeros_like", "ones_like", "empty_like", "full_like"])
def test_like_layouts(op, source, fmt):
    def run(m, x):
        kw = {} if fmt is None else {"memory_format": getattr(m, fmt)}
        args = (2.5,) if op == "full_like" else ()
        return getattr(m, op)(LIKE_INPUTS[source](m), *args, dtype=m.float64, **kw)
    same(run, values=op != "empty_like")


def test_empty_values_are_unspecified():
    for t in (refimpl.empty(2, 3), refimpl.empty_like(refimpl.ones(4)),
              refimpl.empty((2, 3, 4, 5), dtype=refimpl.int8, memory_format=refimpl.channels_last)):
        assert t._undefined_mask() is not None and t._undefined_mask().all()
    t = refimpl.empty((2, 3, 4, 5), memory_format=refimpl.channels_last)
    u = torch.empty((2, 3, 4, 5), memory_format=torch.channels_last)
    assert (t.stride(), t.is_contiguous()) == (u.stride(), u.is_contiguous())


def test_as_tensor_aliases_only_without_conversion():
    x = refimpl.ones(3)
    assert refimpl.as_tensor(x) is x
    y = refimpl.as_tensor(x, dtype=refimpl.int32)
    y.add_(1)
    assert x.tolist() == [1.0, 1.0, 1.0] and y.tolist() == [2, 2, 2]


LINSPACE_ARGS = [(0, 10, 7), (-3, 17, 59), (7, -8, 66), (17, -10, 52), (-18.84, 7, 14),
                 (-4.83, -19, 68), (2.5, -3.7, 6), (-1, 1, 7), (0, 1, 2), (5, 5, 4),
                 (-128, 127, 33), (1, 1e4, 9)]


@pytest.mark.parametrize("args", LINSPACE_ARGS, ids=repr)
@pytest.mark.parametrize("dtype", [d for d in DTYPES if d != "bool"])
def test_linspace_values(args, dtype):
    """Every specified element equals torch's (within the dtype's tolerance)."""
    r, t = (outcome(lambda m: m.linspace(*args, dtype=getattr(m, dtype)), m)
            for m in (refimpl, torch))
    if "error" in (r[0], t[0]):
        assert r == t
        return
    r, t = r[1], t[1]
    assert (tuple(r.shape), r.stride(), r.dtype.name) == (tuple(t.shape), t.stride(), dtype)
    mask = r._undefined_mask()
    rtol, atol = tolerance(dtype)
    for i, (a, b) in enumerate(zip(r.tolist(), t.tolist())):
        if mask is None or not mask[i]:
            assert a == b or abs(a - b) <= atol + rtol * abs(a), (i, a, b)


def test_linspace_unspecified_where_fma_matters():
    """-3 + 20/58 * 29 is 7 in exact arithmetic, just under 7 fused: the truncated int
    depends on whether the build fuses the multiply-add."""
    r = refimpl.linspace(-3, 17, 59, dtype=refimpl.int16)
    assert r._undefined_mask()[29]
    assert r._undefined_mask().sum() < 59


def test_inplace_on_self_overlapping_view_is_unspecified_where_it_overlaps():
    """An as_strided view whose elements share memory: an in-place op writes those
    elements more than once, in an order PyTorch leaves unspecified; the rest is exact."""
    r = refimpl.arange(10.0)
    t = torch.arange(10.0)
    rv, tv = r.as_strided((3, 2), (1, 2), 2), t.as_strided((3, 2), (1, 2), 2)
    rv.mul_(3)
    tv.mul_(3)
    mask = rv._undefined_mask()
    assert mask.tolist() == [[False, True], [False, False], [True, False]]
    for i in range(3):
        for j in range(2):
            if not mask[i][j]:
                assert rv.tolist()[i][j] == tv.tolist()[i][j]


@pytest.mark.parametrize("args", [(-15, -0.0, 5), (-0.0, 15, 5), (-0.0, -0.0, 3), (5, -0.0, 2),
                                  (-15, -0.0, 4), (-0.0, -0.0, 4)])
def test_linspace_keeps_the_sign_of_zero(args):
    """Found by the fuzzer: rsqrt(linspace(-15, -0.0, 5))[-1] is -inf in torch."""
    import math
    ours = refimpl.linspace(*args).tolist()
    theirs = torch.linspace(*args).tolist()
    assert [math.copysign(1, x) for x in ours] == [math.copysign(1, x) for x in theirs]
    assert ours == theirs
