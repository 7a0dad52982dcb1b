"""refimpl reductions, linear algebra and joining against torch: result dtype, shape,
strides, version, values (within the dtype's tolerance, unspecified values skipped) or
the error class and first line of its message."""

import math

import pytest
import torch

import refimpl
from tests.refimpl.harness import close, outcome, specified

F = [[1.0, -2.0, 3.0], [4.0, float("nan"), -6.0]]
TIES = [[3, 1, 3, 1], [0, 0, -2, -2]]


def _run(expr, mod, **data):
    env = {"m": mod, "inf": math.inf}
    for name, (values, dtype) in data.items():
        env[name] = mod.tensor(values, dtype=getattr(mod, dtype))
    return outcome(eval, expr, env)


def _check_tensor(r, t):
    assert str(r.dtype) == str(t.dtype)
    assert tuple(r.shape) == tuple(t.shape)
    assert tuple(r.stride()) == tuple(t.stride())
    assert r._version == t._version
    mask = r._undefined_mask()
    expected = specified(r.tolist(), None if mask is None else mask.tolist())
    assert close(expected, t.tolist(), r.dtype), (r.tolist(), t.tolist())


def same(expr, **data):
    r, t = _run(expr, refimpl, **data), _run(expr, torch, **data)
    if "error" in (r[0], t[0]):
        assert r == t
        return
    r, t = r[1], t[1]
    if isinstance(t, tuple):
        assert isinstance(r, tuple) and len(r) == len(t)
        for ri, ti in zip(r, t):
            _check_tensor(ri, ti)
    else:
        _check_tensor(r, t)


FLOATS = ["float32", "float64", "float16", "bfloat16"]
ALL = ["bool", "uint8", "int8", "int32", "int64"] + FLOATS


# --- mean / prod / sum-like -------------------------------------------------------------------
@pytest.mark.parametrize("dtype", ALL)
@pytest.mark.parametrize("expr", [
    "x.mean()", "x.mean(0)", "x.mean(-1, keepdim=True)", "x.mean((0, 1))", "x.mean([])",
    "x.mean(dtype=m.float64)", "x.mean(1, dtype=m.int32)", "m.mean(x, (0, 0))",
    "x.prod()", "x.prod(1)", "x.prod(-2, keepdim=True)", "x.prod(dtype=m.float32)",
    "x.prod(0, dtype=m.int16)", "m.prod(x, 2)",
])
def test_mean_prod(expr, dtype):
    same(expr, x=([[1, 2, 0], [3, 1, 1]], dtype))


@pytest.mark.parametrize("expr", ["e.mean()", "e.mean(0)", "e.mean(1)", "e.prod()", "e.prod(0)",
                                  "s.mean(0)", "s.prod(0, keepdim=True)", "s.mean((0,))"])
def test_mean_prod_empty_and_scalar(expr):
    same(expr, e=([[], []], "float32"), s=(2.5, "float32"))


# --- max / min / amax / amin / argmax / argmin ---------------------------------------------------
@pytest.mark.parametrize("dtype", ALL)
@pytest.mark.parametrize("expr", [
    "x.max()", "x.min()", "x.max(0)", "x.min(1)", "x.max(-1, keepdim=True)", "m.min(x, 0, True)",
    "x.amax()", "x.amin(0)", "x.amax((0, 1))", "x.amin([-1], keepdim=True)", "x.amax(())",
    "x.argmax()", "x.argmin()", "x.argmax(1)", "x.argmin(0, keepdim=True)",
    "x.argmax(keepdim=True)", "m.max(x, x.t())", "m.max(x, x)", "m.min(x, 2)",
])
def test_max_min_ties(expr, dtype):
    same(expr, x=(TIES, dtype))


@pytest.mark.parametrize("expr", [
    "f.max()", "f.max(1)", "f.min(1)", "f.argmax(1)", "f.argmin()", "f.amax(0)", "f.amin(1)",
    "m.max(f, g)", "m.min(g, f)",
])
def test_nan_propagates(expr):
    same(expr, f=(F, "float32"), g=([[0.0, 1.0, float("nan")], [9.0, 9.0, 9.0]], "float32"))


