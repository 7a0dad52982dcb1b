"""More view and layout ops (view_as, squeeze, unsqueeze, flatten, select, split, ...).

Every op here returns views of its input: same storage and version counter, new
geometry. Ported from aten/src/ATen/native/TensorShape.cpp (squeeze/unsqueeze
geometry, flatten, unflatten, select, unbind, split, split_with_sizes, chunk,
diagonal, movedim, numpy_T, mT, as_strided) and TensorUtils/EmptyTensor.cpp
(computeStorageNbytes, checkInBoundsForStorage).
"""
from __future__ import annotations

import warnings

from . import layout
from .registry import declare
from .tensor import Tensor
from .views import _shape_arg, alias, expand, permute, reshape, transpose, view


def _fmt(values):
    """An IntArrayRef as c10 prints it: [1, 2, 3]."""
    return "[" + ", ".join(str(v) for v in values) + "]"


# --- *_as ------------------------------------------------------------------------------------
@declare("view_as(Tensor other)", forms="method", output="view", schema="aten::view_as",
         composite=True)
def view_as(self: Tensor, other: Tensor):
    return view(self, tuple(other._sizes))


@declare("reshape_as(Tensor other)", forms="method", output="maybe_view",
         schema="aten::reshape_as", composite=True)
def reshape_as(self: Tensor, other: Tensor):
    return reshape(self, tuple(other._sizes))


@declare("expand_as(Tensor other)", forms="method", output="view", schema="aten::expand_as",
         composite=True)
def expand_as(self: Tensor, other: Tensor):
    return expand(self, tuple(other._sizes))


# --- transposes ------------------------------------------------------------------------------
@declare("swapaxes(Tensor input, int axis0, int axis1)", output="view",
         schema="aten::swapaxes", composite=True)
def swapaxes(self: Tensor, axis0, axis1):
    return transpose(self, axis0, axis1)


@declare("swapdims(Tensor input, int dim0, int dim1)", output="view", schema="aten::swapdims",
         composite=True)
def swapdims(self: Tensor, dim0, dim1):
    return transpose(self, dim0, dim1)


@declare(forms="attribute", output="view", schema="aten::numpy_T", name="T", composite=True)
def numpy_T(self: Tensor):
    """Tensor.T: reverse all dims (deprecated, with a warning, unless the tensor is 2-d)."""
    n = self.dim()
    if n == 0:
        warnings.warn("Tensor.T is deprecated on 0-D tensors. This function is the identity "
                      "in these cases.", UserWarning, stacklevel=2)
    elif n != 2:
        warnings.warn(
            "The use of `x.T` on tensors of dimension other than 2 to reverse their shape is "
            "deprecated and it will throw an error in a future release. Consider `x.mT` to "
            "transpose batches of matrices or `x.permute(*torch.arange(x.ndim - 1, -1, -1))` "
            "to reverse the dimensions of a tensor.", UserWarning, stacklevel=2)
    return permute(self, *range(n - 1, -1, -1))


@declare(forms="attribute", output="view", schema="aten::mT", composite=True)
def mT(self: Tensor):
    """Tensor.mT: transpose the last two dims; a 0-d tensor is returned itself."""
    if self.dim() == 0:
        warnings.warn("Tensor.mT is deprecated on 0-D tensors. This function is the identity "
                      "in these cases.", UserWarning, stacklevel=2)
        return self
    if self.dim() < 2:
        raise RuntimeError("tensor.mT is only supported on matrices or batches of matrices. "
                           f"Got {self.dim()}-D tensor.")
    return transpose(self, -2, -1)


@declare("movedim(Tensor input, int source, int destination)",
         "movedim(Tensor input, int[] source, int[] destination)", aliases="moveaxis",
         output="view", schema="aten::movedim.intlist", composite=True)
def movedim(self: Tensor, source, destination):
    """movedim.int / movedim.intlist: numpy.moveaxis semantics, via permute."""
    src = [source] if isinstance(source, int) else list(source)
    dst = [destination] if isinstance(destination, int) else list(destination)
    if len(src) != len(dst):
        raise RuntimeError(
            f"movedim: Invalid source or destination dims: source ({_fmt(src)} dims) should "
            f"contain the same number of dims as destination ({_fmt(dst)} dims)")
    ndim = self.dim()
    nsrc = [layout.wrap_dim(d, ndim) for d in src]
    ndst = [layout.wrap_dim(d, ndim) for d in dst]
    if len(set(nsrc)) != len(nsrc):
        raise RuntimeError(f"movedim: repeated dim in `source` ({_fmt(src)})")
    if len(set(ndst)) != len(ndst):
        raise RuntimeError(f"movedim: repeated dim in `destination` ({_fmt(dst)})")
    if ndim == 0:
        return alias(self)
    order = [-1] * ndim
    for s, d in zip(nsrc, ndst):
        order[d] = s
    rest_src = iter(d for d in range(ndim) if d not in nsrc)
    for i in range(ndim):
        if order[i] == -1:
            order[i] = next(rest_src)
    return permute(self, *order)


