"""Reductions: sum, mean, prod, max/min, amax/amin, argmax/argmin, all/any, norm, cumsum.

Output shape and dtype rules from aten/src/ATen/native/ReduceOps.cpp (sum, mean, prod,
amax, argmax, all/any, cumsum, get_result_or_self_value_dtype, make_reduction),
aten/src/ATen/native/TensorCompare.cpp (max.dim / min.dim),
aten/src/ATen/native/LinearAlgebra.cpp (linalg_vector_norm) and torch/functional.py
(norm); every output is allocated contiguous.
"""
from __future__ import annotations

import collections
import math

import numpy as np

from . import dtypes, layout
from .storage import merge_unspecified, to_dtype_array, unspecified_conversions
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
    wrapped = []
    for d in dims:
        w = layout.wrap_dim(d, ndim)
        if w in wrapped:
            raise RuntimeError(f"dim {w} appears multiple times in the list of dims")
        wrapped.append(w)
    return tuple(sorted(wrapped)) if ndim else ()


def _sum_dtype(input, dtype):
    if dtype is not None:
        return dtype
    return dtypes.int64 if input.dtype.kind in ("bool", "int") else input.dtype


def _order_sensitive(values64, exact, axes, dtype):
    """Float sums whose rounded result depends on the order of accumulation. PyTorch
    does not specify that order (its CPU kernels use several vectorized partial sums),
    so where accumulating forward or backward in the accumulation type gives a result
    that is not close to the exact sum, the value is marked unspecified."""
    if dtype.kind != "float" or not axes or values64.size == 0:
        return None
    acc = np.float64 if dtype is dtypes.float64 else np.float32
    moved = np.moveaxis(values64.astype(acc), axes, tuple(range(len(axes))))
    flat = moved.reshape((-1,) + moved.shape[len(axes):])
    rtol, atol = dtypes.TOLERANCE[dtype.name]
    exact = exact.astype(np.float64)
    differs = np.zeros(exact.shape, dtype=bool)
    for rows in (flat, flat[::-1]):
        total = np.zeros(flat.shape[1:], dtype=acc)
        for row in rows:
            total = total + row
        total = total.astype(np.float64)
        same = (np.isnan(total) & np.isnan(exact)) | (total == exact) | (
            np.abs(total - exact) <= atol + rtol * np.abs(exact))
        differs |= ~same
    return differs if differs.any() else None


def _exact_sum(values64, axes):
    """Correctly rounded float64 sums over axes (math.fsum per output element); plain
    numpy summation where non-finite values or overflow make exactness moot."""
    moved = np.moveaxis(values64, axes, tuple(range(len(axes))))
    columns = moved.reshape(math.prod(moved.shape[:len(axes)]), -1)
    out = np.empty(columns.shape[1], dtype=np.float64)
    for j in range(columns.shape[1]):
        col = columns[:, j]
        try:
            out[j] = math.fsum(col) if np.isfinite(col).all() else col.sum()
        except OverflowError:
            out[j] = col.sum()
    return out.reshape(moved.shape[len(axes):])


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


@declare("sum(Tensor input, *, ScalarType? dtype=None)",
         "sum(Tensor input, int[1]? dim, bool keepdim=False, *, ScalarType? dtype=None, "
         "Tensor out=None)", schema="aten::sum.dim_IntList")
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
    bad_conversion = unspecified_conversions(raw, out_dtype)
    with np.errstate(all="ignore"):
        if not axes:
            reduced, undefined = values.copy(), None
        elif compute is np.float64 and values.size:
            exact = _exact_sum(values, axes)
            undefined = _order_sensitive(values, exact, axes, out_dtype)
            undefined = merge_unspecified(undefined, _cast_late(raw, exact, axes, input.dtype, out_dtype))
            reduced = np.expand_dims(exact, axes) if keepdim else exact
        else:
            reduced = values.sum(axis=axes, keepdims=keepdim)
            undefined = None
    mask = merge_unspecified(input._undefined_mask(), bad_conversion)
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
    rtol, atol = dtypes.TOLERANCE[dtype.name]
    differs = np.zeros(np.shape(exact), dtype=bool)
    for total in candidates:
        with np.errstate(all="ignore"):
            same = (np.isnan(total) & np.isnan(exact)) | (total == exact) | (
                np.isfinite(total) & np.isfinite(exact)
                & (np.abs(total - exact) <= atol + rtol * np.abs(exact)))
        differs |= ~same
    return differs if differs.any() else None


def _dim_list(dim):
    if dim is None:
        return None
    return [dim] if isinstance(dim, int) else list(dim)


