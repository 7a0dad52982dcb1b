"""Binary arithmetic, comparison and logical ops: sub, div (true / trunc / floor),
floor_divide, remainder, fmod, pow, maximum, minimum, clamp, comparisons, logical ops,
lerp; their in-place forms and Python's reflected and augmented operators.

All of them are written on elementwise.elementwise() (promotion, broadcasting,
TensorIterator output strides, in-place checks). The per-element rules are ported from
  aten/src/ATen/native/BinaryOps.cpp        (sub_check, div rounding modes, comparisons)
  aten/src/ATen/native/cpu/BinaryOpsKernel.cpp (div_true/trunc/floor, remainder, fmod,
                                             maximum, minimum, logical ops)
  c10/util/generic_math.h                   (div_floor_floating, div_floor_integer)
  aten/src/ATen/native/Pow.cpp, cpu/PowKernel.cpp, Pow.h (powi)
  aten/src/ATen/native/TensorCompare.cpp, cpu/TensorCompareKernel.cpp (clamp)
  aten/src/ATen/native/Lerp.cpp, Lerp.h, cpu/LerpKernel.cpp
  torch/_tensor.py                          (__rsub__, __rdiv__, __rpow__, __rmod__, ...)
"""
from __future__ import annotations

import math

import numpy as np

from . import dtypes, layout
from .creation import check_convertible
from .dtypes import TOLERANCE
from .elementwise import _add_fn, _alpha_check, _as_opmath, _opmath, elementwise, mul
from .storage import to_dtype_array
from .tensor import Tensor

_REDUCED = (dtypes.float16, dtypes.bfloat16)
# c10 TypeMeta names, as messages print a tensor's dtype() (caffe2::TypeMeta)
_TYPEMETA = {"bool": "bool", "uint8": "unsigned char", "int8": "signed char",
             "int16": "short int", "int32": "int", "int64": "long int", "float16": "c10::Half",
             "bfloat16": "c10::BFloat16", "float32": "float", "float64": "double"}


class _KernelError(RuntimeError):
    """An error raised inside a CPU kernel, after it may have written some elements."""


def _dtype_of(x):
    return x.dtype if isinstance(x, Tensor) else dtypes._scalar_dtype(x)


def _not_implemented(kernel, dtype):
    return NotImplementedError(f'"{kernel}" not implemented for \'{dtype.legacy_name}\'')


def _bcast(*arrays):
    return [np.array(a) for a in np.broadcast_arrays(*arrays)]


def _inplace(fn, self, *args, **kwargs):
    """Run an in-place op; a kernel error leaves self's elements unspecified (the kernel
    may have written some of them before raising), with its version unchanged."""
    try:
        return fn(*args, **kwargs)
    except _KernelError as e:
        if self.numel():
            self._write(self._values(), np.ones(self._sizes, dtype=bool))
        raise RuntimeError(str(e)) from None


def _functional(fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except _KernelError as e:
        raise RuntimeError(str(e)) from None


def _to(t, dtype):
    """t.to(dtype) as a unary op's TensorIterator input: preserve_format strides."""
    if t.dtype is dtype:
        return t
    strides = layout.preserve_format_strides(t._sizes, t._strides)
    return Tensor._from_array(to_dtype_array(t._values(), dtype), dtype, strides,
                              t._undefined_mask())


def _scalar_in(value, common):
    """A Python scalar read in the compute type of common (rounded to common first)."""
    return _as_opmath(value, common, _opmath(common))


def _round(values, dtype):
    return to_dtype_array(values, dtype).astype(np.float64)


def _disagree(dtype, first, *others):
    """Positions where implementation-defined alternatives of a float result (fused or
    not, vector or scalar loop) differ by more than the dtype's tolerance once rounded."""
    if dtype.kind != "float":
        return None
    rtol, atol = TOLERANCE[dtype.name]
    a = _round(first, dtype)
    mask = np.zeros(np.shape(a), dtype=bool)
    for other in others:
        b = _round(other, dtype)
        with np.errstate(invalid="ignore"):
            close = (np.abs(a - b) <= atol + rtol * np.abs(a)) & np.isfinite(a) & np.isfinite(b)
            same = (a == b) | (np.isnan(a) & np.isnan(b)) | close
        mask = mask | ~same
    return mask if mask.any() else None


def _check_scalar_to(value, dtype):
    """Scalar::to<scalar_t>() in a kernel: a checked conversion (c10/util/TypeCast.h)."""
    check_convertible(value, dtype, c_name=True, check_floats=("float16", "bfloat16", "float32"))


# --- sub / rsub ------------------------------------------------------------------------------
def _sub_check(inputs):
    """sub_check (aten/src/ATen/native/BinaryOps.h); Python bools are bool tensors."""
    a, b = (_dtype_of(x) for x in inputs)
    if a is dtypes.bool_ and b is dtypes.bool_:
        raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not "
                           "supported. Use the `^` or `logical_xor()` operator instead.")
    if a is dtypes.bool_ or b is dtypes.bool_:
        raise RuntimeError("Subtraction, the `-` operator, with a bool tensor is not supported. "
                           "If you are trying to invert a mask, use the `~` or `logical_not()` "
                           "operator instead.")


