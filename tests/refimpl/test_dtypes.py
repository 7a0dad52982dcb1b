"""refimpl.dtypes (promotion, result_type, can_cast, tensor() inference) against torch."""

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import refimpl
from refimpl import dtypes as rdt

NAMES = ["bool", "uint8", "int8", "int16", "int32", "int64",
         "float16", "bfloat16", "float32", "float64"]


def R(name):
    return rdt.by_name(name)


def T(name):
    return getattr(torch, name)


def same_dtype(rd, td):
    return rd.name == str(td).removeprefix("torch.")


def test_dtype_table_matches_torch():
    for name in NAMES:
        rd, td = R(name), T(name)
        assert rd.itemsize == td.itemsize
        assert rd.is_floating_point == td.is_floating_point
        assert rd.is_signed == td.is_signed
        assert repr(rd) == repr(td)
    for alias in ("half", "float", "double", "short", "int", "long"):
        assert same_dtype(getattr(refimpl, alias), getattr(torch, alias))


def _message(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - the message is what is checked
        return str(e).splitlines()[0]
    return None


@pytest.mark.parametrize("name", NAMES)
def test_dtype_record_facts_match_torch(name):
    """The names and range refimpl's dtype record holds, read off torch itself."""
    rd, td = R(name), T(name)
    assert f"torch.{rd.legacy_name}Tensor" == torch.zeros(1, dtype=td).type()
    info = torch.finfo(td) if td.is_floating_point else (torch.iinfo(td) if td is not torch.bool
                                                          else None)
    if info is not None:
        assert (rd.min, rd.max) == (info.min, info.max)
    for m in (torch, refimpl):   # the messages that print them, from both
        d = getattr(m, name)
        if d is not m.bool:  # caffe2::TypeMeta's name, as a dtype check prints it
            assert _message(lambda: m.zeros(1).masked_fill_(m.zeros(1, dtype=d), 0)) == (
                "masked_fill_ only supports boolean masks, but got mask with dtype "
                f"{rd.typemeta_name}")
        if name not in ("bool", "float64"):  # the C++ type c10::checked_convert names
            # (a Python int beyond int64 is refused before any conversion)
            too_big = 1e300 if rd.is_floating_point else (1e19 if name == "int64" else rd.max + 1)
            assert _message(lambda: m.zeros(2, dtype=d).fill_(too_big)) == (
                f"value cannot be converted to type {rd.cpp_name} without overflow")


@pytest.mark.parametrize("a", NAMES)
def test_promote_types(a):
    # all 100 pairs: one test per left dtype, every right dtype
    mismatches = [(a, b, rdt.promote_types(R(a), R(b)), torch.promote_types(T(a), T(b)))
                  for b in NAMES
                  if not same_dtype(rdt.promote_types(R(a), R(b)), torch.promote_types(T(a), T(b)))]
    assert mismatches == []


@pytest.mark.parametrize("a", NAMES)
def test_can_cast(a):
    mismatches = [(a, b) for b in NAMES if rdt.can_cast(R(a), R(b)) != torch.can_cast(T(a), T(b))]
    assert mismatches == []


# --- result_type ---------------------------------------------------------------------
# An operand spec: ("dim", name) a 1-d tensor, ("zero", name) a 0-dim tensor,
# ("scalar", value) a Python scalar.
SCALARS = [True, 3, 2.5]
OPERANDS = ([("dim", n) for n in NAMES] + [("zero", n) for n in NAMES]
            + [("scalar", v) for v in SCALARS])


def build(spec, mod, device=None):
    kind, x = spec
    if kind == "scalar":
        return x
    dtype = R(x) if mod is refimpl else T(x)
    kw = {"device": device} if device else {}
    if kind == "dim":
        return mod.zeros(2, dtype=dtype, **kw)
    return mod.zeros((), dtype=dtype, **kw)


def _spec_id(spec):
    return f"{spec[0]}-{spec[1]}"


@pytest.mark.parametrize("a", OPERANDS, ids=_spec_id)
def test_result_type_pairs(a):
    # 23 x 23 operand pairs (1-d tensors, 0-dim tensors, Python scalars, both orders)
    mismatches = []
    for b in OPERANDS:
        ra, rb = build(a, refimpl), build(b, refimpl)
        ta, tb = build(a, torch), build(b, torch)
        got, expected = rdt.result_type(ra, rb), torch.result_type(ta, tb)
        if not same_dtype(got, expected):
            mismatches.append((b, got, expected))
    assert mismatches == []


TENSOR_SPECS = [s for s in OPERANDS if s[0] != "scalar"]


@settings(max_examples=300)
@given(st.lists(st.sampled_from(TENSOR_SPECS), min_size=3, max_size=3))
def test_result_type_three_tensors(specs):
    # addcmul promotes over its three tensor inputs with TensorIterator's rules
    # (meta device: dtype computation only, no kernel)
    rs = [build(s, refimpl) for s in specs]
    ts = [build(s, torch, device="meta") for s in specs]
    assert same_dtype(rdt.result_type(*rs), torch.addcmul(*ts).dtype)


@settings(max_examples=300)
@given(st.lists(st.sampled_from(OPERANDS), min_size=1, max_size=4))
def test_result_type_mixtures_with_scalars(specs):
    # torch.result_type takes two operands; for longer mixtures that include Python
    # scalars the reference is torch's own Python port of the same rule
    # (torch._prims_common.elementwise_dtypes, DEFAULT promotion: result dtype).
    from torch._prims_common import ELEMENTWISE_TYPE_PROMOTION_KIND, elementwise_dtypes
    rs = [build(s, refimpl) for s in specs]
    ts = [build(s, torch) for s in specs]
    if all(s[0] == "scalar" for s in specs):
        return  # elementwise_dtypes needs a tensor
    _, expected = elementwise_dtypes(
        *ts, type_promotion_kind=ELEMENTWISE_TYPE_PROMOTION_KIND.DEFAULT)
    assert same_dtype(rdt.result_type(*rs), expected)


def test_result_type_operator_dtypes():
    # the dtype of actual ops (add/mul with Python scalars on both sides) follows result_type
    for name in NAMES:
        for s in SCALARS:
            for kind in ("dim", "zero"):
                rt, tt = build((kind, name), refimpl), build((kind, name), torch)
                assert same_dtype(refimpl.add(rt, s).dtype, torch.add(tt, s).dtype)
                assert same_dtype(refimpl.mul(rt, s).dtype, torch.mul(tt, s).dtype)
                assert same_dtype((s * rt).dtype, (s * tt).dtype)


# --- tensor(data) dtype inference ----------------------------------------------------------
DATA = [
    [], [[]], True, 1, 1.5, [True], [1], [1.0], [True, False], [True, 2], [True, 2.0],
    [1, 2.0], [[1, 2], [3, 4]], [[True, False], [False, True]], [[1, 2], [3.0, 4]],
    [[True, 1], [0, False]], [[[True]], [[2.5]]], [[1], [True]], (1, 2), ((1.0,), (2,)),
    [0.0, -0.0], [2**62, 1], [False, 0.5, 7],
]


@pytest.mark.parametrize("data", DATA, ids=repr)
def test_tensor_dtype_inference(data):
    r, t = refimpl.tensor(data), torch.tensor(data)
    assert same_dtype(r.dtype, t.dtype)
    assert tuple(r.shape) == tuple(t.shape)
    assert r.tolist() == t.tolist()


@pytest.mark.parametrize("default", ["float64", "float16", "bfloat16"])
def test_tensor_dtype_inference_follows_default_dtype(default):
    old_r, old_t = refimpl.get_default_dtype(), torch.get_default_dtype()
    try:
        refimpl.set_default_dtype(R(default))
        torch.set_default_dtype(T(default))
        for data in ([1.5], [1, 2.0], [True, 0.5], [], 3, [[1]]):
            assert same_dtype(refimpl.tensor(data).dtype, torch.tensor(data).dtype), data
        assert same_dtype(rdt.result_type(refimpl.zeros(2, dtype=rdt.int32), 1.5),
                          torch.result_type(torch.zeros(2, dtype=torch.int32), 1.5))
    finally:
        refimpl.set_default_dtype(old_r)
        torch.set_default_dtype(old_t)


nested_leaf = st.one_of(st.booleans(), st.integers(-1000, 1000),
                        st.floats(-1e6, 1e6, allow_nan=False))


@settings(max_examples=150)
@given(st.integers(0, 3), st.integers(0, 3), st.data())
def test_tensor_dtype_inference_random(rows, cols, data):
    values = [[data.draw(nested_leaf) for _ in range(cols)] for _ in range(rows)]
    r, t = refimpl.tensor(values), torch.tensor(values)
    assert same_dtype(r.dtype, t.dtype)
    assert tuple(r.shape) == tuple(t.shape)
    assert r.tolist() == t.tolist()


# --- out-of-range float -> integer conversions --------------------------------------------------
OUT_OF_RANGE = [float("nan"), float("inf"), float("-inf"), 1e10, -1e10, 3e9, 2.0 ** 31,
                -2.0 ** 31 - 1, 2.0 ** 32 + 5, 2.0 ** 40 + 3, 2.0 ** 63, -2.0 ** 63, 1e20,
                65504.0, 300.5, -129.7, 128.0, -1.0, -0.5, 3.3895e38]
INTS = ["int8", "int16", "int32", "int64", "uint8"]
FLOAT_NAMES = ["float16", "bfloat16", "float32", "float64"]


def _convert(mod, src_name, dst_name, how, n, strided):
    src = mod.tensor(OUT_OF_RANGE, dtype=mod.float64).to(getattr(mod, src_name))
    src = src.reshape(-1, 1).expand(len(OUT_OF_RANGE), n)
    src = mod.stack([src, src], 2)[:, :, 0] if strided else src.contiguous()
    dst = getattr(mod, dst_name)
    if how == "to":
        return src.to(dst)
    if how == "copy_":
        return mod.zeros(src.shape, dtype=dst).copy_(src)
    if how == "sum":
        return mod.sum(src, dim=1, dtype=dst)
    return mod.cumsum(src, dim=1, dtype=dst)


@pytest.mark.parametrize("n,strided", [(1, False), (7, False), (8, False), (15, True),
                                       (16, False), (33, True), (100, False)])
@pytest.mark.parametrize("how", ["to", "copy_", "sum", "cumsum"])
@pytest.mark.parametrize("dst", INTS)
@pytest.mark.parametrize("src", FLOAT_NAMES)
def test_out_of_range_float_to_int_is_modelled(src, dst, how, n, strided):
    """NaN, infinities and values the integer type cannot hold convert as torch:cpu on
    x86-64 converts them (cvttss2si's INT_MIN in 32 or 64 bits, then the low bits), on
    the vectorized and the scalar loops alike: compared exactly, nothing unspecified."""
    r = _convert(refimpl, src, dst, how, n, strided)
    t = _convert(torch, src, dst, how, n, strided)
    assert r._undefined_mask() is None
    assert r.tolist() == t.tolist()
