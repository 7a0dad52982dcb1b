"""refimpl.printing.tensor_repr must reproduce torch's repr() exactly."""

import math

import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import refimpl
from refimpl.printing import tensor_repr


class FakeDtype:
    def __init__(self, torch_dtype):
        self.name = str(torch_dtype).removeprefix("torch.")
        self.is_floating_point = torch_dtype.is_floating_point


class FakeGradFn:
    def __init__(self, grad_fn):
        self._name = type(grad_fn).__name__

    def name(self):
        return self._name


class FakeTensor:
    """Exactly the protocol refimpl.printing relies on, backed by torch."""

    def __init__(self, t):
        self.shape = tuple(t.shape)
        self.dtype = FakeDtype(t.dtype)
        self._values = t.detach().tolist()
        self.requires_grad = t.requires_grad
        self.is_leaf = t.is_leaf
        self.grad_fn = None if t.grad_fn is None else FakeGradFn(t.grad_fn)
        self.device_str = str(t.device)

    def tolist(self):
        return self._values


def assert_same_repr(t):
    assert tensor_repr(FakeTensor(t)) == repr(t)


ALL_DTYPES = [
    torch.bool, torch.uint8, torch.int8, torch.int16, torch.int32, torch.int64,
    torch.float16, torch.bfloat16, torch.float32, torch.float64,
]
FLOAT_DTYPES = [torch.float16, torch.bfloat16, torch.float32, torch.float64]
INT_DTYPES = [torch.uint8, torch.int8, torch.int16, torch.int32, torch.int64]

nan, inf = math.nan, math.inf


def _gen(seed):
    return torch.Generator().manual_seed(seed)


# --------------------------------------------------------------------------
# Parametrized cases
# --------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=str)
@pytest.mark.parametrize("shape", [(), (1,), (5,), (2, 3), (2, 3, 4), (2, 1, 3, 2)], ids=str)
def test_every_dtype_and_rank(dtype, shape):
    values = torch.arange(-12, 36, dtype=torch.float64) * 0.75
    n = math.prod(shape)
    t = values[:n].reshape(shape)
    if dtype == torch.bool:
        t = t > 3
    elif dtype == torch.uint8:
        t = t.abs()
    assert_same_repr(t.to(dtype))


@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=str)
@pytest.mark.parametrize("shape", [(0,), (0, 3), (3, 0), (2, 0, 4), (0, 0), (1, 0, 1, 2)], ids=str)
def test_empty(dtype, shape):
    assert_same_repr(torch.empty(shape, dtype=dtype))


@pytest.mark.parametrize("dtype", FLOAT_DTYPES, ids=str)
@pytest.mark.parametrize("values", [
    [nan], [inf], [-inf], [-0.0], [0.0], [0.0, -0.0],
    [nan, inf, -inf], [1.0, nan], [1.5, -inf, nan], [-0.0, 2.0], [-0.0, 2.5],
    [0.0, nan], [1e-5, nan], [1e9, -inf, 0.0], [1234567.0, inf],
], ids=str)
def test_non_finite_and_signed_zero(dtype, values):
    assert_same_repr(torch.tensor(values, dtype=dtype))


@pytest.mark.parametrize("dtype", FLOAT_DTYPES, ids=str)
@pytest.mark.parametrize("values", [
    [1e-5, 2e-5], [1e8, 2e8], [1e9], [3.14e-7], [1.0, 1001.0], [1.0, 999.0],
    [0.5, 600.0], [1e-4, 0.1], [9.9e-5, 0.1], [12345.678, 0.01], [1e20, -1e-20],
    [-1e-10, 3.0, 7.0], [65504.0, 6.1e-5], [1e30, 1.0],
], ids=str)
def test_magnitudes_and_sci_mode(dtype, values):
    assert_same_repr(torch.tensor(values, dtype=dtype))


@pytest.mark.parametrize("dtype", FLOAT_DTYPES, ids=str)
@pytest.mark.parametrize("values", [
    [1.0, 2.0, 3.0], [-1.0, 100.0], [123456.0], [1e8], [1e8 + 1, -2.0],
    [[1.0, -2.0], [30.0, 400.0]], [5.0], [-7.0],
], ids=str)
def test_integer_valued_floats(dtype, values):
    assert_same_repr(torch.tensor(values, dtype=dtype))


@pytest.mark.parametrize("values", [
    [0.1, 0.2, 0.3], [-1.23456, 7.5], [3.14159265358979], [[0.001, 0.5], [-0.25, 100.125]],
    [1 / 3, 2 / 3, -1 / 3],
], ids=str)
@pytest.mark.parametrize("dtype", FLOAT_DTYPES, ids=str)
def test_fractional_floats(dtype, values):
    assert_same_repr(torch.tensor(values, dtype=dtype))