def _neg_alpha(alpha):
    # sub is add with -alpha (sub_out calls add_stub with -alpha)
    return -int(alpha) if isinstance(alpha, bool) else -alpha


def sub(input, other, *, alpha=1):
    return elementwise(_add_fn(_neg_alpha(alpha)), [input, other], precheck=_sub_check,
                       check=_alpha_check(alpha))


def sub_(self, other, *, alpha=1):
    return elementwise(_add_fn(_neg_alpha(alpha)), [self, other], out=self,
                       precheck=_sub_check, check=_alpha_check(alpha))


def rsub(input, other, *, alpha=1):
    """other - alpha * input (rsub: sub(other, self, alpha))."""
    return sub(other, input, alpha=alpha)


def _rsub_operator(self, other):
    return rsub(self, other)


# --- division ------------------------------------------------------------------------------
_MODES = (None, "trunc", "floor")


def _check_mode(rounding_mode):
    if rounding_mode not in _MODES:
        raise RuntimeError("div expected rounding_mode to be one of None, 'trunc', or 'floor' "
                           f"but found '{rounding_mode}'")


def _int_kernel(name, rule):
    """An integer kernel that refuses a zero divisor (TORCH_CHECK(b != 0, ...))."""
    def kernel(a, b):
        a, b = _bcast(a, b)
        if np.any(b == 0):
            raise _KernelError("ZeroDivisionError")
        wide_a, wide_b = a.astype(np.int64), b.astype(np.int64)
        with np.errstate(all="ignore"):
            return rule(wide_a, wide_b)  # wraps back into the dtype on write
    kernel.__name__ = name
    return kernel


def _trunc_int(a, b):
    q = a // b  # floor; truncation differs when the signs differ and it is inexact
    return q + ((a % b != 0) & ((a < 0) != (b < 0)))


def _floor_int(a, b):
    return a // b


def _remainder_int(a, b):
    r = np.fmod(a, b)
    return np.where((r != 0) & ((r < 0) != (b < 0)), r + b, r)


def _fmod_int(a, b):
    return np.fmod(a, b)


def _div_floor_float(a, b):
    """c10::div_floor_floating: Python's floor division, from fmod."""
    mod = np.fmod(a, b)
    div = (a - mod) / b
    div = np.where((mod != 0) & ((b < 0) != (mod < 0)), div - 1, div)
    floordiv = np.floor(div)
    floordiv = np.where(div - floordiv > 0.5, floordiv + 1, floordiv)
    result = np.where(div != 0, floordiv, np.copysign(np.zeros_like(a), a / b))
    return np.where(b == 0, a / b, result).astype(a.dtype)