@pytest.mark.parametrize("expr", [
    "e.max()", "e.max(0)", "e.max(1)", "e.min(-2)", "e.amax()", "e.amax(1)", "e.amax((1, 0))",
    "e.amin((0, 5))", "e.argmax()", "e.argmax(0)", "e.argmin(1)", "s.max(0)", "s.argmax(0, True)",
    "s.amax(0)", "s.max()", "b.argmax()", "b.max(0)",
])
def test_extremes_empty_scalar_bool(expr):
    same(expr, e=([[], []], "float32"), s=(2.0, "float32"), b=([True, False], "bool"))


# --- all / any --------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", ALL)
@pytest.mark.parametrize("expr", ["x.all()", "x.any()", "x.all(0)", "x.any(1, keepdim=True)",
                                  "x.all(())", "x.any((0, 1))", "x.all([-1])", "m.any(x, 2)"])
def test_all_any(expr, dtype):
    same(expr, x=([[1, 0, 2], [3, 4, 5]], dtype))


# --- norm ------------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", FLOATS + ["int64"])
@pytest.mark.parametrize("expr", [
    "x.norm()", "x.norm(1)", "x.norm(inf)", "x.norm(-inf)", "x.norm('fro')", "x.norm(0)",
    "x.norm(3)", "x.norm(0.5)", "x.norm(2, 1)", "x.norm(p=1, dim=0, keepdim=True)",
    "x.norm('fro', dim=(0, 1))", "x.norm(dim=(1, 0), keepdim=True)", "x.norm(dtype=m.float64)",
    "x.norm(2, dtype=m.float16)", "x.norm('nuc', dim=(0, 1, 1))", "x.norm('foo')",
    "m.norm(x, inf, dim=(0, 0))",
])
def test_norm(expr, dtype):
    same(expr, x=([[1, -2, 3], [4, 0, -6]], dtype))


@pytest.mark.parametrize("expr", ["e.norm()", "e.norm(inf)", "e.norm(-1, dim=1)",
                                  "e.norm(inf, dim=0)", "e.norm(1, dim=1)", "s.norm(3)",
                                  "big.norm()", "big.norm(3)", "big.norm(dim=0)"])
def test_norm_empty_scalar_overflow(expr):
    same(expr, e=([[], []], "float32"), s=(-3.0, "float32"), big=([1e30, 2.0], "float32"))


# --- cumsum ----------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", ALL)
@pytest.mark.parametrize("expr", ["x.cumsum(0)", "x.cumsum(-1)", "m.cumsum(x, 1, dtype=m.float64)",
                                  "x.cumsum(0, dtype=m.int8)", "x.cumsum(1, dtype=m.bool)",
                                  "x.t().cumsum(0)", "x.cumsum(2)"])
def test_cumsum(expr, dtype):
    same(expr, x=([[1, 0, 2], [3, 4, 5]], dtype))


def test_cumsum_scalar_and_empty():
    same("s.cumsum(0, dtype=m.bool)", s=(2.5, "float32"))
    same("e.cumsum(1, dtype=m.bool)", e=([[], []], "int64"))


# --- linear algebra ---------------------------------------------------------------------------
SHAPES = [(3,), (4,), (2, 3), (3, 2), (3, 3), (2, 2, 3), (2, 3, 2), (1, 3, 2), (2, 1, 2, 3),
          (3, 3, 2)]


def _values(shape, start=0):
    n = math.prod(shape)
    flat = [((i + start) % 7) - 3 for i in range(n)]

    def nest(items, dims):
        if not dims:
            return items[0]
        step = len(items) // dims[0]
        return [nest(items[i * step:(i + 1) * step], dims[1:]) for i in range(dims[0])]
    return nest(flat, list(shape))


@pytest.mark.parametrize("dtype", ["float32", "int64", "float16", "bool"])
@pytest.mark.parametrize("s1", SHAPES, ids=str)
@pytest.mark.parametrize("s2", SHAPES, ids=str)
def test_matmul_ranks(s1, s2, dtype):
    same("a @ b", a=(_values(s1), dtype), b=(_values(s2, 1), dtype))


