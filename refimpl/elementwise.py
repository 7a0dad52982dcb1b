"""Elementwise ops: one algorithm for promotion, broadcasting, output strides,
in-place checks and rounding, shared by every op (as torch/_refs does with
_make_elementwise_binary_reference and TensorIterator does in C++).

Each op is a numpy function on values in the op's "opmath" type (float32 for
float16/bfloat16, as ATen's opmath_type), plus a type-promotion kind.
"""
from __future__ import annotations

import builtins
import inspect

import numpy as np

from . import dtypes, layout
from .creation import checked_scalar
from .registry import declare
from .storage import merge_unspecified, to_dtype_array
from .tensor import Tensor

# float16 and bfloat16 are computed in float32 and rounded once (ATen opmath_type)
_OPMATH = {dtypes.float16: np.float32, dtypes.bfloat16: np.float32}

INTERNAL_OVERLAP = ("unsupported operation: more than one element of the written-to tensor "
                    "refers to a single memory location. Please clone() the tensor before "
                    "performing the operation.")
PARTIAL_OVERLAP = ("unsupported operation: some elements of the input tensor and the "
                   "written-to tensor refer to a single memory location. Please clone() the "
                   "tensor before performing the operation.")


def _opmath(dtype):
    return _OPMATH.get(dtype, dtype.np_storage)


def result_dtype(inputs, promotion):
    """(common dtype the inputs are computed in, result dtype), by promotion kind
    (torch/_prims_common ELEMENTWISE_TYPE_PROMOTION_KIND):
      'default'       result_type of the inputs (add, mul, ...)
      'int_to_float'  bool/int inputs give the default float dtype (exp, sigmoid, div)
      'always_bool'   computed in the common dtype, result bool (comparisons, isnan)
    """
    common = dtypes.result_type(*inputs)
    if promotion == "int_to_float" and common.kind != "float":
        return common, dtypes.get_default_dtype()
    if promotion == "always_bool":
        return common, dtypes.bool_
    return common, common


# --- memory overlap (aten/src/ATen/MemoryOverlap.cpp) ----------------------------------
def has_internal_overlap(t: Tensor) -> bool:
    """True only when overlap is certain: a dim of size > 1 with stride 0."""
    if layout.is_non_overlapping_and_dense(t._sizes, t._strides):
        return False
    return any(st == 0 and s > 1 for s, st in zip(t._sizes, t._strides))


def overlap_status(a: Tensor, b: Tensor) -> str:
    """'full', 'partial', 'no' or 'too_hard' (get_overlap_status)."""
    if a is b:
        return "full"
    if a.numel() == 0 or b.numel() == 0:
        return "no"
    if not (layout.is_non_overlapping_and_dense(a._sizes, a._strides)
            and layout.is_non_overlapping_and_dense(b._sizes, b._strides)):
        return "too_hard"
    if a._storage is b._storage:
        a_begin, a_end = a._offset, a._offset + a.numel()
        b_begin, b_end = b._offset, b._offset + b.numel()
        if a_begin == b_begin and a_end == b_end:
            return "full" if a._strides == b._strides else "partial"
        if a_begin < b_end and b_begin < a_end:
            return "partial"
    return "no"


def check_writable(out: Tensor, inputs):
    """TensorIterator's compute_mem_overlaps: no internal overlap in the output, no
    partial overlap between the output and any input."""
    if has_internal_overlap(out):
        raise RuntimeError(INTERNAL_OVERLAP)
    for x in inputs:
        if isinstance(x, Tensor) and overlap_status(out, x) == "partial":
            raise RuntimeError(PARTIAL_OVERLAP)


# --- the shared algorithm ----------------------------------------------------------------
def _as_opmath(x, common, compute):
    """Input values (tensor or Python scalar) converted to the common dtype, then to
    the compute type; scalars are rounded to the common dtype like tensors are."""
    if isinstance(x, Tensor):
        values = to_dtype_array(x._values(), common)
    elif common.kind == "int":
        values = to_dtype_array(np.array(int(x)), common)
    else:
        values = to_dtype_array(np.array(x), common)
    with np.errstate(all="ignore"):
        return values.astype(compute)


