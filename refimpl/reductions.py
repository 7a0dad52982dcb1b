"""Reductions: sum, mean, prod, max/min, amax/amin, argmax/argmin, all/any, norm, cumsum.

Output shape and dtype rules from aten/src/ATen/native/ReduceOps.cpp (sum, mean, prod,
amax, argmax, all/any, cumsum, get_result_or_self_value_dtype, make_reduction),
aten/src/ATen/native/TensorCompare.cpp (max.dim / min.dim),
aten/src/ATen/native/LinearAlgebra.cpp (linalg_vector_norm) and torch/functional.py
(norm); every output is allocated contiguous.
"""
from __future__ import annotations

import builtins
import fractions
import math

import numpy as np

from . import dtypes, layout
from .bindings import out_like_input
from .device_dependence import dtype_not_implemented
from .storage import merge_unspecified, to_dtype_array
from .printing import return_type
from .registry import declare
from .tensor import Tensor


def reduction_dims(dim, ndim):
    """dim=None or [] reduces everything; ints wrap; duplicates are an error.
    A 0-dim tensor accepts dim 0 / -1 and has nothing to reduce."""
    if dim is None:
        return tuple(range(ndim))
    dims = (dim,) if isinstance(dim, int) else tuple(dim)
    if not dims:
        return tuple(range(ndim))
    wrapped = layout.dim_list_to_bitset(dims, ndim)
    return tuple(sorted(wrapped)) if ndim else ()


def _sum_dtype(input, dtype):
    if dtype is not None:
        return dtype
    return dtypes.int64 if input.dtype.kind in ("bool", "int") else input.dtype


def _order_sensitive(values64, exact, axes, dtype, finish=None):
    """Float sums whose rounded result depends on the order of accumulation. PyTorch
    does not specify that order (its CPU kernels use several vectorized partial sums),
    so where accumulating forward or backward in the accumulation type gives a result
    that is not close to the exact sum, the value is marked unspecified. `finish` maps a
    sum to the op's result (a norm's root), which is what is compared."""
    if dtype.kind != "float" or not axes or values64.size == 0:
        return None
    acc = np.float64 if dtype is dtypes.float64 else np.float32
    moved = np.moveaxis(values64.astype(acc), axes, tuple(range(len(axes))))
    flat = moved.reshape((-1,) + moved.shape[len(axes):])
    rtol, atol = dtypes.TOLERANCE[dtype.name]
    with np.errstate(all="ignore"):
        exact = (finish(exact.astype(acc)) if finish else exact).astype(np.float64)
    differs = np.zeros(exact.shape, dtype=bool)
    for total in _orders(flat, acc):
        with np.errstate(all="ignore"):
            total = (finish(total) if finish else total).astype(np.float64)
        same = (np.isnan(total) & np.isnan(exact)) | (total == exact) | (
            np.abs(total - exact) <= atol + rtol * np.abs(exact))
        # a sum that cancels exactly, which an order leaves as a tiny residue: its sign,
        # and whether it is zero, show once it is cast to a narrower dtype (mean(dtype=))
        differs |= ~same | ((exact == 0) & (total != 0))
    return differs if differs.any() else None


def _orders(flat, acc):
    """Sums of the rows of `flat` in the orders a CPU kernel may take: forward, backward,
    and in 8 or 16 interleaved partial sums (a vectorized loop's lanes with AVX2 or
    AVX512) added up at the end."""
    def sequential(rows):
        total = np.zeros(flat.shape[1:], dtype=acc)
        for row in rows:
            total = total + row
        return total
    yield sequential(flat)
    yield sequential(flat[::-1])
    for lanes in (8, 16):
        if len(flat) > lanes:
            yield sequential([sequential(flat[k::lanes]) for k in range(lanes)])


def _exact_sum(values64, axes):
    """Correctly rounded float64 sums over axes, one per output element."""
    moved = np.moveaxis(values64, axes, tuple(range(len(axes))))
    columns = moved.reshape(math.prod(moved.shape[:len(axes)]), -1)
    out = np.array([_exact_column_sum(columns[:, j]) for j in range(columns.shape[1])],
                   dtype=np.float64)
    return out.reshape(moved.shape[len(axes):])


def _exact_column_sum(col):
    """The exact sum of float64 values, rounded once (IEEE rules for NaN and infinities;
    exact even where float64 partial sums would overflow)."""
    if np.isnan(col).any() or (np.isposinf(col).any() and np.isneginf(col).any()):
        return math.nan
    if np.isinf(col).any():
        return math.inf if np.isposinf(col).any() else -math.inf
    try:
        return math.fsum(col)
    except OverflowError:  # an intermediate overflow: sum the exact rationals instead
        total = builtins.sum(fractions.Fraction(float(v)) for v in col)
        try:
            return float(total)
        except OverflowError:
            return math.inf if total > 0 else -math.inf


def _unstable_sum(values64, exact, axes, dtype):
    """Float sums that the kernel's order of accumulation can move outside the tolerance.

    PyTorch's CPU sum (cpu/SumKernel.cpp cascade_sum) adds chunks of 16 elements in
    several vector lanes and four interleaved partial sums, an order that depends on the
    vector width (AVX2, AVX512) and on TensorIterator's layout, so refimpl does not model
    it. It marks unspecified the sums where some order overflows the accumulation type
    (float, or double for double) although the exact sum does not, or overflows to the
    other infinity (inf - inf is NaN), and the sums whose large terms cancel: where one
    rounding at the scale of the largest term exceeds the tolerance, adding the small
    terms before or after the large ones cancel changes the result -- unless every
    partial sum is exact in the accumulation type whatever the order (see
    _exactly_summable)."""
    if dtype.kind != "float" or not axes or values64.size == 0:
        return None
    acc = np.float64 if dtype is dtypes.float64 else np.float32
    info = np.finfo(acc)
    moved = np.moveaxis(values64, axes, tuple(range(len(axes))))
    flat = moved.reshape((-1,) + moved.shape[len(axes):])
    wide = flat.astype(np.longdouble)
    finite = np.isfinite(wide)
    positive = np.where(finite & (wide > 0), wide, 0).sum(axis=0)
    negative = np.where(finite & (wide < 0), wide, 0).sum(axis=0)
    exact = np.asarray(exact, dtype=np.float64)
    with np.errstate(all="ignore"):
        ends = exact.astype(acc)  # where every order ends: the exact sum, rounded
        largest = np.longdouble(info.max)
        overflow = (((positive > largest) & ~np.isposinf(ends))
                    | ((-negative > largest) & ~np.isneginf(ends)))
        rtol, atol = dtypes.TOLERANCE[dtype.name]
        largest_term = np.where(finite, np.abs(wide), 0).max(axis=0)
        one_rounding = np.longdouble(info.eps / 2) * largest_term
        cancelling = (np.isfinite(exact) & (one_rounding > atol + rtol * np.abs(exact))
                      & ~_exactly_summable(flat, positive - negative, info.nmant + 1))
    unstable = ~np.isnan(exact) & (overflow | cancelling)
    return unstable if unstable.any() else None


