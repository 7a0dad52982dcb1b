"""Copies and dtype conversions: copy_, to, type, float/double/half/..., fill_, fill,
zero_.

Ported from aten/src/ATen/native/Copy.cpp (copy_, copy_impl), TensorConversions.cpp
(to, _to_copy, to_will_alias), Fill.cpp (fill_, fill_out, zero_) and
torch/csrc/autograd/python_variable_methods.cpp (type, float, int, ..., dispatch_to).

Every write goes through the same value conversion as the rest of refimpl
(storage.to_dtype_array); float -> integer conversions of values the integer type
cannot hold are undefined behaviour in C++, but torch:cpu on x86-64 gives the same
result on every path, which to_dtype_array models (storage._float_to_int).
"""
from __future__ import annotations

import numpy as np

from . import dtypes, layout
from .creation import checked_scalar
from .elementwise import reads_what_it_writes, check_writable
from .registry import declare
from .tensor import Tensor
from .tensor import device as _device
from .views import (clone, contiguous_format, memory_format_strides, preserve_format,
                    suggest_memory_format)


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


def copy_checks(self: Tensor, src: Tensor):
    """copy_impl's early exits and its TensorIterator's overlap checks: whether anything
    is to be copied (False: src is self, or views of the same data)."""
    if src is self:
        return False
    if (src._storage is self._storage and src._offset == self._offset
            and src._sizes == self._sizes and src._strides == self._strides):
        return False  # views of the same data: nothing to do
    check_writable(self, [src])
    return True


def _copy_into(self: Tensor, src: Tensor):
    """copy_impl without the version bump: the early exits, then TensorIterator
    (output self, input src; overlap checks, broadcast, no resize) and the copy kernel."""
    if not copy_checks(self, src):
        return
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
    if reads_what_it_writes(self, [src]):
        undefined = np.ones(shape, dtype=bool)  # the result depends on the visiting order
    self._write(values, undefined)


@declare("copy_(Tensor other, bool non_blocking=False)",
         "copy_(Tensor other, bool async=False)|deprecated", forms="method", output="inplace",
         schema="aten::copy_")
def copy_(self: Tensor, other, non_blocking=False, **deprecated):
    """Copy other (aten's src; broadcast to self's shape, converted to self's dtype) into
    self; the version is bumped once, even when nothing is written. `deprecated` takes the
    deprecated overload's async= (non_blocking's old name, which the CPU ignores). The
    parameter has the Python signature's name, so a number given for it is a wrapped
    number to the autograd layer (an edge to nowhere)."""
    src = _scalar_to_tensor(other)
    _copy_into(self, src)
    self._bump_version()
    return self


# --- to and friends ---------------------------------------------------------------------------
@declare("_to_copy(Tensor self, *, ScalarType? dtype=None, MemoryFormat? memory_format=None)",
         forms=(), schema="aten::_to_copy")
def _to_copy(self: Tensor, dtype=None, memory_format=None):
    """_to_copy: preserve_format keeps dense strides (or infers dense ones); other
    formats allocate with at::empty(sizes, memory_format). The copy is not an
    in-place op of the user's, so the new tensor's version stays 0. Not offered to
    callers (torch has no torch._to_copy): the op that to(), type(), float(), ... record
    (ToCopyBackward0) when they copy."""
    from .autograd.recording import copy_from_below
    dtype = dtype if dtype is not None else self.dtype
    memory_format = memory_format if memory_format is not None else preserve_format
    strides = memory_format_strides(self._sizes, self._strides, memory_format)
    return copy_from_below(Tensor._empty(self._sizes, dtype, strides), self)


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


@declare("to(Device? device=None, ScalarType? dtype=None, bool non_blocking=False, bool copy=False, "
         "*, MemoryFormat? memory_format=None)",
         "to(ScalarType dtype, bool non_blocking=False, bool copy=False, *, "
         "MemoryFormat? memory_format=None)",
         "to(Tensor tensor, bool non_blocking=False, bool copy=False, *, "
         "MemoryFormat? memory_format=None)", forms="method", output="maybe_view",
         schema="aten::to.dtype", composite=True)
def to(self: Tensor, *args, dtype=None, device=None, non_blocking=False, copy=False,
       memory_format=None):
    """to(dtype, non_blocking=False, copy=False), to(other), to(device, dtype=None, ...),
    with keyword memory_format (python_variable_methods.cpp THPVariable_to)."""
    rest = list(args)
    if rest and isinstance(rest[0], Tensor):
        dtype = rest.pop(0).dtype
    elif rest and isinstance(rest[0], (str, _device)):
        _device(rest.pop(0)).check_cpu()
        if rest and isinstance(rest[0], dtypes.dtype):
            dtype = rest.pop(0)
    elif rest and isinstance(rest[0], dtypes.dtype):
        dtype = rest.pop(0)
    if device is not None:
        _device(device).check_cpu()
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


@declare("type(PyObject* dtype=None, bool non_blocking=False, *, MemoryFormat? memory_format=None)",
         "type(PyObject* dtype=None, bool async=False, *, MemoryFormat? memory_format=None)|deprecated",
         forms="method", output="maybe_view", schema="-", composite=True)
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
    return declare(f"{name}(*, MemoryFormat? memory_format=None)", forms="method",
                   output="maybe_view", schema="aten::to.dtype", composite=True)(method)