def reads_what_it_writes(out, inputs):
    """An in-place op whose input overlaps the output without being the output itself
    (overlap too hard to check, so not refused): its result depends on the order the
    kernel visits elements in, which PyTorch leaves unspecified."""
    for x in inputs:
        if not isinstance(x, Tensor) or x._storage is not out._storage or x.numel() == 0:
            continue
        same_layout = (x._offset == out._offset and x._sizes == out._sizes
                       and x._strides == out._strides)
        if not same_layout and np.intersect1d(x._index_array(), out._index_array()).size:
            return True
    return False


def _self_overlapping(out):
    """Elements of an output that share memory with another of its elements (an
    as_strided view, overlap too hard to refuse): each is written more than once, in
    an order PyTorch leaves unspecified. None if there are none."""
    if out.numel() < 2 or layout.is_non_overlapping_and_dense(out._sizes, out._strides):
        return None
    idx = out._index_array()
    _, inverse, counts = np.unique(idx.ravel(), return_inverse=True, return_counts=True)
    shared = (counts[inverse] > 1).reshape(idx.shape)
    return shared if shared.any() else None


GRAIN_SIZE = 32768  # at::internal::GRAIN_SIZE: smaller loops run on one thread


def _serial_applies(fn, out, inputs):
    """A scalar-only kernel (cpu_kernel, `fn.serial`) writing into out, whose order of
    visits shows: it reads what it writes, or it fails part way (a zero divisor). Values
    are read as integers, so inputs marked unspecified keep the array path."""
    if getattr(fn, "serial", None) is None or out.numel() >= GRAIN_SIZE or out.numel() == 0:
        return False
    tensors = [x for x in inputs if isinstance(x, Tensor)]
    if any(x.dtype.kind not in ("int", "bool") or x._undefined_mask() is not None
           for x in tensors + [out]):
        return False
    divisor = inputs[-1]
    zero = (divisor._values() == 0).any() if isinstance(divisor, Tensor) else divisor == 0
    return bool(zero) or reads_what_it_writes(out, inputs)


def _run_serially(element, out, inputs, shape, common):
    """cpu_kernel on one thread (aten/src/ATen/native/cpu/Loops.h): element by element in
    TensorIterator's order (reorder_dimensions: out's dims from the largest stride to the
    smallest), each input read from memory as the earlier writes left it. An error stops
    it there, with the elements before written. An operand of another dtype than the
    common one is a cast copy: an input read from its copy (taken first), an out written
    from its temporary only once the kernel has finished."""
    import itertools
    ndim = len(shape)
    order = sorted(range(ndim), key=lambda d: -out._strides[d])

    def address(t, idx):
        lead = ndim - t.dim()
        return t._offset + sum(idx[lead + d] * st for d, (size, st)
                               in enumerate(zip(t._sizes, t._strides)) if size != 1)
    memory = {id(x): x._storage.data if x.dtype is common else x._storage.data.copy()
              for x in inputs if isinstance(x, Tensor)}
    target = out._storage
    direct = out.dtype is common
    pending = []
    for pos in itertools.product(*(range(shape[d]) for d in order)):
        idx = [0] * ndim
        for d, i in zip(order, pos):
            idx[d] = i
        values = [int(memory[id(x)][address(x, idx)]) if isinstance(x, Tensor) else int(x)
                  for x in inputs]
        value = to_dtype_array(np.array(element(*values), dtype=np.int64), common)
        if direct:
            _store(target, address(out, idx), value)
        else:
            pending.append((address(out, idx), value))
    for where, value in pending:
        _store(target, where, to_dtype_array(value, out.dtype))


def _store(storage, where, value):
    storage.data[where] = value
    if storage.undefined is not None:
        storage.undefined[where] = False


def _numel(x):
    return x.numel() if isinstance(x, Tensor) else 1


