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
         schema="aten::view", composite=True)
def view(self: Tensor, *shape):
    """Tensor.view: view.dtype or view(size), two aten ops with their own autograd."""
    from .dtypes import dtype as _dtype
    if len(shape) == 1 and isinstance(shape[0], _dtype):
        return view_dtype(self, shape[0])
    return view_size(self, *shape)


@declare("view(Tensor input, SymInt[] size)", forms=(), output="view", parsed=False,
         schema="aten::view", name="view.size")
def view_size(self: Tensor, *shape):
    shape = layout.infer_size(_shape_arg(shape), self.numel())
    strides = layout.compute_view_strides(self._sizes, self._strides, shape)
    if strides is None:
        raise RuntimeError(
            "view size is not compatible with input tensor's size and stride (at least one "
            "dimension spans across two contiguous subspaces). Use .reshape(...) instead.")
    return self._view(shape, strides)


@declare("view(Tensor input, ScalarType dtype)", forms=(), parsed=False,
         schema="aten::view.dtype", name="view.dtype")
def view_dtype(self: Tensor, dtype):
    """view.dtype: the same memory read as another dtype. Its output is not differentiable
    (derivatives.yaml output_differentiability: [False]): torch makes it a
    non-differentiable view, with the input's version counter but no _base and no
    history."""
    if dtype is not self.dtype:
        raise NotImplementedError("refimpl does not model reinterpreting a tensor's memory as "
                                  "another dtype")
    out = Tensor(self._storage, self._offset, self._sizes, self._strides, self.dtype,
                 self._version_counter, None)
    out._is_inference = self._is_inference
    return out


view_dtype.__declaration__.derivative = False


@declare("reshape(Tensor input, SymInt[] shape)", output="maybe_view", schema="aten::reshape",
         composite=True)
def reshape(self: Tensor, *shape):
    """A view when computeStride allows one, else _unsafe_view of a contiguous clone
    (TensorShape.cpp reshape_symint): of a contiguous tensor, view (ViewBackward0); of
    another, _reshape_alias (ReshapeAliasBackward0); else UnsafeViewBackward0 after
    CloneBackward0."""
    shape = layout.infer_size(_shape_arg(shape), self.numel())
    if self.is_contiguous():
        return view(self, shape)
    strides = layout.compute_view_strides(self._sizes, self._strides, shape)
    if strides is not None:
        return _reshape_alias(self, shape, strides)
    return _unsafe_view(clone(self, memory_format=contiguous_format), shape)


@declare("_reshape_alias(Tensor input, SymInt[] size, SymInt[] stride)", forms=(), parsed=False,
         output="view", schema="aten::_reshape_alias")
def _reshape_alias(self: Tensor, size, stride):
    """The view reshape makes of a non-contiguous tensor, with the strides it computed."""
    return self._view(tuple(size), tuple(stride))


@declare("_unsafe_view(Tensor input, SymInt[] size)", forms=(), parsed=False,
         schema="aten::_unsafe_view")
def _unsafe_view(self: Tensor, size):
    """A tensor over self's memory that autograd does not treat as a view (self is a
    temporary no one else sees: reshape's contiguous clone)."""
    shape = layout.infer_size(tuple(size), self.numel())
    return Tensor(self._storage, self._offset, shape, layout.contiguous_strides(shape),
                  self.dtype, self._version_counter)


@declare("alias(Tensor input)", forms=(), output="view", parsed=False, schema="aten::alias")
def alias(self: Tensor):
    """A new view with self's geometry (x[...], movedim of a 0-d tensor): AliasBackward0."""
    return self._view(self._sizes, self._strides, self._offset)


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
         schema="aten::narrow", composite=True)
def narrow(self: Tensor, dim, start, length):
    """narrow / narrow.Tensor: a slice (CompositeImplicitAutograd: SliceBackward0)."""
    if isinstance(start, Tensor):
        start = int(start.item())
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
    return slice_tensor(self, d, start, start + length, 1)


@declare("slice(Tensor input, int dim=0, SymInt? start=None, SymInt? end=None, SymInt step=1)",
         forms=(), output="view", parsed=False, schema="aten::slice.Tensor", name="slice")
