"""Copies and dtype conversions: copy_, to, type, float/double/half/..., fill_, fill,
zero_.

Ported from aten/src/ATen/native/Copy.cpp (copy_, copy_impl), TensorConversions.cpp
(to, _to_copy, to_will_alias), Fill.cpp (fill_, fill_out, zero_),
torch/csrc/autograd/python_variable_methods.cpp (type, float, int, ..., dispatch_to)
and c10/core/MemoryFormat.h (suggest_memory_format).

Every write goes through the same value conversion as the rest of refimpl
(storage.to_dtype_array); float -> integer conversions of values the integer type
cannot hold are undefined behaviour in C++, so those elements are unspecified.
"""
from __future__ import annotations

import numpy as np

from . import dtypes, layout
from .creation import check_convertible
from .elementwise import _reads_what_it_writes, check_writable
from .storage import to_dtype_array, unspecified_conversions
from .tensor import Tensor
from .tensor import device as _device
from .views import (
    channels_last, clone, contiguous_format, memory_format_strides, preserve_format,
)


# --- copy_ ------------------------------------------------------------------------------------
def _scalar_to_tensor(value, name="other", op="copy_"):
    """A Python number passed where a Tensor is expected becomes a 0-dim tensor
    (python_arg_parser scalar_to_tensor): bool -> bool, int -> int64, float -> float64."""
    if isinstance(value, Tensor):
        return value
    if isinstance(value, bool):
        dtype = dtypes.bool_
    elif isinstance(value, int):
        dtype = dtypes.int64
    elif isinstance(value, float):
        dtype = dtypes.float64
    else:
        raise TypeError(f"{op}(): argument '{name}' (position 1) must be Tensor, not "
                        f"{type(value).__name__}")
    return Tensor._from_array(np.array(value, dtype=dtype.np_storage), dtype)


def _converted(values, dtype, undefined=None):
    """(values, undefined mask) of values written into dtype: out-of-range float ->
    integer conversions are unspecified."""
    bad = unspecified_conversions(values, dtype)
    if bad is not None:
        undefined = bad if undefined is None else (np.asarray(undefined) | bad)
    return values, undefined


def _copy_into(self: Tensor, src: Tensor):
    """copy_impl without the version bump: the early exits, then TensorIterator
    (output self, input src; overlap checks, broadcast, no resize) and the copy kernel."""
    if src is self:
        return
    if (src._storage is self._storage and src._offset == self._offset
            and src._sizes == self._sizes and src._strides == self._strides):
        return  # views of the same data: nothing to do
    check_writable(self, [src])
    shape = layout.broadcast_all([self._sizes, src._sizes])
    if shape != self._sizes:
        raise RuntimeError(
            f"output with shape [{', '.join(map(str, self._sizes))}] doesn't match the "
            f"broadcast shape [{', '.join(map(str, shape))}]")
    if self.numel() == 0:
        return
    values = np.broadcast_to(src._values(), shape)
    undefined = src._undefined_mask()
    if undefined is not None:
        undefined = np.broadcast_to(undefined, shape)
    values, undefined = _converted(values, self.dtype, undefined)
    if _reads_what_it_writes(self, [src]):
        undefined = np.ones(shape, dtype=bool)  # the result depends on the visiting order
    self._write(values, undefined)


def copy_(self: Tensor, src, non_blocking=False):
    """Copy src (broadcast to self's shape, converted to self's dtype) into self;
    the version is bumped once, even when nothing is written."""
    src = _scalar_to_tensor(src)
    _copy_into(self, src)
    self._version_counter.bump()
    return self


# --- to and friends ---------------------------------------------------------------------------
def suggest_memory_format(t: Tensor):
    """TensorBase::suggest_memory_format: channels_last when a 4-d tensor's strides are
    channels-last-like; a 5-d channels-last-3d-like tensor is neither of the formats
    refimpl names (it never equals contiguous_format)."""
    if t.dim() == 4 and layout.is_channels_last_strides(t._sizes, t._strides, (1, 3, 2, 0)):
        return channels_last
    if (t.dim() == 5 and not layout.is_contiguous(t._sizes, t._strides)
            and layout.is_channels_last_strides(t._sizes, t._strides, (1, 4, 3, 2, 0))):
        return "channels_last_3d"
    return contiguous_format


def _to_copy(self: Tensor, dtype, memory_format):
    """_to_copy: preserve_format keeps dense strides (or infers dense ones); other
    formats allocate with at::empty(sizes, memory_format). The copy is not an
    in-place op of the user's, so the new tensor's version stays 0."""
    strides = memory_format_strides(self, memory_format)
    values, undefined = _converted(self._values(), dtype, self._undefined_mask())
    return Tensor._from_array(values, dtype, strides, undefined)


def _to(self: Tensor, dtype, copy=False, memory_format=None):
    """to_impl: self itself when nothing would change (to_will_alias), else a copy."""
    memory_format = memory_format if memory_format is not None else preserve_format
    if (dtype is self.dtype and not copy
            and (memory_format is preserve_format or suggest_memory_format(self) is memory_format)):
        return self
    return _to_copy(self, dtype, memory_format)


def _check_flag(name, value):
    if not isinstance(value, bool):
        raise TypeError(f"to() received an invalid combination of arguments - got "
                        f"({name}={type(value).__name__}), but expected one of:")


