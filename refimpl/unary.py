"""Unary math ops (abs, log, sqrt, rsqrt, tanh, relu, sin, cos, floor, ceil, round,
trunc, sign, isnan, isinf, nan_to_num), each with its in-place form.

Every op here runs on the shared elementwise algorithm (refimpl/elementwise.py):
TensorIterator's output strides, in-place overlap / cast checks, one version bump.
What is specific to an op is its value function, its promotion kind and the dtypes
its CPU kernel is not compiled for. Ported from aten/src/ATen/native/UnaryOps.cpp,
aten/src/ATen/native/cpu/UnaryOpsKernel.cpp, aten/src/ATen/native/Activation.cpp
(relu), aten/src/ATen/native/TensorCompare.cpp (isnan, isinf) and
torch/_refs/__init__.py.

Transcendental functions (log, sqrt, rsqrt, tanh, sin, cos) are computed in float64
and rounded once to the result dtype; PyTorch's vectorized kernels (Sleef) are
within an ulp or two of that, inside the comparison tolerance of every dtype.
"""
from __future__ import annotations

import builtins

import numpy as np

from . import dtypes, layout
from .elementwise import elementwise
from .storage import to_dtype_array
from .tensor import Tensor


# --- dtype support --------------------------------------------------------------------------
def _not_implemented(kernel, refused):
    """The AT_DISPATCH error of a kernel not compiled for a dtype, raised after
    TensorIterator is built (so overlap and cast errors come first)."""
    def check(common, result):
        if refused(common):
            raise NotImplementedError(f'"{kernel}" not implemented for \'{common.legacy_name}\'')
    return check


def _is_bool(d):
    return d is dtypes.bool_


def _is_integral(d):  # bool included
    return d.kind != "float"


# --- value functions (numpy, on values in the op's compute type) -----------------------------
def _in_float64(np_fn):
    """A transcendental function computed in double; rounded once when written."""
    def fn(x):
        return np_fn(x.astype(np.float64))
    return fn


def _rsqrt(x):
    return 1.0 / np.sqrt(x)


def _on_floats(np_fn):
    """floor/ceil/trunc/round: integer inputs are copied unchanged (floor_out et al.
    do result.copy_(self) for integral dtypes)."""
    def fn(x):
        return np_fn(x) if x.dtype.kind == "f" else x.copy()
    return fn


def _abs(x):
    return np.abs(x) if x.dtype != np.bool_ else x.copy()


def _relu(x):
    """relu is clamp_min(self, 0): negative values become 0; NaN and -0.0 are kept."""
    return np.where(x < 0, np.zeros((), dtype=x.dtype), x)


def _sign(x):
    """sign_kernel: (0 < a) - (a < 0), so sign(NaN) is 0; bool is the identity."""
    if x.dtype == np.bool_:
        return x.copy()
    return ((x > 0).astype(np.int8) - (x < 0).astype(np.int8)).astype(x.dtype)


def _isnan(x):
    # isnan is self != self: true only for NaN
    return np.isnan(x) if x.dtype.kind == "f" else np.zeros(x.shape, dtype=bool)


# --- the generic unary op --------------------------------------------------------------------
def _unary(fn, promotion="default", check=None, precheck=None):
    """(out-of-place, in-place) pair running fn through the shared algorithm."""
    def op(input):
        return elementwise(fn, [input], promotion=promotion, check=check, precheck=precheck)

    def op_(self):
        return elementwise(fn, [self], promotion=promotion, out=self, check=check,
                           precheck=precheck)
    return op, op_


abs, abs_ = _unary(_abs, check=_not_implemented("abs_cpu", _is_bool))
log, log_ = _unary(_in_float64(np.log), promotion="int_to_float")
sqrt, sqrt_ = _unary(_in_float64(np.sqrt), promotion="int_to_float")
rsqrt, rsqrt_ = _unary(_in_float64(_rsqrt), promotion="int_to_float")
tanh, tanh_ = _unary(_in_float64(np.tanh), promotion="int_to_float")
sin, sin_ = _unary(_in_float64(np.sin), promotion="int_to_float")
cos, cos_ = _unary(_in_float64(np.cos), promotion="int_to_float")
floor, floor_ = _unary(_on_floats(np.floor), check=_not_implemented("floor_vml_cpu", _is_bool))
ceil, ceil_ = _unary(_on_floats(np.ceil), check=_not_implemented("ceil_vml_cpu", _is_bool))
trunc, trunc_ = _unary(_on_floats(np.trunc), check=_not_implemented("trunc_vml_cpu", _is_bool))
sign, sign_ = _unary(_sign)


def _relu_check(inputs):
    # Activation.cpp relu: checked before clamp_min builds its TensorIterator
    if inputs[0].dtype is dtypes.bool_:
        raise RuntimeError("Boolean inputs not supported for relu")