def _exactly_summable(flat, magnitude, digits):
    """Per column of flat (terms along axis 0): whether every partial sum, in any order,
    is exact with `digits` significant bits -- the terms are multiples of their
    smallest lowest set bit q, and sum |x| (magnitude) stays below q * 2**digits."""
    with np.errstate(all="ignore"):
        usable = np.isfinite(flat) & (flat != 0)
        mantissa, exponent = np.frexp(np.where(usable, flat, 1.0))
        integer = np.abs(mantissa * 2.0 ** 53).astype(np.int64)
        lowest = np.ldexp((integer & -integer).astype(np.float64), exponent - 53)
        quantum = np.where(usable, lowest, np.inf).min(axis=0)
        return np.isfinite(flat).all(axis=0) & (magnitude <= np.ldexp(quantum, digits))


def _cast_late(raw, exact, axes, in_dtype, out_dtype):
    """sum(dtype=) converts the input to dtype before reducing on the paths we have seen
    (make_reduction_from_out_ty), but some CPU reduction layouts were observed reading
    the input in its own type and converting only the accumulated result (so 7e4 + 7e4
    - 7e4 summed into float16 is inf instead of nan). Where the two differ, the value is
    unspecified."""
    if in_dtype is out_dtype or in_dtype is dtypes.bool_:
        return None
    with np.errstate(all="ignore"):
        late = _exact_sum(np.asarray(raw).astype(np.float64), axes)
        late = to_dtype_array(late, out_dtype).astype(np.float64)
        early = to_dtype_array(exact, out_dtype).astype(np.float64)
    return _differs([late], early, out_dtype)


# --- out= checks (the reductions' meta functions, aten/src/ATen/native/ReduceOps.cpp) -------------
def _out_sets_dtype(out, args):
    """sum / prod / cumsum: without dtype=, the result is computed in out's dtype
    (infer_dtype_from_optional(self, dtype, out)); with it, out must have that dtype."""
    from .bindings import expect_dtype
    if args.get("dtype") is None:
        return {"dtype": out.dtype}
    expect_dtype(out, args["dtype"])
    return None


def _out_of_mean(out, args):
    """mean.out: the input's dtype (or dtype=) must cast to out's; it is computed in out's."""
    from .bindings import expect_dtype
    if args.get("dtype") is not None:
        expect_dtype(out, args["dtype"])
        return None
    if not args["input"].dtype.is_floating_point:
        return None  # mean refuses the input's dtype itself
    if not dtypes.can_cast(args["input"].dtype, out.dtype):
        raise RuntimeError(f"result type {args['input'].dtype.legacy_name} can't be cast to the "
                           f"desired output type {out.dtype.legacy_name}")
    return {"dtype": out.dtype}


# amax / amin: out's dtype is the input's (check_reduction_out_dtype in meta)
_AMAX_OUT = ("Expected the dtype for input and out to match, but got {input} for input's dtype "
             "and {out} for out's dtype.")


def _out_long(out, args):
    from .bindings import expect_dtype
    expect_dtype(out, dtypes.int64)


def _out_bool(name):
    def check(out, args):
        """all / any: a bool result, or uint8 (allany_meta)."""
        if out.dtype not in (dtypes.bool_, dtypes.uint8):
            raise RuntimeError(f"{name} only supports bool tensor for result, got: "
                               f"{out.dtype.legacy_name}")
    return check


def _out_extreme(out, args):
    """max / min: out= of max(input) has the input's dtype; of max(input, dim) the values'
    does and the indices' is long; max(input, other) is a binary op (castable)."""
    from .bindings import expect_dtype
    if "other" in args:
        return
    if isinstance(out, (tuple, list)):
        expect_dtype(out[0], args["input"].dtype)
        expect_dtype(out[1], dtypes.int64)
    elif not dtypes.can_cast(args["input"].dtype, out.dtype):  # max.unary_out, ReduceAllOps.cpp
        raise RuntimeError("Expected canCast( typeMetaToScalarType(self.dtype()), "
                           "typeMetaToScalarType(out.dtype())) to be true, but got false.  (Could "
                           "this error message be improved?  If so, please report an enhancement "
                           "request to PyTorch.)")

@declare("sum(Tensor input, *, ScalarType? dtype=None)",
         "sum(Tensor input, int[1]? dim, bool keepdim=False, *, ScalarType? dtype=None, "
         "Tensor out=None)", schema="aten::sum.dim_IntList",
         out_check=_out_sets_dtype)
def sum(input: Tensor, dim=None, keepdim=False, *, dtype=None):
    axes = reduction_dims(dim, input.dim())
    out_dtype = _sum_dtype(input, dtype)
    if out_dtype.kind == "float":
        compute = np.float64
    elif out_dtype is dtypes.bool_:
        compute = np.int64
    else:
        compute = np.int64
    raw = input._values()
    values = to_dtype_array(raw, out_dtype).astype(compute)
    with np.errstate(all="ignore"):
        if not axes:
            reduced, undefined = values.copy(), None
        elif compute is np.float64 and values.size:
            exact = _exact_sum(values, axes)
            undefined = merge_unspecified(
                _order_sensitive(values, exact, axes, out_dtype),
                _unstable_sum(values, exact, axes, out_dtype),
                _cast_late(raw, exact, axes, input.dtype, out_dtype))
            reduced = np.expand_dims(exact, axes) if keepdim else exact
        else:
            reduced = values.sum(axis=axes, keepdims=keepdim)
            undefined = None
    mask = input._undefined_mask()
    if mask is not None:
        undefined = merge_unspecified(undefined, mask.any(axis=axes) if axes else mask)
    if keepdim and undefined is not None:
        undefined = np.expand_dims(undefined, axes)
    if compute is np.float64:
        # the kernel accumulates from +0.0, so a sum of -0.0s is +0.0
        reduced = np.asarray(reduced) + 0.0
    return Tensor._from_array(np.asarray(reduced), out_dtype, None, undefined)




# --- shared helpers ------------------------------------------------------------------------
def _reduced_shape(sizes, axes, keepdim):
    if keepdim:
        return tuple(1 if d in axes else s for d, s in enumerate(sizes))
    return tuple(s for d, s in enumerate(sizes) if d not in axes)