@pytest.mark.parametrize("dtype", INT_DTYPES, ids=str)
def test_negative_and_extreme_ints(dtype):
    info = torch.iinfo(dtype)
    assert_same_repr(torch.tensor([info.min, -1, 0, 1, info.max], dtype=dtype))
    assert_same_repr(torch.tensor(info.min, dtype=dtype))


@pytest.mark.parametrize("dtype", [torch.int64, torch.int32, torch.int16], ids=str)
@pytest.mark.parametrize("shape", [(40,), (3, 25), (2, 2, 30)], ids=str)
def test_wide_ints_wrap_lines(dtype, shape):
    info = torch.iinfo(dtype)
    t = torch.randint(info.min, info.max, shape, dtype=dtype, generator=_gen(1))
    assert_same_repr(t)


@pytest.mark.parametrize("shape", [(60,), (4, 30), (2, 3, 17)], ids=str)
@pytest.mark.parametrize("dtype", FLOAT_DTYPES, ids=str)
def test_wide_floats_wrap_lines(dtype, shape):
    t = (torch.randn(shape, generator=_gen(2), dtype=torch.float64) * 1000).to(dtype)
    assert_same_repr(t)
    assert_same_repr(t * 1e-6)


@pytest.mark.parametrize("shape", [(), (1,), (7,), (3, 4), (2, 2, 2)], ids=str)
def test_bool(shape):
    t = torch.rand(shape, generator=_gen(3)) > 0.5
    assert_same_repr(t)
    assert_same_repr(torch.zeros(shape, dtype=torch.bool))


@pytest.mark.parametrize("dtype", [torch.float32, torch.int64, torch.float16, torch.bool, torch.uint8],
                         ids=str)
@pytest.mark.parametrize("shape", [(1001,), (2000,), (40, 30), (11, 12, 13), (5, 300), (300, 5),
                                   (6, 6, 30), (2, 3, 4, 50)], ids=str)
def test_summarized(dtype, shape):
    t = torch.randn(shape, generator=_gen(4)) * 50
    if dtype == torch.bool:
        t = t > 0
    elif dtype == torch.uint8:
        t = t.abs()
    assert_same_repr(t.to(dtype))


def test_summarized_formatter_ignores_hidden_elements():
    # The huge value is hidden by "...", so it must not force sci mode.
    t = torch.ones(2000)
    t[1000] = 1e20
    t[1] = 0.5
    assert_same_repr(t)
    m = torch.ones(50, 50)
    m[25, 25] = -123456789.0
    assert_same_repr(m)


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16], ids=str)
def test_half_edge_values(dtype):
    info = torch.finfo(dtype)
    values = [info.max, -info.max, info.tiny, info.smallest_normal / 4, info.eps, 1.0 + info.eps,
              -0.0, inf, -inf, nan]
    assert_same_repr(torch.tensor(values, dtype=dtype))
    assert_same_repr(torch.tensor([info.max, 1.0], dtype=dtype))
    assert_same_repr(torch.tensor([0.1, 0.2, 0.3333], dtype=dtype))
    assert_same_repr(torch.tensor(info.tiny, dtype=dtype))
    assert_same_repr(torch.tensor(info.max, dtype=dtype))


def test_float64_extremes():
    assert_same_repr(torch.tensor([1e308, 5e-324], dtype=torch.float64))
    assert_same_repr(torch.tensor([1.7976931348623157e308, -1.0], dtype=torch.float64))


def test_requires_grad_leaf():
    assert_same_repr(torch.tensor([1.0, 2.0], requires_grad=True))
    assert_same_repr(torch.tensor(3.5, requires_grad=True))
    assert_same_repr(torch.tensor([1.0, 2.0], dtype=torch.float64, requires_grad=True))
    assert_same_repr(torch.randn(5, 12, generator=_gen(5)).requires_grad_())


def test_non_leaf_with_grad_fn():
    leaf = torch.tensor([1.0, 2.0], requires_grad=True)
    assert_same_repr(leaf.sigmoid())
    assert_same_repr(leaf.sum())
    assert_same_repr((leaf * 2).to(torch.float16))
    assert_same_repr(torch.randn(4, 13, generator=_gen(6), requires_grad=True).exp())


def test_suffixes_wrap_onto_new_line():
    # A long last line pushes dtype= and grad_fn= onto their own lines.
    t = torch.randn(15, generator=_gen(7), dtype=torch.float64, requires_grad=True)
    assert_same_repr(t)
    assert_same_repr(t.sin())
    assert_same_repr(torch.arange(10, dtype=torch.int32) * 100000)
    assert_same_repr(torch.arange(11, dtype=torch.int32) * 100000)