# --- mean ----------------------------------------------------------------------------------
@declare("mean(Tensor input, *, ScalarType? dtype=None, Tensor out=None)",
         "mean(Tensor input, int[1]? dim, bool keepdim=False, *, ScalarType? dtype=None, "
         "Tensor out=None)", schema="aten::mean.dim")
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
    acc = dtypes.float32 if out_dtype in (dtypes.float16, dtypes.bfloat16) else out_dtype
    total = sum(input, dim if dim is not None else None, keepdim, dtype=acc)
    count = math.prod(input.shape[d] for d in axes) if axes else 1
    np_acc = np.float64 if acc is dtypes.float64 else np.float32
    with np.errstate(all="ignore"):
        values = total._values().astype(np_acc) / np_acc(count)
    return Tensor._from_array(np.asarray(values), out_dtype, None, total._undefined_mask())


# --- prod ----------------------------------------------------------------------------------
@declare("prod(Tensor input, *, ScalarType? dtype=None)",
         "prod(Tensor input, int dim, bool keepdim=False, *, ScalarType? dtype=None, "
         "Tensor out=None)", schema="aten::prod.dim_int")
def prod(input: Tensor, dim=None, keepdim=False, *, dtype=None):
    """prod / prod.dim_int: one dim at most; bool and integers give int64. The CPU kernel
    multiplies in the result dtype in an unspecified (vectorized) order."""
    if dim is not None and not isinstance(dim, int):
        raise TypeError("prod(): argument 'dim' must be int")
    axes = reduction_dims(dim, input.dim())
    out_dtype = _sum_dtype(input, dtype)
    raw = input._values()
    undefined = _input_mask(input, axes, keepdim)
    bad = unspecified_conversions(raw, out_dtype)
    if bad is not None:
        m = bad.any(axis=axes) if axes else bad
        undefined = merge_unspecified(undefined, np.expand_dims(m, axes) if keepdim and axes else m)
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
                    undefined = merge_unspecified(undefined, _keep(_differs(folds, exact, out_dtype), axes, keepdim))
                reduced = np.expand_dims(exact, axes) if keepdim else exact
        else:
            values = converted.astype(np.int64)
            reduced = values if not axes else np.prod(values, axis=axes, keepdims=keepdim)
    return Tensor._from_array(np.asarray(reduced), out_dtype, None, undefined)


def _keep(mask, axes, keepdim):
    if mask is None or not keepdim or not axes:
        return mask
    return np.expand_dims(mask, axes)


# --- max / min (whole tensor, along a dim, and elementwise) ------------------------------------
MaxResult = collections.namedtuple("max", ["values", "indices"])
MinResult = collections.namedtuple("min", ["values", "indices"])


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
    return Tensor._from_array(np.asarray(value), input.dtype, None,
                              None if mask is None else np.asarray(mask.any()))


def _binary_extreme(largest, input, other):
    """max.other / min.other are maximum / minimum (BinaryOps.cpp: max(self, other)
    returns at::maximum(self, other)): elementwise, promoting, NaN-propagating, with their rule for the sign
    of zeros of opposite sign (arithmetic._signed_zeros)."""
    from .arithmetic import maximum, minimum
    return (maximum if largest else minimum)(input, other)


@declare("max(Tensor input, *, Tensor out=None)", "max(Tensor input, Tensor other, *, Tensor out=None)",
         "max(Tensor input, int dim, bool keepdim=False, *, TensorList[2] out=None)",
         schema="aten::max.dim")
def max(input: Tensor, dim=None, keepdim=False, *, other=None):
    """max() / max.dim (values, indices) / max.other (elementwise maximum)."""
    if other is not None:
        return _binary_extreme(True, input, other)
    if isinstance(dim, Tensor):
        return _binary_extreme(True, input, dim)
    if dim is None:
        return _extreme_all("max", input, True)
    return _extreme_dim("max", input, dim, keepdim, True)


@declare("min(Tensor input, *, Tensor out=None)", "min(Tensor input, Tensor other, *, Tensor out=None)",
         "min(Tensor input, int dim, bool keepdim=False, *, TensorList[2] out=None)",
         schema="aten::min.dim")
def min(input: Tensor, dim=None, keepdim=False, *, other=None):
    if other is not None:
        return _binary_extreme(False, input, other)
    if isinstance(dim, Tensor):
        return _binary_extreme(False, input, dim)
    if dim is None:
        return _extreme_all("min", input, False)
    return _extreme_dim("min", input, dim, keepdim, False)


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
    if not axes:
        vals = raw
    elif raw.size:
        fn = np.max if largest else np.min
        vals = fn(raw, axis=axes, keepdims=keepdim)
    else:
        vals = np.zeros(out_shape, dtype=raw.dtype)
    return Tensor._from_array(np.asarray(vals).reshape(out_shape), input.dtype, None,
                              _input_mask(input, axes, keepdim))


@declare("amax(Tensor input, int[1] dim=[], bool keepdim=False, *, Tensor out=None)",
         schema="aten::amax")
def amax(input: Tensor, dim=(), keepdim=False):
    return _amax_amin("amax", input, dim, keepdim, True)