def _input_mask(input, axes, keepdim):
    """Unspecified input elements make every output they reduce into unspecified."""
    mask = input._undefined_mask()
    if mask is None:
        return None
    m = mask.any(axis=axes) if axes else mask
    return np.expand_dims(m, axes) if keepdim and axes else m


def _fold(values64, axes, dtype, step, rounding):
    """Fold values over axes forward and backward with `step`, rounding each partial
    result to `rounding` (a dtype): two of the many orders a kernel may use."""
    moved = np.moveaxis(values64, axes, tuple(range(len(axes))))
    flat = moved.reshape((-1,) + moved.shape[len(axes):])
    results = []
    for rows in (flat, flat[::-1]):
        total = None
        for row in rows:
            total = row if total is None else step(total, row)
            total = to_dtype_array(total, rounding).astype(np.float64)
        results.append(total)
    return results


def _differs(candidates, exact, dtype):
    """Where a candidate result is not close to exact (a zero of the other sign is not)."""
    rtol, atol = dtypes.TOLERANCE[dtype.name]
    differs = np.zeros(np.shape(exact), dtype=bool)
    for total in candidates:
        with np.errstate(all="ignore"):
            same = (np.isnan(total) & np.isnan(exact)) | (total == exact) | (
                np.isfinite(total) & np.isfinite(exact)
                & (np.abs(total - exact) <= atol + rtol * np.abs(exact)))
            zeros_differ = (total == 0) & (exact == 0) & (np.signbit(total) != np.signbit(exact))
        differs |= ~same | zeros_differ
    return differs if differs.any() else None


def _dim_list(dim):
    if dim is None:
        return None
    return [dim] if isinstance(dim, int) else list(dim)


# --- mean ----------------------------------------------------------------------------------
@declare("mean(Tensor input, *, ScalarType? dtype=None, Tensor out=None)",
         "mean(Tensor input, int[1]? dim, bool keepdim=False, *, ScalarType? dtype=None, "
         "Tensor out=None)", schema="aten::mean.dim",
         out_check=_out_of_mean)
def mean(input: Tensor, dim=None, keepdim=False, *, dtype=None):
    """mean_meta / mean_out (ReduceOps.cpp): floating result only; CPU computes
    sum(dtype) / count, with float16/bfloat16 summed and divided in float32."""
    if dtype is None:
        if input.dtype.kind != "float":
            raise RuntimeError(
                "mean(): could not infer output dtype. Input dtype must be either a floating "
                f"point or complex dtype. Got: {input.dtype.legacy_name}")
        out_dtype = input.dtype
    else:
        if dtype.kind != "float":
            raise RuntimeError(
                "mean(): could not infer output dtype. Optional dtype must be either a "
                f"floating point or complex dtype. Got: {dtype.legacy_name}")
        out_dtype = dtype
    axes = reduction_dims(dim, input.dim())
    if input._is_inference and input.requires_grad:
        from .autograd.grad_mode import MODE
        from .autograd.recording import out_refused
        if MODE.grad_enabled and not MODE.inference:
            # an inference tensor that requires grad (x.data = one) skips mean's autograd
            # layer, but the CPU kernel writes with at::sum_out into a normal tensor, whose
            # autograd layer refuses it
            raise out_refused("sum")
    acc = dtypes.float32 if out_dtype in (dtypes.float16, dtypes.bfloat16) else out_dtype
    total = sum(input, dim if dim is not None else None, keepdim, dtype=acc)
    count = math.prod(input.shape[d] for d in axes) if axes else 1
    np_acc = np.float64 if acc is dtypes.float64 else np.float32
    with np.errstate(all="ignore"):
        sums = total._values().astype(np_acc)
        values = sums / np_acc(count)
    # a tiny sum that the division rounds to zero leaves the zero the sign of the kernel's
    # sum, which at that scale its order of accumulation decides (1 + -1e-45 - 1 is +0.0
    # in float, -1e-45 exactly): unspecified
    underflow = (to_dtype_array(values, out_dtype) == 0) & (sums != 0)
    undefined = merge_unspecified(total._undefined_mask(), underflow if underflow.any() else None)
    return Tensor._from_array(np.asarray(values), out_dtype, None, undefined)


# --- prod ----------------------------------------------------------------------------------
@declare("prod(Tensor input, *, ScalarType? dtype=None)",
         "prod(Tensor input, int dim, bool keepdim=False, *, ScalarType? dtype=None, "
         "Tensor out=None)", schema="aten::prod.dim_int",
         out_check=_out_sets_dtype)
def prod(input: Tensor, dim=None, keepdim=False, *, dtype=None):
    """prod / prod.dim_int: one dim at most; bool and integers give int64. The CPU kernel
    multiplies in the result dtype in an unspecified (vectorized) order."""
    if dim is not None and not isinstance(dim, int):
        raise TypeError("prod(): argument 'dim' must be int")
    axes = reduction_dims(dim, input.dim())
    out_dtype = _sum_dtype(input, dtype)
    raw = input._values()
    undefined = _input_mask(input, axes, keepdim)
    converted = to_dtype_array(raw, out_dtype)
    with np.errstate(all="ignore"):
        if out_dtype.kind == "float":
            values = converted.astype(np.float64)
            if not axes:
                reduced = values
            else:
                reference = np.prod(values.astype(np.longdouble), axis=axes)
                exact = to_dtype_array(reference.astype(np.float64), out_dtype).astype(np.float64)
                if values.size:
                    folds = _fold(values, axes, out_dtype, np.multiply, out_dtype)
                    unstable = merge_unspecified(_differs(folds, exact, out_dtype),
                                                 _unstable_product(values, exact, axes, out_dtype))
                    undefined = merge_unspecified(undefined, _keep(unstable, axes, keepdim))
                reduced = np.expand_dims(exact, axes) if keepdim else exact
        else:
            values = converted.astype(np.int64)
            reduced = values if not axes else np.prod(values, axis=axes, keepdims=keepdim)
    return Tensor._from_array(np.asarray(reduced), out_dtype, None, undefined)