@pytest.mark.parametrize("expr", [
    "m.mm(a2, b2)", "m.mm(a2, a2)", "m.mm(a2, v)", "m.mm(a3, b2)", "m.mm(a2, b2.long())",
    "m.bmm(a3, b3)", "m.bmm(a3, a3)", "m.bmm(a3.bool(), b3.long())", "m.bmm(a3.long(), b3.bool())", "m.bmm(a2, b3)", "m.bmm(a3, b3.double())",
    "m.mv(a2, v)", "m.mv(a2, w)", "m.mv(v, v)", "m.mv(a2, v.long())", "m.dot(v, v)",
    "m.dot(v, w)", "m.dot(v, v.long())", "m.dot(a2, v)", "m.outer(v, w)", "m.outer(v, w.long())",
    "m.outer(a2, v)", "m.matmul(a2, s)", "a2.t() @ a2", "m.matmul(v, a3.transpose(1, 2))",
    "m.matmul(a3.transpose(0, 1), v)", "m.matmul(a3, b2.long())",
])
def test_linalg_errors_and_strides(expr):
    same(expr, a2=(_values((2, 3)), "float32"), b2=(_values((3, 4), 2), "float32"),
         a3=(_values((2, 2, 3)), "float32"), b3=(_values((2, 3, 2), 3), "float32"),
         v=(_values((3,)), "float32"), w=(_values((2,)), "float32"), s=(1.0, "float32"))


@pytest.mark.parametrize("expr", ["m.bmm(e, i)", "m.mm(e2, e2.t())", "m.mv(e2, e1)",
                                  "m.dot(b1, b1)", "m.mm(b2, b2)"])
def test_linalg_empty(expr):
    same(expr, e=([[[]], [[]]], "float32"), i=([[[1, 2]], [[3, 4]]], "int64"),
         e2=([[], []], "bool"), e1=([], "bool"), b1=([], "bool"), b2=([[True]], "bool"))


def test_matmul_float_cancellation_is_unspecified():
    a = [[-1.5, -2.0, 1.5]]
    b = [[1e30], [-0.0], [1e30]]
    same("a @ b", a=(a, "float64"), b=(b, "float64"))


# --- joining ----------------------------------------------------------------------------------
@pytest.mark.parametrize("expr", [
    "m.cat([x, y])", "m.cat([x, x], 1)", "m.cat((x, y), -2)", "m.cat([x, e])", "m.cat([e, x], 1)",
    "m.cat([e, e], 5)", "m.cat([x, z])", "m.cat([x, x.t()])", "m.cat([x, x], 2)", "m.cat([])",
    "m.cat([x, s])", "m.cat([x, i, b])", "m.concat([x, y], dim=0)", "m.cat([x.t(), y.t()], 1)",
    "m.cat([x, x[0]])",
    "m.stack([x, x])", "m.stack([x, x], -1)", "m.stack([x, x], 2)", "m.stack([x, x], 3)",
    "m.stack([x, y])", "m.stack([])", "m.stack([s, s])", "m.stack([x.t(), x.t()], 1)",
    "m.stack((x, i, b), 1)",
])
def test_cat_stack(expr):
    same(expr, x=(_values((2, 3)), "float32"), y=(_values((1, 3), 1), "float32"),
         z=(_values((2, 2)), "float32"), e=([], "int64"), s=(1.0, "float32"),
         i=(_values((2, 3)), "int64"), b=([[True, False, True]] * 2, "bool"))


def test_cat_channels_last():
    for mod in (refimpl, torch):
        a = mod.zeros(2, 3, 2, 2).permute(0, 3, 1, 2)
        out = mod.cat([a, a], 1)
        assert out.stride() == torch.cat([torch.zeros(2, 3, 2, 2).permute(0, 3, 1, 2)] * 2, 1).stride()


@pytest.mark.parametrize("dims", ["[0, 1, 3]", "None", "-1"])
@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
def test_sum_into_narrower_dtype(dims, dtype):
    """Overflow on conversion vs after accumulation depends on the kernel path: either
    agrees with torch or is marked unspecified."""
    big = [[[[7e4, 7e4, -7e4, 1.0]] * 3] * 3] * 3
    same(f"x.sum({dims}, dtype=m.{dtype})", x=(big, "float32"))


@pytest.mark.parametrize("expr", [
    "m.tensor([-0.0, -0.0]).cumsum(0)", "m.tensor([-0.0], dtype=m.bfloat16).cumsum(0)",
    "m.tensor(-0.0).sum((0,))", "m.tensor([-0.0, -0.0]).sum()", "m.tensor([[-0.0], [-0.0]]).sum(1)",
])
def test_sums_start_from_positive_zero(expr):
    """Found by the fuzzer (rsqrt of a sum/cumsum of -0.0 is +inf in torch)."""
    def signs(t):
        return [math.copysign(1, x) for x in t.reshape(-1).tolist()]
    assert signs(eval(expr, {"m": refimpl})) == signs(eval(expr, {"m": torch}))


