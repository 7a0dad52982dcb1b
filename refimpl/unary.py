"""Unary math ops (abs, log, sqrt, rsqrt, tanh, relu, sin, cos, floor, ceil, round,
trunc, sign, sgn (not fuzzed), isnan, isinf, nan_to_num), each with its in-place form.

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
from .device_dependence import dtype_not_implemented
from .elementwise import elementwise
from .bindings import out_like_input
from .conversions import copy_checks
from .registry import declare
from .storage import to_dtype_array
from .tensor import Tensor


# --- dtype support --------------------------------------------------------------------------
def _not_implemented(kernel, refused):
    """The AT_DISPATCH error of a kernel not compiled for a dtype, raised after
    TensorIterator is built (so overlap and cast errors come first)."""
    def check(common, result):
        if refused(common):
            raise dtype_not_implemented(kernel, common)
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
    do result.copy_(self) for integral dtypes, see _copied_integers)."""
    def fn(x):
        return np_fn(x) if x.dtype.kind == "f" else x.copy()
    fn.copies_integers = True
    return fn


def _copied_integers(fn, check, input, out):
    """The check of an op that copies integer inputs: that copy is a copy_ into the
    resized out, whose own TensorIterator checks overlap again, now with out's new
    strides (trunc(x.permute(..), out=x) is refused though the op's own build passed)."""
    if out is None or not getattr(fn, "copies_integers", False) or input.dtype.kind == "float" \
            or input.dtype is dtypes.bool_:
        return check

    def checked(common, result):
        if check is not None:
            check(common, result)
        copy_checks(out, input)
    return checked


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
def _unary(name, fn, promotion="default", check=None, precheck=None, operator=None,
           inplace_function=True, takes_out=True):
    """A declared unary op (with its in-place twin) running fn through the shared algorithm."""
    # the float ops (build_borrowing_unary_float_op) cast into out; the others
    # (build_borrowing_unary_op) need out's dtype to be the input's
    out_dtype = "cast" if promotion == "int_to_float" else "same"

    def op(input, *, out=None):
        return elementwise(fn, [input], promotion=promotion, out=out,
                           check=_copied_integers(fn, check, input, out),
                           precheck=precheck, out_dtype=out_dtype)
    op.__name__ = name
    signature = f"{name}(Tensor input, *, Tensor out=None)" if takes_out else f"{name}(Tensor input)"
    return declare(signature, operator=operator,
                   inplace=True, inplace_function=inplace_function, schema=f"aten::{name}")(op)


abs = _unary("abs", _abs, check=_not_implemented("abs_cpu", _is_bool), operator="abs")
log = _unary("log", _in_float64(np.log), promotion="int_to_float")
sqrt = _unary("sqrt", _in_float64(np.sqrt), promotion="int_to_float")
rsqrt = _unary("rsqrt", _in_float64(_rsqrt), promotion="int_to_float")
tanh = _unary("tanh", _in_float64(np.tanh), promotion="int_to_float")
sin = _unary("sin", _in_float64(np.sin), promotion="int_to_float")
cos = _unary("cos", _in_float64(np.cos), promotion="int_to_float")
floor = _unary("floor", _on_floats(np.floor), check=_not_implemented("floor_vml_cpu", _is_bool))
ceil = _unary("ceil", _on_floats(np.ceil), check=_not_implemented("ceil_vml_cpu", _is_bool))
trunc = _unary("trunc", _on_floats(np.trunc), check=_not_implemented("trunc_vml_cpu", _is_bool))
sign = _unary("sign", _sign, inplace_function=False)
# sgn is sign for the real dtypes modelled here. It is declared for abs's and norm's
# backward, whose create_graph gradients record SgnBackward0; it has no spec, so programs
# call it only through those.
sgn = _unary("sgn", _sign, inplace_function=False)


def _relu_check(inputs):
    # Activation.cpp relu: checked before clamp_min builds its TensorIterator
    if inputs[0].dtype is dtypes.bool_:
        raise RuntimeError("Boolean inputs not supported for relu")


relu = _unary("relu", _relu, precheck=_relu_check, takes_out=False)  # torch.relu has no out=


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


def _round(input, decimals, out=None):
    fn, check = _round_fn_and_check(decimals)
    return elementwise(fn, [input], out=out, check=_copied_integers(fn, check, input, out),
                       out_dtype="same")