def _unstable_product(values64, exact, axes, dtype):
    """Float products that the order of multiplication can change beyond the tolerance.

    The CPU kernel (prod_kernel_impl in cpu/ReduceOpsKernel.cpp, binary_kernel_reduce_vec)
    multiplies in the result dtype across vector lanes, an order not modelled here. Where
    multiplying the large factors (|x| > 1) first overflows the dtype, or the small ones
    first falls below its smallest normal (flushing to zero or losing precision), some
    order ends elsewhere than the exact product: unspecified, unless every order ends
    the same way (the exact product overflows too, or is zero, or is NaN: a NaN factor,
    or a zero and an infinity)."""
    moved = np.moveaxis(values64, axes, tuple(range(len(axes))))
    flat = moved.reshape((-1,) + moved.shape[len(axes):])
    info = np.finfo(np.float16 if dtype is dtypes.float16 else
                    np.float64 if dtype is dtypes.float64 else np.float32)
    largest = math.log2(dtype.max)
    with np.errstate(all="ignore"):
        logs = np.log2(np.abs(flat))
        usable = np.isfinite(logs)  # neither zero, nor infinite, nor NaN
        overflow = np.where(usable & (logs > 0), logs, 0).sum(axis=0) > largest
        underflow = np.where(usable & (logs < 0), logs, 0).sum(axis=0) < math.log2(info.tiny)
        can_be_inf = overflow | np.isinf(flat).any(axis=0)
        can_be_zero = underflow | (flat == 0).any(axis=0)
        unstable = np.where(can_be_inf & can_be_zero, True,
                            np.where(overflow, np.isfinite(exact),
                                     np.where(underflow, exact != 0, False)))
    unstable &= ~np.isnan(exact)
    return unstable if unstable.any() else None


def _keep(mask, axes, keepdim):
    if mask is None or not keepdim or not axes:
        return mask
    return np.expand_dims(mask, axes)


# --- max / min (whole tensor, along a dim, and elementwise) ------------------------------------
# torch.return_types.max / .min
MaxResult = return_type("max", ["values", "indices"])
MinResult = return_type("min", ["values", "indices"])


def _arg_extreme(values, axis, largest):
    """Index of the first maximum (minimum) along axis; a NaN wins, the first one."""
    if values.dtype == np.bool_:
        values = values.astype(np.int8)
    return np.argmax(values, axis=axis) if largest else np.argmin(values, axis=axis)


def _extreme_dim(name, input, dim, keepdim, largest):
    ndim = input.dim()
    d = layout.wrap_dim(dim, ndim)
    if ndim and input.shape[d] == 0:
        raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")
    raw = input._values()
    mask = input._undefined_mask()
    if ndim == 0:
        idx = np.zeros((), dtype=np.int64)
        vals = raw
        vmask = mask
    else:
        out_shape = _reduced_shape(input.shape, (d,), True)
        if raw.size:
            idx = np.expand_dims(_arg_extreme(raw, d, largest), d)
            vals = np.take_along_axis(raw, idx, d)
        else:
            idx = np.zeros(out_shape, dtype=np.int64)
            vals = np.zeros(out_shape, dtype=raw.dtype)
        vmask = None if mask is None else mask.any(axis=d, keepdims=True)
        if not keepdim:
            idx, vals = np.squeeze(idx, d), np.squeeze(vals, d)
            vmask = None if vmask is None else np.squeeze(vmask, d)
    values = Tensor._from_array(np.asarray(vals), input.dtype, None, vmask)
    indices = Tensor._from_array(np.asarray(idx, dtype=np.int64), dtypes.int64, None, vmask)
    return (MaxResult if largest else MinResult)(values, indices)


def _extreme_all(name, input, largest):
    if input.numel() == 0:
        raise RuntimeError(
            f"{name}(): Expected reduction dim to be specified for input.numel() == 0. "
            "Specify the reduction dim with the 'dim' argument.")
    raw = input._values().reshape(-1)
    value = raw[_arg_extreme(raw, 0, largest)]
    mask = input._undefined_mask()
    undefined = None if mask is None else np.asarray(mask.any())
    if input.dtype.kind == "float" and value == 0 and _both_signs(raw[raw == 0]):
        # max_all_kernel_impl (cpu/TensorCompareKernel.cpp) keeps the last tied element
        # in memory order for up to 3 elements, but its vectorized reduction beyond that
        # keeps another one (measured on torch 2.13): the sign is unspecified
        undefined = np.asarray(True)
    return Tensor._from_array(np.asarray(value), input.dtype, None, undefined)


def _both_signs(zeros):
    return bool(np.any(np.signbit(zeros)) and not np.all(np.signbit(zeros)))


def _binary_extreme(largest, input, other):
    """max.other / min.other are maximum / minimum (BinaryOps.cpp: max(self, other)
    returns at::maximum(self, other)): elementwise, promoting, NaN-propagating, with
    their rule for the sign of zeros of opposite sign (arithmetic._signed_zeros)."""
    from .arithmetic import maximum, minimum
    return (maximum if largest else minimum)(input, other)


def _extreme(name, largest):
    """max / min: the whole tensor, along a dim (values, indices), or against another tensor
    (elementwise maximum / minimum)."""
    def op(input: Tensor, dim=None, keepdim=False, *, other=None):
        if other is not None or isinstance(dim, Tensor):
            return _binary_extreme(largest, input, other if other is not None else dim)
        if dim is None:
            return _extreme_all(name, input, largest)
        return _extreme_dim(name, input, dim, keepdim, largest)
    op.__name__ = name
    return declare(f"{name}(Tensor input, *, Tensor out=None)",
                   f"{name}(Tensor input, Tensor other, *, Tensor out=None)",
                   f"{name}(Tensor input, int dim, bool keepdim=False, *, TensorList[2] out=None)",
                   schema=f"aten::{name}.dim", out_check=_out_extreme)(op)


max = _extreme("max", True)
min = _extreme("min", False)


# --- amax / amin ---------------------------------------------------------------------------
def _amax_amin(name, input, dim, keepdim, largest):
    """amax/amin (ReduceOps.cpp, check_for_empty via zero_numel_check_dims): dim=()
    reduces everything; an empty reduction has no identity."""
    dims = _dim_list(dim) or []
    if input.numel() == 0:
        # zero_numel_check_dims: each dim in the given order, before duplicates are refused
        if not dims:
            raise RuntimeError(
                f"{name}(): Expected reduction dim to be specified for input.numel() == 0. "
                "Specify the reduction dim with the 'dim' argument.")
        for d in dims:
            w = layout.wrap_dim(d, input.dim())
            if input.dim() and input.shape[w] == 0:
                raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")
    axes = reduction_dims(dims, input.dim())
    raw = input._values()
    out_shape = _reduced_shape(input.shape, axes, keepdim)
    undefined = _input_mask(input, axes, keepdim)
    if not axes:
        vals = raw
    elif raw.size:
        vals = (np.max if largest else np.min)(raw, axis=axes)
        if input.dtype.kind == "float":
            vals, ties = _tied_zeros(input, vals, axes)
            undefined = merge_unspecified(undefined, _keep(ties, axes, keepdim))
    else:
        vals = np.zeros(out_shape, dtype=raw.dtype)
    return Tensor._from_array(np.asarray(vals).reshape(out_shape), input.dtype, None, undefined)