def _div_floor_reduced_vec(a, b, dtype):
    """div_floor_floating_vec on Vectorized<Half/BFloat16> (BinaryOpsKernel.cpp): the same
    steps, each rounded to the reduced dtype."""
    def r(x):
        return _round(x, dtype)
    a, b = a.astype(np.float64), b.astype(np.float64)
    basic_div = r(a / b)
    mod = np.fmod(a, b)  # exact
    floor = np.where((np.abs(basic_div) == np.inf) & (np.abs(a) != np.inf), a, r(a - mod))
    div = r(floor / b)
    div = np.where((mod != 0) & ((b < 0) != (mod < 0)), r(div - 1), div)
    floordiv = np.floor(div)
    floordiv = np.where(r(div - floordiv) > 0.5, r(floordiv + 1), floordiv)
    floordiv = np.where(div == 0, np.copysign(np.zeros_like(a), basic_div), floordiv)
    return np.where(b == 0, basic_div, floordiv)


def _remainder_float(a, b):
    mod = np.fmod(a, b)
    return np.where((mod != 0) & ((b < 0) != (mod < 0)), mod + b, mod).astype(a.dtype)


def _vector_fmod_unspecified(float_fn):
    """Vectorized<T>::fmod (Sleef) gives NaN once |a / b| overflows T, where the scalar
    loop's std::fmod is exact; which loop takes an element depends on the layout and the
    tensor's length, so those elements are unspecified.
    https://github.com/pytorch/pytorch/issues/193753"""
    def fn(a, b):
        values = float_fn(a, b)
        with np.errstate(all="ignore"):
            overflow = np.isfinite(a) & np.isfinite(b) & (b != 0) & np.isinf(a / b)
        return values, (overflow if np.any(overflow) else None)
    return fn


def _is_scalar_path(inputs, common):
    """iter.is_scalar(2) for reduced floats: the divisor is read once, in float32, from its
    original value (div_true/trunc/floor_kernel's reduced-float scalar path)."""
    other = inputs[1]
    return common in _REDUCED and (not isinstance(other, Tensor) or other.numel() == 1)


def _div(inputs, rounding_mode, out=None):
    _check_mode(rounding_mode)
    if rounding_mode is None:
        return elementwise(np.divide, inputs, promotion="int_to_float", out=out,
                           scalar_other_in_opmath=True)
    common = dtypes.result_type(*inputs)
    kernel = "div_trunc_cpu" if rounding_mode == "trunc" else "div_floor_cpu"

    def check(common, result):
        if common is dtypes.bool_:
            raise _not_implemented(kernel, common)

    if common.kind == "int":
        fn = _int_kernel(kernel, _trunc_int if rounding_mode == "trunc" else _floor_int)
    elif rounding_mode == "floor" and common in _REDUCED and not _is_scalar_path(inputs, common):
        def fn(a, b):
            # the scalar loop computes in float; the vector loop rounds every step
            with np.errstate(all="ignore"):
                a, b = _bcast(a, b)
                values = _div_floor_float(a, b)
                return values, _disagree(common, values, _div_floor_reduced_vec(a, b, common))
    elif rounding_mode == "floor":
        fn = _div_floor_float
    elif _is_scalar_path(inputs, common):
        def fn(a, b):
            return np.trunc(a / b)  # trunc of the float32 quotient, rounded once
    else:
        def fn(a, b):
            # scalar_t a / b rounds the quotient to the dtype before std::trunc
            return np.trunc(_round(a / b, common)).astype(a.dtype)
    return elementwise(fn, inputs, out=out, check=check, scalar_other_in_opmath=True)


def div(input, other, *, rounding_mode=None):
    return _functional(_div, [input, other], rounding_mode)


def div_(self, other, *, rounding_mode=None):
    return _inplace(_div, self, [self, other], rounding_mode, out=self)


def true_divide(input, other):
    return _div([input, other], None)


def true_divide_(self, other):
    return _div([self, other], None, out=self)


def floor_divide(input, other):
    return _functional(_div, [input, other], "floor")


def floor_divide_(self, other):
    return _inplace(_div, self, [self, other], "floor", out=self)


def _reciprocal(input):
    return elementwise(lambda x: (1.0 / x.astype(np.float64)).astype(x.dtype), [input],
                       promotion="int_to_float")


def _rtruediv(self, other):
    """torch/_tensor.py __rdiv__: self.reciprocal() * other."""
    return mul(_reciprocal(self), other)


def _rfloordiv(self, other):
    return floor_divide(other, self)