def elementwise(fn, inputs, promotion="default", out: Tensor | None = None, check=None,
                precheck=None, scalar_other_in_opmath=False, out_dtype="cast"):
    """Apply fn elementwise to tensors and Python scalars.

    out=None allocates the result with TensorIterator's strides. Given `out` (an in-place
    op's self, or torch.f(..., out=t)) the result is written into it, as TensorIterator
    does (aten/src/ATen/TensorIterator.cpp build: compute_mem_overlaps, compute_shape,
    mark_resize_outputs, compute_types): no overlap with an input; an out of another shape
    is resized (to the strides a new result would get) unless it is also an input, which
    is an error; its dtype must be one the common dtype casts to (out_dtype="cast", the
    binary_op config), equal to it ("same": check_all_same_dtype, the unary_op config), or
    anything ("any": comparisons and logical ops). Its version is bumped once.
    precheck(inputs) runs before TensorIterator is built (an op's own argument checks);
    check(common_dtype, result_dtype) runs after it (e.g. alpha rules).
    scalar_other_in_opmath: for float16/bfloat16, a one-element second input is read in
    float32 from its original value instead of being rounded to the common dtype
    (mul_kernel's reduced-float scalar path, aten/src/ATen/native/cpu/BinaryOpsKernel.cpp).
    """
    if precheck is not None:
        precheck(inputs)
    if out is not None:
        check_writable(out, inputs)
    shape = layout.broadcast_all([x._sizes if isinstance(x, Tensor) else () for x in inputs])
    common, result = result_dtype(inputs, promotion)
    resize = False
    if out is not None:
        if shape != out._sizes:
            if any(x is out for x in inputs):  # is_read_write: an in-place op's self
                raise RuntimeError(
                    f"output with shape [{', '.join(map(str, out._sizes))}] doesn't match the "
                    f"broadcast shape [{', '.join(map(str, shape))}]")
            resize = True
        _check_out_dtype(out, common, result, out_dtype)
    if resize:  # allocate_or_resize_outputs, before the op's own checks and its kernel run
        from .bindings import resize_to
        operands = [_operand_layout(x, common) for x in inputs]
        resize_to(out, shape, layout.elementwise_output_strides(shape, operands))
    if check is not None:
        check(common, result)
    if promotion == "int_to_float":
        common = result  # integer inputs are promoted to the float result dtype first
    if out is not None and _serial_applies(fn, out, inputs):
        _run_serially(fn.serial, out, inputs, shape, common)
        out._bump_version()
        return out
    compute = _opmath(common)
    args = [_as_opmath(x, common, compute) for x in inputs]
    if scalar_other_in_opmath and common in _OPMATH and len(inputs) == 2 and _numel(inputs[1]) == 1:
        other = inputs[1]
        original = other._values() if isinstance(other, Tensor) else np.array(other)
        args[1] = original.astype(np.float64).astype(compute)
    with np.errstate(all="ignore"):
        values = fn(*args, dtype=result) if getattr(fn, "wants_dtype", False) else fn(*args)
    undefined = merge_unspecified(*(x._undefined_mask() for x in inputs if isinstance(x, Tensor)))
    if isinstance(values, tuple):  # (values, positions the op itself leaves unspecified)
        values, unspecified = values
        undefined = merge_unspecified(undefined, unspecified)
    values = np.broadcast_to(np.asarray(values), shape)
    if out is not None:
        if out.dtype is not result:  # computed in the result dtype, then cast into out
            values = to_dtype_array(values, result)
        if reads_what_it_writes(out, inputs):
            undefined = np.ones(shape, dtype=bool)
        undefined = merge_unspecified(undefined, _self_overlapping(out))
        out._write(values, undefined)
        out._bump_version()
        return out
    operands = [_operand_layout(x, common) for x in inputs]
    strides = layout.elementwise_output_strides(shape, operands)
    return Tensor._from_array(values, result, strides, undefined)


def _check_out_dtype(out, common, result, rule):
    """TensorIteratorBase::compute_types for an output that is given."""
    if rule == "same" and out.dtype is not common:
        raise RuntimeError(f"Found dtype {out.dtype.legacy_name} but expected {common.legacy_name}")
    if rule in ("cast", "same") and not dtypes.can_cast(result, out.dtype):
        raise RuntimeError(f"result type {result.legacy_name} can't be cast to the "
                           f"desired output type {out.dtype.legacy_name}")


def _operand_layout(x, common):
    """(sizes, strides, itemsize) TensorIterator sees for an input. On CPU an input whose
    dtype differs from the common dtype is first converted with .to(common), which lays
    it out with preserve_format strides (TensorIteratorBase::compute_types)."""
    if not isinstance(x, Tensor):
        return ((), (), 8)  # a wrapped Python scalar: a 0-dim tensor
    if x.dtype is common:
        return (x._sizes, x._strides, x.dtype.itemsize)
    return (x._sizes, layout.preserve_format_strides(x._sizes, x._strides), common.itemsize)