# Below this many bytes of input, amax / amin reduce in their scalar loop (measured on
# torch 2.13 with the AVX512, AVX2 and DEFAULT kernels).
_SCALAR_REDUCE_BYTES = 128


def _tied_zeros(input, vals, axes):
    """amax / amin results that are zero while the reduced elements hold zeros of both
    signs: (values with the kernel's zero, mask of unspecified signs or None).

    The scalar loop of the reduction (max_values_kernel_impl, cpu/ReduceOpsKernel.cpp)
    keeps the first tied element in the order TensorIterator visits the input, which is
    memory order; the vectorized loop that larger inputs take keeps another one."""
    raw = np.moveaxis(input._values(), axes, tuple(range(-len(axes), 0)))
    places = np.moveaxis(input._index_array(), axes, tuple(range(-len(axes), 0)))
    raw = raw.reshape(raw.shape[:raw.ndim - len(axes)] + (-1,))
    places = places.reshape(raw.shape)
    zeros = raw == 0
    mixed = ((vals == 0) & (zeros & np.signbit(raw)).any(axis=-1)
             & (zeros & ~np.signbit(raw)).any(axis=-1))
    if not mixed.any():
        return vals, None
    if input.numel() * input.dtype.itemsize >= _SCALAR_REDUCE_BYTES:
        return vals, mixed
    order = np.argsort(places, axis=-1, kind="stable")
    in_memory_order = np.take_along_axis(raw, order, axis=-1)
    first = np.argmax(np.take_along_axis(zeros, order, axis=-1), axis=-1)[..., None]
    kept = np.take_along_axis(in_memory_order, first, axis=-1)[..., 0]
    return np.where(mixed, kept, vals), None


@declare("amax(Tensor input, int[1] dim=[], bool keepdim=False, *, Tensor out=None)",
         schema="aten::amax",
         out_check=out_like_input(_AMAX_OUT))
def amax(input: Tensor, dim=(), keepdim=False):
    return _amax_amin("amax", input, dim, keepdim, True)


@declare("amin(Tensor input, int[1] dim=[], bool keepdim=False, *, Tensor out=None)",
         schema="aten::amin",
         out_check=out_like_input(_AMAX_OUT))
def amin(input: Tensor, dim=(), keepdim=False):
    return _amax_amin("amin", input, dim, keepdim, False)


# --- argmax / argmin -----------------------------------------------------------------------
def _arg(name, input, dim, keepdim, largest):
    """argmax/argmin (TensorCompare.cpp argmax_out / ReduceOps.cpp check_argmax_argmin):
    dim=None flattens; keepdim then keeps every dim as size 1."""
    if input.dtype is dtypes.bool_:
        raise RuntimeError(f"{name}(): does not support bool input")
    ndim = input.dim()
    if dim is None:
        if input.numel() == 0:
            raise IndexError(f"{name}(): Expected reduction dim to be specified for "
                             "input.numel() == 0.")
        raw = input._values().reshape(-1)
        idx = np.asarray(_arg_extreme(raw, 0, largest), dtype=np.int64)
        if keepdim:
            idx = idx.reshape((1,) * ndim)
        mask = input._undefined_mask()
        return Tensor._from_array(idx, dtypes.int64, None,
                                  None if mask is None else np.broadcast_to(mask.any(), idx.shape))
    return _extreme_dim(name, input, dim, keepdim, largest)[1]


@declare("argmax(Tensor input, int? dim=None, bool keepdim=False, *, Tensor out=None)",
         schema="aten::argmax",
         out_check=_out_long)
def argmax(input: Tensor, dim=None, keepdim=False):
    return _arg("argmax", input, dim, keepdim, True)


@declare("argmin(Tensor input, int? dim=None, bool keepdim=False, *, Tensor out=None)",
         schema="aten::argmin",
         out_check=_out_long)
def argmin(input: Tensor, dim=None, keepdim=False):
    return _arg("argmin", input, dim, keepdim, False)


# --- all / any -----------------------------------------------------------------------------
def _all_any(input, dim, keepdim, is_all):
    """all/any (ReduceOps.cpp allany_meta): uint8 input gives uint8, every other dtype
    bool; dim=None reduces everything, dim=() reduces nothing."""
    if dim is None:
        axes = tuple(range(input.dim()))
    else:
        dims = _dim_list(dim)
        axes = reduction_dims(dims, input.dim()) if dims else ()
    out_dtype = dtypes.uint8 if input.dtype is dtypes.uint8 else dtypes.bool_
    nonzero = input._values() != 0
    if axes:
        reduced = (np.all if is_all else np.any)(nonzero, axis=axes, keepdims=keepdim)
    else:
        reduced = nonzero
    return Tensor._from_array(np.asarray(reduced), out_dtype, None,
                              _input_mask(input, axes, keepdim))


@declare("all(Tensor input, *, Tensor out=None)",
         "all(Tensor input, int[]? dim=None, bool keepdim=False, *, Tensor out=None)",
         "all(Tensor input, int dim, bool keepdim=False, *, Tensor out=None)", schema="aten::all.dim",
         out_check=_out_bool("all"))
def all(input: Tensor, dim=None, keepdim=False):
    return _all_any(input, dim, keepdim, True)


@declare("any(Tensor input, *, Tensor out=None)",
         "any(Tensor input, int[]? dim=None, bool keepdim=False, *, Tensor out=None)",
         "any(Tensor input, int dim, bool keepdim=False, *, Tensor out=None)", schema="aten::any.dim",
         out_check=_out_bool("any"))
def any(input: Tensor, dim=None, keepdim=False):
    return _all_any(input, dim, keepdim, False)


# --- norm ----------------------------------------------------------------------------------
def _format_ord(p):
    if math.isinf(p):
        return "inf" if p > 0 else "-inf"
    return str(int(p)) if float(p).is_integer() else repr(float(p))


@declare("linalg_vector_norm(Tensor input, Scalar ord=2, int[1]? dim=None, bool keepdim=False, "
         "*, ScalarType? dtype=None, Tensor out=None)", forms=(), parsed=False,
         schema="aten::linalg_vector_norm", name="linalg_vector_norm")
