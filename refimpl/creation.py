"""Factory functions: tensor, arange, zeros, ones, full, eye.

dtype inference follows torch/csrc/utils/tensor_new.cpp (infer_scalar_type) and
aten/src/ATen/native/RangeFactories.cpp (arange size and errors).
"""
from __future__ import annotations

import math

import numpy as np

from . import dtypes
from .tensor import Tensor, device as _device

_INT_RANGES = {
    "uint8": (0, 255), "int8": (-128, 127), "int16": (-2**15, 2**15 - 1),
    "int32": (-2**31, 2**31 - 1), "int64": (-2**63, 2**63 - 1),
}
# the C++ type names some messages use instead of dtype names
_C_NAMES = {"uint8": "uint8_t", "int8": "int8_t", "int16": "int16_t", "int32": "int",
            "int64": "int64_t", "float16": "c10::Half", "bfloat16": "c10::BFloat16",
            "float32": "float", "float64": "double"}
_FLOAT_MAX = {"float16": 65504.0, "bfloat16": 3.3895313892515355e38,
              "float32": 3.4028234663852886e38}


def check_convertible(value, dtype, c_name=False, check_floats=()):
    """c10::checked_convert (c10/util/TypeCast.h, overflows() in TypeSafeSignMath.h):
    Python numbers going into an integer dtype must fit it; unsigned targets accept
    negative ints down to -max (they wrap). Floating targets named in check_floats
    refuse finite values beyond their range (callers differ on which they check)."""
    if isinstance(value, bool):
        return
    if dtype.kind == "float":
        limit = _FLOAT_MAX.get(dtype.name)
        ok = (dtype.name not in check_floats or limit is None or not math.isfinite(value)
              or abs(value) <= limit)
    elif dtype.kind != "int":
        return
    else:
        ok = _fits_int(value, dtype)
    if not ok:
        name = _C_NAMES[dtype.name] if c_name else dtype.name
        raise RuntimeError(f"value cannot be converted to type {name} without overflow")


def _fits_int(value, dtype):
    lo, hi = _INT_RANGES[dtype.name]
    if isinstance(value, int):
        return (-hi <= value <= hi) if dtype.name == "uint8" else (lo <= value <= hi)
    return math.isfinite(value) and lo <= value <= hi


def _check_device(device):
    if device is not None:
        _device(device)


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
        # Python ints are read as int64 before any conversion (torch/csrc/utils/python_numbers.h)
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


def tensor(data, dtype=None, device=None, requires_grad=False):
    """torch.tensor (torch/csrc/utils/tensor_new.cpp internal_new_from_data)."""
    _check_device(device)
    if isinstance(data, str):
        raise TypeError("new(): invalid data type 'str'")
    if isinstance(data, Tensor):
        t = Tensor._from_array(data._values(), dtype or data.dtype)
        return t.requires_grad_(True) if requires_grad else t
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


def full(size, fill_value, dtype=None, device=None, requires_grad=False):
    _check_device(device)
    size = _parse_size((size,) if not isinstance(size, int) else ((size,),))
    if dtype is None:
        dtype = dtypes.infer_scalar_dtype([fill_value])
    # Observed on torch 2.13 CPU: float32 fills are range-checked; float16 fills too,
    # except into a one-element tensor (fill_'s scalar fast path converts unchecked).
    checked = ("float32",) + (("float16", "bfloat16") if math.prod(size) != 1 else ())
    check_convertible(fill_value, dtype, c_name=True, check_floats=checked)
    t = Tensor._from_array(np.full(size, fill_value), dtype)
    if requires_grad:
        _factory_requires_grad(t)
    return t


def zeros(*size, dtype=None, device=None, requires_grad=False):
    sizes = size[0] if len(size) == 1 and isinstance(size[0], (list, tuple)) else size
    if any(isinstance(s, int) and s < 0 for s in sizes):
        raise RuntimeError("zeros: Dimension size must be non-negative.")
    return full(_parse_size(size), 0.0, dtype=dtype or dtypes.get_default_dtype(),
                device=device, requires_grad=requires_grad)


def ones(*size, dtype=None, device=None, requires_grad=False):
    return full(_parse_size(size, "ones"), 1.0, dtype=dtype or dtypes.get_default_dtype(),
                device=device, requires_grad=requires_grad)


def empty(*size, dtype=None, device=None, requires_grad=False):
    # values are undefined in PyTorch; refimpl fills zeros
    return zeros(*size, dtype=dtype, device=device, requires_grad=requires_grad)


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
        raise NotImplementedError('"arange_cpu" not implemented for \'Bool\'')
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