# --- fill_, fill, zero_ -----------------------------------------------------------------------
def _check_fill_value(value, op):
    if isinstance(value, (bool, int, float)):
        return
    raise TypeError(f"{op}() received an invalid combination of arguments - got "
                    f"({type(value).__name__}), but expected one of:")


def _fill_scalar(self: Tensor, value):
    """fill_out (Fill.cpp): value.to<scalar_t>() is a checked conversion (see
    creation.checked_scalar). No overlap check: filling is idempotent, so an expanded
    tensor may be filled."""
    self._write(checked_scalar(value, self.dtype, self.numel()))


def _fill_tensor(self: Tensor, value: Tensor):
    """fill_(Tensor): a 0-dim value is copied in (copy_ semantics: overlap checks, an
    unchecked conversion); a value aliasing self is cloned first."""
    if value.dim() != 0:
        raise RuntimeError(f"fill_ only supports 0-dimension value tensor but got tensor "
                           f"with {value.dim()} dimensions.")
    if value._storage is self._storage:
        value = clone(value)
    _copy_into(self, value)


def _fill_into(self: Tensor, value):
    if isinstance(value, Tensor):
        _fill_tensor(self, value)
    else:
        _check_fill_value(value, "fill_")
        _fill_scalar(self, value)
    self._bump_version()
    return self


@declare("fill(Tensor input, Tensor value)", "fill(Tensor input, Scalar value)", forms="function",
         inplace=True, inplace_function=True, schema="aten::fill.Scalar")
def fill(input: Tensor, value, *, out=None):
    """torch.fill: empty_like(input) (preserve_format), filled; fill_ fills in place."""
    if out is not None:
        return _fill_into(out, value)
    if not isinstance(value, Tensor):
        _check_fill_value(value, "fill")
    elif value.dim() != 0:
        raise RuntimeError(f"fill_ only supports 0-dimension value tensor but got tensor "
                           f"with {value.dim()} dimensions.")
    strides = layout.preserve_format_strides(input._sizes, input._strides)
    filled = Tensor._empty(input._sizes, input.dtype, strides)
    if isinstance(value, Tensor):
        _copy_into(filled, value)
    else:
        _fill_scalar(filled, value)
    return filled


@declare("zero_(Tensor input)", output="inplace", schema="aten::zero_")
def zero_(self: Tensor):
    """zero_ (Fill.cpp): fill_(0), no overlap check."""
    self._write(np.zeros((), dtype=self.dtype.np_storage))
    self._bump_version()
    return self


_CASTS = {"float": dtypes.float32, "double": dtypes.float64, "half": dtypes.float16,
          "bfloat16": dtypes.bfloat16, "int": dtypes.int32, "long": dtypes.int64,
          "short": dtypes.int16, "char": dtypes.int8, "byte": dtypes.uint8,
          "bool": dtypes.bool_}


for _name, _dtype in _CASTS.items():
    _to_type(_dtype, _name)


# --- backward rules (tools/autograd/derivatives.yaml, VariableTypeManual.cpp) ------------------
# to(), type(), float(), ... are CompositeImplicitAutograd: self itself when nothing changes
# (no node), else the _to_copy they call records ToCopyBackward0.
from .autograd.derivatives import derivative  # noqa: E402
from .elementwise import scalar_overload  # noqa: E402


def _zeros_like(grad, **kwargs):
    from .creation import zeros_like
    return zeros_like(grad, **kwargs)


# _to_copy_backward(grad, self.options()): the gradient converted back to self's dtype
derivative(_to_copy, "ToCopyBackward0", integral_untracked=True, self=lambda grad, self_info: to(grad, self_info.dtype))
# copy_ (VariableTypeManual.cpp CopyBackwards, a hand-written node): self gets zeros
# (LEGACY_CONTIGUOUS_MEMORY_FORMAT), src (`other` here) the gradient converted to its dtype
# (grad.to(src_options)), then summed to its shape by the engine; only src's options are kept
# (a hand-written node: its class is CopyBackwards, name() its C++ name); nothing is recorded
# into a self that cannot require grad (isDifferentiableType(self.scalar_type()))
derivative(copy_, "torch::autograd::CopyBackwards", float_self_only=True,
           self=lambda grad: _zeros_like(grad, memory_format=contiguous_format),
           other=lambda grad, other_info: to(grad, other_info.dtype))


def _fill_name(overload, value):
    """fill.Scalar 0, fill.Tensor 1, fill_.Scalar 2, fill_.Tensor 3 (the in-place twin is
    told by the name of the overload the parser matched: fill_)."""
    inplace = overload is not None and overload.name.endswith("_")
    return f"FillBackward{2 * inplace + (not scalar_overload(overload, 'value', value))}"


def _sum(grad):
    from .reductions import sum as sum_
    return sum_(grad)


# fill: self: zeros_like(grad); value (Tensor): grad.sum()
derivative(fill, _fill_name, input=lambda grad: _zeros_like(grad), value=lambda grad: _sum(grad))
derivative(zero_, "ZeroBackward0", self=lambda grad: _zeros_like(grad))