def test_device_suffix():
    class OnCuda(FakeTensor):
        pass

    fake = OnCuda(torch.tensor([1, 2], dtype=torch.int32))
    fake.device_str = "cuda:0"
    assert tensor_repr(fake) == "tensor([1, 2], device='cuda:0', dtype=torch.int32)"


def test_without_device_str_attribute():
    class NoDevice(FakeTensor):
        pass

    fake = NoDevice(torch.tensor([1.5]))
    del fake.device_str
    assert tensor_repr(fake) == "tensor([1.5000])"


# --------------------------------------------------------------------------
# Property test
# --------------------------------------------------------------------------

SPECIAL_FLOATS = [0.0, -0.0, nan, inf, -inf, 1.0, -1.0, 0.5, 1e-5, 1e-4, 1e8, 1e9, 1000.0,
                  1001.0, 65504.0, 123456.789, -3.25, 1e-30, 1e30]


@st.composite
def tensors(draw):
    dtype = draw(st.sampled_from(ALL_DTYPES))
    shape = tuple(draw(st.lists(st.integers(0, 6), min_size=0, max_size=4)))
    n = math.prod(shape)
    if dtype == torch.bool:
        elements = st.booleans()
    elif dtype.is_floating_point:
        elements = st.one_of(
            st.sampled_from(SPECIAL_FLOATS),
            st.floats(allow_nan=True, allow_infinity=True, width=64),
            st.floats(-1000, 1000),
            st.integers(-10**6, 10**6).map(float),
        )
    else:
        info = torch.iinfo(dtype)
        elements = st.one_of(st.integers(info.min, info.max), st.integers(-5, 5).filter(
            lambda v: info.min <= v))
    values = draw(st.lists(elements, min_size=n, max_size=n))
    if dtype.is_floating_point:
        # Cast via float64 so out-of-range values become inf rather than erroring.
        t = torch.tensor(values, dtype=torch.float64).to(dtype).reshape(shape)
    else:
        t = torch.tensor(values, dtype=dtype).reshape(shape)
    if dtype.is_floating_point and draw(st.booleans()) and draw(st.booleans()):
        t = t.requires_grad_()
        if draw(st.booleans()):
            t = t * 1
    return t


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tensors())
def test_matches_torch_on_random_tensors(t):
    assert_same_repr(t)


# --------------------------------------------------------------------------
# The default dtype decides which float dtype prints without ``dtype=``
# --------------------------------------------------------------------------

@pytest.fixture
def default_dtype():
    """Set torch's and refimpl's default dtype by name for one test, then restore."""
    saved = torch.get_default_dtype(), refimpl.get_default_dtype()

    def set_to(name):
        torch.set_default_dtype(getattr(torch, name))
        refimpl.set_default_dtype(getattr(refimpl, name))
    yield set_to
    torch.set_default_dtype(saved[0])
    refimpl.set_default_dtype(saved[1])


@pytest.mark.parametrize("default", ["float64", "float16", "bfloat16", "float32"])
@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=str)
@pytest.mark.parametrize("shape", [(3,), (0,), (2, 0)], ids=str)
def test_suffix_follows_the_default_dtype(default_dtype, default, dtype, shape):
    default_dtype(default)
    t = (torch.arange(math.prod(shape), dtype=torch.float64) * 0.5).reshape(shape).to(dtype)
    assert tensor_repr(FakeTensor(t), default) == repr(t)


@pytest.mark.parametrize("expr", [
    "m.tensor([1.5, 2.0])", "m.tensor([1.5], dtype=m.float32)", "m.zeros(0)",
    "m.zeros(0, dtype=m.float32)", "m.zeros(2, 0)", "m.arange(3)", "m.tensor(2.5)",
    "m.tensor([1.0]) + 1", "m.ones(2, dtype=m.float16)",
])
def test_refimpl_prints_with_set_default_dtype(default_dtype, expr):
    default_dtype("float64")
    assert repr(eval(expr, {"m": refimpl})) == repr(eval(expr, {"m": torch}))


# --------------------------------------------------------------------------
# torch.return_types reprs (torch/csrc/utils/structseq.cpp)
# --------------------------------------------------------------------------

@pytest.mark.parametrize("expr", [
    "m.max(x, 0)", "m.min(x, 1)", "x.max(1, keepdim=True)", "x.min(-1)",
    "m.max(m.tensor([1.0, 2.0]), 0)", "m.max(m.arange(2000.0).view(40, 50), 1)",
    "m.min(m.tensor(3, dtype=m.int8), 0)",
])
def test_return_types_print_like_torch(expr):
    def run(m):
        return eval(expr, {"m": m, "x": m.tensor([[1.0, -2.0, 3.5], [4.0, nan, 0.0]])})
    ours, theirs = run(refimpl), run(torch)
    assert repr(ours) == repr(theirs)
    assert str(ours) == str(theirs)
    values, indices = ours
    assert ours.values is values and ours.indices is indices