@declare("round(Tensor input, *, Tensor out=None)",
         "round(Tensor input, *, int decimals, Tensor out=None)", inplace=True,
         inplace_function=True, schema="aten::round.decimals")
def round(input, *, decimals=None, out=None):
    return _round(input, decimals, out)


# --- isnan, isinf -----------------------------------------------------------------------------
@declare("isnan(Tensor input)", schema="aten::isnan")
def isnan(input):
    """isnan is `self != self` (TensorCompare.cpp): a comparison's TensorIterator."""
    return elementwise(_isnan, [input], promotion="always_bool")


def _like(self: Tensor, values, dtype, undefined=None) -> Tensor:
    """A new tensor laid out as empty_like(self) (preserve_format)."""
    strides = layout.preserve_format_strides(self._sizes, self._strides)
    return Tensor._from_array(np.asarray(values).reshape(self._sizes), dtype, strides, undefined)


@declare("isinf(Tensor input)", schema="aten::isinf")
def isinf(input):
    """Integral (and bool) inputs: zeros_like(self, kBool) with preserve_format; floating
    inputs: abs(self) == inf, a TensorIterator result (TensorCompare.cpp)."""
    if _is_integral(input.dtype):
        return _like(input, np.zeros(input._sizes, dtype=bool), dtypes.bool_)
    # the Python scalar is an operand of eq's TensorIterator (no fast setup)
    return elementwise(np.equal, [abs(input), float("inf")], promotion="always_bool")


# --- nan_to_num -------------------------------------------------------------------------------
def _nan_to_num_fn(dtype, nan, posinf, neginf):
    """nan_to_num_kernel (UnaryOpsKernel.cpp): each replacement is static_cast to the
    dtype (out-of-range values become +-inf); posinf/neginf default to the dtype's
    largest/lowest finite value."""
    def cast(v):
        return to_dtype_array(np.array(float(v), dtype=np.float64), dtype)
    nan_v = cast(0.0 if nan is None else nan)
    pos_v = cast(dtype.max if posinf is None else posinf)
    neg_v = cast(dtype.min if neginf is None else neginf)

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
        self._bump_version()
        return self
    return elementwise(_nan_to_num_fn(self.dtype, nan, posinf, neginf), [self], out=self)


@declare("nan_to_num(Tensor input, float? nan=None, float? posinf=None, float? neginf=None, *, "
         "Tensor out=None)", inplace=True, inplace_function=True, schema="aten::nan_to_num",
         out_check=out_like_input(
             "nan_to_num: dtype of out: {out} should be same as input: {input}"))
def nan_to_num(input, nan=None, posinf=None, neginf=None, *, out=None):
    if out is None:
        return _nan_to_num(input, nan, posinf, neginf)
    if out is input:  # nan_to_num_
        return _nan_to_num_(out, nan, posinf, neginf)
    if _is_integral(input.dtype):  # nan_to_num_out: resize_output + copy_
        from .bindings import write_out
        return write_out(out, input, [], result_strides=False)
    return elementwise(_nan_to_num_fn(input.dtype, nan, posinf, neginf), [input], out=out,
                       out_dtype="same")


# --- backward rules (tools/autograd/derivatives.yaml) ------------------------------------------
from .autograd.derivatives import derivative  # noqa: E402


def _zeros_like(grad):
    from .creation import zeros_like
    return zeros_like(grad)


def _isfinite(t):
    from .arithmetic import logical_and, logical_not
    return logical_and(logical_not(isnan(t)), logical_not(isinf(t)))


# abs: grad * self.sgn() (0 at 0)
def _out_of_a_fresh_result(name):
    """abs (unary_op_impl_with_complex_to_float) and nan_to_num (UnaryOps.cpp) call their
    out= variant with a new result tensor: outside inference mode a normal one, so on an
    inference input that requires grad (x.data = one) autograd refuses that call."""
    def below_autograd(input, **_):
        from .autograd.recording import out_refused
        if input.requires_grad:
            raise out_refused(name)
    return below_autograd


derivative(abs, "AbsBackward0", input=lambda grad, input: grad * sgn(input),
           below_autograd=_out_of_a_fresh_result("abs"))
derivative(log, "LogBackward0", input=lambda grad, input: grad / input)
# sqrt: grad / (2 * result): inf at 0
derivative(sqrt, "SqrtBackward0", input=lambda grad, result: grad / (2 * result))
derivative(rsqrt, "RsqrtBackward0", input=lambda grad, result: -0.5 * grad * result ** 3)