# --- signs of zeros and the limits of each float dtype ------------------------------------------
def _zero_signs_agree(r, t):
    """Every zero refimpl specifies has the sign torch gives it (== cannot see signs)."""
    mask = r._undefined_mask()
    rf, tf = r.reshape(-1).tolist(), t.reshape(-1).tolist()
    mf = [False] * len(rf) if mask is None else mask.reshape(-1).tolist()
    return all(m or not (isinstance(a, float) and a == 0 and b == 0)
               or math.copysign(1, a) == math.copysign(1, b) for a, b, m in zip(rf, tf, mf))


def same_signs(expr, **data):
    """same(), and the sign of every specified zero."""
    same(expr, **data)
    r, t = _run(expr, refimpl, **data), _run(expr, torch, **data)
    if r[0] == "error":
        return
    pairs = zip(r[1], t[1]) if isinstance(t[1], tuple) else [(r[1], t[1])]
    for ri, ti in pairs:
        assert _zero_signs_agree(ri, ti), (expr, ri.tolist(), ti.tolist())


# per dtype: a value whose square overflows the float accumulator (or double), and one
# whose square underflows it
SQUARES = {"float32": (1e20, 1e-30), "bfloat16": (1e20, 1e-30), "float16": (300.0, 1e-4),
           "float64": (1e160, 1e-170)}


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("expr", [
    "x.norm(2, dim=1)", "x.norm(3, dim=0)", "x.norm(dim=1, keepdim=True)", "x.norm()",
    "x.norm(-2, dim=1)", "x.norm(1.5, dim=0)", "x.t().norm(2, dim=0)", "x.norm(2, dim=(0, 1))",
    "x.norm(0.5, dim=1)", "x.norm(2, dim=1, dtype=m.float64)",
    "c.norm(2, dim=1)", "c.norm(3, dim=1, keepdim=True)", "c.norm(-2, dim=1)", "c.norm(2, 0)",
    "s.norm(2)", "s.norm(3, dim=())", "s.norm(2, dim=0)",
])
def test_norm_accumulates_like_the_cpu_kernel(expr, dtype):
    """|x|^p is summed in float for float, half and bfloat16 (so 1e20 ** 2 overflows
    float32), in double for double; a reduction over size-1 dims is abs(x) itself."""
    big, small = SQUARES[dtype]
    same_signs(expr, x=([[big, big, 3.0], [small, small, -0.0]], dtype),
               c=([[big], [-small], [-0.0]], dtype), s=(-big, dtype))