@declare("amin(Tensor input, int[1] dim=[], bool keepdim=False, *, Tensor out=None)",
         schema="aten::amin")
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
         schema="aten::argmax")
def argmax(input: Tensor, dim=None, keepdim=False):
    return _arg("argmax", input, dim, keepdim, True)


@declare("argmin(Tensor input, int? dim=None, bool keepdim=False, *, Tensor out=None)",
         schema="aten::argmin")
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
         "all(Tensor input, int dim, bool keepdim=False, *, Tensor out=None)", schema="aten::all.dim")
def all(input: Tensor, dim=None, keepdim=False):
    return _all_any(input, dim, keepdim, True)


@declare("any(Tensor input, *, Tensor out=None)",
         "any(Tensor input, int[]? dim=None, bool keepdim=False, *, Tensor out=None)",
         "any(Tensor input, int dim, bool keepdim=False, *, Tensor out=None)", schema="aten::any.dim")
def any(input: Tensor, dim=None, keepdim=False):
    return _all_any(input, dim, keepdim, False)


# --- norm ----------------------------------------------------------------------------------
def _format_ord(p):
    if math.isinf(p):
        return "inf" if p > 0 else "-inf"
    return str(int(p)) if float(p).is_integer() else repr(float(p))


def vector_norm(input: Tensor, ord=2, dim=None, keepdim=False, *, dtype=None):
    """linalg_vector_norm (LinearAlgebra.cpp): floating input; dtype may only widen;
    inf/-inf/negative orders have no identity on empty reductions. Sums of |x|^p are
    order-sensitive like sum."""
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
    # The CPU kernels accumulate |x|^p in float or in double depending on the path taken
    # (at::acc_type, the vectorized 2-norm path reducing the last dim, single-element
    # reductions), which depends on the dtypes and on TensorIterator's dim coalescing.
    # Where the two accumulation types give different results (powers overflowing
    # float), the value is unspecified.
    accs = [np.float64] if out_dtype is dtypes.float64 else [np.float32, np.float64]
    results = []
    for acc in accs:
        with np.errstate(all="ignore"):
            x = a.astype(acc)
            powered = (x if ord == 1 else (x * x if ord == 2 else x ** acc(ord))).astype(np.float64)
            if axes:
                exact = _exact_sum(powered, tuple(axes))
                order = _order_sensitive(powered, exact, tuple(axes), out_dtype)
                undefined = merge_unspecified(undefined, _keep(order, axes, keepdim))
            else:
                exact = powered
            total = exact.astype(acc)
            root = total if ord == 1 else (np.sqrt(total) if ord == 2 else total ** acc(1.0 / ord))
        results.append(to_dtype_array(np.asarray(root).reshape(out_shape), out_dtype).astype(np.float64))
    result = results[0]
    if len(results) == 2:
        undefined = merge_unspecified(undefined, _differs([results[1]], result, out_dtype))
    return Tensor._from_array(result, out_dtype, None, undefined)


@declare("norm(input, p='fro', dim=None, keepdim=False, out=None, dtype=None)", parsed=False,
         schema="aten::norm.ScalarOpt_dim")
def norm(input: Tensor, p="fro", dim=None, keepdim=False, dtype=None):
    """torch.norm (torch/functional.py): 'fro' over at most two dims and numeric p are
    linalg.vector_norm (p=None is 2); other string orders go to linalg.matrix_norm,
    which here only raises its errors."""
    if isinstance(p, str):
        dims = None if dim is None else _dim_list(dim)
        if p == "fro" and (dims is None or len(dims) <= 2):
            return vector_norm(input, 2, dims, keepdim, dtype=dtype)
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
    return vector_norm(input, 2.0 if p is None else p, _dim_list(dim), keepdim, dtype=dtype)


# --- cumsum --------------------------------------------------------------------------------
_CUM_ACC = {"float16": np.float32, "bfloat16": np.float32, "float32": np.float64,
            "float64": np.float64}


@declare("cumsum(Tensor input, int dim, *, ScalarType? dtype=None, Tensor out=None)",
         schema="aten::cumsum")
def cumsum(input: Tensor, dim, *, dtype=None):
    """cumsum (ReduceOps.cpp cumsum_meta, cpu_cum_base_kernel): bool/integers give int64;
    a sequential scan along dim in at::acc_type (double for float on CPU), each prefix
    rounded to the result dtype; a contiguous result."""
    d = layout.wrap_dim(dim, input.dim())
    out_dtype = _sum_dtype(input, dtype)
    if out_dtype is dtypes.bool_ and input.dim() and input.numel():
        raise NotImplementedError("\"cumsum_out_cpu\" not implemented for 'Bool'")
    raw = input._values()
    converted = to_dtype_array(raw, out_dtype)
    mask = merge_unspecified(input._undefined_mask(), unspecified_conversions(raw, out_dtype))
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
