"""Joining tensors (cat, concat, concatenate, stack).

Ported from aten/src/ATen/native/TensorShape.cpp (TORCH_PRECOMPUTE_META_FUNC(cat),
cat_check_no_zero_dim, legacy_cat_wrap_dim, check_cat_shape_except_dim,
compute_output_memory_format, stack, check_stack_inputs) and
c10/core/MemoryFormat.h / c10/core/TensorImpl.h (suggest_memory_format,
is_channels_last_strides_2d / _3d).
"""
from __future__ import annotations

import numpy as np

from . import dtypes, layout
from .storage import to_dtype_array
from .tensor import Tensor


def suggest_memory_format(t: Tensor) -> str:
    """TensorBase::suggest_memory_format for strided tensors."""
    if t.dim() == 4 and layout.is_channels_last_strides(t._sizes, t._strides, (1, 3, 2, 0)):
        return "channels_last"
    if t.dim() == 5 and layout.is_channels_last_strides(t._sizes, t._strides, (1, 4, 3, 2, 0)):
        return "channels_last_3d"
    return "contiguous"


def _channels_last_3d_strides(sizes):
    _, c, d, h, w = sizes
    strides = [0] * 5
    strides[1] = 1
    strides[4] = c
    strides[3] = strides[4] * w
    strides[2] = strides[3] * h
    strides[0] = strides[2] * d
    return tuple(strides)


def _strides_for(sizes, memory_format):
    if memory_format == "channels_last":
        return layout.channels_last_strides(sizes)
    if memory_format == "channels_last_3d":
        return _channels_last_3d_strides(sizes)
    return layout.contiguous_strides(sizes)


def _output_memory_format(tensors):
    """compute_output_memory_format: contiguous unless every input suggests the same
    channels-last format."""
    found = None
    for t in tensors:
        f = suggest_memory_format(t)
        if f == "contiguous":
            return f
        if found is not None and found != f:
            return "contiguous"
        found = f
    return found


def _skipped(t: Tensor) -> bool:
    """cat_should_skip_tensor: the legacy rule lets 1-d empty tensors join anything."""
    return t.dim() == 1 and t.numel() == 0


def _as_list(tensors, name):
    if isinstance(tensors, Tensor):
        raise TypeError(f"{name}(): argument 'tensors' (position 1) must be tuple of Tensors, "
                        "not Tensor")
    return list(tensors)


def cat(tensors, dim=0):
    tensors = _as_list(tensors, "cat")
    for i, t in enumerate(tensors):
        if t.dim() == 0:
            raise RuntimeError(f"zero-dimensional tensor (at position {i}) cannot be concatenated")
    # legacy_cat_wrap_dim: wrap against the first tensor that is not 1-d and empty
    for t in tensors:
        if not _skipped(t):
            dim = layout.wrap_dim(dim, t.dim())
            break
    if not tensors:
        raise ValueError("torch.cat(): expected a non-empty list of Tensors")
    memory_format = _output_memory_format(tensors)
    out_dtype = dtypes.result_type(*tensors)
    valid = next((t for t in tensors if not _skipped(t)), None)
    if valid is None:
        return Tensor._from_array(np.zeros((0,), dtype=out_dtype.np_storage), out_dtype)
    if dim > valid.dim():  # unreachable after wrapping, kept from the meta function
        raise RuntimeError(f"torch.cat(): dimension {dim}out of range")
    parts, masks, any_mask = [], [], False
    size_at_dim = 0
    for i, t in enumerate(tensors):
        if _skipped(t):
            continue
        if t.dim() != valid.dim():
            raise RuntimeError("Tensors must have same number of dimensions: got "
                               f"{valid.dim()} and {t.dim()}")
        for d in range(valid.dim()):
            if d != dim and t.shape[d] != valid.shape[d]:
                raise RuntimeError(
                    f"Sizes of tensors must match except in dimension {dim}. Expected size "
                    f"{valid.shape[d]} but got size {t.shape[d]} for tensor number {i} in the "
                    "list.")
        size_at_dim += t.shape[dim]
        parts.append(to_dtype_array(t._values(), out_dtype))
        m = t._undefined_mask()
        any_mask |= m is not None
        masks.append(np.zeros(t.shape, dtype=bool) if m is None else m)
    sizes = list(valid.shape)
    sizes[dim] = size_at_dim
    values = np.concatenate(parts, axis=dim) if parts else np.zeros(sizes, out_dtype.np_storage)
    undefined = np.concatenate(masks, axis=dim) if any_mask else None
    return Tensor._from_array(values.reshape(sizes), out_dtype,
                              _strides_for(tuple(sizes), memory_format), undefined)


def concat(tensors, dim=0):
    return cat(tensors, dim)


def concatenate(tensors, axis=0):
    return cat(tensors, axis)


def _unsqueeze(t: Tensor, d):
    sizes, strides = list(t._sizes), list(t._strides)
    stride = 1 if d >= len(sizes) else sizes[d] * strides[d]
    return t._view(sizes[:d] + [1] + sizes[d:], strides[:d] + [stride] + strides[d:])


def stack(tensors, dim=0):
    """stack (TensorShape.cpp): every tensor the same size; for dim < ndim, cat along dim
    then view with the new dim split off, else cat of the tensors unsqueezed at dim."""
    tensors = _as_list(tensors, "stack")
    if not tensors:
        raise RuntimeError("stack expects a non-empty TensorList")
    first = tensors[0]
    wrapped = layout.wrap_dim(dim, first.dim() + 1)
    for i, t in enumerate(tensors[1:], start=1):
        if t.shape != first.shape:
            raise RuntimeError(
                "stack expects each tensor to be equal size, but got "
                f"[{', '.join(map(str, first.shape))}] at entry 0 and "
                f"[{', '.join(map(str, t.shape))}] at entry {i}")
    if wrapped < first.dim():
        out = cat(tensors, wrapped)
        sizes = list(first.shape)
        sizes.insert(wrapped, len(tensors))
        strides = layout.compute_view_strides(out._sizes, out._strides, sizes)
        return Tensor(out._storage, out._offset, sizes, strides, out.dtype)
    return cat([_unsqueeze(t, wrapped) for t in tensors], wrapped)


FUNCTIONS = {"cat": cat, "concat": concat, "concatenate": concatenate, "stack": stack}
METHODS: dict = {}
OPERATORS: dict = {}
