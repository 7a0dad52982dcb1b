"""View ops (new geometry over the same storage) and the copies next to them.

Shape/stride rules from aten/src/ATen/native/TensorShape.cpp (view, reshape,
transpose, permute, narrow, expand) and TensorFactories.cpp (clone/empty_like).
"""
from __future__ import annotations

from . import layout
from .registry import declare
from .tensor import Tensor


def _shape_arg(shape):
    if len(shape) == 1 and isinstance(shape[0], (list, tuple)):
        return tuple(shape[0])
    return tuple(shape)


@declare("view(ScalarType dtype)", "view(SymInt[] size)", forms="method", output="view",
         schema="aten::view")
def view(self: Tensor, *shape):
    shape = layout.infer_size(_shape_arg(shape), self.numel())
    strides = layout.compute_view_strides(self._sizes, self._strides, shape)
    if strides is None:
        raise RuntimeError(
            "view size is not compatible with input tensor's size and stride (at least one "
            "dimension spans across two contiguous subspaces). Use .reshape(...) instead.")
    return self._view(shape, strides)


@declare("reshape(Tensor input, SymInt[] shape)", output="maybe_view", schema="aten::reshape")
def reshape(self: Tensor, *shape):
    """A view when computeStride allows one, else a contiguous copy (TensorShape.cpp reshape)."""
    shape = layout.infer_size(_shape_arg(shape), self.numel())
    strides = layout.compute_view_strides(self._sizes, self._strides, shape)
    if strides is not None:
        return self._view(shape, strides)
    copy = clone(self, memory_format=contiguous_format)
    return Tensor(copy._storage, 0, shape, layout.contiguous_strides(shape), self.dtype,
                  copy._version_counter)


@declare("transpose(Tensor input, int dim0, int dim1)", output="view",
         schema="aten::transpose.int")
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


@declare("t(Tensor input)", output="view", schema="aten::t")
def t(self: Tensor):
    if self.dim() > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {self.dim()}D")
    if self.dim() < 2:
        return self._view(self._sizes, self._strides)
    return transpose(self, 0, 1)


@declare("permute(Tensor input, int[] dims)", output="view", schema="aten::permute")
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


@declare("narrow(Tensor input, int dim, Tensor start, SymInt length)",
         "narrow(Tensor input, int dim, SymInt start, SymInt length)", output="view",
         schema="aten::narrow")
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


@declare("expand(SymInt[] size, *, bool implicit=False)", forms="method", output="view",
         schema="aten::expand")
def expand(self: Tensor, *sizes, implicit=False):
    """inferExpandGeometry (aten/src/ATen/ExpandUtils.cpp)."""
    sizes = _shape_arg(sizes)
    if any(s < -1 for s in sizes):
        # torch 2.13 multiplies the sizes before validating them
        raise RuntimeError("numel: integer multiplication overflow")
    ndim, tdim = len(sizes), self.dim()
    if ndim < tdim:
        raise RuntimeError(
            f"expand({self._type_string()}{{{list(self._sizes)}}}, size=[{', '.join(map(str, sizes))}]): "
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
# what suggest_memory_format says of a 5-d channels-last-like tensor (refimpl does not
# offer it to callers)
channels_last_3d = memory_format("channels_last_3d")


def memory_format_strides(sizes, strides, memory_format):
    """Strides of a new tensor of `sizes` in memory_format (TensorFactories.cpp
    empty_like, c10/core/MemoryFormat.h get_channels_last_strides_2d/3d); preserve_format
    keeps the layout of `strides`, those of the tensor it is made like."""
    if memory_format is preserve_format:
        return layout.preserve_format_strides(sizes, strides)
    if memory_format is contiguous_format:
        return layout.contiguous_strides(sizes)
    if memory_format is channels_last:
        if len(sizes) != 4:
            raise RuntimeError("required rank 4 tensor to use channels_last format")
        return layout.channels_last_strides(sizes)
    if memory_format is channels_last_3d:
        if len(sizes) != 5:
            raise RuntimeError("required rank 5 tensor to use channels_last_3d format")
        return layout.channels_last_3d_strides(sizes)
    raise RuntimeError(f"unsupported memory format {memory_format}")


def suggest_memory_format(t: Tensor):
    """TensorBase::suggest_memory_format (c10/core/TensorImpl.h) of a strided tensor:
    channels_last when a 4-d tensor's strides are channels-last-like, channels_last_3d
    when a 5-d tensor's are channels-last-3d-like (even when it is also contiguous, as a
    tensor with size-1 dims can be), contiguous_format otherwise."""
    if t.dim() == 4 and layout.is_channels_last_strides(t._sizes, t._strides, (1, 3, 2, 0)):
        return channels_last
    if t.dim() == 5 and layout.is_channels_last_strides(t._sizes, t._strides, (1, 4, 3, 2, 0)):
        return channels_last_3d
    return contiguous_format


@declare("clone(Tensor input, *, MemoryFormat? memory_format=None)", schema="aten::clone")
def clone(self: Tensor, memory_format=None):
    strides = memory_format_strides(self._sizes, self._strides, memory_format or preserve_format)
    return Tensor._from_array(self._values(), self.dtype, strides, self._undefined_mask())


@declare("contiguous(*, MemoryFormat memory_format=contiguous_format)", forms="method",
         output="maybe_view", schema="aten::contiguous")
def contiguous(self: Tensor, memory_format=None):
    memory_format = memory_format or contiguous_format
    if self.is_contiguous(memory_format):
        return self
    return clone(self, memory_format=memory_format)


@declare("detach(Tensor input)", output="view", schema="aten::detach")
def detach(self: Tensor):
    """Same storage and version counter, no autograd history (VariableTypeManual.cpp)."""
    out = Tensor(self._storage, self._offset, self._sizes, self._strides, self.dtype,
                 self._version_counter, None)
    out._is_inference = self._is_inference
    return out


detach.__declaration__.derivative = False  # never recorded: the point of detach


# --- backward rules (tools/autograd/derivatives.yaml) ------------------------------------------
from .autograd.recording import derivative  # noqa: E402

derivative(view, "ViewBackward0", self=lambda grad, self: reshape(grad, self._sizes))
derivative(transpose, "TransposeBackward0",
           self=lambda grad, dim0, dim1: transpose(grad, dim0, dim1))
derivative(t, "TBackward0", self=lambda grad: t(grad))
derivative(clone, "CloneBackward0", self=lambda grad: grad)
