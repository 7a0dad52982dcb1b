"""Factory functions: tensor, arange, zeros, ones, full, eye.

dtype inference follows torch/csrc/utils/tensor_new.cpp (infer_scalar_type) and
aten/src/ATen/native/RangeFactories.cpp (arange size and errors).
"""
from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from . import dtypes, views
from .device_dependence import KERNEL, depends_on, dtype_not_implemented
from .storage import to_dtype_array
from .registry import declare
from .tensor import Tensor, device as _device

def check_convertible(value, dtype, c_name=False, check_floats=()):
    """c10::checked_convert (c10/util/TypeCast.h, overflows() in TypeSafeSignMath.h):
    Python numbers going into an integer dtype must fit it; unsigned targets accept
    negative ints down to -max (they wrap). Floating targets named in check_floats
    refuse finite values beyond their range (callers differ on which they check).
    c_name: the message names the C++ type (int64_t) rather than the dtype (int64)."""
    if isinstance(value, bool):
        return
    if dtype.kind == "float":
        ok = dtype.name not in check_floats or not math.isfinite(value) or abs(value) <= dtype.max
    elif dtype.kind != "int":
        return
    else:
        ok = _fits_int(value, dtype)
    if not ok:
        name = dtype.cpp_name if c_name else dtype.name
        # made as the kernel runs (Scalar::to<T>), or as Python data is stored: not on meta
        depends_on(KERNEL, "a value converted to the dtype")
        raise RuntimeError(f"value cannot be converted to type {name} without overflow")


def checked_scalar(value, dtype, numel=None):
    """value.to<scalar_t>() as a kernel reads a Scalar argument (c10::checked_convert):
    the value in dtype's storage type (a 0-dim array), or the overflow error. The kernels
    (fill_kernel, the masked/index/scatter fills, alpha, pow's exponent, clamp's bounds)
    check float16, bfloat16 and float as well as the integer types; fill_ of a one-element
    CPU tensor (numel=1) takes scalar_fill, whose float16/bfloat16 conversion is unchecked
    (it overflows to inf) (Fill.cpp fill_out)."""
    checked = ("float32",) if numel == 1 else ("float16", "bfloat16", "float32")
    check_convertible(value, dtype, c_name=True, check_floats=checked)
    return to_dtype_array(np.array(value), dtype)


def _fits_int(value, dtype):
    lo, hi = dtype.min, dtype.max
    if isinstance(value, int):
        return (-hi <= value <= hi) if dtype.name == "uint8" else (lo <= value <= hi)
    return math.isfinite(value) and lo <= value <= hi


def _check_device(device):
    if device is not None:
        _device(device).check_cpu()


def _is_sequence(obj):
    return isinstance(obj, (list, tuple, str))


def _data_sizes(data):
    """compute_sizes (torch/csrc/utils/tensor_new.cpp): the shape comes from the first
    element at each depth; the rest is checked while storing."""
    sizes = []
    while _is_sequence(data):
        if isinstance(data, str):
            raise ValueError("too many dimensions 'str'")
        sizes.append(len(data))
        if not data:
            break
        data = data[0]
    return tuple(sizes)


def _infer_leaf_dtype(data):
    """infer_scalar_type: bool < int < float over every leaf, nested sequences included."""
    if isinstance(data, (bool, int, float)):
        return dtypes.infer_scalar_dtype([data])
    if isinstance(data, Tensor):
        return data.dtype
    if _is_sequence(data) and not isinstance(data, str):
        if not data:  # an empty sequence counts as the default float dtype
            return dtypes.get_default_dtype()
        found = [_infer_leaf_dtype(item) for item in data]
        return dtypes.infer_scalar_dtype([{"bool": True, "int": 0, "float": 0.0}[d.kind]
                                          for d in found])
    raise RuntimeError(f"Could not infer dtype of {type(data).__name__}")


def _store(data, sizes, dim, dtype, out):
    """recursive_store: every sequence must have the length the shape says."""
    if dim == len(sizes):
        if _is_sequence(data):
            if dtype.kind == "int":
                raise TypeError(f"'{type(data).__name__}' object cannot be interpreted as an integer")
            raise TypeError(f"must be real number, not {type(data).__name__}")
        out.append(data)
        return
    if not _is_sequence(data):
        raise TypeError("not a sequence")
    if len(data) != sizes[dim]:
        raise ValueError(f"expected sequence of length {sizes[dim]} at dim {dim} (got {len(data)})")
    for item in data:
        _store(item, sizes, dim + 1, dtype, out)


