"""Unary math ops and copies / dtype conversions: refimpl against torch.

Each case is a function of the module (`refimpl` or `torch`); the result (or the
exception class and first message line) must agree: dtype, shape, strides, values
(within the dtype's tolerance), version, and whether the result is the input itself.
"""
import math

import numpy as np
import pytest
import torch

import refimpl
from tests.refimpl.harness import close, outcome, specified

DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "bfloat16",
          "float32", "float64"]
FLOAT_VALUES = [float("nan"), float("inf"), float("-inf"), -0.0, 0.0, 0.5, -0.5, 1.5, 2.5,
                -2.5, 3.75, -7.25, 1e30, -1e30, 65504.0, 100.0, 0.1, 1e-8]
INT_VALUES = [0, 1, -1, 2, 5, -7, 100, -128, 127]


def _data(m, dtype, shape=(3, 6)):
    n = math.prod(shape)
    if dtype == "bool":
        values = [bool(i % 3) for i in range(n)]
    elif dtype in ("float16", "bfloat16", "float32", "float64"):
        values = [FLOAT_VALUES[i % len(FLOAT_VALUES)] for i in range(n)]
    else:
        values = [INT_VALUES[i % len(INT_VALUES)] for i in range(n)]
        if dtype == "uint8":
            values = [v % 256 for v in values]
    return m.tensor(values, dtype=getattr(m, dtype)).reshape(*shape)


def _observe(result, inputs):
    if isinstance(result, (str, bool, int, float)):
        return ("value", result)
    same = tuple(result is x for x in inputs)
    mask = result._undefined_mask() if isinstance(result, refimpl.Tensor) else None
    # unspecified values are not compared
    values = specified(result.tolist(), None if mask is None else mask.tolist())
    return (str(result.dtype).replace("torch.", ""), tuple(result.shape), tuple(result.stride()),
            result._version, same, values)


def observed(fn, m):
    """fn(m, inputs) observed: the result, then each input fn kept in `inputs`."""
    inputs = []

    def describe(result):
        return _observe(result, inputs) + (tuple(_observe(x, []) for x in inputs),)
    return outcome(fn, m, inputs, observe=describe)


def assert_same(fn):
    expected, actual = observed(fn, refimpl), observed(fn, torch)
    if "error" in (expected[0], actual[0]) or expected[1][0] == "value":
        assert expected == actual
        return
    expected, actual = expected[1], actual[1]
    assert expected[:5] == actual[:5], (expected[:5], actual[:5])
    assert close(expected[5], actual[5], expected[0]), (expected[5], actual[5])
    assert len(expected[6]) == len(actual[6])
    for e, a in zip(expected[6], actual[6]):
        assert e[:4] == a[:4]
        assert close(e[5], a[5], e[0]), (e[5], a[5])


def _keep(inputs, *tensors):
    inputs.extend(tensors)
    return tensors[0] if len(tensors) == 1 else tensors


UNARY = ["abs", "log", "sqrt", "rsqrt", "tanh", "relu", "sin", "cos", "floor", "ceil", "round",
         "trunc", "sign", "isnan", "isinf", "nan_to_num"]
INPLACE = ["abs_", "log_", "sqrt_", "rsqrt_", "tanh_", "relu_", "sin_", "cos_", "floor_",
           "ceil_", "round_", "trunc_", "sign_", "nan_to_num_"]
LAYOUTS = {
    "contiguous": lambda t: t,
    "transposed": lambda t: t.t(),
    "sliced": lambda t: t.narrow(1, 1, 3),
    "expanded": lambda t: t.narrow(0, 0, 1).expand(4, 6),
    "size_one_odd_stride": lambda t: t.narrow(0, 0, 1).t().reshape(6, 1).t(),
}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("op", UNARY)
@pytest.mark.parametrize("lay", sorted(LAYOUTS))
def test_unary_function_and_method(op, dtype, lay):
    assert_same(lambda m, keep: getattr(m, op)(_keep(keep, LAYOUTS[lay](_data(m, dtype)))))
    assert_same(lambda m, keep: getattr(_keep(keep, LAYOUTS[lay](_data(m, dtype))), op)())


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("op", INPLACE)
@pytest.mark.parametrize("lay", sorted(LAYOUTS))
def test_unary_inplace(op, dtype, lay):
    """In-place: cast errors (int.sqrt_()), writes into expanded tensors, dtypes a
    kernel is not compiled for, and the version bump."""
    assert_same(lambda m, keep: getattr(_keep(keep, LAYOUTS[lay](_data(m, dtype).clone())), op)())