def vector_norm(input: Tensor, ord=2, dim=None, keepdim=False, *, dtype=None, out=None):
    """linalg_vector_norm (LinearAlgebra.cpp): floating input; dtype may only widen;
    inf/-inf/negative orders have no identity on empty reductions. Sums of |x|^p are
    order-sensitive like sum."""
    if out is not None:
        from .bindings import write_out
        return write_out(out, vector_norm(input, ord, dim, keepdim, dtype=dtype), [input])
    if input.dtype.kind != "float":
        raise RuntimeError("linalg.vector_norm: Expected a floating point or complex tensor "
                           f"as input. Got {input.dtype.legacy_name}")
    dims = _dim_list(dim) or []
    ord = float(ord)
    if input.numel() == 0 and (ord < 0 or ord == math.inf):
        if not dims:
            raise RuntimeError(
                f"linalg.vector_norm cannot compute the {_format_ord(ord)} norm on an empty "
                "tensor because the operation does not have an identity")
        for d in dims:
            w = layout.wrap_dim(d, input.dim())
            if input.dim() and input.shape[w] == 0:
                raise RuntimeError(
                    f"linalg.vector_norm cannot compute the {_format_ord(ord)} norm on the "
                    f"dimension {d}because this dimension is empty and the operation does "
                    "not have an identity")
    if dtype is not None:  # check_linalg_norm_dtype
        if dtype.kind != "float":
            raise RuntimeError("linalg.vector_norm: dtype should be floating point or complex, "
                               f"but got {dtype.legacy_name}")
        if dtypes.promote_types(input.dtype, dtype) is not dtype:
            raise RuntimeError(
                f"linalg.vector_norm: the dtype of the input ({input.dtype.legacy_name}) "
                "should be convertible without narrowing to the specified dtype "
                f"({dtype.legacy_name})")
    axes = reduction_dims(dims, input.dim())
    out_dtype = dtype if dtype is not None else input.dtype
    a = np.abs(to_dtype_array(input._values(), out_dtype).astype(np.float64))
    undefined = _input_mask(input, axes, keepdim)
    out_shape = _reduced_shape(input.shape, axes, keepdim)
    if ord in (math.inf, -math.inf, 0) or a.size == 0:
        with np.errstate(all="ignore"):
            if ord == 0:
                result = np.sum(a != 0, axis=axes, keepdims=keepdim).astype(np.float64)
            elif a.size == 0:
                result = np.zeros(out_shape)
            else:
                result = (np.max if ord > 0 else np.min)(a, axis=axes, keepdims=keepdim)
        return Tensor._from_array(np.asarray(result).reshape(out_shape), out_dtype, None, undefined)
    # is_reduce_over_1D_vector (LinearAlgebra.cpp linalg_vector_norm_out): when every
    # reduced dim has size 1 the result is abs(self), however large |x|^p would be
    if builtins.all(input.shape[d] == 1 for d in axes) and (input.dim() or not dims):
        return Tensor._from_array(a.reshape(out_shape), out_dtype, None, undefined)
    result, order = _power_norm(a, ord, axes, out_dtype)
    undefined = merge_unspecified(undefined, _keep(order, axes, keepdim))
    result = result.reshape(out_shape)
    if not input.dim():
        # a 0-dim input with dims named: that check reads size[0] of an empty sizes
        # array, so whether abs(self) or the kernel runs is unspecified (torch 2.13 runs
        # the kernel); where the two differ the value is unspecified
        undefined = merge_unspecified(undefined, _differs([a.reshape(out_shape)], result, out_dtype))
    return Tensor._from_array(result, out_dtype, None, undefined)


def _root(total, ord, acc):
    """The p-th root of a sum of |x|^p, in the accumulation type."""
    return np.sqrt(total) if ord == 2 else total ** acc(1.0 / ord)


def _power_norm(a, ord, axes, out_dtype):
    """(sum |x|^p) ^ (1/p) of the absolute values a (float64), as the CPU kernel computes
    it, and the mask of order-sensitive sums. norm_kernel_tensor_iterator_impl
    (cpu/ReduceOpsKernel.cpp) accumulates |x|^p in at::opmath_type: float for half,
    bfloat16 and float (so |x|^p overflows and underflows as in float), double for
    double; measured on torch 2.13 for every order, layout and reduced dim, through the
    vectorized 2-norm path and the generic one."""
    acc = np.float64 if out_dtype is dtypes.float64 else np.float32
    with np.errstate(all="ignore"):
        x = a.astype(acc)
        powered = (x if ord == 1 else (x * x if ord == 2 else x ** acc(ord))).astype(np.float64)
        exact = _exact_sum(powered, tuple(axes))
        order = _order_sensitive(powered, exact, tuple(axes), out_dtype,
                                 finish=None if ord == 1 else lambda total: _root(total, ord, acc))
        total = exact.astype(acc)
        root = total if ord == 1 else _root(total, ord, acc)
    return to_dtype_array(np.asarray(root), out_dtype).astype(np.float64), order


@declare("norm(input, p='fro', dim=None, keepdim=False, out=None, dtype=None)", parsed=False,
         schema="aten::norm.ScalarOpt_dim", composite=True, out_op="linalg_vector_norm")
def norm(input: Tensor, p="fro", dim=None, keepdim=False, out=None, dtype=None):
    """torch.norm (torch/functional.py, Python: what it calls records): 'fro' over at most
    two dims and numeric p are linalg_vector_norm (p=None is 2); other string orders go
    to linalg.matrix_norm, which here only raises its errors (before any autograd)."""
    if isinstance(p, str):
        dims = None if dim is None else _dim_list(dim)
        if p == "fro" and (dims is None or len(dims) <= 2):
            return vector_norm(input, 2, dims, keepdim, dtype=dtype, out=out)
        # linalg_matrix_norm: the order, then _linalg_matrix_norm_checks
        if p not in ("fro", "nuc"):
            raise RuntimeError(f"linalg.matrix_norm: Order {p} not supported.")
        if dims is None:
            dims = list(range(input.dim()))
        if input.dim() < 2:
            raise RuntimeError("linalg.matrix_norm: The input tensor A must have at least 2 "
                               "dimensions.")
        if input.dtype.kind != "float":
            raise RuntimeError("linalg.matrix_norm: Expected a floating point or complex tensor "
                               f"as input. Got {input.dtype.legacy_name}")
        if p == "nuc" and input.dtype in (dtypes.float16, dtypes.bfloat16):
            raise RuntimeError("linalg.matrix_norm: Low precision dtypes not supported. "
                               f"Got {input.dtype.legacy_name}")
        if len(dims) != 2:
            raise RuntimeError("linalg.matrix_norm: dim must be a 2-tuple. Got "
                               + " ".join(str(d) for d in dims))
        d0, d1 = (layout.wrap_dim(d, input.dim()) for d in dims)
        if d0 == d1:
            raise RuntimeError(f"linalg.matrix_norm: dims must be different. Got ({d0}, {d1})")
        raise NotImplementedError("refimpl does not model the nuclear norm")
    return vector_norm(input, 2.0 if p is None else p, _dim_list(dim), keepdim, dtype=dtype,
                       out=out)