def _modulo(inputs, name, out=None):
    int_rule, float_fn, kernel = {
        "remainder": (_remainder_int, _remainder_float, "remainder_cpu"),
        "fmod": (_fmod_int, np.fmod, "fmod_cpu"),
    }[name]
    common = dtypes.result_type(*inputs)

    def check(common, result):
        if common is dtypes.bool_:
            raise _not_implemented(kernel, common)
    fn = (_int_kernel(kernel, int_rule) if common.kind == "int"
          else _vector_fmod_unspecified(float_fn))
    return elementwise(fn, inputs, out=out, check=check)


def remainder(input, other):
    return _functional(_modulo, [input, other], "remainder")


def remainder_(self, other):
    return _inplace(_modulo, self, [self, other], "remainder", out=self)


def _rmod(self, other):
    return remainder(other, self)


def fmod(input, other):
    return _functional(_modulo, [input, other], "fmod")


def fmod_(self, other):
    return _inplace(_modulo, self, [self, other], "fmod", out=self)


# --- pow ---------------------------------------------------------------------------------
def _powi(a, b):
    """native::powi: exponentiation by squaring in the integer type (wrapping); negative
    exponents give 1 for base 1, +-1 for base -1, else 0."""
    a, b = _bcast(a, b)
    with np.errstate(all="ignore"):
        result = np.ones_like(a)
        base = a.copy()
        e = np.where(b < 0, 0, b).astype(np.int64)
        while np.any(e):
            odd = (e & 1).astype(bool)
            result = np.where(odd, result * base, result).astype(a.dtype)
            e = e >> 1
            base = (base * base).astype(a.dtype)
    if np.issubdtype(b.dtype, np.signedinteger):
        negative = np.where(a == 1, 1, np.where(a == -1, np.where(b % 2 != 0, -1, 1), 0))
        result = np.where(b < 0, negative.astype(a.dtype), result)
    return result


def _ieee_pow(x, y):
    """C's pow in float64. numpy turns a 0-dim exponent of 0.5 or 2 into sqrt/square
    (pow(-inf, 0.5) is +inf, sqrt(-inf) NaN), so the exponent is given as a full array."""
    x, y = _bcast(np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64))
    with np.errstate(all="ignore"):
        return np.power(x, y)


def _pow_float(a, b):
    return _ieee_pow(a, b).astype(a.dtype)


def _pow_tensor_tensor(inputs, out=None):
    common = dtypes.result_type(*inputs)

    def check(common, result):
        if common is dtypes.bool_:
            raise _not_implemented("pow", common)

    def fn(a, b):
        if common.kind == "int":
            # the values arrive in the compute type; powi works in the integer type
            return _powi(a.astype(common.np_storage), b.astype(common.np_storage))
        return _pow_float(a, b)
    return elementwise(fn, inputs, out=out, check=check)


def _pow_tensor_scalar(base, exponent, out=None):
    """pow.Tensor_Scalar (Pow.cpp): a unary op on base.to(result_type(base, exp));
    0 -> ones, 1 -> a copy, sqrt/rsqrt/reciprocal and small integer powers special-cased
    for float/double/bfloat16 (PowKernel.cpp); the exponent is converted (checked) to
    integer and half dtypes."""
    if base.dtype.kind in ("bool", "int") and _is_integral_scalar(exponent) and exponent < 0:
        raise RuntimeError("Integers to negative integer powers are not allowed.")
    common = dtypes.result_type(base, exponent)
    special = isinstance(exponent, bool) or _equal(exponent, 0) or _equal(exponent, 1)

    def check(_common, result):
        if not special and (common.kind == "int" or common in _REDUCED):
            _check_scalar_to(exponent, common)  # exp_scalar.to<scalar_t>()

    def fn(a):
        if isinstance(exponent, bool):  # Scalar::equal(bool): True copies, False is ones
            return a if exponent else np.ones_like(a)
        if _equal(exponent, 0):
            return np.ones_like(a)
        if _equal(exponent, 1):
            return a
        if common.kind == "int":
            exp_value = to_dtype_array(np.array(int(exponent)), common)
            return _powi(a.astype(common.np_storage), exp_value)
        x = a.astype(np.float64)
        value = float(exponent)
        if common is not dtypes.float16:
            if value == 0.5:
                return np.sqrt(x)
            if value == -0.5:
                return 1.0 / np.sqrt(x)
            if value == -1.0:
                return 1.0 / x
        if common in _REDUCED:  # exp_scalar.to<scalar_t>(): the exponent is rounded too
            value = float(to_dtype_array(np.array(value), common))
        return _ieee_pow(x, value)
    return elementwise(fn, [_to(base, common)], out=out, check=check)


