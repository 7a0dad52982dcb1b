"""Reductions: sum.

Output shape and dtype rules from aten/src/ATen/native/ReduceOps.cpp (sum,
get_result_or_self_value_dtype, make_reduction); the output is allocated contiguous.
"""
from __future__ import annotations

import math

import numpy as np

from . import dtypes, layout
from .storage import to_dtype_array, unspecified_conversions
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
            reduced = np.expand_dims(exact, axes) if keepdim else exact
        else:
            reduced = values.sum(axis=axes, keepdims=keepdim)
            undefined = None
    mask = input._undefined_mask()
    if bad_conversion is not None:
        mask = bad_conversion if mask is None else (mask | bad_conversion)
    if mask is not None:
        m = mask.any(axis=axes) if axes else mask
        undefined = m if undefined is None else (undefined | m)
    if keepdim and undefined is not None:
        undefined = np.expand_dims(undefined, axes)
    return Tensor._from_array(np.asarray(reduced), out_dtype, None, undefined)


FUNCTIONS = {"sum": sum}
METHODS = {"sum": sum}
