"""refimpl.Tensor introspection, views, version counter and value semantics against torch.

Every scenario is built twice, once with `refimpl` and once with `torch` as the module,
through the same code, and the observable results are compared.
"""

import math
import subprocess
import sys

import pytest
import torch

import refimpl
from tests.refimpl.harness import specified, tolerance

MODS = (refimpl, torch)


def dt(mod, name):
    return getattr(mod, name)


def same_dtype(rd, td):
    return repr(rd) == repr(td)


def float_key(values):
    """Nested lists of floats compared exactly, -0.0 and NaN included."""
    if isinstance(values, list):
        return [float_key(v) for v in values]
    return repr(values) if isinstance(values, float) else values


def exact_pair(r, t):
    """(dtype, values) of a refimpl and a torch result, for exact comparison. Elements
    refimpl marks unspecified (e.g. float add with alpha: fused or not is PyTorch's
    choice) are blanked on both sides."""
    mask = r._undefined_mask()
    mask = None if mask is None else mask.tolist()
    return ((repr(r.dtype), float_key(specified(r.tolist(), mask))),
            (repr(t.dtype), float_key(specified(t.tolist(), mask))))


def assert_exact(r, t):
    got, expected = exact_pair(r, t)
    assert got == expected


def assert_close(r, t):
    """For transcendental ops (exp, sigmoid), whose last bit neither library specifies:
    the project's per-dtype tolerance (harness.tolerance)."""
    assert repr(r.dtype) == repr(t.dtype)
    rtol, atol = tolerance(r.dtype)
    expected = t.double() if t.dtype.is_floating_point else t.to(torch.float64)
    torch.testing.assert_close(torch.tensor(r.tolist(), dtype=torch.float64).reshape(t.shape),
                               expected, rtol=rtol, atol=atol, equal_nan=True)


# --- introspection along view chains --------------------------------------------------------
CHAINS = {
    "view": [("view", (4, 6))],
    "view_transpose_narrow": [("view", (2, 3, 4)), ("transpose", (0, 2)), ("narrow", (1, 1, 2))],
    "t_narrow_expand": [("view", (4, 6)), ("t", ()), ("narrow", (1, 2, 1)), ("expand", (6, 3))],
    "permute_reshape_copy": [("view", (2, 3, 4)), ("permute", (2, 0, 1)), ("reshape", (4, 6))],
    "permute_reshape_view": [("view", (2, 3, 4)), ("permute", (1, 2, 0)), ("reshape", (12, 2))],
    "narrow_view_narrow_t": [("narrow", (0, 5, 12)), ("view", (3, 4)), ("narrow", (1, 1, 2)),
                             ("t", ())],
    "empty_narrow": [("view", (2, 12)), ("narrow", (1, 3, 0))],
    "to_scalar": [("narrow", (0, 7, 1)), ("view", ((),))],
    "expand_leading": [("view", (1, 24)), ("expand", (3, 24)), ("narrow", (0, 1, 2)),
                       ("narrow", (1, 4, 10))],
    "detach_view": [("detach", ()), ("view", (6, -1)), ("transpose", (-1, -2))],
    "neg_dims": [("view", (2, 3, 4)), ("narrow", (-1, 1, 3)), ("permute", (-1, 0, 1))],
    "view_of_transposed": [("view", (4, 6)), ("t", ()), ("narrow", (0, 0, 2)),
                           ("view", (2, 1, 2, 2, 1, 1))],
    "contiguous_of_view": [("view", (4, 6)), ("t", ()), ("contiguous", ())],
    "clone": [("view", (4, 6)), ("t", ()), ("clone", ())],
}
DTYPES = ["float32", "int64", "int16", "float16", "uint8"]


def build_chain(mod, dtype_name, chain):
    base = mod.arange(24, dtype=dt(mod, dtype_name))
    t = base
    for name, args in chain:
        t = getattr(t, name)(*args)
    return base, t


def introspect(t, base):
    out = {
        "shape": tuple(t.shape), "size": tuple(t.size()), "stride": tuple(t.stride()),
        "dim": t.dim(), "ndim": t.ndim, "numel": t.numel(), "nelement": t.nelement(),
        "offset": t.storage_offset(), "dtype": repr(t.dtype),
        "contiguous": t.is_contiguous(), "version": t._version,
        "element_size": t.element_size(), "is_fp": t.is_floating_point(),
        "tolist": float_key(t.tolist()),
        "same_storage": t.untyped_storage().data_ptr() == base.untyped_storage().data_ptr(),
        "size_d": [t.size(d) for d in range(-t.dim(), t.dim())],
        "stride_d": [t.stride(d) for d in range(-t.dim(), t.dim())],
    }
    if out["same_storage"] and t.numel() and base.numel():
        # (a tensor with no elements has data_ptr() 0: see test_data_ptr_of_empty_tensor)
        out["data_ptr_delta"] = t.data_ptr() - base.data_ptr()
        assert out["data_ptr_delta"] == (t.storage_offset() - base.storage_offset()) * t.element_size()
    if t.numel() == 1:
        out["item"] = float_key(t.item())
    if t.dim():
        out["len"] = len(t)
    if t.dim() == 4:
        out["channels_last"] = t.is_contiguous(memory_format=t_mod(t).channels_last)
    return out