moveaxis = movedim


# --- squeeze / unsqueeze / flatten / unflatten -------------------------------------------------

@declare("squeeze(Tensor input)", "squeeze(Tensor input, int dim)",
         "squeeze(Tensor input, int[] dim)", output="view", schema="aten::squeeze.dims")
def squeeze(self: Tensor, *dim, **kwargs):
    """squeeze(), squeeze.dim, squeeze.dims: drop the named size-1 dims (all of them when no
    dim is given); a named dim whose size is not 1 is left alone, without an error."""
    if "dim" in kwargs:
        dim = (kwargs.pop("dim"),)
    if not dim:
        chosen = set(range(self.dim()))
    elif len(dim) == 1 and isinstance(dim[0], int):
        d = layout.wrap_dim(dim[0], self.dim())
        chosen = {d}
    else:
        chosen = set(layout.dim_list_to_bitset(_shape_arg(dim), self.dim()))
    keep = [i for i in range(self.dim()) if not (i in chosen and self._sizes[i] == 1)]
    return self._view([self._sizes[i] for i in keep], [self._strides[i] for i in keep])


@declare("unsqueeze(Tensor input, int dim)", output="view", schema="aten::unsqueeze")
def unsqueeze(self: Tensor, dim):
    """inferUnsqueezeGeometry: the new dim's stride is size * stride of the dim it precedes
    (1 at the end)."""
    d = layout.wrap_dim(dim, self.dim() + 1)
    sizes, strides = list(self._sizes), list(self._strides)
    stride = 1 if d >= self.dim() else sizes[d] * strides[d]
    sizes.insert(d, 1)
    strides.insert(d, stride)
    return self._view(sizes, strides)


@declare("flatten(Tensor input, int start_dim=0, int end_dim=-1)", output="maybe_view",
         schema="aten::flatten.using_ints", composite=True)
def flatten(self: Tensor, start_dim=0, end_dim=-1):
    """flatten.using_ints: reshape the dims start..end into one; self itself when they are
    a single dim; a 0-d tensor becomes shape [1]."""
    start = layout.wrap_dim(start_dim, self.dim())
    end = layout.wrap_dim(end_dim, self.dim())
    if start > end:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    if self.dim() == 0:
        return reshape(self, (1,))
    if start == end:
        return self
    numel = 1
    for s in self._sizes[start:end + 1]:
        numel *= s
    shape = self._sizes[:start] + (numel,) + self._sizes[end + 1:]
    return reshape(self, shape)


@declare("unflatten(Tensor input, int dim, SymInt[] sizes)", output="view", parsed=False,
         schema="aten::unflatten.int", composite=True)
def unflatten(self: Tensor, dim, sizes):
    """unflatten.int: split one dim into `sizes` (one -1 inferred); infer_size errors are
    reworded (or wrapped) by handle_unflatten_exception."""
    d = layout.wrap_dim(dim, self.dim())
    sizes = list(sizes)
    if not sizes:
        raise RuntimeError("unflatten: sizes must be non-empty")
    try:
        size = self.size(d)
        inferred = layout.infer_size(tuple(sizes), size)
    except (RuntimeError, IndexError) as e:
        if "is invalid for input of size" in str(e):
            raise RuntimeError(
                f"unflatten: Provided sizes {_fmt(sizes)} don't multiply up to the size of dim "
                f"{d} ({size}) in the input tensor") from None
        raise RuntimeError(f"unflatten got an unexpected error:\n{e}") from None
    shape = self._sizes[:d] + tuple(inferred) + self._sizes[d + 1:]
    return view(self, shape)


# --- select / unbind / split / chunk -----------------------------------------------------------
@declare("select(Tensor input, int dim, SymInt index)", output="view",
         schema="aten::select.int")