def test_abs_operator_and_int_wraparound():
    assert_same(lambda m, keep: abs(_keep(keep, m.tensor([-128, 5, -3], dtype=m.int8))))
    assert_same(lambda m, keep: abs(_keep(keep, m.tensor([True, False]))))
    assert_same(lambda m, keep: m.abs(_keep(keep, m.tensor([-2**63, 2**63 - 1]))))


def test_sign_of_zero_is_kept():
    """rsqrt shows the sign of a zero: relu(-0.0) stays -0.0, floor/round keep it."""
    for op in ("relu", "floor", "round", "trunc", "ceil", "nan_to_num", "sqrt", "tanh", "sin"):
        assert_same(lambda m, keep, op=op: getattr(m, op)(m.tensor([-0.0, 0.0, -0.4])).rsqrt())


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("decimals", [0, 1, 2, -1, -2, 3, 39, 40, -40, 300, -400])
def test_round_decimals(dtype, decimals):
    assert_same(lambda m, keep: m.round(_keep(keep, _data(m, dtype)), decimals=decimals))
    assert_same(lambda m, keep: _keep(keep, _data(m, dtype)).round_(decimals=decimals))


def test_round_decimals_values_in_float32_opmath():
    values = [2.675, 1.005, -2.5, 0.125, 12345.678, 1e-3, 3.3895e38, 65504.0]
    for dtype in ("float16", "bfloat16", "float32", "float64"):
        for d in (1, 2, 3, -1, -2, 7, -7):
            assert_same(lambda m, keep, dtype=dtype, d=d: m.round(
                m.tensor(values, dtype=getattr(m, dtype)), decimals=d))


def test_round_decimals_argument_errors():
    assert_same(lambda m, keep: m.round(m.ones(2), decimals=1.5))
    assert_same(lambda m, keep: m.ones(2).round(decimals=1.5))
    assert_same(lambda m, keep: m.ones(2).round_(decimals=0.5))


@pytest.mark.parametrize("dtype", DTYPES)
def test_nan_to_num_replacements(dtype):
    for kwargs in ({}, {"nan": 1.5}, {"posinf": 1e300, "neginf": -70000.0},
                   {"nan": 1e30, "posinf": 7, "neginf": True}, {"nan": float("inf")}):
        assert_same(lambda m, keep, kw=kwargs: m.nan_to_num(_keep(keep, _data(m, dtype)), **kw))
        assert_same(lambda m, keep, kw=kwargs: _keep(keep, _data(m, dtype)).nan_to_num_(**kw))
    assert_same(lambda m, keep: m.nan_to_num(_data(m, dtype), nan="x"))


def test_nan_to_num_inplace_on_expanded_integers_is_a_no_op():
    assert_same(lambda m, keep: _keep(keep, m.arange(3).reshape(3, 1).expand(3, 4)).nan_to_num_())
    assert_same(lambda m, keep: _keep(keep, m.arange(3.).reshape(3, 1).expand(3, 4)).nan_to_num_())


def test_isinf_empty_strides():
    """isinf is abs(self) == inf: the scalar operand changes TensorIterator's strides of
    an empty output; isnan (self != self) keeps the fast path."""
    assert_same(lambda m, keep: m.isinf(m.eye(0, 1)))
    assert_same(lambda m, keep: m.isnan(m.eye(0, 1)))
    assert_same(lambda m, keep: m.isinf(m.eye(0, 1, dtype=m.int32)))


# --- copies and conversions ---------------------------------------------------------------------
@pytest.mark.parametrize("src_dtype", DTYPES)
@pytest.mark.parametrize("dst_dtype", DTYPES)
def test_copy_converts(src_dtype, dst_dtype):
    def fn(m, keep):
        dst = _keep(keep, m.zeros(3, 6, dtype=getattr(m, dst_dtype)))
        src = _data(m, src_dtype)
        if src_dtype in ("float16", "bfloat16", "float32", "float64") and dst_dtype not in (
                "bool", "float16", "bfloat16", "float32", "float64"):
            src = src.nan_to_num(0.0, 0.0, 0.0).narrow(1, 0, 6)  # in-range values only
            src = m.tensor([[v if abs(v) < 100 else 1.0 for v in row] for row in src.tolist()],
                           dtype=getattr(m, src_dtype))
        return dst.copy_(src)
    assert_same(fn)