def _is_integral_scalar(x):
    return isinstance(x, (bool, int))


def _equal(scalar, number):
    """c10::Scalar::equal: a bool scalar equals no number."""
    if isinstance(scalar, bool):
        return False
    return scalar == number and not (isinstance(scalar, float) and math.isnan(scalar))


def pow(input, exponent):
    if not isinstance(input, Tensor):
        return _pow_scalar_tensor(input, exponent)
    if not isinstance(exponent, Tensor):
        return _pow_tensor_scalar(input, exponent)
    return _pow_tensor_tensor([input, exponent])


def pow_(self, exponent):
    if isinstance(exponent, Tensor):
        return _pow_tensor_tensor([self, exponent], out=self)
    return _pow_tensor_scalar(self, exponent, out=self)


def _pow_scalar_tensor(base, exponent):
    """pow.Scalar: result_type(base, exp), a contiguous output; base 1 fills ones, anything
    else is pow(wrapped base, exp) into that output."""
    if _equal(base, 1):
        result = elementwise(lambda b, e: np.ones_like(e), [base, exponent])
    else:
        result = _pow_tensor_tensor([base, exponent])
    return _contiguous(result)


def _contiguous(t):
    return Tensor._from_array(t._values(), t.dtype, layout.contiguous_strides(t._sizes),
                              t._undefined_mask())


def _rpow(self, other):
    return pow(other, self)


# --- maximum / minimum -------------------------------------------------------------------------
def _require_tensor(name, other, position):
    if not isinstance(other, Tensor):
        raise TypeError(f"{name}(): argument 'other' (position {position}) must be Tensor, "
                        f"not {type(other).__name__}")


def _signed_zeros(a, b):
    """Where a and b are zeros of opposite sign: max/min of them is either one, the
    scalar loop's std::max(a, b) giving a, the vector loop's _mm256_max_ps giving b."""
    if a.dtype.kind != "f":
        return None
    with np.errstate(invalid="ignore"):
        mask = (a == 0) & (b == 0) & (np.signbit(a) != np.signbit(b))
    return mask if np.any(mask) else None


def _or_masks(*masks):
    masks = [m for m in masks if m is not None]
    if not masks:
        return None
    return np.logical_or.reduce(np.broadcast_arrays(*masks)) if len(masks) > 1 else masks[0]


def _extremum(name, np_fn, bool_fn):
    def fn(a, b, dtype):
        if dtype is dtypes.bool_:
            return bool_fn(a, b)
        return np_fn(a, b), _signed_zeros(a, b)  # NaN-propagating for floats
    fn.wants_dtype = True

    def function(input, other, _position=2):
        _require_tensor(name, other, _position)
        return elementwise(fn, [input, other])

    def method(self, other):
        return function(self, other, _position=1)
    return function, method


maximum, _maximum_method = _extremum("maximum", np.maximum, np.logical_or)
minimum, _minimum_method = _extremum("minimum", np.minimum, np.logical_and)


# --- clamp ---------------------------------------------------------------------------------------
_NO_BOUNDS = "torch.clamp: At least one of 'min' or 'max' must not be None"


def _clamp_values(a, lo, hi):
    """min(max(a, lo), hi), NaN-propagating; the sign of a zero result next to a zero
    bound of the other sign is unspecified (see _signed_zeros)."""
    masks = []
    with np.errstate(invalid="ignore"):
        if lo is not None:
            masks.append(_signed_zeros(a, lo))
            a = np.maximum(a, lo)
        if hi is not None:
            masks.append(_signed_zeros(a, hi))
            a = np.minimum(a, hi)
    return a, _or_masks(*masks)