relu, relu_ = _unary(_relu, precheck=_relu_check)


# --- round ------------------------------------------------------------------------------------
def _round_decimals_fn(decimals):
    """round_decimals_kernel (UnaryOpsKernel.cpp), in opmath (float for half/bfloat16/
    float, double for double):
        ten_pow = (opmath) pow(10, |decimals|)
        decimals < 0:  nearbyint(a / ten_pow) * ten_pow
        otherwise:     nearbyint(a * ten_pow) / ten_pow
    A power of ten beyond the opmath range is inf, which makes every result NaN."""
    def fn(x):
        with np.errstate(over="ignore"):
            ten_pow = np.power(np.float64(10.0), float(builtins.abs(decimals))).astype(x.dtype)
        if decimals < 0:
            return np.rint(x / ten_pow) * ten_pow
        return np.rint(x * ten_pow) / ten_pow
    return fn


def _round_fn_and_check(decimals):
    """round(self) copies integers; round(self, decimals=d), even d=0, dispatches to a
    kernel compiled for floating types only (round_decimals_out: round_stub for d=0,
    round_decimals_stub otherwise)."""
    if decimals is None:
        return _on_floats(np.rint), _not_implemented("round_vml_cpu", _is_bool)
    kernel = "round_vml_cpu" if decimals == 0 else "round_cpu"
    fn = np.rint if decimals == 0 else _round_decimals_fn(decimals)
    return fn, _not_implemented(kernel, _is_integral)


def _check_decimals(input, decimals, op, overloaded=False):
    """Python argument parsing: torch.round has two overloads, so a bad decimals gets
    the 'invalid combination' message (naming the arguments' Python types); the others
    name the argument."""
    if decimals is None or (isinstance(decimals, int) and not isinstance(decimals, bool)):
        return
    kind = builtins.type(decimals).__name__
    if overloaded:
        raise TypeError(f"{op}() received an invalid combination of arguments - got "
                        f"({builtins.type(input).__name__}, decimals={kind}), but expected "
                        f"one of:")
    raise TypeError(f"{op}(): argument 'decimals' must be int, not {kind}")


def _round(input, decimals, overloaded):
    _check_decimals(input, decimals, "round", overloaded)
    fn, check = _round_fn_and_check(decimals)
    return elementwise(fn, [input], check=check)


def round(input, *, decimals=None):
    return _round(input, decimals, overloaded=True)


def _round_method(self, *, decimals=None):
    return _round(self, decimals, overloaded=False)


def round_(self, *, decimals=None):
    _check_decimals(self, decimals, "round_")
    fn, check = _round_fn_and_check(decimals)
    return elementwise(fn, [self], out=self, check=check)


# --- isnan, isinf -----------------------------------------------------------------------------
def isnan(input):
    """isnan is `self != self` (TensorCompare.cpp): a comparison's TensorIterator."""
    return elementwise(_isnan, [input], promotion="always_bool")


def _like(self: Tensor, values, dtype, undefined=None) -> Tensor:
    """A new tensor laid out as empty_like(self) (preserve_format)."""
    strides = layout.preserve_format_strides(self._sizes, self._strides)
    return Tensor._from_array(np.asarray(values).reshape(self._sizes), dtype, strides, undefined)


def isinf(input):
    """Integral (and bool) inputs: zeros_like(self, kBool) with preserve_format; floating
    inputs: abs(self) == inf, a TensorIterator result (TensorCompare.cpp)."""
    if _is_integral(input.dtype):
        return _like(input, np.zeros(input._sizes, dtype=bool), dtypes.bool_)
    # the Python scalar is an operand of eq's TensorIterator (no fast setup)
    return elementwise(np.equal, [abs(input), float("inf")], promotion="always_bool")


# --- nan_to_num -------------------------------------------------------------------------------
_FLOAT_LIMITS = {"float16": 65504.0, "bfloat16": 3.3895313892515355e38,
                 "float32": float(np.finfo(np.float32).max),
                 "float64": float(np.finfo(np.float64).max)}


_REPLACEMENT_NAMES = ("nan", "posinf", "neginf")