def slice_tensor(self: Tensor, dim=0, start=None, end=None, step=1):
    """at::slice (TensorShape.cpp slice): start/end wrapped once and clamped to the dim."""
    if self.dim() == 0:
        raise IndexError("slice() cannot be applied to a 0-dim tensor.")
    if step <= 0:
        raise RuntimeError("slice step must be positive")
    d = layout.wrap_dim(dim, self.dim())
    size = self._sizes[d]
    start = 0 if start is None else start
    end = size if end is None else end
    if start < 0:
        start += size
    if end < 0:
        end += size
    start = min(max(start, 0), size)
    end = min(max(end, start), size)
    sizes, strides = list(self._sizes), list(self._strides)
    sizes[d] = (end - start + step - 1) // step
    strides[d] *= step
    return self._view(sizes, strides, self._offset + start * self._strides[d])


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
    """clone (TensorFactories.cpp): empty_like(self, memory_format), then copy_."""
    from .autograd.recording import copy_from_below
    strides = memory_format_strides(self._sizes, self._strides, memory_format or preserve_format)
    return copy_from_below(Tensor._empty(self._sizes, self.dtype, strides), self)


@declare("contiguous(*, MemoryFormat memory_format=contiguous_format)", forms="method",
         output="maybe_view", schema="aten::contiguous", composite=True)
def contiguous(self: Tensor, memory_format=None):
    """self itself when already contiguous in memory_format, else a clone (CloneBackward0)."""
    memory_format = memory_format or contiguous_format
    if self.is_contiguous(memory_format):
        return self
    return clone(self, memory_format=memory_format)


@declare("detach(Tensor input)", output="view", schema="aten::detach")
def detach(self: Tensor):
    """Same storage and version counter, no autograd history (VariableTypeManual.cpp).
    Outside inference mode, detaching an inference tensor gives an inference tensor with a
    version counter of its own (torch 2.13)."""
    from .autograd.grad_mode import MODE
    fresh = self._is_inference and not MODE.inference
    out = Tensor(self._storage, self._offset, self._sizes, self._strides, self.dtype,
                 None if fresh else self._version_counter, None)
    out._is_inference = self._is_inference
    return out


detach.__declaration__.derivative = False  # never recorded: the point of detach


# --- backward rules (tools/autograd/derivatives.yaml) ------------------------------------------
from .autograd.formulas import sum_to  # noqa: E402
from .autograd.derivatives import derivative  # noqa: E402


def _permute_backward(grad, dims):
    """FunctionsManual.cpp permute_backwards: permute by the inverse permutation."""
    dims = _shape_arg(dims or ())
    n = len(dims)
    inverse = [0] * n
    for i, d in enumerate(dims):
        inverse[layout.wrap_dim(d, n)] = i
    return permute(grad, *inverse)


def _slice_backward_wrapper(grad, sizes, dim, start, end, step):
    """FunctionsManual.cpp slice_backward_wrapper: absent bounds are 0 and INT64_MAX."""
    return slice_backward(grad, sizes, dim, 0 if start is None else start,
                          (1 << 63) - 1 if end is None else end, step)


@declare("slice_backward(Tensor grad_output, SymInt[] input_sizes, int dim, SymInt start, "
         "SymInt end, SymInt step)", forms=(), parsed=False, schema="aten::slice_backward")
def slice_backward(grad_output: Tensor, input_sizes, dim, start, end, step):
    """TensorShape.cpp slice_backward: zeros of the input's sizes, grad written into the slice."""
    out = Tensor._empty(tuple(input_sizes), grad_output.dtype)
    slice_tensor(out, dim, start, end, step)._write(grad_output._values(),
                                                    grad_output._undefined_mask())
    return out


derivative(view_size, "ViewBackward0",
           self=lambda grad, self_sizes: reshape(grad, self_sizes))
derivative(_reshape_alias, "ReshapeAliasBackward0",
           self=lambda grad, self_sizes: reshape(grad, self_sizes))
derivative(_unsafe_view, "UnsafeViewBackward0",
           self=lambda grad, self_sizes: reshape(grad, self_sizes))
derivative(alias, "AliasBackward0", self=lambda grad: grad)
derivative(transpose, "TransposeBackward0",
           self=lambda grad, dim0, dim1: transpose(grad, dim0, dim1))
derivative(t, "TBackward0", self=lambda grad: t(grad))
derivative(permute, "PermuteBackward0", self=_permute_backward)
derivative(slice_tensor, "SliceBackward0",
           self=lambda grad, self_sizes, dim, start, end, step:
           _slice_backward_wrapper(grad, self_sizes, 0 if dim is None else dim, start, end,
                                   1 if step is None else step))
derivative(slice_backward, "SliceBackwardBackward0",
           grad_output=lambda grad, dim, start, end, step:
           slice_tensor(grad, dim, start, end, step))
derivative(expand, "ExpandBackward0",
           self=lambda grad, self_sizes: sum_to(grad, self_sizes))
derivative(clone, "CloneBackward0", self=lambda grad: grad)