def _clamp_scalar(self, lo, hi, out=None):
    """clamp (Scalar bounds), TensorCompare.cpp: manual promotion over self and the
    bounds (floating self keeps its dtype), in-place only without promotion; both bounds
    with a NaN fill NaN; otherwise each bound is converted to the dtype (checked)."""
    if lo is None and hi is None:
        raise RuntimeError(_NO_BOUNDS)
    bounds = [b for b in (lo, hi) if b is not None]
    result = self.dtype if self.dtype.kind == "float" else dtypes.result_type(self, *bounds)
    if out is not None and result is not self.dtype:
        raise RuntimeError(f"result type {result.legacy_name} can't be cast to the desired "
                           f"output type {_TYPEMETA[self.dtype.name]}")
    nan_fill = lo is not None and hi is not None and (
        math.isnan(float(lo)) or math.isnan(float(hi)))
    kernel = ("clamp_scalar_cpu" if lo is not None and hi is not None
              else "clamp_min_scalar_cpu" if lo is not None else "clamp_max_scalar_cpu")

    def check(common, result):
        if nan_fill:
            return
        if common is dtypes.bool_:
            raise _not_implemented(kernel, common)
        for b in bounds:
            _check_scalar_to(b, common)

    def fn(a):
        if nan_fill:
            return np.full(a.shape, np.nan, dtype=a.dtype)
        lo_v = None if lo is None else _scalar_in(lo, result)
        hi_v = None if hi is None else _scalar_in(hi, result)
        return _clamp_values(a, lo_v, hi_v)
    # build_unary_op(out, self.to(result_type)): the bounds are not operands
    return elementwise(fn, [_to(self, result)], out=out, check=check)


def _clamp_tensor(self, lo, hi, out=None):
    """clamp.Tensor: a TensorIterator over (self, min, max); only min is maximum, only
    max is minimum (NaN-propagating); both is the clamp kernel."""
    if lo is None and hi is None:
        raise RuntimeError(_NO_BOUNDS)
    inputs = [self] + [b for b in (lo, hi) if b is not None]
    both = lo is not None and hi is not None

    def check(common, result):
        if both and common is dtypes.bool_:
            raise _not_implemented("clamp_cpu", common)

    def fn(a, *bs, dtype):
        if dtype is dtypes.bool_:  # maximum / minimum on bools
            if both:
                return np.logical_and(np.logical_or(a, bs[0]), bs[1])
            return np.logical_or(a, bs[0]) if lo is not None else np.logical_and(a, bs[0])
        if both:
            return _clamp_values(a, bs[0], bs[1])
        return _clamp_values(a, bs[0], None) if lo is not None else _clamp_values(a, None, bs[0])
    fn.wants_dtype = True
    return elementwise(fn, inputs, out=out, check=check)


def _is_tensor_overload(lo, hi):
    """The Python binding picks clamp.Tensor when a bound is a tensor; a 0-dim tensor next
    to a number is read as a number (clamp(Tensor, Scalar?, Scalar?))."""
    tensors = [b for b in (lo, hi) if isinstance(b, Tensor)]
    numbers = [b for b in (lo, hi) if b is not None and not isinstance(b, Tensor)]
    if not tensors:
        return False
    if numbers:
        if any(t.dim() != 0 for t in tensors):
            raise TypeError("clamp() received an invalid combination of arguments")
        return False
    return True


def _scalar_of(b):
    return b.item() if isinstance(b, Tensor) else b


def clamp(input, min=None, max=None):
    if _is_tensor_overload(min, max):
        return _clamp_tensor(input, min, max)
    return _clamp_scalar(input, _scalar_of(min), _scalar_of(max))


def clamp_(self, min=None, max=None):
    if _is_tensor_overload(min, max):
        return _clamp_tensor(self, min, max, out=self)
    return _clamp_scalar(self, _scalar_of(min), _scalar_of(max), out=self)


def _one_bound(name, lo, hi):
    bound = lo if lo is not None else hi
    if bound is None:
        raise TypeError(f"{name}() missing required argument")
    return bound


def clamp_min(input, min):
    """clamp_min: clamp with only a lower bound (TensorCompare.cpp)."""
    return clamp(input, _one_bound("clamp_min", min, None), None)


def clamp_min_(self, min):
    return clamp_(self, _one_bound("clamp_min_", min, None), None)


