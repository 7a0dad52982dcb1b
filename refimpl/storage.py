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

    __slots__ = ("value", "unspecified")

    def __init__(self, unspecified=False):
        self.value = 0
        self.unspecified = unspecified  # torch leaves the version implementation-defined

    def bump(self):
        self.value += 1

    def current(self):
        """current_version(): what autograd reads when it saves a tensor or makes a view."""
        return self.value


class ZeroStorage(Storage):
    """The memory of an efficient ZeroTensor (at::_efficientzerotensor, what some backward
    formulas return for a gradient known to be zero): it has a size but no data. refimpl
    keeps zeros in it, so ops that read it compute with zeros (torch's ZeroTensor fallback
    materializes it); its address cannot be read, and writes are refused
    (ZeroTensorFallback.cpp)."""

    def data_ptr(self):
        raise RuntimeError("Attempted to access the data pointer on an invalid python storage.")


IMMUTABLE = ("ZeroTensors are immutable. Please use the materialized zero tensor obtained "
             "using .clone() if you want a mutable tensor.")


class NoVersionCounter(VersionCounter):
    """What an inference tensor has instead: writing it outside inference mode fails when
    the write is done and the version would be bumped (c10/core/TensorImpl.h
    VariableVersion::bump), so the values have changed when the error is raised."""

    __slots__ = ()

    def current(self):
        # c10/core/TensorImpl.h VariableVersion::current_version: a disabled counter
        raise RuntimeError("Inference tensors do not track version counter.")

    def bump(self):
        from .autograd.grad_mode import MODE
        if not MODE.inference:
            raise RuntimeError(
                "Inplace update to inference tensor outside InferenceMode is not allowed.You "
                "can make a clone to get a normal tensor before doing inplace update.See "
                "https://github.com/pytorch/rfcs/pull/17 for more details.")


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
    with C casting semantics: floats truncate toward zero into integers (out-of-range
    values as x86-64 converts them, see _float_to_int), integers wrap."""
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
        return _float_to_int(arr, dtype)
    if dtype.kind == "int" and arr.dtype.kind in "iub":
        return arr.astype(np.int64).astype(target)
    with np.errstate(invalid="ignore", over="ignore"):
        return arr.astype(target)


def _f64_to_f32_for_bf16(arr):
    # double -> bfloat16 in PyTorch rounds through float first
    with np.errstate(over="ignore"):
        return arr.astype(np.float32)


def _float_to_int(arr: np.ndarray, dtype) -> np.ndarray:
    """Float -> integer conversion as torch:cpu performs it on x86-64.

    c10::convert (c10/util/TypeCast.h static_cast_with_inter_type) is a static_cast,
    except that uint8 goes through int64 first. C++ leaves out-of-range conversions
    undefined, but x86-64 compilers emit cvttss2si / cvttsd2si (the vectorized copy
    loops convert alike), which truncate toward zero into a 32-bit register (int8,
    int16, int32) or a 64-bit one (int64, and uint8 through int64), give that register's
    "integer indefinite" value INT_MIN for NaN, infinities and values out of its range,
    and the narrower types keep the low bits (wrap). Checked on torch 2.13 for every
    float dtype into every integer dtype, with the vectorized and scalar loops
    (1 to 100 elements, contiguous and strided, AVX512, AVX2 and DEFAULT kernels), via
    .to(), copy_(), setitem and sum/prod/cumsum(dtype=): always the same result.
    """
    wide = np.int64 if dtype.np_storage in (np.dtype(np.int64), np.dtype(np.uint8)) else np.int32
    lowest = float(np.iinfo(wide).min)
    with np.errstate(invalid="ignore", over="ignore"):
        t = np.trunc(np.asarray(arr, dtype=np.float64))
        fits = (t >= lowest) & (t < -lowest)  # NaN compares false
        register = np.where(fits, t, 0.0).astype(wide)
    register = np.where(fits, register, np.iinfo(wide).min).astype(wide)
    return register.astype(dtype.np_storage)  # numpy's integer casts keep the low bits


def merge_unspecified(*masks):
    """The union of unspecified-value masks (Storage.undefined's convention: None, or a
    bool array), broadcast together; None when every mask is None."""
    masks = [np.asarray(m) for m in masks if m is not None]
    if not masks:
        return None
    if len(masks) == 1:
        return masks[0]
    return np.logical_or.reduce(np.broadcast_arrays(*masks))