def select(self: Tensor, dim, index):
    if self.dim() == 0:
        raise IndexError("select() cannot be applied to a 0-dim tensor.")
    d = layout.wrap_dim(dim, self.dim())
    size = self._sizes[d]
    if index < -size or index >= size:
        raise IndexError(f"select(): index {index} out of range for tensor of size "
                         f"{_fmt(self._sizes)} at dimension {d}")
    if index < 0:
        index += size
    sizes = self._sizes[:d] + self._sizes[d + 1:]
    strides = self._strides[:d] + self._strides[d + 1:]
    return self._view(sizes, strides, self._offset + index * self._strides[d])


@declare("unbind(Tensor input, int dim=0)", output="view", multiple_outputs=True,
         schema="aten::unbind.int")
def unbind(self: Tensor, dim=0):
    d = layout.wrap_dim(dim, self.dim())
    return tuple(select(self, d, i) for i in range(self.size(d)))


def _slice(self: Tensor, d, start, end):
    """slice(dim, start, end) with start/end already inside [0, size] (start <= end)."""
    sizes = list(self._sizes)
    sizes[d] = end - start
    return self._view(sizes, self._strides, self._offset + start * self._strides[d])


def _split_int(self: Tensor, split_size, dim):
    if self.dim() == 0:
        raise RuntimeError("split expects at least a 1-dimensional tensor")
    if split_size < 0:
        raise RuntimeError(
            f"split expects split_size be non-negative, but got split_size={split_size}")
    d = layout.wrap_dim(dim, self.dim())
    dim_size = self._sizes[d]
    if split_size == 0 and dim_size != 0:
        raise RuntimeError("split_size can only be 0 if dimension size is 0, but got "
                           f"dimension size of {dim_size}")
    # split_size 0 on an empty dim, or split_size > dim_size: one split
    num_splits = 1 if split_size == 0 else max((dim_size + split_size - 1) // split_size, 1)
    last = split_size - (split_size * num_splits - dim_size)
    return tuple(_slice(self, d, i * split_size,
                        i * split_size + (split_size if i < num_splits - 1 else last))
                 for i in range(num_splits))


@declare("split_with_sizes(Tensor input, SymInt[] split_sizes, int dim=0)", output="view",
         multiple_outputs=True, schema="aten::split_with_sizes")
def split_with_sizes(self: Tensor, split_sizes, dim=0):
    if self.dim() == 0:
        raise RuntimeError("split expects at least a 1-dimensional tensor")
    split_sizes = list(split_sizes)
    d = layout.wrap_dim(dim, self.dim())
    dim_size = self._sizes[d]
    out, start = [], 0
    for length in split_sizes:
        if length < 0:
            raise RuntimeError("split_with_sizes expects split_sizes have only non-negative "
                               f"entries, but got split_sizes={_fmt(split_sizes)}")
        # slice clamps its bounds to the dim; the sum is checked after the loop
        lo, hi = min(start, dim_size), min(start + length, dim_size)
        out.append(_slice(self, d, lo, hi))
        start += length
    if start != dim_size:
        raise RuntimeError(
            f"split_with_sizes expects split_sizes to sum exactly to {dim_size} (input tensor's "
            f"size at dimension {dim}), but got split_sizes={_fmt(split_sizes)}")
    return tuple(out)


@declare("split(Tensor tensor, split_size_or_sections, int dim=0)", output="view",
         multiple_outputs=True, parsed=False, schema="aten::split.Tensor")
def split(self: Tensor, split_size_or_sections, dim=0):
    """Tensor.split (torch/_tensor.py): an int goes to split.Tensor, a list/tuple to
    split_with_sizes."""
    if isinstance(split_size_or_sections, int):
        return _split_int(self, split_size_or_sections, dim)
    return split_with_sizes(self, split_size_or_sections, dim)


@declare("chunk(Tensor input, int chunks, int dim=0)", output="view", multiple_outputs=True,
         schema="aten::chunk", composite=True)
def chunk(self: Tensor, chunks, dim=0):
    if self.dim() == 0:
        raise RuntimeError("chunk expects at least a 1-dimensional tensor")
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    dim_size = self.size(dim)
    split_size = (dim_size + chunks - 1) // chunks
    if split_size == 0 and dim_size == 0:
        # keep the number of chunks: that many empty pieces
        return split_with_sizes(self, [0] * chunks, dim)
    return split(self, split_size, dim)


# --- diagonal / as_strided ---------------------------------------------------------------------
@declare("diagonal(Tensor input, int offset=0, int dim1=0, int dim2=1)", output="view",
         schema="aten::diagonal")
def diagonal(self: Tensor, offset=0, dim1=0, dim2=1):
    ndim = self.dim()
    d1 = layout.wrap_dim(dim1, ndim)
    d2 = layout.wrap_dim(dim2, ndim)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    s1, s2 = self.size(d1), self.size(d2)
    if offset >= 0:
        diag_size = max(min(s1, s2 - offset), 0)
    else:
        diag_size = max(min(s1 + offset, s2), 0)
    storage_offset = self._offset
    if diag_size == 0:
        pass  # an empty diagonal keeps the offset (however far off the end `offset` is)
    elif offset >= 0:
        storage_offset += offset * self._strides[d2]
    else:
        storage_offset -= offset * self._strides[d1]
    keep = [i for i in range(ndim) if i not in (d1, d2)]
    sizes = [self._sizes[i] for i in keep] + [diag_size]
    strides = [self._strides[i] for i in keep] + [self._strides[d1] + self._strides[d2]]
    return self._view(sizes, strides, storage_offset)


@declare("as_strided(Tensor input, SymInt[] size, SymInt[] stride, SymInt? storage_offset=None)",
         output="view", schema="aten::as_strided")
def as_strided(self: Tensor, size, stride, storage_offset=None):
    """as_strided_tensorimpl + setStrided: any geometry that stays inside the storage."""
    size, stride = list(size), list(stride)
    offset = self._offset if storage_offset is None else storage_offset
    if len(size) != len(stride):
        raise RuntimeError("mismatch in length of strides and shape")
    if any(st < 0 for st in stride):
        raise RuntimeError("as_strided: Negative strides are not supported at the moment, got "
                           f"strides: {_fmt(stride)}")
    itemsize = self.dtype.itemsize
    if 0 in size:
        nbytes = 0  # computeStorageNbytes: a tensor with a 0 dim needs no storage
    else:
        if any(s < 0 and st > 0 for s, st in zip(size, stride)):
            raise RuntimeError(f"Storage size calculation overflowed with sizes={_fmt(size)} "
                               f"and strides={_fmt(stride)}")
        nbytes = (1 + sum((s - 1) * st for s, st in zip(size, stride))) * itemsize
    have = self._storage.nbytes()
    if nbytes and nbytes + offset * itemsize > have:
        raise RuntimeError(
            f"setStorage: sizes {_fmt(size)}, strides {_fmt(stride)}, storage offset {offset}, "
            f"and itemsize {itemsize} requiring a storage size of {nbytes + offset * itemsize} "
            f"are out of bounds for storage of size {have}")
    if offset < 0:
        raise RuntimeError(f"Tensor: invalid storage offset {offset}")
    if any(s < 0 for s in size):
        # numel is the product of the sizes read as uint64 (c10::safe_multiplies_u64): an
        # overflow anywhere along it is refused, even where a later size is 0
        product, overflowed = 1, False
        for s in size:
            product *= s % 2**64
            overflowed |= product >= 2**64
            product %= 2**64
        if overflowed or 0 not in size:
            raise RuntimeError("numel: integer multiplication overflow")
        # torch 2.13 builds a tensor with a negative size here; refimpl cannot hold one
        raise NotImplementedError("refimpl does not model tensors with negative sizes")
    return self._view(size, stride, offset)


# --- backward rules (tools/autograd/derivatives.yaml, FunctionsManual.cpp) -------------------
from .autograd.derivatives import derivative  # noqa: E402


@declare("select_backward(Tensor grad_output, SymInt[] input_sizes, int dim, SymInt index)",
         forms=(), parsed=False, schema="aten::select_backward")
def select_backward(grad_output: Tensor, input_sizes, dim, index):
    """TensorShape.cpp select_backward: zeros of the input's sizes, grad written into the
    selected slice."""
    out = Tensor._empty(tuple(input_sizes), grad_output.dtype)
    select(out, dim, index)._write(grad_output._values(), grad_output._undefined_mask())
    return out


@declare("diagonal_backward(Tensor grad_output, SymInt[] input_sizes, int offset, int dim1, "
         "int dim2)", forms=(), parsed=False, schema="aten::diagonal_backward")
def diagonal_backward(grad_output: Tensor, input_sizes, offset, dim1, dim2):
    """FunctionsManual.cpp diagonal_backward: zeros of the input's sizes, grad written
    into the diagonal."""
    out = Tensor._empty(tuple(input_sizes), grad_output.dtype)
    diagonal(out, offset, dim1, dim2)._write(grad_output._values(),
                                             grad_output._undefined_mask())
    return out


def _squeeze_dim(dim, kwargs):
    """What a squeeze call squeezes: None (squeeze()), an int (squeeze.dim) or a tuple of
    dims (squeeze.dims)."""
    if kwargs and "dim" in kwargs:
        d = kwargs["dim"]
    elif not dim:
        return None
    elif len(dim) == 1 and isinstance(dim[0], int):
        d = dim[0]
    else:
        d = _shape_arg(dim)
    return d if isinstance(d, int) else tuple(d)


def _squeeze_name(overload, dim, kwargs):
    d = _squeeze_dim(dim, kwargs)
    return "SqueezeBackward0" if d is None else (
        "SqueezeBackward1" if isinstance(d, int) else "SqueezeBackward2")


def _unsqueeze_to(grad, dim, kwargs, sizes):
    """FunctionsManual.cpp unsqueeze_to: a size-1 dim back where squeeze removed one."""
    d = _squeeze_dim(dim, kwargs)
    n = len(sizes)
    if d is None:
        wanted = range(n)
    elif isinstance(d, int):
        w = layout.wrap_dim(d, n)
        wanted = [w] if n else []
    else:
        wanted = sorted(layout.wrap_dim(x, n) for x in d) if n else []
    for i in wanted:
        if sizes[i] == 1:
            grad = unsqueeze(grad, i)
    return grad


def _split_with_sizes_backward(grads, split_sizes, dim, info):
    """FunctionsManual.cpp split_with_sizes_backward: outputs that got no gradient count as
    zeros; the pieces are concatenated back."""
    from .creation import zeros
    from .joining import cat
    sizes = info.sizes
    d = layout.wrap_dim(0 if dim is None else dim, len(sizes))
    parts = []
    for g, length in zip(grads, split_sizes):
        if g is None:
            shape = list(sizes)
            shape[d] = length
            g = zeros(shape, dtype=info.dtype)
        parts.append(g)
    return cat(parts, d)


def _split_backward(grads, split_size_or_sections, dim, self_info):
    """split.Tensor (SplitBackward0: split_backward) or split_with_sizes."""
    if isinstance(split_size_or_sections, int):
        sizes = self_info.sizes
        d = layout.wrap_dim(0 if dim is None else dim, len(sizes))
        n = len(grads)
        split_sizes = [split_size_or_sections] * n
        split_sizes[-1] = split_size_or_sections - (split_size_or_sections * n - sizes[d])
    else:
        split_sizes = list(split_size_or_sections)
    return _split_with_sizes_backward(grads, split_sizes, dim, self_info)


def _unbind_backward(grads, dim):
    """FunctionsManual.cpp unbind_backward: missing gradients are expanded zeros; stacked."""
    from .creation import zeros
    from .joining import stack
    first = next(g for g in grads if g is not None)
    filled = [g if g is not None else expand(zeros((), dtype=first.dtype), first._sizes)
              for g in grads]
    return stack(filled, 0 if dim is None else dim)


def _min_storage_size(sizes, strides, offset):
    """FunctionsManual.cpp _min_storage_size."""
    size = offset + 1
    for s, st in zip(sizes, strides):
        if s == 0:
            return offset
        size += (s - 1) * st
    return size


def _maybe_overlapping_memory(sizes, strides):
    """FunctionsManual.cpp _maybe_overlapping_memory: dims by increasing stride, each must
    step past everything the ones inside it reach."""
    reach = 0
    for i in sorted(range(len(sizes)), key=lambda i: strides[i]):
        if strides[i] <= reach:
            return True
        reach += strides[i] * (sizes[i] - 1)
    return False


def as_strided_input_backward(grad, self_geometry, size, stride, storage_offset):
    """FunctionsManual.cpp as_strided_backward (NOTE [ as_strided Backward and
    layout-aware/agnostic autograd ]): the view's gradient is written into a zero
    "storage" both geometries index (added up where the view overlaps itself), divided
    where the input overlaps itself by how often it reads each element, and read back
    with the input's geometry."""
    from . import dtypes
    from .conversions import copy_
    from .creation import arange, ones, zeros
    from .indexing.index_ops import index_add_
    from .reductions import sum as sum_
    in_sizes, in_strides, in_offset = self_geometry
    offset = in_offset if storage_offset is None else storage_offset
    # output geometry: size-1 dims dropped, expanded (stride-0) dims summed
    out_sizes, out_strides = [], []
    for i in range(grad.dim() - 1, -1, -1):
        if size[i] == 0:
            return zeros(in_sizes, dtype=grad.dtype)
        if size[i] == 1:
            grad = squeeze(grad, i)
        elif stride[i] == 0:
            grad = sum_(grad, i)
        else:
            out_sizes.insert(0, size[i])
            out_strides.insert(0, stride[i])
    out_overlap = _maybe_overlapping_memory(out_sizes, out_strides)
    inp_sizes, inp_strides = [], []
    for s, st in zip(reversed(in_sizes), reversed(in_strides)):
        if s == 0:
            return zeros(in_sizes, dtype=grad.dtype)
        if s != 1:
            inp_sizes.insert(0, s)
            inp_strides.insert(0, st)
    inp_overlap = _maybe_overlapping_memory(inp_sizes, inp_strides)
    shared = min(in_offset, offset)
    inp_eff, out_eff = in_offset - shared, offset - shared
    base = max(_min_storage_size(inp_sizes, inp_strides, inp_eff),
               _min_storage_size(out_sizes, out_strides, out_eff))
    storage = zeros(base, dtype=grad.dtype)
    if inp_overlap or out_overlap:
        full = arange(0, base, dtype=dtypes.int64)
    if out_overlap:
        out_indices = as_strided(full, out_sizes, out_strides, out_eff)
        index_add_(storage, 0, reshape(out_indices, (-1,)), reshape(grad, (-1,)))
    else:
        copy_(as_strided(storage, out_sizes, out_strides, out_eff), grad)
    if inp_overlap:
        count = zeros(base, dtype=grad.dtype)
        inp_indices = reshape(as_strided(full, inp_sizes, inp_strides, inp_eff), (-1,))
        index_add_(count, 0, inp_indices, expand(ones(1, dtype=grad.dtype), *inp_indices._sizes))
        storage.div_(count)   # nan outside the input's reach, which is never read
    return as_strided(storage, in_sizes, in_strides, inp_eff)


@declare("squeeze_(Tensor input, int dim)", forms=(), output="inplace", parsed=False,
         schema="aten::squeeze_.dim")
def squeeze_(self: Tensor, dim):
    """Tensor.squeeze_(dim), as matmul uses it: self's own geometry loses dim when its size
    is 1 (an in-place metadata change, which bumps the version)."""
    view = squeeze(self, dim)
    self._sizes, self._strides = view._sizes, view._strides
    self._bump_version()
    return self


derivative(squeeze_, "SqueezeBackward4",
           self=lambda grad, dim, self_sizes: _unsqueeze_to(grad, (dim,), {}, self_sizes))
derivative(squeeze, _squeeze_name,
           self=lambda grad, dim, kwargs, self_sizes:
           _unsqueeze_to(grad, dim, kwargs, self_sizes))
derivative(unsqueeze, "UnsqueezeBackward0", self=lambda grad, dim: squeeze(grad, dim))
derivative(select, "SelectBackward0",
           self=lambda grad, self_sizes, dim, index:
           select_backward(grad, self_sizes, dim, index))
derivative(select_backward, "SelectBackwardBackward0",
           grad_output=lambda grad, dim, index: select(grad, dim, index))
derivative(unbind, "UnbindBackward0", self=_unbind_backward)
derivative(split, lambda overload, split_size_or_sections: (
    "SplitBackward0" if isinstance(split_size_or_sections, int) else "SplitWithSizesBackward0"),
    self=_split_backward)
derivative(split_with_sizes, "SplitWithSizesBackward0",
           self=lambda grads, split_sizes, dim, self_info:
           _split_with_sizes_backward(grads, list(split_sizes), dim, self_info))
derivative(diagonal, "DiagonalBackward0",
           self=lambda grad, self_sizes, offset, dim1, dim2:
           diagonal_backward(grad, self_sizes, 0 if offset is None else offset,
                             0 if dim1 is None else dim1, 1 if dim2 is None else dim2))
derivative(diagonal_backward, "DiagonalBackwardBackward0",
           grad_output=lambda grad, offset, dim1, dim2: diagonal(grad, offset, dim1, dim2))
derivative(as_strided, "AsStridedBackward0",
           self=lambda grad, self_geometry, size, stride, storage_offset:
           as_strided_input_backward(grad, self_geometry, list(size), list(stride),
                                     storage_offset))