# --- the ops -------------------------------------------------------------------------------
def _alpha_check(alpha, passed=None):
    """alpha_check (aten/src/ATen/native/BinaryOps.h), then the checked conversion to the
    common dtype of the alpha the kernel is passed (sub passes -alpha), which it reads as
    that type."""
    passed = alpha if passed is None else passed

    def check(common, result):
        if isinstance(alpha, bool) and result is not dtypes.bool_:
            raise RuntimeError("Boolean alpha only supported for Boolean results.")
        if result.kind != "float" and isinstance(alpha, float):
            raise RuntimeError(
                "For integral input tensors, argument alpha must not be a floating point number.")
        checked_scalar(passed, common)
    return check


def _add_fn(alpha):
    """a + alpha * b, with alpha converted to the type the values are computed in.

    For floats PyTorch does not specify whether this is fused: CPU kernels compute
    fma(alpha, b, a) in vectorized loops and round alpha * b to the dtype first in
    their scalar tails (aten/src/ATen/native/cpu/BinaryOpsKernel.cpp add_kernel). The
    fused value is the oracle's; where the two differ the result is unspecified.
    """
    if alpha == 1 and not isinstance(alpha, bool):
        return np.add

    def add_scaled(a, b, dtype):
        scale = np.asarray(alpha).astype(b.dtype)
        if dtype in (dtypes.float16, dtypes.bfloat16):
            # the kernel takes alpha as the tensors' own type (alpha.to<scalar_t>()) before
            # computing in float
            scale = to_dtype_array(np.asarray(alpha, dtype=np.float64), dtype).astype(b.dtype)
        if dtype.kind != "float":
            return a + scale * b
        # the fused value needs more range than double holds for double operands
        # (x - 2 * x is -x fused, though 2 * x overflows): long double, rounded once
        wide = np.longdouble if dtype is dtypes.float64 else np.float64
        with np.errstate(all="ignore"):
            fused = (a.astype(wide) + scale.astype(wide) * b.astype(wide)).astype(np.float64)
        product = to_dtype_array(scale * b, dtype).astype(a.dtype)
        unfused = to_dtype_array(a + product, dtype).astype(np.float64)
        fused_rounded = to_dtype_array(fused, dtype).astype(np.float64)
        differs = ~((fused_rounded == unfused) | (np.isnan(fused_rounded) & np.isnan(unfused)))
        # the sign of a zero result too: a fused tiny negative sum rounds to -0.0
        differs |= ((fused_rounded == 0) & (unfused == 0)
                    & (np.signbit(fused_rounded) != np.signbit(unfused)))
        return fused, (differs if differs.any() else None)
    add_scaled.wants_dtype = True
    return add_scaled


def zero_tensor_kernel(result, inputs, rule):
    """What the ZeroTensor kernels give (BinaryOps.cpp add_zerotensor, mul_zerotensor,
    div_zerotensor) for a result computed as usual: a new ZeroTensor of its shape and
    dtype for a "product" with a ZeroTensor, a "quotient" of one, or a "sum" of only
    ZeroTensors; otherwise the result (a ZeroTensor operand reads as zeros)."""
    tensors = [x for x in inputs if isinstance(x, Tensor)]
    zero = [x._is_zerotensor() for x in tensors]
    if rule == "product":
        hit = builtins.any(zero)
    elif rule == "quotient":
        hit = isinstance(inputs[0], Tensor) and inputs[0]._is_zerotensor()
    else:
        hit = len(tensors) == len(inputs) and builtins.all(zero)
    return Tensor._efficient_zeros(result._sizes, result.dtype) if hit else result


@declare("add(Tensor input, Tensor other, *, Scalar alpha=1, Tensor out=None)",
         "add(Tensor input, Scalar alpha, Tensor other, *, Tensor out=None)|deprecated",
         operator="+", inplace=True, schema="aten::add.Tensor")
def add(input, other, *, alpha=1, out=None):
    result = elementwise(_add_fn(alpha), [input, other], out=out, check=_alpha_check(alpha))
    return result if out is not None else zero_tensor_kernel(result, [input, other], "sum")


@declare("mul(Tensor input, Tensor other, *, Tensor out=None)",
         operator="*", inplace=True, schema="aten::mul.Tensor")
def mul(input, other, *, out=None):
    result = elementwise(np.multiply, [input, other], out=out, scalar_other_in_opmath=True)
    return result if out is not None else zero_tensor_kernel(result, [input, other], "product")


def _neg_check(inputs):
    if inputs[0].dtype is dtypes.bool_:
        raise RuntimeError(
            "Negation, the `-` operator, on a bool tensor is not supported. If you are trying "
            "to invert a mask, use the `~` or `logical_not()` operator instead.")


