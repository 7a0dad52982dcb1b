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
from .creation import checked_scalar
from .device_dependence import dtype_not_implemented, reads_data
from .dtypes import TOLERANCE
from .registry import declare
from .elementwise import (_add_fn, _alpha_check, _as_opmath, _opmath, elementwise,
                          zero_tensor_kernel)
from .storage import merge_unspecified, to_dtype_array
from .tensor import Tensor

_REDUCED = (dtypes.float16, dtypes.bfloat16)


class _KernelError(RuntimeError):
    """An error raised inside a CPU kernel, after it may have written some elements."""


def _dtype_of(x):
    return x.dtype if isinstance(x, Tensor) else dtypes._scalar_dtype(x)


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
    not, vector or scalar loop) differ by more than the dtype's tolerance once rounded,
    or are zeros of opposite signs (a fused tiny negative result rounds to -0.0)."""
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
            zeros_differ = (a == 0) & (b == 0) & (np.signbit(a) != np.signbit(b))
        mask = mask | ~same | zeros_differ
    return mask if mask.any() else None


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


def _rsub_operator(self, other):
    return rsub(self, other)


@declare("sub(Tensor input, Tensor other, *, Scalar alpha=1, Tensor out=None)",
         "sub(Tensor input, Scalar alpha, Tensor other, *, Tensor out=None)|deprecated",
         operator="-", reflected=_rsub_operator, inplace=True, schema="aten::sub.Tensor")
def sub(input, other, *, alpha=1, out=None):
    result = elementwise(_add_fn(_neg_alpha(alpha)), [input, other], out=out,
                         precheck=_sub_check, check=_alpha_check(alpha, _neg_alpha(alpha)))
    return result if out is not None else zero_tensor_kernel(result, [input, other], "sum")


declare("subtract(Tensor input, Tensor other, *, Scalar alpha=1, Tensor out=None)",
        "subtract(Tensor input, Scalar other, Scalar alpha=1)",
        inplace=True, schema="aten::subtract.Tensor")(sub)


@declare("rsub(Tensor input, Tensor other, *, Scalar alpha=1)",
         "rsub(Tensor input, Scalar other, Scalar alpha=1)", forms="function",
         schema="aten::rsub.Tensor")
def rsub(input, other, *, alpha=1):
    """other - alpha * input (rsub: sub(other, self, alpha))."""
    return sub(other, input, alpha=alpha)



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
            reads_data("integer division by zero")
            raise _KernelError("ZeroDivisionError")
        wide_a, wide_b = a.astype(np.int64), b.astype(np.int64)
        with np.errstate(all="ignore"):
            return rule(wide_a, wide_b)  # wraps back into the dtype on write
    kernel.__name__ = name

    def element(a, b):  # one element at a time, as cpu_kernel calls it
        if b == 0:
            reads_data("integer division by zero")
            raise RuntimeError("ZeroDivisionError")
        return rule(np.int64(a), np.int64(b))
    kernel.serial = element
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
            raise dtype_not_implemented(kernel, common)

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


def _kernel(fn, inputs, mode, out):
    """fn(inputs, mode) out of place, or written into out (an in-place twin)."""
    if out is None:
        return _functional(fn, inputs, mode)
    return _inplace(fn, out, inputs, mode, out=out)


def _rtruediv(self, other):
    """torch/_tensor.py __rdiv__: self.reciprocal() * other (the Python operator, so a
    number other is a wrapped 0-dim tensor: MulBackward0 with an edge for it)."""
    return reciprocal(self) * other


@declare("div(Tensor input, Tensor other, *, Tensor out=None)",
         "div(Tensor input, Tensor other, *, str? rounding_mode, Tensor out=None)",
         "div(Tensor input, Scalar other, *, str? rounding_mode)",
         operator="/", reflected=_rtruediv, inplace=True, schema="aten::div.Tensor_mode")
def div(input, other, *, rounding_mode=None, out=None):
    result = _kernel(_div, [input, other], rounding_mode, out)
    if out is not None or rounding_mode is not None:
        return result
    return zero_tensor_kernel(result, [input, other], "quotient")


declare("divide(Tensor input, Tensor other, *, Tensor out=None)",
        "divide(Tensor input, Tensor other, *, str? rounding_mode, Tensor out=None)",
        "divide(Tensor input, Scalar other)",
        "divide(Tensor input, Scalar other, *, str? rounding_mode)",
        inplace=True, schema="aten::divide.Tensor_mode")(div)


@declare("true_divide(Tensor input, Tensor other, *, Tensor out=None)",
         "true_divide(Tensor input, Scalar other)", inplace=True, schema="aten::true_divide.Tensor")
def true_divide(input, other, *, out=None):
    return _div([input, other], None, out=out)


@declare("floor_divide(Tensor input, Tensor other, *, Tensor out=None)",
         "floor_divide(Tensor input, Scalar other)", operator="//", reflected=True,
         inplace=True, schema="aten::floor_divide", inplace_schema="aten::floor_divide_.Tensor",
         out_via="copy")  # floor_divide_out writes out only once the kernel has run
def floor_divide(input, other, *, out=None):
    return _kernel(_div, [input, other], "floor", out)


@declare("reciprocal(Tensor input)", forms="method", inplace=True, schema="aten::reciprocal")
def reciprocal(input, *, out=None):
    """1 / input, computed in double and rounded once; integers give floats (a unary float
    op: build_borrowing_unary_float_op). Declared for what __rdiv__ records
    (ReciprocalBackward0): Tensor.reciprocal() and reciprocal_(); torch.reciprocal and its
    out= are not modelled."""
    return elementwise(lambda x: (1.0 / x.astype(np.float64)).astype(x.dtype), [input],
                       promotion="int_to_float", out=out)



def _modulo(inputs, name, out=None):
    int_rule, float_fn, kernel = {
        "remainder": (_remainder_int, _remainder_float, "remainder_cpu"),
        "fmod": (_fmod_int, np.fmod, "fmod_cpu"),
    }[name]
    common = dtypes.result_type(*inputs)

    def check(common, result):
        if common is dtypes.bool_:
            raise dtype_not_implemented(kernel, common)
    fn = (_int_kernel(kernel, int_rule) if common.kind == "int"
          else _vector_fmod_unspecified(float_fn))
    return elementwise(fn, inputs, out=out, check=check)


@declare("remainder(Tensor input, Tensor other, *, Tensor out=None)",
         "remainder(Scalar self, Tensor other)",
         "remainder(Tensor input, Scalar other, *, Tensor out=None)",
         method=("remainder(Tensor other)", "remainder(Scalar other)"),
         operator="%", reflected=True, inplace=True, schema="aten::remainder.Tensor")
def remainder(input=None, other=None, *, self=None, out=None):
    if self is not None:  # remainder(Scalar self, Tensor other)
        input = self
    return _kernel(_modulo, [input, other], "remainder", out)


@declare("fmod(Tensor input, Tensor other, *, Tensor out=None)",
         "fmod(Tensor input, Scalar other, *, Tensor out=None)", inplace=True,
         schema="aten::fmod.Tensor")
def fmod(input, other, *, out=None):
    return _kernel(_modulo, [input, other], "fmod", out)


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
    """C's pow in float64. numpy turns an exponent of 0.5 or 2 it sees as a scalar into
    sqrt/square (pow(-inf, 0.5) is +inf and pow(-0.0, 0.5) +0.0, but sqrt gives NaN and
    -0.0), so both operands are given as full arrays of at least one dimension."""
    x, y = _bcast(np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64))
    with np.errstate(all="ignore"):
        return np.power(np.atleast_1d(x), np.atleast_1d(y)).reshape(x.shape)


def _pow_float(a, b):
    return _ieee_pow(a, b).astype(a.dtype)


def _pow_tensor_tensor(inputs, out=None):
    common = dtypes.result_type(*inputs)

    def check(common, result):
        if common is dtypes.bool_:
            raise dtype_not_implemented("pow", common)

    def fn(a, b):
        if common.kind == "int":
            # the values arrive in the compute type; powi works in the integer type
            return _powi(a.astype(common.np_storage), b.astype(common.np_storage))
        return _pow_float(a, b)
    return elementwise(fn, inputs, out=out, check=check)


def _pow_tensor_scalar(base, exponent, out=None):
    """pow.Tensor_Scalar (Pow.cpp): a unary op on base.to(result_type(base, exp));
    0 -> ones, 1 -> a copy, sqrt/rsqrt/reciprocal and the powers 2, 3, -2 special-cased
    for float/double/bfloat16 (PowKernel.cpp); the exponent is converted (checked) to
    integer and half dtypes."""
    if base.dtype.kind in ("bool", "int") and _is_integral_scalar(exponent) and exponent < 0:
        raise RuntimeError("Integers to negative integer powers are not allowed.")
    common = dtypes.result_type(base, exponent)
    special = isinstance(exponent, bool) or _equal(exponent, 0) or _equal(exponent, 1)

    def check(_common, result):
        if not special and (common.kind == "int" or common in _REDUCED):
            checked_scalar(exponent, common)  # exp_scalar.to<scalar_t>()

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
        if common is not dtypes.float16 and value in (2.0, 3.0, -2.0):
            # pow_tensor_scalar_optimized_kernel: products in the dtype, each rounded
            # (1 / (x * x) overflows to 0 where pow would give a subnormal)
            def r(v):
                return _round(v, common)
            square = r(x * x)
            return square if value == 2.0 else r(square * x) if value == 3.0 else r(1.0 / square)
        return _ieee_pow(x, value)
    return elementwise(fn, [_to(base, common)], out=out, check=check)


def _is_integral_scalar(x):
    return isinstance(x, (bool, int))


def _equal(scalar, number):
    """c10::Scalar::equal: a bool scalar equals no number."""
    if isinstance(scalar, bool):
        return False
    return scalar == number and not (isinstance(scalar, float) and math.isnan(scalar))


@declare("pow(Tensor input, Tensor exponent, *, Tensor out=None)",
         "pow(Scalar self, Tensor exponent, *, Tensor out=None)",
         "pow(Tensor input, Scalar exponent, *, Tensor out=None)",
         method=("pow(Tensor exponent)", "pow(Scalar exponent)"),
         operator="**", reflected=True, inplace=True, schema="aten::pow.Tensor_Tensor",
         inplace_schema="aten::pow_.Tensor")
def pow(input=None, exponent=None, *, self=None, out=None):
    if self is not None:  # pow(Scalar self, Tensor exponent)
        input = self
    if not isinstance(input, Tensor):
        return _pow_scalar_tensor(input, exponent)
    if not isinstance(exponent, Tensor):
        return _pow_tensor_scalar(input, exponent, out=out)
    return _pow_tensor_tensor([input, exponent], out=out)


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



# --- maximum / minimum -------------------------------------------------------------------------


# A contiguous CPU loop runs its vector code on whole 64-byte blocks and the scalar code
# on the rest (aten/src/ATen/native/cpu/Loops.h vectorized_loop: two 32-byte
# Vectorized<T> with AVX2 and the DEFAULT build, one 64-byte one with AVX512; measured on
# torch 2.13: 16 float, 8 double, 32 half/bfloat16 elements).
_VECTOR_BLOCK_BYTES = 64


def _first_on_ties(np_fn, a, b):
    """np_fn (np.maximum / np.minimum, NaN-propagating) keeping a where a == b, as the
    scalar loop's std::max(a, b) / std::min(a, b) do: of two zeros, a's sign."""
    with np.errstate(invalid="ignore"):
        return np.where(a == b, a, np_fn(a, b))


def _signed_zeros(a, b, itemsize):
    """Where a and b are zeros of opposite sign and the kernel may take its vector loop:
    max/min of them is a in the scalar loop (std::max(a, b)) but b in the vector loop
    (vec::maximum is _mm256_max_ps / _mm512_max_ps(a, b), which return their second
    operand on ties).
    Which loop an element meets depends on TensorIterator's coalesced layout and the
    element's place in it, so there the sign is unspecified; an output smaller than one
    vector block only ever meets the scalar loop (so keeps a, see _first_on_ties)."""
    if a.dtype.kind != "f":
        return None
    shape = np.broadcast_shapes(np.shape(a), np.shape(b))
    if math.prod(shape) * itemsize < _VECTOR_BLOCK_BYTES:
        return None
    with np.errstate(invalid="ignore"):
        mask = (a == 0) & (b == 0) & (np.signbit(a) != np.signbit(b))
    return mask if np.any(mask) else None


def _extremum(name, np_fn, bool_fn):
    def fn(a, b, dtype):
        if dtype is dtypes.bool_:
            return bool_fn(a, b)
        return _first_on_ties(np_fn, a, b), _signed_zeros(a, b, dtype.itemsize)
    fn.wants_dtype = True

    def function(input, other, *, out=None):
        return elementwise(fn, [input, other], out=out)
    function.__name__ = name
    return declare(f"{name}(Tensor input, Tensor other, *, Tensor out=None)",
                   schema=f"aten::{name}")(function)


maximum = _extremum("maximum", np.maximum, np.logical_or)
minimum = _extremum("minimum", np.minimum, np.logical_and)


# --- clamp ---------------------------------------------------------------------------------------
_NO_BOUNDS = "torch.clamp: At least one of 'min' or 'max' must not be None"


def _clamp_values(a, lo, hi, tensor_itemsize=None):
    """min(max(a, lo), hi), NaN-propagating, keeping a where it equals a bound (the
    scalar loop's std::min(std::max(a, lo), hi)). With Scalar bounds
    (clamp_scalar_kernel_impl, cpu/TensorCompareKernel.cpp) the vector loop's vec::clamp
    (_mm512_min_ps(max, _mm512_max_ps(min, a))) keeps a too, so a zero keeps its own
    sign next to a zero bound on every path (measured on torch 2.13). With Tensor bounds
    (tensor_itemsize given) the vector loop is vec::minimum(vec::maximum(a, min), max),
    which gives the bound on ties: unspecified where it may run (see _signed_zeros)."""
    masks = []
    for bound, np_fn in ((lo, np.maximum), (hi, np.minimum)):
        if bound is None:
            continue
        if tensor_itemsize is not None:
            masks.append(_signed_zeros(a, bound, tensor_itemsize))
        a = _first_on_ties(np_fn, a, bound)
    return a, merge_unspecified(*masks)


def _clamp_scalar(self, lo, hi, out=None):
    """clamp (Scalar bounds), TensorCompare.cpp: manual promotion over self and the
    bounds (floating self keeps its dtype), in-place only without promotion; both bounds
    with a NaN fill NaN; otherwise each bound is converted to the dtype (checked)."""
    if lo is None and hi is None:
        raise RuntimeError(_NO_BOUNDS)
    bounds = [b for b in (lo, hi) if b is not None]
    result = self.dtype if self.dtype.kind == "float" else dtypes.result_type(self, *bounds)
    if out is self and result is not self.dtype:  # in place: no promotion (clamp meta)
        raise RuntimeError(f"result type {result.legacy_name} can't be cast to the desired "
                           f"output type {self.dtype.typemeta_name}")
    nan_fill = lo is not None and hi is not None and (
        math.isnan(float(lo)) or math.isnan(float(hi)))
    kernel = ("clamp_scalar_cpu" if lo is not None and hi is not None
              else "clamp_min_scalar_cpu" if lo is not None else "clamp_max_scalar_cpu")

    def check(common, result):
        if nan_fill:
            return
        if common is dtypes.bool_:
            raise dtype_not_implemented(kernel, common)
        for b in bounds:
            checked_scalar(b, common)

    def fn(a):
        if nan_fill:
            return np.full(a.shape, np.nan, dtype=a.dtype)
        lo_v = None if lo is None else _scalar_in(lo, result)
        hi_v = None if hi is None else _scalar_in(hi, result)
        return _clamp_values(a, lo_v, hi_v)
    # build_unary_op(out, self.to(result_type)): the bounds are not operands
    return elementwise(fn, [_to(self, result)], out=out, check=check, out_dtype="same")


def _clamp_tensor(self, lo, hi, out=None):
    """clamp.Tensor: a TensorIterator over (self, min, max); only min is maximum, only
    max is minimum (NaN-propagating); both is the clamp kernel."""
    if lo is None and hi is None:
        raise RuntimeError(_NO_BOUNDS)
    inputs = [self] + [b for b in (lo, hi) if b is not None]
    both = lo is not None and hi is not None

    def check(common, result):
        if both and common is dtypes.bool_:
            raise dtype_not_implemented("clamp_cpu", common)

    def fn(a, *bs, dtype):
        if dtype is dtypes.bool_:  # maximum / minimum on bools
            if both:
                return np.logical_and(np.logical_or(a, bs[0]), bs[1])
            return np.logical_or(a, bs[0]) if lo is not None else np.logical_and(a, bs[0])
        size = dtype.itemsize
        if both:
            return _clamp_values(a, bs[0], bs[1], size)
        return (_clamp_values(a, bs[0], None, size) if lo is not None
                else _clamp_values(a, None, bs[0], size))
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


@declare("clamp(Tensor input, Tensor? min=None, Tensor? max=None, *, Tensor out=None)",
         "clamp(Tensor input, Scalar? min=None, Scalar? max=None, *, Tensor out=None)",
         aliases="clip", inplace=True, inplace_function=True, schema="aten::clamp")
def clamp(input, min=None, max=None, *, out=None):
    if _is_tensor_overload(min, max):
        return _clamp_tensor(input, min, max, out=out)
    return _clamp_scalar(input, _scalar_of(min), _scalar_of(max), out=out)




@declare("clamp_min(Tensor input, Tensor min, *, Tensor out=None)",
         "clamp_min(Tensor input, Scalar min, *, Tensor out=None)", inplace=True,
         inplace_function=True, schema="aten::clamp_min")
def clamp_min(input, min, *, out=None):
    """clamp_min: clamp with only a lower bound (TensorCompare.cpp)."""
    return clamp(input, min, None, out=out)


@declare("clamp_max(Tensor input, Tensor max, *, Tensor out=None)",
         "clamp_max(Tensor input, Scalar max, *, Tensor out=None)", inplace=True,
         inplace_function=True, schema="aten::clamp_max")
def clamp_max(input, max, *, out=None):
    return clamp(input, None, max, out=out)


# --- comparisons and logical ops ---------------------------------------------------------------
def _comparison(name, np_fn, symbol, aliases=()):
    def function(input, other, *, out=None):
        # in place, the output keeps self's dtype; the bool result is cast into it
        return elementwise(np_fn, [input, other], promotion="always_bool", out=out)
    function.__name__ = name
    signatures = (f"{name}(Tensor input, Tensor other, *, Tensor out=None)",
                  f"{name}(Tensor input, Scalar other, *, Tensor out=None)")
    declare(*signatures, operator=symbol, inplace=True, schema=f"aten::{name}.Tensor")(function)
    for alias in aliases:
        declare(*(alias + sig[len(name):] for sig in signatures), inplace=True,
                schema=f"aten::{alias}.Tensor")(function)
    return function


eq = _comparison("eq", np.equal, "==")
ne = _comparison("ne", np.not_equal, "!=", aliases=("not_equal",))
lt = _comparison("lt", np.less, "<", aliases=("less",))
le = _comparison("le", np.less_equal, "<=", aliases=("less_equal",))
gt = _comparison("gt", np.greater, ">", aliases=("greater",))
ge = _comparison("ge", np.greater_equal, ">=", aliases=("greater_equal",))


@declare("equal(Tensor input, Tensor other)", schema="aten::equal")
def equal(input: Tensor, other: Tensor):
    """equal (aten/src/ATen/native/ReduceOps.cpp cpu_equal): a Python bool, True when the
    sizes are the same and every element is equal in the promoted dtype (NaN equals
    nothing, -0.0 equals 0.0)."""
    if input._sizes != other._sizes:
        return False
    common = dtypes.promote_types(input.dtype, other.dtype)
    a = to_dtype_array(input._values(), common)
    b = to_dtype_array(other._values(), common)
    return bool(np.array_equal(a, b))


def _logical(name, np_fn):
    def fn(a, b):
        return np_fn(a != 0, b != 0)

    def function(input, other, *, out=None):
        return elementwise(fn, [input, other], promotion="always_bool", out=out)
    function.__name__ = name
    return declare(f"{name}(Tensor input, Tensor other, *, Tensor out=None)", inplace=True,
                   schema=f"aten::{name}")(function)


logical_and = _logical("logical_and", np.logical_and)
logical_or = _logical("logical_or", np.logical_or)
logical_xor = _logical("logical_xor", np.logical_xor)


@declare("logical_not(Tensor input, *, Tensor out=None)", inplace=True, schema="aten::logical_not")
def logical_not(input, *, out=None):
    return elementwise(np.logical_not, [input], promotion="always_bool", out=out)


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
        # an fma does not overflow on its product: long double has the range it needs
        fused = (coeff.astype(np.longdouble) * diff + base).astype(np.float64)
    return scalar, fused


def _round_np(values, np_type):
    with np.errstate(all="ignore"):
        return np.asarray(values).astype(np_type).astype(np.float64)


def _lerp_dtype_check(self, end, weight):
    if self.dtype is not end.dtype:
        raise RuntimeError(f"expected dtype {self.dtype.typemeta_name} for `end` but got "
                           f"dtype {end.dtype.typemeta_name}")
    if isinstance(weight, Tensor) and weight.dim() != 0 and weight.dtype is not self.dtype:
        raise RuntimeError(f"expected dtype {self.dtype.typemeta_name} for `weight` but got "
                           f"dtype {weight.dtype.typemeta_name}")


def _lerp(self, end, weight, out=None):
    _lerp_dtype_check(self, end, weight)
    tensor_weight = isinstance(weight, Tensor)
    kernel = "lerp_kernel_tensor" if tensor_weight else "lerp_kernel_scalar"

    def check(common, result):
        if common.kind != "float":
            raise dtype_not_implemented(kernel, common)
        if not tensor_weight:
            opmath = dtypes.float64 if common is dtypes.float64 else dtypes.float32
            checked_scalar(weight, opmath)

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
    # lerp.Tensor (Lerp.cpp meta): a weight that is not 0-dim has the inputs' dtype, and
    # TensorIterator wants out's dtype to be theirs too (check_all_same_dtype); a 0-dim
    # weight (of any dtype) promotes, and the result casts safely into out; lerp.Scalar is
    # a binary op (casts)
    same = tensor_weight and weight.dim() != 0
    return elementwise(fn, inputs, out=out, check=check, out_dtype="same" if same else "cast")


@declare("lerp(Tensor input, Tensor end, Tensor weight, *, Tensor out=None)",
         "lerp(Tensor input, Tensor end, Scalar weight, *, Tensor out=None)", inplace=True,
         schema="aten::lerp.Scalar")
def lerp(input, end, weight, *, out=None):
    return _lerp(input, end, weight, out=out)


# --- backward rules (tools/autograd/derivatives.yaml, torch/csrc/autograd/FunctionsManual.cpp) --
# Node classes are numbered in derivatives.yaml's order of an op's overloads: sub.Tensor is
# SubBackward0 and sub.Scalar SubBackward1, fmod.Scalar FmodBackward0 and fmod.Tensor
# FmodBackward1, and so on. A Python number given for a Tensor parameter (x - 2) is a
# wrapped 0-dim tensor: the Tensor overload, with an edge to nowhere.
from .autograd.formulas import maybe_multiply  # noqa: E402
from .autograd.derivatives import NOT_IMPLEMENTED, derivative  # noqa: E402
from .elementwise import _alpha, by_overload, scalar_overload  # noqa: E402
from .registry import DECLARATIONS  # noqa: E402


def _where(condition, input, other):
    from .indexing.masked import where
    return where(condition, input, other)


def _zeros_like(t):
    from .creation import zeros_like
    return zeros_like(t)


def _declared(name):
    """The op of a declaration that shares its implementation with another (subtract)."""
    return DECLARATIONS[name].op


def _has_param(overload, name, type_=None):
    return any(p.name == name and (type_ is None or p.type == type_) for p in overload.params)


# sub: self: grad; other: maybe_multiply(-grad, alpha) (sub.Scalar: self only)
for _op in (sub, _declared("subtract")):
    derivative(_op, by_overload("SubBackward0", "SubBackward1"), input=lambda grad: grad,
               other=lambda grad, alpha: maybe_multiply(-grad, _alpha(alpha)))
# rsub (other - alpha * self): self: maybe_multiply(-grad, alpha); other: grad
def _number(value):
    return isinstance(value, (bool, int, float))


def _rsub_wrapped(input, other, alpha=1):
    """rsub.Scalar: native::rsub(self, wrapped_scalar_tensor(other), alpha), which is
    at::sub(other, self, alpha)."""
    if _number(other):
        return sub, (other, input), {"alpha": alpha}, "sub(Tensor input, Tensor other, *, Scalar alpha=1)"
    return None


derivative(rsub, by_overload("RsubBackward0", "RsubBackward1"),
           input=lambda grad, alpha: maybe_multiply(-grad, _alpha(alpha)), other=lambda grad: grad,
           below_autograd=_rsub_wrapped)


def _div_name(overload, other, rounding_mode):
    """div.Tensor 0, div.Scalar 1, div.Tensor_mode 2, div.Scalar_mode 3: torch.div(x, y,
    rounding_mode=None) is still the _mode overload."""
    if overload is not None:
        mode = _has_param(overload, "rounding_mode")
    else:
        mode = rounding_mode is not None
    return f"DivBackward{2 * mode + scalar_overload(overload, 'other', other)}"


def _div_self(grad, other, rounding_mode=None):
    """div_tensor_self_backward: grad / other; zeros with a rounding mode (the quotient is
    piecewise constant), though other is saved all the same."""
    if rounding_mode is not None:
        return _zeros_like(grad)
    return grad / other


def _div_other(grad, input, other, rounding_mode=None):
    """div_tensor_other_backward: -grad * ((self / other) / other); zeros with a rounding
    mode."""
    if rounding_mode is not None:
        return _zeros_like(grad)
    return -grad * ((input / other) / other)


for _op in (div, _declared("divide")):
    derivative(_op, _div_name, input=_div_self, other=_div_other)
derivative(true_divide, by_overload("DivBackward0", "DivBackward1"),
           input=lambda grad, other: _div_self(grad, other),
           other=lambda grad, input, other: _div_other(grad, input, other))
# floor_divide has no derivatives.yaml entry: a NotImplemented node (edges to the inputs that
# require grad), whose backward raises
derivative(floor_divide, NOT_IMPLEMENTED)


def _remainder_name(overload, input, self, other):
    """remainder.Scalar 0, remainder.Tensor 1; remainder.Scalar_Tensor (2 % x) has no
    derivatives.yaml entry: a NotImplemented node."""
    base = self if self is not None else input
    if (_has_param(overload, "self", "Scalar") if overload is not None
            else not isinstance(base, Tensor)):
        return NOT_IMPLEMENTED
    scalar = scalar_overload(overload, "other", other)
    return "RemainderBackward0" if scalar else "RemainderBackward1"


# remainder / fmod: self: grad; other: -grad * self.div(other, rounding_mode='floor'/'trunc')
def _wrapped_other(op, text):
    """remainder.Scalar, remainder.Scalar_Tensor, fmod.Scalar: op(self, other) with the
    number wrapped (BinaryOps.cpp), the Tensor overload."""
    def inner(input=None, other=None, self=None, out=None):
        first = self if self is not None else input
        if _number(first) or _number(other):
            return op, (first, other), {}, text
        return None
    return inner


derivative(remainder, _remainder_name, input=lambda grad: grad,
           other=lambda grad, input, other: -grad * div(input, other, rounding_mode="floor"),
           below_autograd=_wrapped_other(remainder, "remainder(Tensor input, Tensor other, *, "
                                                    "Tensor out=None)"))
derivative(fmod, by_overload("FmodBackward1", "FmodBackward0"), input=lambda grad: grad,
           other=lambda grad, input, other: -grad * div(input, other, rounding_mode="trunc"),
           below_autograd=_wrapped_other(fmod, "fmod(Tensor input, Tensor other, *, "
                                               "Tensor out=None)"))
derivative(reciprocal, "ReciprocalBackward0", input=lambda grad, result: -grad * (result * result))


def _pow_name(overload, input, self, exponent):
    """pow.Tensor_Scalar 0, pow.Tensor_Tensor 1, pow.Scalar (2 ** x) 2."""
    if overload is not None:
        if _has_param(overload, "self", "Scalar"):
            return "PowBackward2"
        return "PowBackward0" if scalar_overload(overload, "exponent", exponent) else "PowBackward1"
    base = self if self is not None else input
    if not isinstance(base, Tensor):
        return "PowBackward2"
    return "PowBackward1" if isinstance(exponent, Tensor) else "PowBackward0"


def _pow_self(grad, input, exponent):
    """pow_backward (a Scalar exponent): zeros for exponent 0, else
    grad * (exponent * self.pow(exponent - 1)) with the exponent as a double;
    pow_backward_self (a Tensor exponent): the same, zero where the exponent is 0."""
    if not isinstance(exponent, Tensor):
        if _equal(exponent, 0.0):  # at::zeros_like(self, LEGACY_CONTIGUOUS_MEMORY_FORMAT)
            from .creation import zeros_like
            from .views import contiguous_format
            return zeros_like(input, memory_format=contiguous_format)
        e = float(exponent)
        return grad * (e * pow(input, e - 1))
    return _where(exponent == 0.0, 0.0, grad * (exponent * pow(input, exponent - 1)))


def _scalar_log(base):
    """c10::Scalar::log of a real base, as std::log: -inf at 0, NaN below."""
    value = float(base)
    if value == 0:
        return float("-inf")
    if value < 0 or math.isnan(value):
        return float("nan")
    return math.log(value)


def _pow_exponent(grad, input, self, exponent, result):
    """pow_backward_exponent: grad * result * log(self), defined as 0 where self == 0 and
    exponent >= 0 (by continuity; -inf for a negative exponent). A Tensor self is first
    converted to the result type of (self, exponent); a Scalar self (2 ** x) uses its log."""
    from .conversions import to
    from .unary import log
    base = self if self is not None else input
    if isinstance(base, Tensor):
        cond = logical_and(base == 0, exponent >= 0)
        promoted = to(base, dtypes.result_type(base, exponent))
        return grad * _where(cond, 0.0, result * log(promoted))
    if isinstance(base, bool):
        # torch 2.13's pow_backward_exponent makes a Scalar of the log of a bool base and
        # fails on it (c10/core/Scalar.cpp); what torch does is what is modelled
        raise RuntimeError('false INTERNAL ASSERT FAILED at "/__w/pytorch/pytorch/c10/core/'
                           'Scalar.cpp":42, please report a bug to PyTorch. unknown ivalue tag 4')
    log_base = _scalar_log(base)
    if _equal(base, 0.0):
        return grad * _where(exponent >= 0, 0.0, result * log_base)
    return grad * (result * log_base)


def _pow_wrapped(input=None, exponent=None, self=None, out=None):
    """pow.Scalar's kernel (Pow.cpp pow_Scalar_out): 1 ** x is a fill; otherwise it calls
    at::pow_out(result, wrapped_scalar_tensor(self), exponent), which autograd refuses
    where the exponent requires grad."""
    from .autograd.recording import out_refused
    base = self if self is not None else input
    if _number(base) and not _equal(base, 1) and isinstance(exponent, Tensor) \
            and exponent.requires_grad:
        raise out_refused("pow")
    return None


derivative(pow, _pow_name, input=_pow_self, exponent=_pow_exponent, below_autograd=_pow_wrapped)


# maximum / minimum: the gradient goes to the larger (smaller) input; ties split it in half
# (at::where(self == other, grad / 2, grad).masked_fill_(self < other, 0)); NaN: to both
def _extremum_grad(mine_loses):
    """maximum: at::where(self == other, grad / 2, grad).masked_fill_(self < other, 0) (the
    in-place fill shows in the gradient's version)."""
    def formula(grad, input, other):
        return _where(input == other, grad / 2, grad).masked_fill_(mine_loses(input, other), 0)
    return formula


derivative(maximum, "MaximumBackward0", input=_extremum_grad(lambda a, b: a < b),
           other=_extremum_grad(lambda a, b: b < a))
derivative(minimum, "MinimumBackward0", input=_extremum_grad(lambda a, b: a > b),
           other=_extremum_grad(lambda a, b: b > a))


def _clamp_name(overload, min, max):
    """clamp.Tensor 0, clamp (Scalar bounds) 1."""
    if overload is not None:
        tensor = _has_param(overload, "min", "Tensor") or _has_param(overload, "max", "Tensor")
    else:
        tensor = _is_tensor_overload(min, max)
    return "ClampBackward0" if tensor else "ClampBackward1"


def _clamp_self(grad, input, min, max):
    """clamp_backward: the gradient passes where min <= self <= max (bounds included)."""
    if min is not None and max is not None:
        # in place, as clamp_backward_min_max: raises where the two masks broadcast apart
        passes = (input >= min).logical_and_(input <= max)
    elif min is not None:
        passes = input >= min
    elif max is not None:
        passes = input <= max
    else:
        return grad
    return _where(passes, grad, 0.0)


def _clamp_min_grad(grad, input, min, max):
    """clamp_backward_min_max: min gets the gradient where self < min (and min < max:
    with min > max the result is max)."""
    below = input < min
    if max is not None:
        below = below.logical_and_(min < max)
    return _where(below, grad, 0.0)


def _clamp_max_grad(grad, input, min, max):
    """clamp_backward_min_max: max gets it where self > max, or everywhere max < min."""
    above = input > max
    if min is not None:
        above = above.logical_or_(max < min)
    return _where(above, grad, 0.0)


derivative(clamp, _clamp_name, input=_clamp_self, min=_clamp_min_grad, max=_clamp_max_grad)
# clamp_min: self: where(self >= min, grad, 0); min (Tensor): where(self < min, grad, 0)
derivative(clamp_min, by_overload("ClampMinBackward1", "ClampMinBackward0", "min"),
           input=lambda grad, input, min: _where(input >= min, grad, 0.0),
           min=lambda grad, input, min: _where(input < min, grad, 0.0))
# clamp_max: self: where(self <= max, grad, 0); max (Tensor): where(self > max, grad, 0)
derivative(clamp_max, by_overload("ClampMaxBackward1", "ClampMaxBackward0", "max"),
           input=lambda grad, input, max: _where(input <= max, grad, 0.0),
           max=lambda grad, input, max: _where(input > max, grad, 0.0))


def _lerp_self(grad, weight):
    """lerp.Scalar: grad * (1 - weight.toDouble()); lerp.Tensor: grad * (1 - weight), a
    C++ Scalar minus a tensor."""
    from .autograd.formulas import scalar_minus
    if isinstance(weight, Tensor):
        return grad * scalar_minus(1, weight)
    return grad * (1 - float(weight))


derivative(lerp, by_overload("LerpBackward1", "LerpBackward0", "weight"), input=_lerp_self,
           end=lambda grad, weight: grad * weight,
           weight=lambda grad, input, end: grad * (end - input))

# comparisons: the out-of-place ops give bool (never recorded); their in-place forms on a
# floating self are recorded (eq_.Scalar: EqBackward0, eq_.Tensor: EqBackward1) with zero
# gradients: zeros_like(self) / zeros_like(other), i.e. self_info.zeros() (nothing saved)
for _names, _node in ((("eq",), "Eq"), (("ne", "not_equal"), "Ne"), (("lt", "less"), "Lt"),
                      (("le", "less_equal"), "Le"), (("gt", "greater"), "Gt"),
                      (("ge", "greater_equal"), "Ge")):
    for _name in _names:
        derivative(_declared(_name), by_overload(f"{_node}Backward1", f"{_node}Backward0"),
                   inplace_only=True, input=lambda input_info: input_info.zeros(),
                   other=lambda other_info: other_info.zeros())
# logical ops are in gen_variable_type.py's DONT_REQUIRE_DERIVATIVE: never recorded
for _name in ("logical_and", "logical_or", "logical_xor", "logical_not"):
    DECLARATIONS[_name].derivative = False
equal.__declaration__.derivative = False   # a Python bool: nothing to record