def _leaves_to_array(leaves, shape, dtype):
    if dtype.kind != "float" and any(
            isinstance(v, int) and not isinstance(v, bool) and not -2**63 <= v < 2**63
            for v in leaves):
        # Python ints are read as int64 before any conversion (torch/csrc/utils/python_numbers.h),
        # as the data is stored: not on meta, which stores none
        depends_on(KERNEL, "Python data stored")
        raise ValueError("Overflow when unpacking long long")
    if dtype.kind == "int":
        for v in leaves:
            check_convertible(v, dtype)
        if any(isinstance(v, float) for v in leaves):
            arr = np.array(leaves, dtype=np.float64)
        else:
            arr = np.array([int(v) for v in leaves], dtype=np.int64)
    elif dtype is dtypes.bool_:
        arr = np.array([bool(v) for v in leaves], dtype=np.bool_)
    else:
        arr = np.array([float(v) for v in leaves], dtype=np.float64)
    return arr.reshape(shape)


@declare("tensor(PyObject* data, *, ScalarType dtype=None, Device? device=None, "
         "bool pin_memory=False, bool requires_grad=False)", forms="function", creates=True,
         parsed=False, schema="-")
def tensor(data, dtype=None, device=None, requires_grad=False):
    """torch.tensor (torch/csrc/utils/tensor_new.cpp internal_new_from_data)."""
    _check_device(device)
    if isinstance(data, str):
        raise TypeError("new(): invalid data type 'str'")
    if isinstance(data, Tensor):
        # a copy of the data with no history (data.detach().clone()), a new leaf
        t = Tensor._from_array(data._values(), dtype or data.dtype)
        if requires_grad:
            _factory_requires_grad(t)
        return t
    shape = _data_sizes(data)
    if dtype is None:
        dtype = _infer_leaf_dtype(data)
    leaves = []
    if math.prod(shape) > 0:
        _store(data, shape, 0, dtype, leaves)
    t = Tensor._from_array(_leaves_to_array(leaves, shape, dtype), dtype)
    if requires_grad:
        _factory_requires_grad(t)
    return t


def _factory_requires_grad(t):
    if not t.dtype.is_floating_point:
        raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
    t.requires_grad = True


def _parse_size(size, name="zeros"):
    if not size:
        raise TypeError(f'{name}() missing 1 required positional arguments: "size"')
    if len(size) == 1 and isinstance(size[0], (list, tuple)):
        size = tuple(size[0])
    for s in size:
        if not isinstance(s, int) or isinstance(s, bool):
            raise TypeError(f"zeros(): argument 'size' must be tuple of ints, but found element of type {type(s).__name__}")
        if s < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: "
                               f"[{', '.join(str(x) for x in size)}]")
    return tuple(size)


@declare("full(SymInt[] size, Scalar fill_value, *, ScalarType? dtype=None, Device? device=None, "
         "bool requires_grad=False)", forms="function", creates=True, parsed=False,
         schema="aten::full")
def full(size, fill_value, dtype=None, device=None, requires_grad=False):
    _check_device(device)
    size = _parse_size((size,) if not isinstance(size, int) else ((size,),))
    if dtype is None:
        dtype = dtypes.infer_scalar_dtype([fill_value])
    # TensorFactories.cpp full: empty(size).fill_(fill_value)
    value = checked_scalar(fill_value, dtype, math.prod(size))
    t = Tensor._from_array(np.broadcast_to(value, size), dtype)
    if requires_grad:
        _factory_requires_grad(t)
    return t


@declare("zeros(SymInt[] size, *, ScalarType? dtype=None, Device? device=None, "
         "bool requires_grad=False)", forms="function", creates=True, parsed=False,
         schema="aten::zeros")