# --- cumsum --------------------------------------------------------------------------------
_CUM_ACC = {"float16": np.float32, "bfloat16": np.float32, "float32": np.float64,
            "float64": np.float64}


def _refuse_bool(out_dtype, input):
    """cumsum_cpu_kernel dispatches on the result dtype, which has no bool kernel (a 0-dim
    or empty input is filled or zeroed without it: impl_func_cum_ops)."""
    if out_dtype is dtypes.bool_ and input.dim() and input.numel():
        raise dtype_not_implemented("cumsum_out_cpu", dtypes.bool_)


@declare("cumsum(Tensor input, int dim, *, ScalarType? dtype=None, Tensor out=None)",
         schema="aten::cumsum", inplace=True, out_via="copy",
         out_check=_out_sets_dtype)
def cumsum(input: Tensor, dim, *, dtype=None, out=None):
    """cumsum (ReduceOps.cpp cumsum_meta, cpu_cum_base_kernel): bool/integers give int64;
    a sequential scan along dim in at::acc_type (double for float on CPU), each prefix
    rounded to the result dtype; a contiguous result. The in-place twin cumsum_ (out is
    self) computes in self's dtype; a dtype= that differs is refused (the structured
    kernel's in-place output check)."""
    d = layout.wrap_dim(dim, input.dim())
    if out is not None:
        if dtype is not None and dtype is not out.dtype:
            raise RuntimeError(f"Bad in-place call: input tensor dtype {input.dtype.typemeta_name} "
                               f"and output tensor dtype {dtype.typemeta_name} should match")
        from .bindings import resize_to
        from .conversions import copy_
        from .elementwise import check_writable
        if out._sizes != input._sizes:  # the meta function's set_output
            resize_to(out, input._sizes)
        _refuse_bool(out.dtype, input)  # the kernel's dtype dispatch, before its iterator
        check_writable(out, [])
        return copy_(out, cumsum(input, dim, dtype=out.dtype))
    out_dtype = _sum_dtype(input, dtype)
    _refuse_bool(out_dtype, input)
    raw = input._values()
    converted = to_dtype_array(raw, out_dtype)
    mask = input._undefined_mask()
    if mask is not None and input.dim():
        mask = np.logical_or.accumulate(mask, axis=d)
    with np.errstate(all="ignore"):
        if input.dim() == 0 or raw.size == 0:
            values = converted
        elif out_dtype.kind == "float":
            # the running sum starts from +0.0, so it is never -0.0 (cpu_cum_base_kernel)
            values = np.cumsum(converted.astype(_CUM_ACC[out_dtype.name]), axis=d) + 0.0
        else:
            values = np.cumsum(converted.astype(np.int64), axis=d)
    return Tensor._from_array(np.asarray(values), out_dtype, None, mask)


# --- backward rules (tools/autograd/derivatives.yaml, FunctionsManual.cpp) -------------------
from .autograd.formulas import sum_backward, unsqueeze_multiple  # noqa: E402
from .autograd.derivatives import derivative  # noqa: E402
from .arithmetic import maximum, minimum  # noqa: E402


def _has_param(overload, name):
    return overload is not None and builtins.any(p.name == name for p in overload.params)


def _reduction_node(prefix):
    """sum / mean / prod: Backward0 for the overload without dim (sum(), sum(dtype=)),
    Backward1 for the one with it, even dim=None (sum.dim_IntList, mean.dim,
    prod.dim_int); an internal call by whether it passes dim."""
    def name(overload, dim):
        with_dim = _has_param(overload, "dim") if overload is not None else dim is not None
        return f"{prefix}Backward{1 if with_dim else 0}"
    return name


# sum: `self: grad.expand(self.sym_sizes())` / `sum_backward(grad, self.sym_sizes(), dim,
# keepdim)`: only the input's sizes are saved
derivative(
    sum, _reduction_node("Sum"),
    input=lambda grad, input_sizes, dim, keepdim: sum_backward(grad, input_sizes, dim, keepdim))


def _mean_backward(grad, sizes, dim, keepdim):
    """mean: grad.expand(sizes) / numel; mean.dim: mean_backward (FunctionsManual.cpp),
    divided by the number of elements reduced (all of them for dim None or [])."""
    dims = _dim_list(dim)
    if dims:
        count = math.prod(sizes[layout.wrap_dim(d, len(sizes))] for d in dims) if sizes else 1
    else:
        count = math.prod(sizes)
    return sum_backward(grad, sizes, dims, keepdim) / count


derivative(
    mean, _reduction_node("Mean"),
    input=lambda grad, input_sizes, dim, keepdim: _mean_backward(grad, input_sizes, dim, keepdim))


def _exclusive_products(inp, dim):
    """The product of every other element along dim, for each element: what
    prod_safe_zeros_backward builds as exclusive_normal (cumprod of [1, x_0 .. x_{n-2}])
    times exclusive_reverse (the flipped cumprod of [1, x_{n-1} .. x_1]). refimpl has no
    cumprod or flip: each is built from prod over the slices before (after) each element."""
    from .joining import cat
    from .views import narrow
    n = inp.shape[dim]
    normal = cat([prod(narrow(inp, dim, 0, k), dim, True) for k in range(n)], dim)
    reverse = cat([prod(narrow(inp, dim, k + 1, n - k - 1), dim, True) for k in range(n)], dim)
    return normal * reverse


def _prod_safe_zeros_backward(grad, inp, dim):
    """FunctionsManual.cpp prod_safe_zeros_backward: correct with zeros in the input."""
    if inp.numel() == 0:
        return grad.expand_as(inp)
    if inp.shape[dim] == 1:
        return grad
    return grad * _exclusive_products(inp, dim)


def _prod_backward(grad, input, result, dim=None, keepdim=False):
    """FunctionsManual.cpp prod_backward (both overloads): grad * result / input without
    zeros; with zeros, the products of the other elements -- except that a full product
    with several zeros has a zero gradient, returned directly when not recording."""
    from .autograd import is_grad_enabled
    from .conversions import to
    from .creation import zeros_like
    from .views import contiguous_format
    if input.dim() == 0:
        return grad
    input = to(input, grad.dtype)
    if dim is None:
        zeros = int(sum(input == 0).item())
        if zeros == 0:
            return grad * (result / input)
        if not is_grad_enabled() and zeros > 1:
            return zeros_like(input, memory_format=contiguous_format)  # LEGACY_CONTIGUOUS
        flat = input.contiguous().view(-1)
        return _prod_safe_zeros_backward(grad, flat, 0).view_as(input)
    dim = layout.wrap_dim(dim, input.dim())
    if not keepdim:
        grad = grad.unsqueeze(dim)
        result = result.unsqueeze(dim)
    if not bool(any(input == 0).item()):
        return grad * (result / input)
    return _prod_safe_zeros_backward(grad, input, dim)


