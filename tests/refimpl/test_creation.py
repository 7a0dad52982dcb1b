"""refimpl factory functions (arange, full, zeros, ones, eye) against torch."""

import math

import pytest
import torch

import refimpl
from tests.refimpl.harness import outcome, tolerance

INT_NAMES = ["int64", "int32", "int16", "int8", "uint8"]
FLOAT_NAMES = ["float16", "bfloat16", "float32", "float64"]


def _describe(r):
    return repr(r.dtype), tuple(r.shape), r.stride(), [repr(v) for v in _flat(r.tolist())]


def observed(fn, mod):
    return outcome(fn, mod, observe=_describe)


def _flat(values):
    if isinstance(values, list):
        return [x for v in values for x in _flat(v)]
    return [values]


def same(fn):
    assert observed(fn, refimpl) == observed(fn, torch)


# --- arange ---------------------------------------------------------------------------------
INT_ARGS = [(5,), (0,), (1, 7), (7, 1, -2), (0, 10, 3), (-4, 4, 3), (3, 3), (-5,)]


@pytest.mark.parametrize("args", INT_ARGS, ids=repr)
@pytest.mark.parametrize("dtype", [None] + INT_NAMES + FLOAT_NAMES)
def test_arange_integer_args(args, dtype):
    same(lambda m: m.arange(*args, **({} if dtype is None else {"dtype": getattr(m, dtype)})))


# float arguments with a floating dtype (values within the float64 tolerance differ only in
# the last bit, depending on how the kernel forms start + i * step; compared by size here)
@pytest.mark.parametrize("args", [(2.5,), (1, 4, 0.5), (0, 1, 0.1), (-1.5, 2.5, 0.7),
                                  (5.5, 0, -2), (0, 1, 1 / 3)], ids=repr)
@pytest.mark.parametrize("dtype", [None] + FLOAT_NAMES)
def test_arange_float_args_float_dtype(args, dtype):
    def run(m):
        kw = {} if dtype is None else {"dtype": getattr(m, dtype)}
        r = m.arange(*args, **kw)
        return repr(r.dtype), tuple(r.shape)
    assert run(refimpl) == run(torch)
    r = refimpl.arange(*args, **({} if dtype is None else {"dtype": getattr(refimpl, dtype)}))
    t = torch.arange(*args, **({} if dtype is None else {"dtype": getattr(torch, dtype)}))
    rtol, atol = tolerance(r.dtype)
    torch.testing.assert_close(torch.tensor(r.tolist(), dtype=torch.float64),
                               t.double(), rtol=rtol, atol=atol)


# float arguments with an integer dtype
FLOAT_ARGS_INT_DTYPE = [(2.5,), (3.9,), (1, 2.5, 1), (-2.5, 2, 1), (0.5, 3.7, 1.5),
                        (5.5, 0, -2), (0, 5, 1.9), (1, 4, 0.5), (0, 1, 0.1), (-1.5, 2.5, 0.7)]


@pytest.mark.parametrize("args", FLOAT_ARGS_INT_DTYPE, ids=repr)
@pytest.mark.parametrize("dtype", ["int32", "int16", "int8", "uint8"])
def test_arange_float_args_small_int_dtype(args, dtype):
    same(lambda m: m.arange(*args, dtype=getattr(m, dtype)))


@pytest.mark.parametrize("args", FLOAT_ARGS_INT_DTYPE, ids=repr)
def test_arange_float_args_int64(args):
    # for int64, ATen converts start, end and step to int64 *before* computing the size
    # and checking the step (RangeFactories.cpp: the int64_t branch of arange_out),
    # unlike the smaller integer types whose size comes from the double values
    same(lambda m: m.arange(*args, dtype=m.int64))


def test_arange_errors():
    for fn in (lambda m: m.arange(0, 5, 0), lambda m: m.arange(0, 5, -1),
               lambda m: m.arange(5, 0, 1), lambda m: m.arange(0, math.inf),
               lambda m: m.arange(math.nan), lambda m: m.arange(3, dtype=m.bool)):
        expected = observed(fn, torch)
        assert expected[0] == "error"
        assert observed(fn, refimpl) == expected


# --- full / zeros / ones / eye ----------------------------------------------------------------
FULL_VALUES = [0, 1, -1, 255, 256, -255, -256, 2.7, -2.7, True, False, 127.9, -128.9,
               2**31, 2**63 - 1, 65504.0, 65520.0, 1e39, 3.4e38, -3.4e38, math.inf, -math.inf]
ALL = ["bool"] + INT_NAMES + FLOAT_NAMES


@pytest.mark.parametrize("value", FULL_VALUES, ids=repr)
@pytest.mark.parametrize("shape", [(2, 3), (1,), ()], ids=repr)
def test_full(value, shape):
    failures = []
    for dtype in [None] + ALL:
        if dtype == "bfloat16" and math.isfinite(value) and abs(value) > 3.3895313892515355e38:
            continue  # test_full_bfloat16_overflow_is_checked
        def fn(m):
            return m.full(shape, value, **({} if dtype is None else {"dtype": getattr(m, dtype)}))
        got, expected = observed(fn, refimpl), observed(fn, torch)
        if got != expected:
            failures.append((dtype, got, expected))
    assert failures == []


@pytest.mark.parametrize("value", [3.39e38, 3.4e38, 1e39, -1e39], ids=repr)
def test_full_bfloat16_overflow_is_checked(value):
    # torch range-checks bfloat16 fill values like float16 ones (a value beyond the
    # largest bfloat16 is refused), except into a one-element tensor
    same(lambda m: m.full((2, 3), value, dtype=m.bfloat16))
    same(lambda m: m.full((1,), value, dtype=m.bfloat16))


@pytest.mark.parametrize("shape", [((),), (0,), (2, 3), (2, 0, 4), ((3, 1),), ([2, 2],)], ids=repr)
@pytest.mark.parametrize("fn", ["zeros", "ones"])
@pytest.mark.parametrize("dtype", [None, "bool", "int8", "bfloat16", "float64"])
def test_zeros_ones(shape, fn, dtype):
    same(lambda m: getattr(m, fn)(*shape, **({} if dtype is None else {"dtype": getattr(m, dtype)})))


@pytest.mark.parametrize("nm", [(0,), (1,), (3,), (2, 4), (4, 2), (0, 3), (3, 0)], ids=repr)
@pytest.mark.parametrize("dtype", [None, "bool", "int64", "float16"])
def test_eye(nm, dtype):
    same(lambda m: m.eye(*nm, **({} if dtype is None else {"dtype": getattr(m, dtype)})))