def zeros(*size, dtype=None, device=None, requires_grad=False):
    sizes = size[0] if len(size) == 1 and isinstance(size[0], (list, tuple)) else size
    if any(isinstance(s, int) and s < 0 for s in sizes):
        raise RuntimeError("zeros: Dimension size must be non-negative.")
    return full(_parse_size(size), 0.0, dtype=dtype or dtypes.get_default_dtype(),
                device=device, requires_grad=requires_grad)


@declare("ones(SymInt[] size, *, ScalarType? dtype=None, Device? device=None, "
         "bool requires_grad=False)", forms="function", creates=True, parsed=False,
         schema="aten::ones")
def ones(*size, dtype=None, device=None, requires_grad=False):
    return full(_parse_size(size, "ones"), 1.0, dtype=dtype or dtypes.get_default_dtype(),
                device=device, requires_grad=requires_grad)


@declare("empty(SymInt[] size, *, ScalarType? dtype=None, Device? device=None, "
         "bool requires_grad=False, MemoryFormat? memory_format=None)", forms="function",
         creates=True, parsed=False, schema="aten::empty.memory_format")
def empty(*size, dtype=None, device=None, requires_grad=False, memory_format=None):
    """torch.empty: the values are whatever the allocator hands out, so every element is
    unspecified (refimpl stores zeros, marked undefined)."""
    _check_device(device)
    size = _parse_size(size, "empty")
    dtype = dtype or dtypes.get_default_dtype()
    memory_format = memory_format or views.contiguous_format
    if memory_format is views.preserve_format:
        raise RuntimeError("unsupported memory format Preserve")
    strides = views.memory_format_strides(size, None, memory_format)
    t = Tensor._from_array(np.zeros(size), dtype, strides, np.ones(size, dtype=bool))
    if requires_grad:
        _factory_requires_grad(t)
    return t


# --- *_like (TensorFactories.cpp empty_like, then fill_) ----------------------------------------
def _like(input, values, dtype, memory_format, undefined=None):
    dtype = dtype or input.dtype
    strides = views.memory_format_strides(input._sizes, input._strides,
                                          memory_format or views.preserve_format)
    return Tensor._from_array(np.broadcast_to(np.asarray(values), input._sizes), dtype, strides,
                              undefined)


@declare("empty_like(Tensor input, *, ScalarType? dtype=None, Device? device=None, "
         "bool requires_grad=False, MemoryFormat? memory_format=None)", forms="function", parsed=False, schema="aten::empty_like")
def empty_like(input, *, dtype=None, device=None, requires_grad=False, memory_format=None):
    _check_device(device)
    t = _like(input, 0, dtype, memory_format, np.ones(input._sizes, dtype=bool))
    if requires_grad:
        _factory_requires_grad(t)
    return t


@declare("zeros_like(Tensor input, *, ScalarType? dtype=None, Device? device=None, "
         "bool requires_grad=False, MemoryFormat? memory_format=None)", forms="function", parsed=False, schema="aten::zeros_like")
def zeros_like(input, *, dtype=None, device=None, requires_grad=False, memory_format=None):
    _check_device(device)
    t = _like(input, 0, dtype, memory_format)
    if requires_grad:
        _factory_requires_grad(t)
    return t


@declare("ones_like(Tensor input, *, ScalarType? dtype=None, Device? device=None, "
         "bool requires_grad=False, MemoryFormat? memory_format=None)", forms="function", parsed=False, schema="aten::ones_like")
def ones_like(input, *, dtype=None, device=None, requires_grad=False, memory_format=None):
    _check_device(device)
    t = _like(input, 1, dtype, memory_format)
    if requires_grad:
        _factory_requires_grad(t)
    return t


@declare("full_like(Tensor input, Scalar fill_value, *, ScalarType? dtype=None, "
         "Device? device=None, bool requires_grad=False, MemoryFormat? memory_format=None)",
         forms="function", parsed=False, schema="aten::full_like")
def full_like(input, fill_value, *, dtype=None, device=None, requires_grad=False,
              memory_format=None):
    _check_device(device)
    target = dtype or input.dtype
    views.memory_format_strides(input._sizes, input._strides,  # empty_like first, then fill_
                                memory_format or views.preserve_format)
    t = _like(input, checked_scalar(fill_value, target, input.numel()), dtype, memory_format)
    if requires_grad:
        _factory_requires_grad(t)
    return t