def _tanh_backward_values(a, b):
    """a * (1 - b * b) (BinaryOpsKernel.cpp tanh_backward_kernel). Whether 1 - b * b is
    fused into one rounding (an FMA, as compilers contract it in the vectorized loops) or
    rounded twice is the build's choice: the fused value is the oracle's, and where the
    two differ the element is unspecified."""
    if a.dtype.kind != "f":
        return a * (1 - b * b)
    fused_inner = (1 - b.astype(np.float64) * b.astype(np.float64)).astype(a.dtype)
    fused = a * fused_inner
    unfused = a * (1 - b * b)
    differs = ~((fused == unfused) | (np.isnan(fused) & np.isnan(unfused)))
    return fused, (differs if differs.any() else None)


@declare("tanh_backward(Tensor grad_output, Tensor output)", forms=(), parsed=False,
         schema="aten::tanh_backward")
def tanh_backward(grad_output, output):
    return elementwise(_tanh_backward_values, [grad_output, output])


# tanh: tanh_backward(grad, result); tanh_backward itself (double backward):
# grad_output: tanh_backward(grad, output); output: grad * (-2 * output * grad_output)
derivative(tanh, "TanhBackward0", input=lambda grad, result: tanh_backward(grad, result))
derivative(tanh_backward, "TanhBackwardBackward0",
           grad_output=lambda grad, output: tanh_backward(grad, output),
           output=lambda grad, output, grad_output: grad * (-2 * output * grad_output))
derivative(sin, "SinBackward0", input=lambda grad, input: grad * cos(input))
derivative(cos, "CosBackward0", input=lambda grad, input: grad * -sin(input))
# piecewise constant: zeros_like(grad), nothing saved
for _op, _node in ((floor, "FloorBackward0"), (ceil, "CeilBackward0"), (trunc, "TruncBackward0"),
                   (sign, "SignBackward0")):
    derivative(_op, _node, input=lambda grad: _zeros_like(grad))
# sgn: sgn_backward(self, grad, result), for a real input an efficient ZeroTensor
# (at::_efficientzerotensor of the result's sizes, which are the input's; FunctionsManual.cpp)
derivative(sgn, "SgnBackward0",
           input=lambda grad, input_info: Tensor._efficient_zeros(input_info.sizes,
                                                                  input_info.dtype))

@declare("threshold_backward(Tensor grad_output, Tensor input, Scalar threshold)", forms=(),
         parsed=False, schema="aten::threshold_backward")
def threshold_backward(grad_output, input, threshold):
    """grad_output where input > threshold, else 0 (a NaN input passes the gradient):
    Activation.cpp's own TensorIterator over (self, grad), whose layout the result takes
    (not where()'s, which differs for zero-size tensors), threshold in their common dtype."""
    def fn(x, g, dtype):
        bound = to_dtype_array(np.asarray(threshold, dtype=np.float64), dtype).astype(x.dtype)
        return np.where(x <= bound, np.zeros((), dtype=g.dtype), g)
    fn.wants_dtype = True
    return elementwise(fn, [input, grad_output])


# relu: threshold_backward(grad, result, 0): zero where result <= 0 (at 0 too), NaN passes;
# threshold_backward's own rule (double backward): grad_output: threshold_backward(grad,
# self, threshold); self: zeros_like(grad)
derivative(relu, "ReluBackward0", input=lambda grad, result: threshold_backward(grad, result, 0))
derivative(threshold_backward, "ThresholdBackwardBackward0",
           grad_output=lambda grad, input, threshold: threshold_backward(grad, input, threshold),
           input=lambda grad: _zeros_like(grad))


def _round_name(overload, decimals):
    """round 0, round.decimals 1 (round(x, decimals=0) too)."""
    if overload is not None:
        return f"RoundBackward{int(any(p.name == 'decimals' for p in overload.params))}"
    return f"RoundBackward{int(decimals is not None)}"


derivative(round, _round_name, input=lambda grad: _zeros_like(grad))
# nan_to_num: grad * isfinite(self): replaced values get no gradient
derivative(nan_to_num, "NanToNumBackward0", input=lambda grad, input: grad * _isfinite(input),
           below_autograd=_out_of_a_fresh_result("nan_to_num"))
# gen_variable_type.py DONT_REQUIRE_DERIVATIVE: boolean results, never recorded
isnan.__declaration__.derivative = False
isinf.__declaration__.derivative = False