def t_mod(t):
    return refimpl if isinstance(t, refimpl.Tensor) else torch


@pytest.mark.parametrize("dtype_name", DTYPES)
@pytest.mark.parametrize("chain", CHAINS.values(), ids=CHAINS.keys())
def test_introspection_along_view_chain(chain, dtype_name):
    rb, rt = build_chain(refimpl, dtype_name, chain)
    tb, tt = build_chain(torch, dtype_name, chain)
    assert introspect(rt, rb) == introspect(tt, tb)
    # the base itself is unchanged by taking views
    assert introspect(rb, rb) == introspect(tb, tb)


def test_untyped_storage_shared_by_views_not_by_copies():
    for mod in MODS:
        x = mod.arange(12.0)
        v = x.view(3, 4).t().narrow(0, 1, 2)
        assert v.untyped_storage().data_ptr() == x.untyped_storage().data_ptr()
        assert v.untyped_storage().nbytes() == x.untyped_storage().nbytes() == 48
        c = v.clone()
        assert c.untyped_storage().data_ptr() != x.untyped_storage().data_ptr()
        assert v.data_ptr() - x.data_ptr() == 4 * v.storage_offset()


def test_data_ptr_of_empty_tensor():
    # TensorImpl::data() is nullptr for a tensor with no elements, even when it is a
    # view into a non-empty storage (whose own data_ptr is not null)
    def run(mod):
        x = mod.arange(24.0)
        views = [x.view(2, 12).narrow(1, 3, 0), x.narrow(0, 5, 0), x.view(4, 6).t().narrow(0, 6, 0),
                 mod.zeros(0), mod.zeros(3, 0)]
        return [(v.data_ptr() == 0, v.untyped_storage().data_ptr() == 0) for v in views]
    assert run(refimpl) == run(torch)


# --- version counter --------------------------------------------------------------------------
def version_trace(mod):
    """_version of a base, a view, a view of the view and a detach() after each step."""
    x = mod.arange(6, dtype=mod.float32)
    v = x.view(2, 3)
    w = v.t().narrow(0, 1, 2)
    d = x.detach()
    c = x.clone()
    trace = []

    def record(label):
        trace.append((label, x._version, v._version, w._version, d._version, c._version))

    record("start")
    x.add_(1)
    record("add_")
    v.mul_(2)
    record("view mul_")
    w.neg_()
    record("view-of-view neg_")
    d.exp_()
    record("detach exp_")
    x.sigmoid_()
    record("sigmoid_")
    x += 1
    record("+= scalar")
    v *= 2
    record("view *= scalar")
    d += x
    record("detach += tensor")
    w *= w
    record("w *= w")
    x.add_(v.view(6), alpha=2)
    record("add_ alpha")
    late = x.view(3, 2)
    trace.append(("late view", late._version))
    c.add_(1)
    record("clone add_")
    out = x.add(1)
    x.mul(2)
    x.neg()
    x.exp()
    x.sum()
    record("out-of-place ops")
    trace.append(("fresh result", out._version))
    return trace, x


def test_version_counter_matches_torch():
    rtrace, rx = version_trace(refimpl)
    ttrace, tx = version_trace(torch)
    assert rtrace == ttrace
    assert_close(rx, tx)  # the values went through exp_ and sigmoid_


def test_version_counter_exact_numbers():
    trace, _ = version_trace(torch)
    rtrace, _ = version_trace(refimpl)
    # spot check torch's numbers against the documented rule (one bump per in-place op)
    assert trace[1][1:5] == (1, 1, 1, 1)
    assert rtrace[1][1:5] == (1, 1, 1, 1)
    assert rtrace[-2][1] == trace[-2][1] == 10


def test_failed_inplace_op_does_not_bump_version():
    for mod in MODS:
        x = mod.arange(6)
        with pytest.raises(RuntimeError):
            x.add_(1.5)
        assert x._version == 0
        with pytest.raises(RuntimeError):
            x.exp_()
        assert x._version == 0
        x.add_(1)
        assert x._version == 1


def test_int_inplace_versions_match():
    def run(mod):
        versions = []
        x = mod.arange(4, dtype=mod.int32)
        for op in ("add_", "mul_", "neg_"):
            getattr(x, op)(*(() if op == "neg_" else (3,)))
            versions.append(x._version)
        x += x
        x *= 2
        versions.append(x._version)
        return versions, x.tolist()
    assert run(refimpl) == run(torch)


