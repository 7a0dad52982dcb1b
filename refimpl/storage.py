"""Flat storage, the version counter, and exact conversion of values into a dtype.

A Storage is one flat numpy buffer; tensors are (storage, offset, sizes, strides)
windows onto it (c10/core/StorageImpl.h, c10/core/TensorImpl.h). numpy is used only
so that arithmetic and rounding are exact for each dtype.
"""
from __future__ import annotations

import itertools

import numpy as np

from . import dtypes

_next_address = itertools.count(1)


class Storage:
    """A flat buffer of elements of one dtype, shared by a tensor and all its views."""

    def __init__(self, data: np.ndarray, dtype):
        self.data = data
        self.dtype = dtype
        # Elements whose value PyTorch leaves unspecified (torch.empty, sums whose
        # rounding depends on summation order): None, or a bool array like data.
        # Comparison skips them; ops reading them propagate the mark.
        self.undefined = None
        # a fake, stable, unique, 64-byte aligned address for data_ptr()
        self.address = next(_next_address) * 4096

    def nbytes(self):
        return self.data.size * self.dtype.itemsize

    def data_ptr(self):
        return self.address if self.nbytes() else 0

    def size(self):
        return self.nbytes()

    def __len__(self):
        return self.nbytes()


class VersionCounter:
    """Shared by a tensor, its views and detach(); bumped once per in-place write
    (c10/core/TensorImpl.h VariableVersion)."""

    __slots__ = ("value",)

    def __init__(self):
        self.value = 0

    def bump(self):
        self.value += 1


def round_to_bfloat16(values: np.ndarray) -> np.ndarray:
    """Round float32 values to the nearest bfloat16 (ties to even), kept in float32.

    Ported from c10/util/BFloat16.h round_to_nearest_even; NaN stays NaN.
    """
    f32 = np.asarray(values, dtype=np.float32)
    bits = f32.view(np.uint32).astype(np.uint64)
    rounding_bias = ((bits >> 16) & 1) + 0x7FFF
    rounded = ((bits + rounding_bias) >> 16) << 16
    out = rounded.astype(np.uint32).view(np.float32)
    return np.where(np.isnan(f32), np.float32("nan"), out)


def to_dtype_array(values, dtype) -> np.ndarray:
    """Convert a numpy array (any dtype) to the storage representation of `dtype`,
    with C casting semantics: floats truncate toward zero into integers, integers wrap."""
    arr = np.asarray(values)
    if dtype is dtypes.bfloat16:
        return round_to_bfloat16(arr.astype(np.float32) if arr.dtype != np.float64
                                 else _f64_to_f32_for_bf16(arr))
    target = dtype.np_storage
    if arr.dtype == target:
        return arr
    if dtype is dtypes.float16 and arr.dtype == np.float64:
        # double -> half goes through float in c10 (c10::Half(float)): round twice
        with np.errstate(over="ignore"):
            return arr.astype(np.float32).astype(np.float16)
    if dtype.kind == "int" and arr.dtype.kind == "f":
        with np.errstate(invalid="ignore", over="ignore"):
            return np.trunc(arr).astype(np.int64).astype(target)
    if dtype.kind == "int" and arr.dtype.kind in "iub":
        return arr.astype(np.int64).astype(target)
    with np.errstate(invalid="ignore", over="ignore"):
        return arr.astype(target)


def _f64_to_f32_for_bf16(arr):
    # double -> bfloat16 in PyTorch rounds through float first
    with np.errstate(over="ignore"):
        return arr.astype(np.float32)


def unspecified_conversions(values: np.ndarray, dtype):
    """Elements whose conversion to `dtype` C++ leaves undefined: NaN, infinities and
    out-of-range floats going into an integer type. None if there are none."""
    arr = np.asarray(values)
    if dtype.kind != "int" or arr.dtype.kind != "f":
        return None
    info = np.iinfo(dtype.np_storage)
    with np.errstate(invalid="ignore", over="ignore"):
        bad = ~np.isfinite(arr) | (arr <= info.min - 1.0) | (arr >= info.max + 1.0)
    return bad if bad.any() else None