# prod: `prod_backward(grad, self.to(grad.scalar_type()), result[, dim, keepdim])`
derivative(
    prod, _reduction_node("Prod"),
    input=lambda grad, input, result, dim, keepdim: _prod_backward(grad, input, result, dim,
                                                                   bool(keepdim)))


def _evenly_distribute_backward(grad, input, value):
    """FunctionsManual.cpp evenly_distribute_backward (the CPU branch): the gradient split
    evenly among the elements equal to the result (the NaNs, when it is NaN)."""
    from .creation import zeros
    from .unary import isnan
    mask = isnan(input) if bool(isnan(value).item()) else input == value
    return zeros(input.shape, dtype=input.dtype).masked_fill_(mask, grad / sum(mask))


def _value_selecting_reduction_backward(grad, dim, indices, sizes, keepdim):
    """FunctionsManual.cpp value_selecting_reduction_backward: grad scattered to where
    the indices point, zeros elsewhere."""
    from .creation import zeros
    grad_in = zeros(tuple(sizes), dtype=grad.dtype)
    if not keepdim and sizes:
        grad = grad.unsqueeze(dim)
        indices = indices.unsqueeze(dim)
    return grad_in.scatter(dim, indices, grad)


def _extreme_node(largest):
    """max(): MaxBackward1; max(dim): MaxBackward0; max(other) is at::maximum:
    MaximumBackward0 (min: MinBackward1, MinBackward0, MinimumBackward0)."""
    word, binary = ("Max", "Maximum") if largest else ("Min", "Minimum")

    def name(overload, dim, other):
        if other is not None or isinstance(dim, Tensor):
            return f"{binary}Backward0"
        return f"{word}Backward{1 if dim is None else 0}"
    return name


for _op, _largest in ((max, True), (min, False)):
    _word, _binary = ("Max", "Maximum") if _largest else ("Min", "Minimum")
    derivative(_op, _extreme_node(_largest), variants={
        # max(Tensor self): evenly_distribute_backward(grad, self, result)
        f"{_word}Backward1": {
            "input": lambda grad, input, result: _evenly_distribute_backward(grad, input, result)},
        # max.dim: value_selecting_reduction_backward(grad, dim, indices, self.sym_sizes(), keepdim)
        f"{_word}Backward0": {
            "input": lambda grad, dim, result1, input_sizes, keepdim:
                _value_selecting_reduction_backward(grad, dim, result1, input_sizes,
                                                    bool(keepdim))},
        # max(self, other) is maximum(self, other): its rule
        f"{_binary}Backward0": (maximum if _largest else minimum).__declaration__
        .derivative.default.formulas,
    })


def _restore_reduced_dims(output, dims, keepdim):
    """FunctionsManual.cpp restore_reduced_dims: size-1 dims back where dims were reduced."""
    if keepdim:
        return output
    dims = _dim_list(dims) or []
    total = output.dim() + len(dims)
    target = [0] * total
    for d in dims:
        target[d + total if d < 0 else d] = 1
    j = 0
    for s in output.shape:
        while target[j] > 0:
            j += 1
        target[j] = s
        j += 1
    return output.reshape(target)


def _amax_amin_backward(grad, input, result, dim, keepdim):
    """amax / amin: scale_grad_by_count(restore_reduced_dims(grad, dim, keepdim),
    restore_reduced_dims(result, dim, keepdim) == self, dim): the gradient split evenly
    among the elements equal to the result."""
    dims = list(_dim_list(dim) or [])
    mask = _restore_reduced_dims(result, dims, keepdim) == input
    return (_restore_reduced_dims(grad, dims, keepdim) / sum(mask, dims, True)) * mask


derivative(amax, "AmaxBackward0",
                    input=lambda grad, input, result, dim, keepdim:
                        _amax_amin_backward(grad, input, result, dim, bool(keepdim)))
derivative(amin, "AminBackward0",
                    input=lambda grad, input, result, dim, keepdim:
                        _amax_amin_backward(grad, input, result, dim, bool(keepdim)))

# integer and bool results: never recorded
for _op in (argmax, argmin, all, any):
    _op.__declaration__.derivative = False


def _norm_backward(grad, input, p, norm, dim, keepdim):
    """FunctionsManual.cpp linalg_vector_norm_backward / norm_backward: the gradient of
    the p-norm; zero where the norm is 0 (masked), None (no gradient) for p = 0."""
    from .unary import isnan, sgn
    if p is None or isinstance(p, str):
        p = 2.0
    p = float(p)
    dims = _dim_list(dim) or []
    ndim = input.dim()
    if not keepdim and ndim:
        grad = unsqueeze_multiple(grad, dims, ndim)
        norm = unsqueeze_multiple(norm, dims, ndim)
    if p == 0.0:
        return None
    if p == 1.0:
        return sgn(input) * grad
    if p == 2.0:
        return grad * (input / norm).masked_fill_(norm == 0, 0)
    if math.isinf(p):
        # the derivative of amax(abs(self), dim, keepdim), respecting NaNs
        absolute = input.abs()
        mask = (absolute == norm).logical_or(isnan(absolute))
        return sgn(input) * ((grad / sum(mask, dims, True)) * mask)
    if p < 1.0:
        scaled = sgn(input) * input.abs().pow_(p - 1).masked_fill_(input == 0, 0)
        return scaled * grad * norm.pow(1 - p)
    if p < 2.0:
        scaled = sgn(input) * input.abs().pow_(p - 1)
    else:
        scaled = input * input.abs().pow_(p - 2)
    scale = grad / norm.pow(p - 1)
    scale.masked_fill_(norm == 0, 0)
    return scaled * scale


# linalg_vector_norm (what torch.norm and Tensor.norm call for numeric p and 'fro' over at
# most two dims): LinalgVectorNormBackward0, which saves self and result
derivative(vector_norm, "LinalgVectorNormBackward0",
                    input=lambda grad, input, ord, result, dim, keepdim:
                        _norm_backward(grad, input, ord, result, dim, bool(keepdim)))


def _cumsum_backward(grad, dtype, dim):
    """FunctionsManual.cpp cumsum_backward(grad.to(self.scalar_type()), dim): the
    reversed cumulative sum (flip, cumsum, flip)."""
    from .conversions import to
    from .transformations import flip
    grad = to(grad, dtype)
    if grad.numel() <= 1 or grad.shape[dim] == 1:
        return grad
    return flip(cumsum(flip(grad, [dim]), dim), [dim])


derivative(cumsum, "CumsumBackward0",
                    input=lambda grad, input_dtype, dim: _cumsum_backward(grad, input_dtype, dim))