# --- writes through views ------------------------------------------------------------------------
def view_write_trace(mod):
    x = mod.zeros(3, 4)
    v = x.t()  # (4, 3)
    v.narrow(0, 1, 2).add_(5)            # columns 1 and 2 of x
    s1 = (x.tolist(), v.tolist())
    x.narrow(0, 2, 1).mul_(3)            # row 2 of x, seen by v's column 2
    x.narrow(1, 3, 1).add_(mod.arange(3.0).view(3, 1))
    s2 = (x.tolist(), v.tolist())
    flat = x.view(12)
    flat.narrow(0, 0, 4).neg_()
    s3 = (x.tolist(), v.tolist(), flat.tolist())
    d = x.detach()
    d.add_(1)
    s4 = x.tolist()
    e = x.narrow(0, 0, 1).expand(2, 4)   # reads see the row repeated
    x.narrow(0, 0, 1).add_(100)
    s5 = e.tolist()
    return s1, s2, s3, s4, s5


def test_writes_through_views():
    assert view_write_trace(refimpl) == view_write_trace(torch)


def test_reshape_copy_is_independent():
    def run(mod):
        x = mod.arange(6.0).view(2, 3)
        r = x.t().reshape(6)  # needs a copy
        r.add_(100)
        y = x.reshape(3, 2)   # a view
        y.add_(1)
        return x.tolist(), r.tolist(), y.tolist(), x._version, r._version
    assert run(refimpl) == run(torch)


# --- integer wrap-around ---------------------------------------------------------------------------
INT_LIMITS = {"uint8": (0, 255), "int8": (-128, 127), "int16": (-2**15, 2**15 - 1),
              "int32": (-2**31, 2**31 - 1), "int64": (-2**63, 2**63 - 1)}


def int_trace(mod, name):
    lo, hi = INT_LIMITS[name]
    d = dt(mod, name)
    a = mod.tensor([lo, hi, lo + 1, hi - 1, 0, 1], dtype=d)
    b = mod.tensor([hi, hi, lo, 2, hi, lo], dtype=d)
    results = [
        a + 1, a + a, a + b, a * 2, a * a, a * b, a * -1, -a if name != "uint8" else a * 3,
        mod.add(a, b, alpha=3), mod.add(a, 1, alpha=-2), a + 300, a * 1000, 2 * a, 1 + a,
        a.sum(), a.sum(dtype=d),
    ]
    c = a.clone()
    c += b
    c *= 7
    c.add_(a, alpha=5)
    c.mul_(hi)
    if name != "uint8":
        c.neg_()
    results.append(c)
    return [(repr(r.dtype), r.tolist()) for r in results]


@pytest.mark.parametrize("name", list(INT_LIMITS))
def test_integer_wraparound(name):
    assert int_trace(refimpl, name) == int_trace(torch, name)


def test_mixed_integer_promotion_values():
    def run(mod):
        u = mod.tensor([200, 255, 0], dtype=mod.uint8)
        i = mod.tensor([-100, 127, -128], dtype=mod.int8)
        s = mod.tensor([30000, -32768, 1], dtype=mod.int16)
        out = [u + i, u * i, i * s, u + s, mod.add(u, i, alpha=2), u + True, i * False]
        return [(repr(r.dtype), r.tolist()) for r in out]
    assert run(refimpl) == run(torch)


# --- float16 / bfloat16 rounding ---------------------------------------------------------------------
EDGE_VALUES = {
    "float16": [65504.0, 65505.0, 65519.0, 65519.99, 65520.0, 1e5, -1e5, 6.103515625e-05,
                6.1e-05, 5.960464477539063e-08, 2.9802322387695312e-08,
                2.9802322387695313e-08 * 1.0000001, 8.940696716308594e-08, 1e-8,
                1 / 3, 0.1, 1 + 2**-11, 1 + 3 * 2**-11, 1 + 2**-11 + 2**-20, 2049.0, 2051.0,
                -0.0, math.inf, -math.inf, math.nan, 1e-300, -1e-300, 1e300],
    "bfloat16": [1 + 2**-8, 1 + 3 * 2**-8, 1 + 2**-8 + 2**-40, 1 + 2**-8 + 2**-20,
                 3.3895313892515355e38, 3.3961775292304957e38, 3.39e38, 3.4e38,
                 3.4028234663852886e38, 1e39, -1e39, 1e-38, 1e-40, 9.2e-41, 1e-45, 1e-46,
                 257.0, 258.0, 259.0, 1 / 3, 0.1, -0.0, math.inf, -math.inf, math.nan,
                 1e-300, 1e300, 16777217.0],
    "float32": [16777217.0, 16777219.0, 0.1, 1 / 3, 3.4028234663852886e38, 3.4028235e38,
                3.4028236e38, 1e39, 1e-45, 7e-46, 1e-46, -0.0, math.nan, 1 + 2**-24,
                1 + 2**-24 + 2**-60],
}