def test_copy_out_of_range_float_to_int_is_what_x86_gives():
    """cvttss2si: NaN and out-of-range values give INT_MIN (deterministic on torch:cpu)."""
    src = [1e10, -2.7, float("nan")]
    t = refimpl.zeros(3, dtype=refimpl.int32).copy_(refimpl.tensor(src))
    assert t._undefined_mask() is None
    assert t.tolist() == torch.zeros(3, dtype=torch.int32).copy_(torch.tensor(src)).tolist()


@pytest.mark.parametrize("case", [
    lambda m, keep: _keep(keep, m.zeros(2, 3)).copy_(m.tensor([1, 2, 3])),
    lambda m, keep: _keep(keep, m.zeros(2, 3)).copy_(m.tensor([1, 2])),
    lambda m, keep: _keep(keep, m.zeros(2, 3)).copy_(m.ones(3, 2, 3)),
    lambda m, keep: _keep(keep, m.zeros(2, 3)).copy_(2.5),
    lambda m, keep: _keep(keep, m.zeros(2, 3, dtype=m.float16)).copy_(1e30),
    lambda m, keep: _keep(keep, m.zeros(2, 3, dtype=m.int8)).copy_(True),
    lambda m, keep: _keep(keep, m.zeros(0)).copy_(m.zeros(0)),
    lambda m, keep: _keep(keep, m.zeros(0)).copy_(m.zeros(2)),
    lambda m, keep: _keep(keep, m.zeros(2, 3)).copy_("x"),
    lambda m, keep: _keep(keep, m.zeros(3, 1).expand(3, 4)).copy_(m.ones(4)),
])
def test_copy_cases(case):
    assert_same(case)


def test_copy_overlapping_self():
    """copy_ from self bumps the version once; partial overlap is refused; a source
    interleaved with self without sharing elements is fine."""
    def selfcopy(m, keep):
        a = _keep(keep, m.arange(6.).reshape(2, 3))
        return a.copy_(a)

    def partial(m, keep):
        b = _keep(keep, m.arange(6.))
        return b.narrow(0, 1, 5).copy_(b.narrow(0, 0, 5))

    def interleaved(m, keep):
        b = _keep(keep, m.arange(6.).reshape(3, 2))
        return b.t().narrow(0, 0, 1).copy_(b.t().narrow(0, 1, 1))

    def transposed(m, keep):
        c = _keep(keep, m.arange(4.).reshape(2, 2))
        return c.copy_(c.t())
    for fn in (selfcopy, partial, interleaved, transposed):
        assert_same(fn)


@pytest.mark.parametrize("lay", sorted(LAYOUTS))
@pytest.mark.parametrize("dtype", ["float32", "int32", "float16", "bool"])
def test_to_dtype_and_copy(lay, dtype):
    for kwargs in ({}, {"copy": True}, {"memory_format": refimpl.contiguous_format}):
        def fn(m, keep, kwargs=kwargs):
            kw = dict(kwargs)
            if "memory_format" in kw:
                kw["memory_format"] = m.contiguous_format
            return _keep(keep, LAYOUTS[lay](_data(m, "float32"))).to(getattr(m, dtype), **kw)
        assert_same(fn)


def test_to_forms():
    assert_same(lambda m, keep: _keep(keep, m.arange(6.)).to(dtype=m.int8))
    assert_same(lambda m, keep: _keep(keep, m.arange(6.)).to(m.tensor([1])))
    assert_same(lambda m, keep: _keep(keep, m.arange(6.)).to(m.float32, False, True))
    assert_same(lambda m, keep: _keep(keep, m.arange(6.)).to(m.float32, non_blocking=True))
    assert_same(lambda m, keep: _keep(keep, m.arange(6.)).to(m.float32, memory_format=m.channels_last))
    assert_same(lambda m, keep: _keep(keep, m.arange(24.).reshape(1, 2, 3, 4)).to(
        m.int32, memory_format=m.channels_last))
    # channels-last-like strides: suggest_memory_format says channels_last, so to() aliases
    assert_same(lambda m, keep: _keep(keep, m.arange(24.).reshape(1, 2, 3, 4).permute(0, 3, 1, 2)
                                      .contiguous().permute(0, 2, 3, 1).contiguous(
                                          memory_format=m.channels_last)).to(
        m.float32, memory_format=m.channels_last))
    assert_same(lambda m, keep: _keep(keep, m.arange(24.).reshape(2, 3, 4, 1).permute(0, 3, 1, 2))
                .to(m.float32, memory_format=m.contiguous_format))