def clamp_max(input, max):
    return clamp(input, None, _one_bound("clamp_max", None, max))


def clamp_max_(self, max):
    return clamp_(self, None, _one_bound("clamp_max_", None, max))


# --- comparisons and logical ops ---------------------------------------------------------------
def _comparison(np_fn):
    def function(input, other):
        return elementwise(np_fn, [input, other], promotion="always_bool")

    def inplace(self, other):
        # the output keeps self's dtype; the bool result is cast into it
        return elementwise(np_fn, [self, other], promotion="always_bool", out=self)
    return function, inplace


eq, eq_ = _comparison(np.equal)
ne, ne_ = _comparison(np.not_equal)
lt, lt_ = _comparison(np.less)
le, le_ = _comparison(np.less_equal)
gt, gt_ = _comparison(np.greater)
ge, ge_ = _comparison(np.greater_equal)


def _logical(name, np_fn):
    def fn(a, b):
        return np_fn(a != 0, b != 0)

    def function(input, other, _position=2):
        _require_tensor(name, other, _position)
        return elementwise(fn, [input, other], promotion="always_bool")

    def method(self, other):
        return function(self, other, _position=1)

    def inplace(self, other):
        _require_tensor(name + "_", other, 1)
        return elementwise(fn, [self, other], promotion="always_bool", out=self)
    return function, method, inplace


logical_and, _logical_and_method, logical_and_ = _logical("logical_and", np.logical_and)
logical_or, _logical_or_method, logical_or_ = _logical("logical_or", np.logical_or)
logical_xor, _logical_xor_method, logical_xor_ = _logical("logical_xor", np.logical_xor)


def logical_not(input):
    return elementwise(np.logical_not, [input], promotion="always_bool")


def logical_not_(self):
    return elementwise(np.logical_not, [self], promotion="always_bool", out=self)


# --- lerp -----------------------------------------------------------------------------------
def _lerp_candidates(start, end, weight, compute):
    """lerp (Lerp.h) as the scalar loop computes it in the opmath type, and as the
    vector loop does (fmadd(coeff, end - start, base)); both in float64 for comparison."""
    s, e, w = (np.asarray(v).astype(np.float64) for v in (start, end, weight))
    with np.errstate(all="ignore"):
        small = np.abs(w) < 0.5
        diff = _round_np(e - s, compute)
        scalar_small = _round_np(s + _round_np(w * diff, compute), compute)
        one_minus = _round_np(1.0 - w, compute)
        scalar_large = _round_np(e - _round_np(diff * one_minus, compute), compute)
        scalar = np.where(small, scalar_small, scalar_large)
        coeff = np.where(small, w, _round_np(w - 1.0, compute))
        base = np.where(small, s, e)
        fused = coeff * diff + base
    return scalar, fused


def _round_np(values, np_type):
    with np.errstate(all="ignore"):
        return np.asarray(values).astype(np_type).astype(np.float64)


def _lerp_dtype_check(self, end, weight):
    if self.dtype is not end.dtype:
        raise RuntimeError(f"expected dtype {_TYPEMETA[self.dtype.name]} for `end` but got "
                           f"dtype {_TYPEMETA[end.dtype.name]}")
    if isinstance(weight, Tensor) and weight.dim() != 0 and weight.dtype is not self.dtype:
        raise RuntimeError(f"expected dtype {_TYPEMETA[self.dtype.name]} for `weight` but got "
                           f"dtype {_TYPEMETA[weight.dtype.name]}")


def _lerp(self, end, weight, out=None):
    _lerp_dtype_check(self, end, weight)
    tensor_weight = isinstance(weight, Tensor)
    kernel = "lerp_kernel_tensor" if tensor_weight else "lerp_kernel_scalar"

    def check(common, result):
        if common.kind != "float":
            raise _not_implemented(kernel, common)
        if not tensor_weight:
            opmath = dtypes.float64 if common is dtypes.float64 else dtypes.float32
            _check_scalar_to(weight, opmath)

    def fn(s, e, *w, dtype):
        compute = np.float64 if dtype is dtypes.float64 else np.float32
        wv = w[0] if tensor_weight else np.float64(weight).astype(compute)
        scalar, fused = _lerp_candidates(s, e, wv, compute)
        others = [fused]
        if tensor_weight and dtype is dtypes.float16:
            # Vectorized<Half> rounds every step to half
            others.append(_lerp_candidates(*(_round(v, dtype) for v in (s, e, wv)),
                                           dtypes.float16.np_storage)[1])
        return scalar, _disagree(dtype, scalar, *others)
    fn.wants_dtype = True
    inputs = [self, end] + ([weight] if tensor_weight else [])
    return elementwise(fn, inputs, out=out, check=check)