LIMITS = {"float16": (65504.0, 6.103515625e-05, 5.960464477539063e-08),
          "bfloat16": (3.3895313892515355e38, 1.1754943508222875e-38, 9.183549615799121e-41),
          "float32": (3.4028234663852886e38, 1.1754943508222875e-38, 1.401298464324817e-45),
          "float64": (1.7976931348623157e308, 2.2250738585072014e-308, 5e-324)}


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("expr", [
    "x.sum()", "x.sum(1)", "x.sum(0)", "x.mean(1)", "x.mean(0)", "x.prod(1)", "x.prod(0)",
    "x.cumsum(1)", "x.cumsum(0)", "x.amax(1)", "x.amin(0)", "x.max(1)", "x.min(0)",
    "x.max()", "x.norm(1, dim=1)", "x.norm(2, dim=0)", "x.all(1)", "x.any(0)",
    "x.sum(1, dtype=m.float64)", "x.mean(0, dtype=m.float64)", "x.cumsum(1, dtype=m.float64)",
])
def test_reductions_near_the_dtype_limits(expr, dtype):
    big, tiny, subnormal = LIMITS[dtype]
    x = [[big, big, -big, 1.0, -1.0], [tiny, -tiny, subnormal, -subnormal, 0.0],
         [big, -0.0, big, -big, 1.0], [subnormal, subnormal, -0.0, 0.0, -0.0],
         [1.0, big, tiny, -big, -1.0], [-big, -big, big, -1.0, 2.0]]
    same_signs(expr, x=(x, dtype))


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("expr", [
    "x.amax(1)", "x.amin(1)", "x.amax(0)", "x.t().amax(0)", "x.t().amin(1)", "x.amax()",
    "x.max(1)", "x.min(0)", "x.t().max(1)", "x.max()", "x.min()",
    "l.amax()", "l.amin(0)", "l.max()", "l.max(0)", "l.min(0)",
])
def test_extremes_of_signed_zeros(expr, dtype):
    """amax / amin keep the first tied zero in memory order on small inputs, max.dim the
    element at the index it returns; elsewhere the sign depends on the kernel path and is
    unspecified."""
    x = [[-0.0, 0.0, -1.0], [0.0, -0.0, -0.0], [-1.0, 0.0, -0.0]]
    l = [0.0, -0.0] * 20
    same_signs(expr, x=(x, dtype), l=(l, dtype))


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("expr", [
    "m.max(a, b)", "m.min(a, b)", "m.max(b, a)", "m.maximum(a, b)", "m.minimum(b, a)",
    "m.max(la, lb)", "m.minimum(la, lb)",
    "a.clamp(min=-0.0)", "a.clamp(max=0.0)", "a.clamp(0.0, -0.0)", "a.clamp_min(0.0)",
    "la.clamp(min=0.0)", "la.clamp(-0.0, 0.0)", "a.clamp(min=b)", "la.clamp(max=lb)",
])
def test_elementwise_extremes_of_signed_zeros(expr, dtype):
    """Scalar loops keep the first operand on ties; the vector loop of maximum / minimum
    (and of clamp with tensor bounds) keeps the second, so ties in outputs holding a
    64-byte vector block are unspecified; clamp with number bounds keeps self on both."""
    a, b = [-0.0, 0.0, -0.0, 0.0, 1.0], [0.0, -0.0, -0.0, 0.0, -0.0]
    same_signs(expr, a=(a, dtype), b=(b, dtype), la=(a * 8, dtype), lb=(b * 8, dtype))


@pytest.mark.parametrize("dtype", ["float32", "float64", "bfloat16", "float16"])
@pytest.mark.parametrize("expr", [
    "m.mm(z, n)", "m.mm(z2, n2)", "m.mm(t, t.t())", "m.mv(z2, v)", "m.dot(v, w)", "m.bmm(zb, nb)",
    "m.matmul(z, n)", "m.outer(w, v)",
])
def test_linalg_zero_signs(expr, dtype):
    """A zero result is +0.0 unless every product is -0.0 (BLAS writes a lone product as
    it is, dot-like paths start from +0.0) or tiny products may round to -0.0: those are
    unspecified."""
    same_signs(expr, z=([[0.0], [-0.0], [0.0]], dtype), n=([[-2.5, 1.0, -0.0]], dtype),
               z2=([[0.0, -0.0], [1.0, -1.0]], dtype), n2=([[-2.5, 1.0], [2.5, -0.0]], dtype),
               t=([[1e-30, -1e-30], [0.0, -1.0]], dtype), v=([-1.0, 0.0], dtype),
               w=([0.0, 2.0], dtype), zb=([[[0.0]], [[-0.0]]], dtype),
               nb=([[[-1.0, 3.0]]] * 2, dtype))


def test_lone_negative_zero_products_are_unspecified():
    r = refimpl.mm(refimpl.zeros(2, 1), refimpl.tensor([[-2.5, 1.0]]))
    assert r._undefined_mask().tolist() == [[True, False], [True, False]]
    assert math.copysign(1, r[0, 1].item()) == 1.0


def test_an_exactly_cancelling_sum_leaves_its_zero_unspecified():
    """Accumulated in some order, x + ... - x leaves a tiny residue of either sign; cast to
    float16 (mean(dtype=)) it is a zero whose sign depends on that order (torch:cpu gives
    -0.0 here), so refimpl does not claim one. A sum that does not cancel stays specified."""
    import refimpl
    x = refimpl.full([2, 3, 2], 1 / 3.75)
    x[1].neg_()
    assert x.mean(dtype=refimpl.float16)._undefined_mask().all()
    assert x.sum()._undefined_mask().all()
    y = refimpl.full([2, 3, 2], 1 / 3.75)
    assert y.mean(dtype=refimpl.float16)._undefined_mask() is None