@pytest.mark.parametrize("sizes,strides", [
    ((2, 3, 1, 1, 1), (3, 1, 3, 3, 3)),   # contiguous and channels-last-3d-like
    ((1, 3, 1, 1, 1), (3, 1, 3, 3, 3)),
    ((2, 3, 2, 2, 2), (24, 1, 12, 6, 3)),  # channels-last-3d
    ((2, 3, 1, 1), (3, 1, 3, 3)),          # contiguous and channels-last-like
])
def test_to_contiguous_format_follows_suggest_memory_format(sizes, strides):
    """to(memory_format=contiguous_format) aliases only when suggest_memory_format says
    contiguous: a 5-d tensor both contiguous and channels-last-3d-like is copied."""
    def run(m):
        x = m.zeros(64).as_strided(sizes, strides)
        y = x.to(memory_format=m.contiguous_format)
        return y is x, y.stride(), m.cat([x, x], 1).stride()
    assert run(refimpl) == run(torch)


@pytest.mark.parametrize("dtype", DTYPES)
def test_type_and_cast_methods(dtype):
    for name in ("float", "double", "half", "bfloat16", "int", "long", "short", "char", "byte",
                 "bool"):
        assert_same(lambda m, keep, name=name: getattr(_keep(keep, _data(m, dtype).t()), name)())
    assert_same(lambda m, keep: _data(m, dtype).type())
    assert_same(lambda m, keep: _keep(keep, _data(m, dtype)).type(m.float32))
    assert_same(lambda m, keep: _keep(keep, _data(m, dtype)).type("torch.IntTensor"))
    assert_same(lambda m, keep: _keep(keep, _data(m, dtype)).type("torch.Foo"))
    assert_same(lambda m, keep: _keep(keep, _data(m, dtype).t()).float(
        memory_format=m.contiguous_format))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("value", [300, -1, -300, 2.5, float("nan"), float("inf"), 1e30, 1e300,
                                   70000.0, 3.4e38, True, -0.0])
@pytest.mark.parametrize("shape", [(2, 3), (1,), (), (0,)])
def test_fill_scalar(dtype, value, shape):
    assert_same(lambda m, keep: _keep(keep, m.zeros(*shape, dtype=getattr(m, dtype))).fill_(value))
    assert_same(lambda m, keep: m.fill(m.zeros(*shape, dtype=getattr(m, dtype)), value))


def test_fill_tensor_value_and_expanded():
    assert_same(lambda m, keep: _keep(keep, m.zeros(3, 1).expand(3, 4)).fill_(2))
    assert_same(lambda m, keep: _keep(keep, m.zeros(3, 1).expand(3, 4)).fill_(m.tensor(2.)))
    assert_same(lambda m, keep: _keep(keep, m.zeros(2, dtype=m.int8)).fill_(m.tensor(1000)))
    assert_same(lambda m, keep: _keep(keep, m.zeros(2)).fill_(m.tensor([1.])))
    assert_same(lambda m, keep: m.fill(m.zeros(2, 3).t(), m.tensor(1.5)))
    assert_same(lambda m, keep: _keep(keep, m.zeros(2)).fill_("x"))

    def fill_from_own_element(m, keep):
        a = _keep(keep, m.arange(4.))
        return a.fill_(a.narrow(0, 3, 1).reshape(()))
    assert_same(fill_from_own_element)


def test_zero_():
    assert_same(lambda m, keep: _keep(keep, m.ones(3, 1).expand(3, 4)).zero_())
    assert_same(lambda m, keep: m.zero_(_keep(keep, m.ones(2, 3, dtype=m.int8))))


@pytest.mark.parametrize("fmt", ["preserve_format", "contiguous_format", "channels_last"])
@pytest.mark.parametrize("lay", ["contiguous", "permuted", "sliced", "expanded"])
def test_clone_memory_formats(fmt, lay):
    def make(m):
        t = m.arange(48.).reshape(2, 3, 4, 2)
        if lay == "permuted":
            t = t.permute(0, 3, 1, 2)
        elif lay == "sliced":
            t = t.narrow(2, 1, 2)
        elif lay == "expanded":
            t = t.narrow(0, 0, 1).expand(3, 3, 4, 2)
        return t
    assert_same(lambda m, keep: _keep(keep, make(m)).clone(memory_format=getattr(m, fmt)))


def test_transcendental_accuracy_float16():
    x = np.linspace(-10, 10, 101).tolist()
    for op in ("log", "sqrt", "rsqrt", "tanh", "sin", "cos"):
        for dtype in ("float16", "bfloat16", "float32", "float64"):
            assert_same(lambda m, keep, op=op, dtype=dtype: getattr(m, op)(
                m.tensor(x, dtype=getattr(m, dtype))))