# --- as_tensor ---------------------------------------------------------------------------------
@declare("as_tensor(PyObject* data, ScalarType? dtype=None, Device? device=None)",
         forms="function", creates=True, parsed=False, schema="-", composite=True)
def as_tensor(data, dtype=None, device=None):
    """torch.as_tensor (torch/csrc/utils/tensor_new.cpp as_tensor): a tensor is returned
    itself when no conversion is needed (same object, same storage, same history),
    otherwise converted with .to(dtype) (preserve_format strides; recorded as the
    _to_copy it is: ToCopyBackward0); other data is copied like torch.tensor."""
    _check_device(device)
    if isinstance(data, Tensor):
        if dtype is None or dtype is data.dtype:
            return data
        from .conversions import to
        return to(data, dtype)
    return tensor(data, dtype=dtype)


# --- linspace (RangeFactories.cpp linspace_out, cpu/RangeFactoriesKernel.cpp) ---------------------
def _linspace_values(start, end, steps, dtype, fused):
    """The kernel's scalar loop: start + step*i for the first half, end - step*(steps-1-i)
    for the second. Integer dtypes compute in double and truncate; float/double compute in
    their own type (fused multiply-add or not: `fused`); half/bfloat16 round every
    operation to their type."""
    half = steps // 2
    idx = range(steps)
    if dtype.kind == "int":
        step = (float(end) - float(start)) / (steps - 1)
        if fused:
            return [float(Fraction(start) + Fraction(step) * i) if i < half else
                    float(Fraction(end) - Fraction(step) * (steps - 1 - i)) for i in idx]
        return [start + step * i if i < half else end - step * (steps - 1 - i) for i in idx]
    if dtype.name in ("float16", "bfloat16"):
        def r(x):  # one c10::Half / c10::BFloat16 operation: computed in float, rounded
            return float(to_dtype_array(np.array(x, dtype=np.float32), dtype).astype(np.float32))
        s, e = r(start), r(end)
        step = r(r(e - s) / r(steps - 1))
        return [r(s + r(step * r(i))) if i < half else r(e - r(step * r(steps - 1 - i)))
                for i in idx]
    np_t = np.float32 if dtype.name == "float32" else np.float64
    s, e = np_t(start), np_t(end)
    with np.errstate(all="ignore"):
        step = np_t(np_t(e - s) / np_t(steps - 1))
        out = []
        for i in idx:
            base, n, sign = (s, i, 1) if i < half else (e, steps - 1 - i, -1)
            exact = (Fraction(float(base)) + sign * Fraction(float(step)) * n
                     if math.isfinite(base) and math.isfinite(step) else None)
            # an exact zero keeps IEEE's sign rules (-0.0 - 0.0 is -0.0), which the
            # unfused expression computes exactly; otherwise fused means one rounding
            if fused and exact is not None and exact != 0:
                out.append(float(np_t(float(exact))))
            else:
                out.append(float(np_t(base + np_t(sign) * np_t(step * np_t(n)))))
    return out


@declare("linspace(Scalar start, Scalar end, int steps, *, ScalarType? dtype=None, "
         "Device? device=None, bool requires_grad=False)", forms="function", creates=True,
         parsed=False, schema="aten::linspace")
def linspace(start, end, steps, dtype=None, device=None, requires_grad=False):
    _check_device(device)
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    dtype = dtype or dtypes.get_default_dtype()
    undefined = None
    if steps == 0:
        values = np.zeros(0)
    elif steps == 1:
        values = checked_scalar(start, dtype, numel=1).reshape(1)   # result.fill_(start)
    else:
        if dtype is dtypes.bool_:
            raise dtype_not_implemented("linspace_cpu", dtype)
        floats = ("float16", "bfloat16", "float32")
        check_convertible(start, dtype, c_name=True, check_floats=floats)
        check_convertible(end, dtype, c_name=True, check_floats=floats)
        if dtype.kind == "int":
            # Scalar::to<int>: floats truncate, negative ints wrap into unsigned types
            start, end = (int(to_dtype_array(np.array(int(v)), dtype)) for v in (start, end))
        fused = np.array(_linspace_values(start, end, steps, dtype, True))
        unfused = np.array(_linspace_values(start, end, steps, dtype, False))
        values = fused
        # Whether the compiler contracts start + step * i into a fused multiply-add is
        # up to the build (torch 2.13 CPU: fused): where it matters the value is unspecified
        a = to_dtype_array(fused, dtype).astype(np.float64)
        b = to_dtype_array(unfused, dtype).astype(np.float64)
        rtol, atol = dtypes.TOLERANCE.get(dtype.name, (0, 0))
        with np.errstate(all="ignore"):
            same = (a == b) | (np.isnan(a) & np.isnan(b)) | (np.abs(a - b) <= atol + rtol * np.abs(a))
        undefined = ~same if not same.all() else None
    t = Tensor._from_array(values.reshape(steps), dtype, undefined=undefined)
    if requires_grad:
        _factory_requires_grad(t)
    return t