@declare("neg(Tensor input, *, Tensor out=None)", operator="neg", inplace=True,
         inplace_function=True, schema="aten::neg")
def neg(input, *, out=None):
    return elementwise(np.negative, [input], out=out, precheck=_neg_check, out_dtype="same")


@declare("exp(Tensor input, *, Tensor out=None)", inplace=True, inplace_function=True,
         schema="aten::exp")
def exp(input, *, out=None):
    return elementwise(np.exp, [input], promotion="int_to_float", out=out)


def _sigmoid(x):
    # 1 / (1 + e^-x), computed in double so the single rounding to the result dtype decides
    return (1.0 / (1.0 + np.exp(-x.astype(np.float64)))).astype(x.dtype)


@declare("sigmoid(Tensor input, *, Tensor out=None)", inplace=True, inplace_function=True,
         schema="aten::sigmoid")
def sigmoid(input, *, out=None):
    return elementwise(_sigmoid, [input], promotion="int_to_float", out=out)


# --- backward rules (tools/autograd/derivatives.yaml) ------------------------------------------
from .autograd.formulas import maybe_multiply  # noqa: E402
from .autograd.derivatives import derivative  # noqa: E402


def scalar_overload(overload, name, value):
    """Whether a call matched the overload whose parameter `name` is a Scalar (the aten
    `.Scalar` overload, whose node is another class: AddBackward1, DivBackward1, ...): the
    Python parser's choice where it matched one, else (an internal call) what C++ overload
    resolution picks, the Scalar overload for a Python number."""
    if overload is not None:
        return any(p.name == name and p.type == "Scalar" for p in overload.params)
    return value is not None and not isinstance(value, Tensor)


def by_overload(tensor_name, scalar_name, param="other"):
    """A node name function: tensor_name, or scalar_name where `param` is a Scalar."""
    def name(overload, **args):
        return scalar_name if scalar_overload(overload, param, args[param]) else tensor_name
    # Derivative.node_name passes the arguments the function's signature names
    name.__signature__ = inspect.Signature(
        [inspect.Parameter(n, inspect.Parameter.POSITIONAL_OR_KEYWORD)
         for n in ("overload", param)])
    return name


def _alpha(alpha):
    """alpha as the formula reads it: an argument left at its default reaches a formula as
    None (the recording layer saves only the arguments given), and alpha's default is 1."""
    return 1 if alpha is None else alpha


# sigmoid_backward(grad, result): grad * (1 - result) * result, in its kernel's order


@declare("sigmoid_backward(Tensor grad_output, Tensor output)", forms=(), parsed=False,
         schema="aten::sigmoid_backward")
def sigmoid_backward(grad_output, output):
    """a * (1 - b) * b (BinaryOpsKernel.cpp sigmoid_backward_kernel): in float for
    bfloat16, but in Half itself for float16, each step rounded."""
    return elementwise(_sigmoid_backward_values, [grad_output, output])


def _sigmoid_backward_values(a, b, dtype):
    if dtype is dtypes.float16:
        def half(x):
            return to_dtype_array(x, dtype).astype(a.dtype)
        return half(half(a * half(1 - b)) * b)
    return a * (1 - b) * b


_sigmoid_backward_values.wants_dtype = True


# sigmoid: sigmoid_backward(grad, result); sigmoid_backward itself (double backward):
# grad_output: sigmoid_backward(grad, output); output: grad * grad_output * (-2 * output + 1)
derivative(sigmoid, "SigmoidBackward0", input=lambda grad, result: sigmoid_backward(grad, result))
derivative(sigmoid_backward, "SigmoidBackwardBackward0",
           grad_output=lambda grad, output: sigmoid_backward(grad, output),
           output=lambda grad, output, grad_output: grad * grad_output * (-2 * output + 1))
# mul.Tensor: mul_tensor_backward(grad, other, self.scalar_type()) = grad * other
derivative(mul, by_overload("MulBackward0", "MulBackward1"),
           input=lambda grad, other: grad * other,
           other=lambda grad, input: grad * input)
# add.Tensor: self: grad; other: maybe_multiply(grad, alpha); add.Scalar: self only
derivative(add, by_overload("AddBackward0", "AddBackward1"), input=lambda grad: grad,
           other=lambda grad, alpha: maybe_multiply(grad, _alpha(alpha)))
derivative(neg, "NegBackward0", input=lambda grad: -grad)
derivative(exp, "ExpBackward0", input=lambda grad, result: grad * result)