def to(self: Tensor, *args, dtype=None, device=None, non_blocking=False, copy=False,
       memory_format=None):
    """to(dtype, non_blocking=False, copy=False), to(other), to(device, dtype=None, ...),
    with keyword memory_format (python_variable_methods.cpp THPVariable_to)."""
    rest = list(args)
    if rest and isinstance(rest[0], Tensor):
        dtype = rest.pop(0).dtype
    elif rest and isinstance(rest[0], (str, _device)):
        _device(rest.pop(0))
        if rest and isinstance(rest[0], dtypes.dtype):
            dtype = rest.pop(0)
    elif rest and isinstance(rest[0], dtypes.dtype):
        dtype = rest.pop(0)
    if device is not None:
        _device(device)
    if rest:
        non_blocking = rest.pop(0)
    if rest:
        copy = rest.pop(0)
    if rest:
        raise TypeError("to() received an invalid combination of arguments")
    _check_flag("non_blocking", non_blocking)
    _check_flag("copy", copy)
    return _to(self, dtype if dtype is not None else self.dtype, copy, memory_format)


def _type_name(d):
    return f"torch.{d.legacy_name}Tensor"


_BY_TYPE_NAME = {_type_name(d): d for d in dtypes.ALL_DTYPES}


def type_(self: Tensor, dtype=None, non_blocking=False, *, memory_format=None):
    """type(): the legacy type string ('torch.FloatTensor'); type(dtype or type string):
    self.to(dtype) (THPVariable_type)."""
    if dtype is None:
        return _type_name(self.dtype)
    if isinstance(dtype, str):
        if dtype not in _BY_TYPE_NAME:
            raise ValueError(f"invalid type: '{dtype}'")
        dtype = _BY_TYPE_NAME[dtype]
    elif not isinstance(dtype, dtypes.dtype):
        raise TypeError("dtype must be a type, str, or dtype object")
    return _to(self, dtype, False, memory_format)


def _to_type(dtype, name):
    """float(), double(), ...: dispatch_to(self, dtype, non_blocking=False, copy=False)."""
    def method(self, *, memory_format=None):
        return _to(self, dtype, False, memory_format)
    method.__name__ = name
    return method


# --- fill_, fill, zero_ -----------------------------------------------------------------------
def _check_fill_value(value, op):
    if isinstance(value, (bool, int, float)):
        return
    raise TypeError(f"{op}() received an invalid combination of arguments - got "
                    f"({type(value).__name__}), but expected one of:")


def _fill_scalar(self: Tensor, value):
    """fill_out (Fill.cpp): value.to<scalar_t>() is a checked conversion. A one-element
    CPU tensor takes scalar_fill, whose float16/bfloat16 conversion is unchecked (it
    overflows to inf); everything else goes through fill_kernel, which checks float16,
    bfloat16 and float as well as the integer types. No overlap check: filling is
    idempotent, so an expanded tensor may be filled."""
    checked = ("float32",) if self.numel() == 1 else ("float16", "bfloat16", "float32")
    check_convertible(value, self.dtype, c_name=True, check_floats=checked)
    if self.dtype.kind == "int" and isinstance(value, float):
        value = int(value)  # in range: checked above
    self._write(to_dtype_array(np.array(value), self.dtype))


def _fill_tensor(self: Tensor, value: Tensor):
    """fill_(Tensor): a 0-dim value is copied in (copy_ semantics: overlap checks, an
    unchecked conversion); a value aliasing self is cloned first."""
    if value.dim() != 0:
        raise RuntimeError(f"fill_ only supports 0-dimension value tensor but got tensor "
                           f"with {value.dim()} dimensions.")
    if value._storage is self._storage:
        value = clone(value)
    _copy_into(self, value)


def fill_(self: Tensor, value):
    if isinstance(value, Tensor):
        _fill_tensor(self, value)
    else:
        _check_fill_value(value, "fill_")
        _fill_scalar(self, value)
    self._version_counter.bump()
    return self


def fill(input: Tensor, value):
    """torch.fill: empty_like(input) (preserve_format), filled."""
    if not isinstance(value, Tensor):
        _check_fill_value(value, "fill")
    elif value.dim() != 0:
        raise RuntimeError(f"fill_ only supports 0-dimension value tensor but got tensor "
                           f"with {value.dim()} dimensions.")
    strides = layout.preserve_format_strides(input._sizes, input._strides)
    out = Tensor._empty(input._sizes, input.dtype, strides)
    if isinstance(value, Tensor):
        _copy_into(out, value)
    else:
        _fill_scalar(out, value)
    return out


def zero_(self: Tensor):
    """zero_ (Fill.cpp): fill_(0), no overlap check."""
    self._write(np.zeros((), dtype=self.dtype.np_storage))
    self._version_counter.bump()
    return self


_CASTS = {"float": dtypes.float32, "double": dtypes.float64, "half": dtypes.float16,
          "bfloat16": dtypes.bfloat16, "int": dtypes.int32, "long": dtypes.int64,
          "short": dtypes.int16, "char": dtypes.int8, "byte": dtypes.uint8,
          "bool": dtypes.bool_}

FUNCTIONS = {"fill": fill, "fill_": fill_, "zero_": zero_}
METHODS = {"copy_": copy_, "to": to, "type": type_, "fill_": fill_, "zero_": zero_,
           **{name: _to_type(d, name) for name, d in _CASTS.items()}}
OPERATORS: dict = {}