@declare("eye(SymInt n, SymInt? m=None, *, ScalarType? dtype=None, Device? device=None, "
         "bool requires_grad=False)", forms="function", creates=True, parsed=False,
         schema="aten::eye.m")
def eye(n, m=None, dtype=None, device=None, requires_grad=False):
    _check_device(device)
    if m is None:
        m = n
    if n < 0:
        raise RuntimeError(f"n must be greater or equal to 0, got {n}")
    if m < 0:
        raise RuntimeError(f"m must be greater or equal to 0, got {m}")
    dtype = dtype or dtypes.get_default_dtype()
    t = Tensor._from_array(np.eye(n, m), dtype)
    if requires_grad:
        _factory_requires_grad(t)
    return t


@declare("arange(Scalar start, Scalar end, Scalar step=1, *, ScalarType? dtype=None, "
         "Device? device=None, bool requires_grad=False)", forms="function", creates=True,
         parsed=False, schema="aten::arange.start_step")
def arange(start, end=None, step=1, dtype=None, device=None, requires_grad=False):
    """RangeFactories.cpp arange_out: size = ceil((end - start) / step), computed in double."""
    _check_device(device)
    if end is None:
        start, end = 0, start
    args = (start, end, step)
    if dtype is None:
        dtype = dtypes.get_default_dtype() if any(isinstance(a, float) for a in args) else dtypes.int64
    for a in args:
        if isinstance(a, float) and not math.isfinite(a):
            raise RuntimeError(f"unsupported range: {start} -> {end}")
    if dtype is dtypes.bool_:
        raise dtype_not_implemented("arange_cpu", dtype)
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if not ((step > 0 and end >= start) or (step < 0 and end <= start)):
        raise RuntimeError("upper bound and lower bound inconsistent with step sign")
    if dtype is dtypes.int64 and any(isinstance(a, float) for a in args):
        # int64 aranges truncate their arguments before anything else (observed on
        # torch 2.13: the other integer dtypes size the result from the doubles)
        start, end, step = (int(a) for a in (start, end, step))
        if step == 0:
            raise ValueError("step must be nonzero")
        args = (start, end, step)
    if dtype.kind == "int" and all(isinstance(a, int) for a in args):
        size = -((start - end) // step)  # exact integer ceil division
        values = np.array([start + i * step for i in range(size)], dtype=np.int64)
    elif dtype.kind == "int":
        # the size comes from the double values; start and step are truncated to
        # integers for the values themselves (so a step in (-1, 1) repeats start)
        size = math.ceil((float(end) - float(start)) / float(step))
        istart, istep = int(start), int(step)
        values = np.array([istart + i * istep for i in range(size)], dtype=np.int64)
    else:
        size = math.ceil((float(end) - float(start)) / float(step))
        values = float(start) + np.arange(size, dtype=np.float64) * float(step)
    t = Tensor._from_array(values.reshape(int(size)), dtype)
    if requires_grad:
        _factory_requires_grad(t)
    return t


# --- autograd ------------------------------------------------------------------------------------
# Factories make leaves. torch.tensor(t) copies t's data without its history, and the *_like
# ops depend only on their input's shape and dtype (gen_variable_type.py
# DONT_REQUIRE_DERIVATIVE): none of them is ever recorded.
for _op in (tensor, empty_like, zeros_like, ones_like, full_like):
    _op.__declaration__.derivative = False