def _parse_replacements(op, args, kwargs, method):
    """(nan, posinf, neginf) as torch's Python argument parser reads them
    (torch/csrc/utils/python_arg_parser.cpp FunctionSignature::parse): every argument
    is type-checked first, in declaration order; only then is a keyword that repeats a
    positional argument refused (extra_kwargs, in the keywords' order)."""
    first = 1 if method else 2  # the position number of `nan` in messages
    if len(args) > 3:
        raise TypeError(f"{op}() takes from {first - 1} to {first + 2} positional arguments "
                        f"but {len(args) + first - 1} were given")
    values = []
    for i, name in enumerate(_REPLACEMENT_NAMES):
        positional = i < len(args)
        value = args[i] if positional else kwargs.get(name)
        if value is not None and not isinstance(value, (int, float)):
            where = f" (position {first + i})" if positional else ""
            raise TypeError(f"{op}(): argument '{name}'{where} must be float, not "
                            f"{builtins.type(value).__name__}")
        values.append(value)
    for name in kwargs:
        if name not in _REPLACEMENT_NAMES:
            raise TypeError(f"{op}() got an unexpected keyword argument '{name}'")
        if _REPLACEMENT_NAMES.index(name) < len(args):
            raise TypeError(f"{op}() got multiple values for argument '{name}'")
    return values


def _nan_to_num_fn(dtype, nan, posinf, neginf):
    """nan_to_num_kernel (UnaryOpsKernel.cpp): each replacement is static_cast to the
    dtype (out-of-range values become +-inf); posinf/neginf default to the dtype's
    largest/lowest finite value."""
    def cast(v):
        return to_dtype_array(np.array(float(v), dtype=np.float64), dtype)
    limit = _FLOAT_LIMITS[dtype.name]
    nan_v = cast(0.0 if nan is None else nan)
    pos_v = cast(limit if posinf is None else posinf)
    neg_v = cast(-limit if neginf is None else neginf)

    def fn(x):
        out = np.where(np.isnan(x), nan_v, x)
        out = np.where(np.isposinf(x), pos_v, out)
        return np.where(np.isneginf(x), neg_v, out).astype(x.dtype)
    return fn


def _nan_to_num(input, nan, posinf, neginf):
    """NaN and infinities replaced. Integral inputs are copied (resize_output + copy_);
    the functional form writes into empty_like(self), so the result has
    preserve_format strides, not TensorIterator's (UnaryOps.cpp nan_to_num)."""
    if _is_integral(input.dtype):
        return _like(input, input._values(), input.dtype, input._undefined_mask())
    result = elementwise(_nan_to_num_fn(input.dtype, nan, posinf, neginf), [input])
    return _like(input, result._values(), input.dtype, result._undefined_mask())


def _nan_to_num_(self, nan, posinf, neginf):
    """In place: integral inputs are `self.copy_(self)`, a no-op without TensorIterator
    (no overlap check), that still bumps the version."""
    if _is_integral(self.dtype):
        self._version_counter.bump()
        return self
    return elementwise(_nan_to_num_fn(self.dtype, nan, posinf, neginf), [self], out=self)


def nan_to_num(input, *args, **kwargs):
    return _nan_to_num(input, *_parse_replacements("nan_to_num", args, kwargs, method=False))


def _nan_to_num_method(self, *args, **kwargs):
    return _nan_to_num(self, *_parse_replacements("nan_to_num", args, kwargs, method=True))


def nan_to_num_(self, *args, **kwargs):
    return _nan_to_num_(self, *_parse_replacements("nan_to_num_", args, kwargs, method=False))


def _nan_to_num__method(self, *args, **kwargs):
    return _nan_to_num_(self, *_parse_replacements("nan_to_num_", args, kwargs, method=True))


def _abs_operator(self):
    return abs(self)


FUNCTIONS = {"abs": abs, "abs_": abs_, "log": log, "log_": log_, "sqrt": sqrt, "sqrt_": sqrt_,
             "rsqrt": rsqrt, "rsqrt_": rsqrt_, "tanh": tanh, "tanh_": tanh_, "relu": relu,
             "relu_": relu_, "sin": sin, "sin_": sin_, "cos": cos, "cos_": cos_,
             "floor": floor, "floor_": floor_, "ceil": ceil, "ceil_": ceil_, "round": round,
             "round_": round_, "trunc": trunc, "trunc_": trunc_, "sign": sign,
             "isnan": isnan, "isinf": isinf, "nan_to_num": nan_to_num,
             "nan_to_num_": nan_to_num_}
METHODS = {"abs": abs, "abs_": abs_, "log": log, "log_": log_, "sqrt": sqrt, "sqrt_": sqrt_,
           "rsqrt": rsqrt, "rsqrt_": rsqrt_, "tanh": tanh, "tanh_": tanh_, "relu": relu,
           "relu_": relu_, "sin": sin, "sin_": sin_, "cos": cos, "cos_": cos_,
           "floor": floor, "floor_": floor_, "ceil": ceil, "ceil_": ceil_, "round": _round_method,
           "round_": round_, "trunc": trunc, "trunc_": trunc_, "sign": sign, "sign_": sign_,
           "isnan": isnan, "isinf": isinf, "nan_to_num": _nan_to_num_method,
           "nan_to_num_": _nan_to_num__method}
OPERATORS = {"__abs__": _abs_operator}
