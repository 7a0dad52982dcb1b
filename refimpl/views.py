"""View ops (new geometry over the same storage) and the copies next to them.

Shape/stride rules from aten/src/ATen/native/TensorShape.cpp (view, reshape,
transpose, permute, narrow, expand) and TensorFactories.cpp (clone/empty_like).
"""
from __future__ import annotations

from . import layout
from .tensor import Tensor


def _shape_arg(shape):
    if len(shape) == 1 and isinstance(shape[0], (list, tuple)):
        return tuple(shape[0])
    return tuple(shape)


def view(self: Tensor, *shape):
    shape = layout.infer_size(_shape_arg(shape), self.numel())
    strides = layout.compute_view_strides(self._sizes, self._strides, shape)
    if strides is None:
        raise RuntimeError(
            "view size is not compatible with input tensor's size and stride (at least one "
            "dimension spans across two contiguous subspaces). Use .reshape(...) instead.")
    return self._view(shape, strides)


def reshape(self: Tensor, *shape):
    """A view when computeStride allows one, else a contiguous copy (TensorShape.cpp reshape)."""
    shape = layout.infer_size(_shape_arg(shape), self.numel())
    strides = layout.compute_view_strides(self._sizes, self._strides, shape)
    if strides is not None:
        return self._view(shape, strides)
    copy = clone(self, memory_format=contiguous_format)
    return Tensor(copy._storage, 0, shape, layout.contiguous_strides(shape), self.dtype,
                  copy._version_counter)


def transpose(self: Tensor, dim0, dim1):
    ndim = self.dim()
    d0 = layout.wrap_dim(dim0, ndim)
    d1 = layout.wrap_dim(dim1, ndim)
    if ndim == 0:
        return self._view((), ())
    sizes, strides = list(self._sizes), list(self._strides)
    sizes[d0], sizes[d1] = sizes[d1], sizes[d0]
    strides[d0], strides[d1] = strides[d1], strides[d0]
    return self._view(sizes, strides)


def t(self: Tensor):
    if self.dim() > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {self.dim()}D")
    if self.dim() < 2:
        return self._view(self._sizes, self._strides)
    return transpose(self, 0, 1)


def permute(self: Tensor, *dims):
    dims = _shape_arg(dims)
    ndim = self.dim()
    if len(dims) != ndim:
        raise RuntimeError(
            "permute(sparse_coo): number of dimensions in the tensor input does not match the "
            "length of the desired ordering of dimensions i.e. input.dim() = "
            f"{ndim} is not equal to len(dims) = {len(dims)}")
    wrapped = [layout.wrap_dim(d, ndim) for d in dims]
    if len(set(wrapped)) != len(wrapped):
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    return self._view([self._sizes[d] for d in wrapped], [self._strides[d] for d in wrapped])


def narrow(self: Tensor, dim, start, length):
    if self.dim() == 0:
        raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
    if length < 0:
        raise RuntimeError("narrow(): length must be non-negative.")
    d = layout.wrap_dim(dim, self.dim())
    cur = self._sizes[d]
    if not -cur <= start <= cur:
        raise IndexError(
            f"start out of range (expected to be in range of [{-cur}, {cur}], but got {start})")
    if start < 0:
        start += cur
    if start > cur - length:
        raise RuntimeError(
            f"start ({start}) + length ({length}) exceeds dimension size ({cur}).")
    sizes = list(self._sizes)
    sizes[d] = length
    return self._view(sizes, self._strides, self._offset + start * self._strides[d])


def _type_string(self: Tensor):
    """TensorBase::toString as these messages print it: the legacy torch.<X>Tensor name,
    or CPU<X>Type for dtypes without a legacy tensor type (bool, bfloat16)."""
    if self.dtype.name in ("bool", "bfloat16"):
        return f"CPU{self.dtype.legacy_name}Type"
    return f"torch.{self.dtype.legacy_name}Tensor"


def expand(self: Tensor, *sizes):
    """inferExpandGeometry (aten/src/ATen/ExpandUtils.cpp)."""
    sizes = _shape_arg(sizes)
    if any(s < -1 for s in sizes):
        # torch 2.13 multiplies the sizes before validating them
        raise RuntimeError("numel: integer multiplication overflow")
    ndim, tdim = len(sizes), self.dim()
    if ndim < tdim:
        raise RuntimeError(
            f"expand({_type_string(self)}{{{list(self._sizes)}}}, size=[{', '.join(map(str, sizes))}]): "
            "the number of sizes provided (%d) must be greater or equal to the number of "
            "dimensions in the tensor (%d)" % (ndim, tdim))
    out_sizes, out_strides = [0] * ndim, [0] * ndim
    for i in range(ndim - 1, -1, -1):
        offset = ndim - 1 - i
        dim = tdim - 1 - offset
        size = self._sizes[dim] if dim >= 0 else 1
        # a new leading dim continues the layout of the dim inside it (0 when none is)
        stride = self._strides[dim] if dim >= 0 else (out_sizes[i + 1] * out_strides[i + 1]
                                                       if i + 1 < ndim else 0)
        target = sizes[i]
        if target == -1:
            if dim < 0:
                raise RuntimeError(
                    f"The expanded size of the tensor (-1) isn't allowed in a leading, "
                    f"non-existing dimension {i}")
            target = size
        if size != target:
            if size != 1:
                raise RuntimeError(
                    f"The expanded size of the tensor ({target}) must match the existing size "
                    f"({size}) at non-singleton dimension {i}.  Target sizes: "
                    f"[{', '.join(map(str, sizes))}].  Tensor sizes: "
                    f"[{', '.join(map(str, self._sizes))}]")
            stride = 0
        if target < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {target}: "
                               f"[{', '.join(map(str, sizes))}]")
        out_sizes[i], out_strides[i] = target, stride
    return self._view(out_sizes, out_strides)


class memory_format:
    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return f"torch.{self.name}"


contiguous_format = memory_format("contiguous_format")
preserve_format = memory_format("preserve_format")
channels_last = memory_format("channels_last")


def memory_format_strides(self: Tensor, memory_format):
    """Strides of a new tensor like self in memory_format (empty_like's rules)."""
    if memory_format is preserve_format:
        return layout.preserve_format_strides(self._sizes, self._strides)
    if memory_format is contiguous_format:
        return layout.contiguous_strides(self._sizes)
    if memory_format is channels_last:
        if self.dim() != 4:
            raise RuntimeError("required rank 4 tensor to use channels_last format")
        return layout.channels_last_strides(self._sizes)
    raise RuntimeError(f"unsupported memory format {memory_format}")


def clone(self: Tensor, memory_format=None):
    strides = memory_format_strides(self, memory_format or preserve_format)
    return Tensor._from_array(self._values(), self.dtype, strides, self._undefined_mask())


def contiguous(self: Tensor, memory_format=None):
    memory_format = memory_format or contiguous_format
    if self.is_contiguous(memory_format):
        return self
    return clone(self, memory_format=memory_format)


def detach(self: Tensor):
    """Same storage and version counter, no autograd history (VariableTypeManual.cpp)."""
    out = Tensor(self._storage, self._offset, self._sizes, self._strides, self.dtype,
                 self._version_counter, None)
    return out


FUNCTIONS = {"reshape": reshape, "transpose": transpose, "t": t, "permute": permute,
             "narrow": narrow, "clone": clone, "detach": detach}
METHODS = {"view": view, "reshape": reshape, "transpose": transpose, "t": t,
           "permute": permute, "narrow": narrow, "expand": expand, "contiguous": contiguous,
           "clone": clone, "detach": detach}