@pytest.mark.parametrize("name", list(EDGE_VALUES))
def test_float_rounding_of_tensor_values(name):
    values = EDGE_VALUES[name]
    r = refimpl.tensor(values, dtype=dt(refimpl, name))
    t = torch.tensor(values, dtype=dt(torch, name))
    assert float_key(r.tolist()) == float_key(t.tolist())
    for v in values:  # one at a time, 0-dim
        assert float_key(refimpl.tensor(v, dtype=dt(refimpl, name)).item()) == \
            float_key(torch.tensor(v, dtype=dt(torch, name)).item()), v


# Python floats (doubles) just above a float16 rounding tie, by less than half a float32
# ulp: PyTorch converts double -> float -> half (c10::Half has a float constructor),
# so the float32 step lands exactly on the tie, which then rounds to even.
FLOAT16_DOUBLE_ROUNDING = [1 + 2**-11 + 2**-40, -(1 + 2**-11 + 2**-40), 2049 + 2**-20,
                           2**-25 + 2**-50, 5 * 2**-25 + 2**-52]


def test_float16_from_python_float_rounds_through_float32():
    values = FLOAT16_DOUBLE_ROUNDING
    # torch's own numbers: the same as rounding the float32 value to half
    assert torch.tensor(values, dtype=torch.float16).tolist() == \
        torch.tensor(values, dtype=torch.float32).half().tolist()
    assert float_key(refimpl.tensor(values, dtype=refimpl.float16).tolist()) == \
        float_key(torch.tensor(values, dtype=torch.float16).tolist())
    for v in values:
        assert float_key(refimpl.full((2,), v, dtype=refimpl.float16).tolist()) == \
            float_key(torch.full((2,), v, dtype=torch.float16).tolist()), v


@pytest.mark.parametrize("name", ["float16", "bfloat16"])
def test_reduced_float_arithmetic(name):
    def run(mod):
        d = dt(mod, name)
        a = mod.tensor([65504.0, 1.0, 0.1, 1 / 3, 300.0, -2.5, 1e-7], dtype=d)
        b = mod.tensor([16.0, 2**-11, 0.2, 1 / 3, 0.5, 2.5, 1e-7], dtype=d)
        exact = [a + b, a * b, a + 1e-3, a * 1.0001, a * 3, 2.5 * a, a.neg(),
                 mod.add(a, b, alpha=3), a + mod.tensor(0.1), a * mod.tensor(0.1, dtype=mod.float64)]
        # float sums: the accumulation order is unspecified, so only close
        return exact, [a.exp(), a.sigmoid(), a.sum(), a.sum(dtype=mod.float32)]
    (r_exact, r_close), (t_exact, t_close) = run(refimpl), run(torch)
    for i, (r, t) in enumerate(zip(r_exact, t_exact)):
        got, expected = exact_pair(r, t)
        assert got == expected, i
    for r, t in zip(r_close, t_close):
        assert_close(r, t)


# --- bool arithmetic -------------------------------------------------------------------------------------
def bool_trace(mod):
    a = mod.tensor([True, False, True, False])
    b = mod.tensor([True, True, False, False])
    outs = [a + b, a * b, a + 1, a * 2, a + 1.5, a * 0.5, 1 + a, True + a, a * True, a + True,
            mod.add(a, b, alpha=True), mod.add(a, b, alpha=2), a.sum(),
            a + mod.tensor([1, 2, 3, 4], dtype=mod.int8), a + mod.tensor(2.5),
            a * mod.tensor(3, dtype=mod.uint8), a.sum(0, keepdim=True), a.sum(dtype=mod.bool)]
    c = a.clone()
    c += b
    c *= b
    outs.append(c)
    return outs, [a.exp(), a.sigmoid()]


def test_bool_arithmetic():
    (r_exact, r_close), (t_exact, t_close) = bool_trace(refimpl), bool_trace(torch)
    for i, (r, t) in enumerate(zip(r_exact, t_exact)):
        got, expected = exact_pair(r, t)
        assert got == expected, i
    for r, t in zip(r_close, t_close):
        assert_close(r, t)


def test_refimpl_never_imports_torch():
    code = "import refimpl, sys; assert 'torch' not in sys.modules, 'refimpl imported torch'"
    import os
    from pathlib import Path
    root = str(Path(__file__).resolve().parents[2])
    env = dict(os.environ)
    env["PYTHONPATH"] = root + os.pathsep + env.get("PYTHONPATH", "")
    proc = subprocess.run([sys.executable, "-c", code], cwd=root, env=env,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