def lerp(input, end, weight):
    return _lerp(input, end, weight)


def lerp_(self, end, weight):
    return _lerp(self, end, weight, out=self)


# --- operators ----------------------------------------------------------------------------------
def _isub(self, other):
    return sub_(self, other)


def _itruediv(self, other):
    return div_(self, other)


def _ifloordiv(self, other):
    return floor_divide_(self, other)


def _imod(self, other):
    return remainder_(self, other)


def _ipow(self, other):
    return pow_(self, other)


FUNCTIONS = {
    "sub": sub, "subtract": sub, "rsub": rsub,
    "div": div, "divide": div, "true_divide": true_divide, "floor_divide": floor_divide,
    "remainder": remainder, "fmod": fmod, "pow": pow,
    "maximum": maximum, "minimum": minimum, "clamp": clamp, "clip": clamp,
    "clamp_min": clamp_min, "clamp_max": clamp_max,
    "eq": eq, "ne": ne, "lt": lt, "le": le, "gt": gt, "ge": ge,
    "greater": gt, "greater_equal": ge, "less": lt, "less_equal": le, "not_equal": ne,
    "logical_and": logical_and, "logical_or": logical_or, "logical_xor": logical_xor,
    "logical_not": logical_not, "lerp": lerp,
}
METHODS = {
    "sub": sub, "sub_": sub_, "subtract": sub, "subtract_": sub_,
    "div": div, "div_": div_, "divide": div, "divide_": div_,
    "true_divide": true_divide, "true_divide_": true_divide_,
    "floor_divide": floor_divide, "floor_divide_": floor_divide_,
    "remainder": remainder, "remainder_": remainder_, "fmod": fmod, "fmod_": fmod_,
    "pow": pow, "pow_": pow_,
    "maximum": _maximum_method, "minimum": _minimum_method,
    "clamp": clamp, "clamp_": clamp_, "clip": clamp, "clip_": clamp_,
    "clamp_min": clamp_min, "clamp_min_": clamp_min_, "clamp_max": clamp_max,
    "clamp_max_": clamp_max_,
    "eq": eq, "eq_": eq_, "ne": ne, "ne_": ne_, "lt": lt, "lt_": lt_, "le": le, "le_": le_,
    "gt": gt, "gt_": gt_, "ge": ge, "ge_": ge_,
    "greater": gt, "greater_": gt_, "greater_equal": ge, "greater_equal_": ge_,
    "less": lt, "less_": lt_, "less_equal": le, "less_equal_": le_,
    "not_equal": ne, "not_equal_": ne_,
    "logical_and": _logical_and_method, "logical_and_": logical_and_,
    "logical_or": _logical_or_method, "logical_or_": logical_or_,
    "logical_xor": _logical_xor_method, "logical_xor_": logical_xor_,
    "logical_not": logical_not, "logical_not_": logical_not_,
    "lerp": lerp, "lerp_": lerp_,
}
OPERATORS = {
    "__sub__": sub, "__rsub__": _rsub_operator, "__isub__": _isub,
    "__truediv__": div, "__rtruediv__": _rtruediv, "__itruediv__": _itruediv,
    "__floordiv__": floor_divide, "__rfloordiv__": _rfloordiv, "__ifloordiv__": _ifloordiv,
    "__mod__": remainder, "__rmod__": _rmod, "__imod__": _imod,
    "__pow__": pow, "__rpow__": _rpow, "__ipow__": _ipow,
    "__eq__": eq, "__ne__": ne, "__lt__": lt, "__le__": le, "__gt__": gt, "__ge__": ge,
}
