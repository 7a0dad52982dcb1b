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
from .views import _shape_arg, expand, reshape, transpose, view


def _fmt(values):
    """An IntArrayRef as c10 prints it: [1, 2, 3]."""
    return "[" + ", ".join(str(v) for v in values) + "]"


def _alias(self: Tensor) -> Tensor:
    """self.alias() / as_strided(self.sizes(), self.strides()): a new view, same geometry."""
    return self._view(self._sizes, self._strides)


# --- *_as ------------------------------------------------------------------------------------
@declare("view_as(Tensor other)", forms="method", output="view", schema="aten::view_as")
def view_as(self: Tensor, other: Tensor):
    return view(self, tuple(other._sizes))


@declare("reshape_as(Tensor other)", forms="method", output="maybe_view",
         schema="aten::reshape_as")
def reshape_as(self: Tensor, other: Tensor):
    return reshape(self, tuple(other._sizes))


@declare("expand_as(Tensor other)", forms="method", output="view", schema="aten::expand_as")
def expand_as(self: Tensor, other: Tensor):
    return expand(self, tuple(other._sizes))


# --- transposes ------------------------------------------------------------------------------
@declare("swapaxes(Tensor input, int axis0, int axis1)", output="view",
         schema="aten::swapaxes")
def swapaxes(self: Tensor, axis0, axis1):
    return transpose(self, axis0, axis1)


@declare("swapdims(Tensor input, int dim0, int dim1)", output="view", schema="aten::swapdims")
def swapdims(self: Tensor, dim0, dim1):
    return transpose(self, dim0, dim1)


@declare(forms="attribute", output="view", schema="aten::numpy_T", name="T")
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
    return self._view(self._sizes[::-1], self._strides[::-1])


@declare(forms="attribute", output="view", schema="aten::mT")
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
         output="view", schema="aten::movedim.intlist")
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
        return _alias(self)
    order = [-1] * ndim
    for s, d in zip(nsrc, ndst):
        order[d] = s
    rest_src = iter(d for d in range(ndim) if d not in nsrc)
    for i in range(ndim):
        if order[i] == -1:
            order[i] = next(rest_src)
    return self._view([self._sizes[d] for d in order], [self._strides[d] for d in order])


moveaxis = movedim


# --- squeeze / unsqueeze / flatten / unflatten -------------------------------------------------
def _dims_to_mask(dims, ndim):
    """dim_list_to_bitset (aten/src/ATen/WrapDimUtilsMulti.h): wrap in order, refuse repeats."""
    seen = set()
    for d in dims:
        w = layout.wrap_dim(d, ndim)
        if w in seen:
            raise RuntimeError(f"dim {w} appears multiple times in the list of dims")
        seen.add(w)
    return seen


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
        chosen = _dims_to_mask(_shape_arg(dim), self.dim())
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
         schema="aten::flatten.using_ints")
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
         schema="aten::unflatten.int")
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
         schema="aten::chunk")
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
    return _split_int(self, split_size, dim)


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
        if 0 not in size:
            raise RuntimeError("numel: integer multiplication overflow")
        # torch 2.13 builds a tensor with a negative size here; refimpl cannot hold one
        raise NotImplementedError("refimpl does not model tensors with negative sizes")
    return self._view(size, stride, offset)
