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


def _check_device(device):
    if device is not None:
        _device(device)


def _flatten_data(data, dim=0):
    """Nested sequences -> (shape, flat list of leaves); errors as tensor_new.cpp."""
    if isinstance(data, Tensor):
        return data.shape, list(np.asarray(data.tolist()).reshape(-1).tolist()) if data.numel() else []
    if isinstance(data, (bool, int, float)):
        return (), [data]
    if not isinstance(data, (list, tuple)):
        raise TypeError(f"Could not infer dtype of {type(data).__name__}")
    if len(data) == 0:
        return (0,), []
    shapes_and_leaves = [_flatten_data(item, dim + 1) for item in data]
    first = shapes_and_leaves[0][0]
    for item, (shape, _) in zip(data, shapes_and_leaves):
        if shape != first:
            length = len(item) if isinstance(item, (list, tuple)) else None
            if length is None or not first:
                raise ValueError(f"expected sequence of length {first[0] if first else 0} "
                                 f"at dim {dim + 1} (got {length})")
            raise ValueError(f"expected sequence of length {first[0]} at dim {dim + 1} (got {length})")
    leaves = [leaf for _, ls in shapes_and_leaves for leaf in ls]
    return (len(data),) + first, leaves


def _check_fits(values, dtype):
    """Python ints that don't fit an integer dtype are rejected, as torch does."""
    if dtype.kind != "int":
        return
    lo, hi = _INT_RANGES[dtype.name]
    for v in values:
        if isinstance(v, int) and not isinstance(v, bool) and not lo <= v <= hi:
            raise RuntimeError(f"value cannot be converted to type {dtype.name} without overflow")


def _leaves_to_array(leaves, shape, dtype):
    if dtype.kind == "int":
        _check_fits(leaves, dtype)
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
    _check_device(device)
    shape, leaves = _flatten_data(data)
    if dtype is None:
        dtype = data.dtype if isinstance(data, Tensor) else dtypes.infer_scalar_dtype(leaves)
    t = Tensor._from_array(_leaves_to_array(leaves, shape, dtype), dtype)
    if requires_grad:
        t.requires_grad_(True)
    return t


def _parse_size(size):
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
    if dtype.kind == "int" and isinstance(fill_value, int) and not isinstance(fill_value, bool):
        _check_fits([fill_value], dtype)
    t = Tensor._from_array(np.full(size, fill_value), dtype)
    if requires_grad:
        t.requires_grad_(True)
    return t


def zeros(*size, dtype=None, device=None, requires_grad=False):
    sizes = size[0] if len(size) == 1 and isinstance(size[0], (list, tuple)) else size
    if any(isinstance(s, int) and s < 0 for s in sizes):
        raise RuntimeError("zeros: Dimension size must be non-negative.")
    return full(_parse_size(size), 0.0, dtype=dtype or dtypes.get_default_dtype(),
                device=device, requires_grad=requires_grad)


def ones(*size, dtype=None, device=None, requires_grad=False):
    return full(_parse_size(size), 1.0, dtype=dtype or dtypes.get_default_dtype(),
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
        t.requires_grad_(True)
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
    if dtype.kind == "int" and any(isinstance(a, float) for a in args):
        # integral aranges cast start/end/step to int64 before anything else
        start, end, step = (int(a) for a in args)
        if step == 0:
            raise ValueError("step must be nonzero")
        args = (start, end, step)
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if not ((step > 0 and end >= start) or (step < 0 and end <= start)):
        raise RuntimeError("upper bound and lower bound inconsistent with step sign")
    if dtype.kind == "int" and all(isinstance(a, int) for a in args):
        size = -((start - end) // step)  # exact integer ceil division
        values = np.array([start + i * step for i in range(size)], dtype=np.int64)
    else:
        size = math.ceil((float(end) - float(start)) / float(step))
        values = float(start) + np.arange(size, dtype=np.float64) * float(step)
    t = Tensor._from_array(values.reshape(int(size)), dtype)
    if requires_grad:
        t.requires_grad_(True)
    return t
