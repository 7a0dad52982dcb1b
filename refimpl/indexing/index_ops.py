"""Ops taking an index vector along a dim: index_select, take, index_add_, index_copy_,
index_fill_.

Ported from:
  aten/src/ATen/native/TensorAdvancedIndexing.cpp  index_select_out_cpu_ (and its dim-1
      path), take, index_add_cpu_, index_func_meta_impl, index_copy_, index_fill_
  aten/src/ATen/native/cpu/IndexKernel.cpp  index_fill_kernel, index_copy_kernel (self
      restrided to stride 0 along dim, the index laid along it)
"""
from __future__ import annotations

import numpy as np

from .. import dtypes, layout
from ..creation import checked_scalar
from ..device_dependence import reads_data
from ..elementwise import INTERNAL_OVERLAP, has_internal_overlap
from ..shape_ops import unsqueeze
from ..storage import to_dtype_array
from ..bindings import out_like_input
from ..registry import declare
from ..tensor import Tensor
from .scatter_gather import scatter_into
from .writes import (
    accumulate_float, assert_no_overlap, iteration_order, put, sizes_str,
)


# --- index_select, take, gather, scatter ----------------------------------------------------
@declare("index_select(Tensor input, int dim, Tensor index, *, Tensor out=None)",
         schema="aten::index_select",
         out_check=out_like_input("index_select(): self and result must have the same scalar type",
                                  overlap=True), out_check_first=True)
def index_select(self: Tensor, dim, index: Tensor):
    dim = layout.wrap_dim(dim, self.dim())
    numel = index.numel()
    if index.dim() > 1:
        raise IndexError("index_select(): Index is supposed to be a vector")
    if self.dim() == 0 and numel != 1:
        raise RuntimeError(f"index_select(): Index to scalar can have only 1 value, got {numel} value(s)")
    if index.dtype not in (dtypes.int64, dtypes.int32):
        raise RuntimeError("index_select(): Expected dtype int32 or int64 for index")
    sizes = list(self._sizes)
    if self.dim() > 0:
        sizes[dim] = numel
    idx = index._values().reshape(-1).astype(np.int64)
    if self.dim() > 1 and numel and self.numel() == 0:
        size = self._sizes[dim]
        if size <= 0:
            raise RuntimeError("index_select(): self indexing axis dim should be positive")
        for i in idx:
            if not 0 <= i < size:
                reads_data("index bounds")
                raise RuntimeError(f"INDICES element is out of DATA bounds, id={int(i)} axis_dim={size}")
    size = self._sizes[dim] if self.dim() else 1
    bad = (idx < 0) | (idx >= size)
    if numel and bad.any():
        reads_data("index bounds")
        if dim == 1 and self.dim() > 1:   # index_select_out_cpu_dim1_
            raise RuntimeError(f"INDICES element is out of DATA bounds, id={int(idx[np.argmax(bad)])} "
                               f"axis_dim={size}")
        raise IndexError("index out of range in self")
    v = self._values()
    und = self._undefined_mask()
    if self.dim() == 0:
        return Tensor._from_array(v.reshape(()), self.dtype, None, und)
    out = np.take(v, idx, axis=dim).reshape(sizes)
    return Tensor._from_array(out, self.dtype, None,
                              None if und is None else np.take(und, idx, axis=dim).reshape(sizes))


@declare("take(Tensor input, Tensor index, *, Tensor out=None)", schema="aten::take",
         out_check=out_like_input("take(): self and out expected to have the same dtype, but got "
                                  "self.dtype = {input} and out.dtype = {out}", overlap=True),
         out_check_first=True)
def take(self: Tensor, index: Tensor):
    if index.dtype is not dtypes.int64:
        raise RuntimeError(f"take(): Expected a long tensor for index, but got {index.dtype.legacy_name}")
    if self.numel() == 0 and index.numel() != 0:
        raise IndexError("take(): tried to take from an empty tensor")
    strides = layout.contiguous_strides(index._sizes)   # out is allocated with index's sizes
    n = self.numel()
    idx = index._values().astype(np.int64)
    if idx.size:
        order = iteration_order(index._sizes, strides)
        flat = idx.reshape(-1)[order]
        bad = (flat < -n) | (flat >= n)
        if bad.any():
            reads_data("index bounds")
            i = int(flat[int(np.argmax(bad))])
            raise IndexError(f"out of range: tried to access index {i} on a tensor of {n} elements.")
    wrapped = np.where(idx < 0, idx + n, idx)
    flat_vals = self._values().reshape(-1)
    out = flat_vals[wrapped] if idx.size else np.zeros(idx.shape, dtype=flat_vals.dtype)
    und = self._undefined_mask()
    return Tensor._from_array(out, self.dtype, strides,
                              None if und is None or not idx.size else und.reshape(-1)[wrapped])


# --- index_add_, index_copy_, index_fill_ ----------------------------------------------------
def _index_func_checks(func, self, dim, index, source):
    numel = index.numel()
    if index.dim() > 1:
        raise IndexError(f"{func}_(): Index is supposed to be a vector, but got dim: {index.dim()} "
                         f"with type: {index.dtype.legacy_name} and size: {sizes_str(index._sizes)}")
    if index.dtype not in (dtypes.int64, dtypes.int32):
        raise RuntimeError(f"{func}_(): Expected dtype int32/int64 for index but got: "
                           f"{index.dtype.legacy_name}")
    if self.dtype is not source.dtype:
        raise RuntimeError(f"{func}_(): self ({self.dtype.legacy_name}) and source "
                           f"({source.dtype.legacy_name}) must have the same scalar type")
    if not (dim == 0 or dim < source.dim()):
        raise RuntimeError(f"{func}_(): Indexing dim {dim} is out of bounds of the source tensor "
                         f"with dim {source.dim()}")
    n = 1 if source.dim() == 0 else source._sizes[dim]
    if numel != n:
        # the message reads source.size(dim), which a 0-dim source refuses
        n = source.size(dim)
        raise RuntimeError(f"{func}_(): Number of indices ({numel}) should be equal to "
                           f"source.size(dim): ({n}), for dim: {dim}")
    ss, rs = list(self._sizes), list(source._sizes)
    if source.dim() != 0 and self.dim() != 0:
        del ss[dim]
        del rs[dim]
    if ss != rs:
        raise RuntimeError("source tensor shape must match self tensor shape, excluding the specified "
                           f"dimension. Got self.shape = {sizes_str(self._sizes)} source.shape = "
                           f"{sizes_str(source._sizes)}")


def _slices_along(t, dim, i):
    """Storage positions of t.select(dim, i) (t itself for 0-dim)."""
    if t.dim() == 0:
        return t._index_array().reshape(-1)
    return np.take(t._index_array(), i, axis=dim).reshape(-1)


@declare("index_add_(int dim, Tensor index, Tensor source, *, Scalar alpha=1)", forms="method",
         output="inplace", schema="aten::index_add_")
def index_add_(self: Tensor, dim, index: Tensor, source: Tensor, *, alpha=1):
    """index_add_cpu_ (TensorAdvancedIndexing.cpp): for dim 0 or the last dim of a tensor
    with more than one dim, with an int64 index, it is a scatter_add_ with the index expanded to the source
    (bounds errors and visiting order of the scatter kernel); otherwise one
    self.select(dim, index[i]).add_(source.select(dim, i)) per index."""
    dim = layout.wrap_dim(dim, self.dim())
    _index_func_checks("index_add", self, dim, index, source)
    if has_internal_overlap(self):
        raise RuntimeError(INTERNAL_OVERLAP)
    assert_no_overlap(self, index)
    assert_no_overlap(self, source)
    idx = index._values().reshape(-1).astype(np.int64)
    src = source
    if alpha != 1:
        scaled = source._values().astype(np.float64) * alpha if self.dtype.kind == "float" \
            else source._values().astype(np.int64) * int(alpha)
        src = Tensor._from_array(to_dtype_array(scaled, self.dtype), self.dtype)
    if self.numel() == 0 and self.dim() > 1:   # nothing to add into
        self._bump_version()
        return self
    if self.dim() > 1 and (dim == 0 or dim == self.dim() - 1) and index.dtype is dtypes.int64:
        shape = list(source._sizes)
        isz = [1] * self.dim()
        isz[dim] = idx.size
        ist = [0] * self.dim()
        ist[dim] = 1
        index_t = Tensor._from_array(idx, dtypes.int64)
        expanded = index_t._view(tuple(shape), tuple(ist)) if idx.size else \
            Tensor._from_array(np.zeros(shape, dtype=np.int64), dtypes.int64)
        if expanded.numel():
            scatter_into(self, dim, expanded, src, True, "scatter_add")
        self._bump_version()
        return self
    size = self._sizes[dim] if self.dim() else 1
    src_vals = src._values()
    error = None
    if self.dim() > 1 and self.numel() == 0:
        idx = idx[:0]   # nothing to add into: the per-index loop is skipped
    idx_pos = index._index_array().reshape(-1)
    for i in range(idx.size):
        j = int(index._storage.data[idx_pos[i]])   # read as the loop goes (index may alias self)
        if not 0 <= j < size:
            reads_data("index bounds")
            error = IndexError("index out of range in self")
            break
        pos = _slices_along(self, dim, j)
        v = np.take(src_vals, i, axis=dim).reshape(-1) if source.dim() else src_vals.reshape(-1)
        if self.dtype.kind == "float":
            accumulate_float(self, pos, v, None)
        else:
            put(self, pos, v, None, True)
    if error is not None:
        raise error
    self._bump_version()
    return self


def _restrided_order(base, dim, index, extra=()):
    """index_fill_/index_copy_ restride self to (sizes with dim -> len(index), stride 0 at
    dim) with the index along dim (as_strided: the storage must hold that geometry), and
    TensorIterator visits the elements in the order of those operands' strides.
    Returns (shape, visiting order as C-order flat numbers)."""
    n = index.numel()
    sizes = list(base._sizes)
    strides = list(base._strides)
    sizes[dim] = n
    strides[dim] = 0
    if all(sz > 0 for sz in sizes):
        need = (base._offset + 1 + sum((sz - 1) * st for sz, st in zip(sizes, strides))) * base.dtype.itemsize
        have = base._storage.nbytes()
        if need > have:
            raise RuntimeError(f"setStorage: sizes {sizes_str(sizes)}, strides {sizes_str(strides)}, "
                               f"storage offset {base._offset}, and itemsize {base.dtype.itemsize} "
                               f"requiring a storage size of {need} are out of bounds for storage "
                               f"of size {have}")
    isz = [1] * len(sizes)
    ist = [0] * len(sizes)
    isz[dim] = n
    ist[dim] = index._strides[0] if index.dim() > 0 else 1
    operands = [(tuple(sizes), tuple(strides), base.dtype.itemsize), (tuple(isz), tuple(ist), 8)]
    operands += list(extra)
    order_strides = layout.elementwise_output_strides(tuple(sizes), operands)
    return tuple(sizes), iteration_order(tuple(sizes), order_strides)


def _restrided_write(self, base, dim, index, values, allow_neg, message):
    """Visit the restrided elements in order, write values[element] at self's element
    with index[coordinate along dim]; stop at the first out-of-bounds index."""
    size = base._sizes[dim]
    idx = index._values().reshape(-1).astype(np.int64)
    shape, order = _restrided_order(base, dim, index, values[1])
    if not order.size:
        return None
    coords = np.unravel_index(order, shape)
    if index._storage is self._storage:
        return _serial_restrided_write(self, base, dim, index, values, allow_neg, message,
                                       order, coords)
    j = idx[coords[dim]]
    bad = (j < -size if allow_neg else j < 0) | (j >= size)
    error = None
    if bad.any():
        first = int(np.argmax(bad))
        reads_data("index bounds")
        error = IndexError(message(int(j[first]), size))
        order, j = order[:first], j[:first]
        coords = tuple(c[:first] for c in coords)
    j = np.where(j < 0, j + size, j)
    pos = np.full(order.shape, base._offset, dtype=np.int64)
    for d in range(len(shape)):
        pos = pos + (j if d == dim else coords[d]) * base._strides[d]
    vals = values[0].reshape(-1)[order] if values[0].ndim else np.broadcast_to(values[0], order.shape)
    put(self, pos, vals.astype(self._storage.data.dtype), None, False)
    return error


def _serial_restrided_write(self, base, dim, index, values, allow_neg, message, order, coords):
    """_restrided_write where the index shares self's storage (index_fill_(d, i, v) of an
    expand of i): the kernel reads each index when it visits it, after the writes before
    it (index_fill_kernel, IndexKernel.cpp; one thread below GRAIN_SIZE elements)."""
    size = base._sizes[dim]
    data = self._storage.data
    istride = index._strides[0] if index.dim() > 0 else 0
    vals = values[0].reshape(-1)[order] if values[0].ndim else np.broadcast_to(values[0], order.shape)
    vals = vals.astype(data.dtype)
    for k in range(order.size):
        j = int(data[index._offset + int(coords[dim][k]) * istride])
        if (j < -size if allow_neg else j < 0) or j >= size:
            return IndexError(message(j, size))
        j = j + size if j < 0 else j
        pos = base._offset + sum((j if d == dim else int(coords[d][k])) * base._strides[d]
                                 for d in range(len(coords)))
        put(self, np.array([pos], dtype=np.int64), vals[k:k + 1], None, False)
    return None


@declare("index_copy_(int dim, Tensor index, Tensor source)", forms="method", output="inplace",
         schema="aten::index_copy_")
def index_copy_(self: Tensor, dim, index: Tensor, source: Tensor):
    dim = layout.wrap_dim(dim, self.dim())
    if has_internal_overlap(self):
        raise RuntimeError(INTERNAL_OVERLAP)
    assert_no_overlap(self, index)
    assert_no_overlap(self, source)
    if index.dim() >= 2:
        raise IndexError(f"index_copy_(): Index should have dimension 1 or 0 (got {index.dim()})")
    n = index.numel()
    if source.dim() == 0 and n != 1:
        raise IndexError(f"index_copy_(): When source is scalar, index should have one element (got {n})")
    if source.dim() != self.dim() and source.dim() != 0 and self.dim() != 0:
        raise IndexError("index_copy_(): When source and destination are not scalars, their "
                         f"dimensionality must match. Source dimensionality ({source.dim()}), "
                         f"destination dimensionality ({self.dim()})")
    if index.dtype is not dtypes.int64:
        raise RuntimeError(f"index_copy_(): Expected a long tensor for index, but got {index.dtype.legacy_name}")
    if self.dtype is not source.dtype:
        raise RuntimeError("index_copy_(): self and source expected to have the same dtype, but got "
                           f"(self) {self.dtype.legacy_name} and (source) {source.dtype.legacy_name}")
    ss, rs = list(self._sizes), list(source._sizes)
    if ss:
        del ss[dim]
    if rs:
        del rs[dim]
    if ss != rs:
        raise RuntimeError("index_copy_(): Source/destination tensor must have same slice shapes. "
                           f"Destination slice shape: {' '.join(map(str, ss))} at dimension {dim} and "
                           f"source slice shape: {' '.join(map(str, rs))} at dimension 0.")
    if not (source.dim() == 0 or n == source._sizes[dim]):
        raise IndexError(f"index_copy_(): Number of indices ({n}) should be equal to "
                         f"source.size(dim) ({source._sizes[dim]})")
    base = self if self.dim() else unsqueeze(self, 0)
    src = source if source.dim() else unsqueeze(source, 0)
    error = None
    if n:
        error = _restrided_write(
            self, base, dim, index, (src._values(), [(src._sizes, src._strides, src.dtype.itemsize)]),
            False, lambda j, size: f"index_copy_(): index {j} is out of bounds for dimension {dim} "
                                   f"with size {size}")
    if error is not None:
        raise error
    self._bump_version()
    return self


@declare("index_fill_(int dim, Tensor index, Tensor value)",
         "index_fill_(int dim, Tensor index, Scalar value)", forms="method", output="inplace",
         schema="aten::index_fill_.int_Scalar")
def index_fill_(self: Tensor, dim, index: Tensor, value):
    if isinstance(value, Tensor):
        if value.dim() != 0:
            raise RuntimeError("index_fill_ only supports a 0-dimensional value tensor, but got "
                               f"tensor with {value.dim()} dimension(s).")
        value = value.item()
    if index.dtype is not dtypes.int64:
        raise IndexError("index_fill_(): Expected dtype int64 for index.")
    assert_no_overlap(self, index)
    base = self if self.dim() else unsqueeze(self, 0)
    dim = layout.wrap_dim(dim, base.dim())
    if index.dim() > 1:
        raise RuntimeError("Index has to be a vector/scalar")
    error = None
    if index.numel():
        _restrided_order(base, dim, index)   # as_strided's storage check comes first
        fill = checked_scalar(value, self.dtype)
        error = _restrided_write(
            self, base, dim, index, (np.asarray(fill), []), True,
            lambda j, size: f"index {j} is out of bounds for dimension {dim} with size {size}")
    else:
        checked_scalar(value, self.dtype)
    if error is not None:
        raise error
    self._bump_version()
    return self


# --- backward rules (tools/autograd/derivatives.yaml, FunctionsManual.cpp) -------------------
from ..autograd.formulas import maybe_multiply  # noqa: E402
from ..autograd.derivatives import derivative  # noqa: E402


def _index_select_backward(grad, self_info, dim, index):
    """FunctionsManual.cpp index_select_backward: zeros of self's sizes, grad added at the
    selected positions (duplicate indices add up)."""
    return index_add_(self_info.zeros(), dim, index, grad)


def _take_backward(grad, self, index):
    """FunctionsManual.cpp take_backward: zeros_like(self).put_(index, grad, accumulate)."""
    from ..creation import zeros_like
    return put_(zeros_like(self, dtype=grad.dtype), index, grad, True)


@declare("put_(Tensor input, Tensor index, Tensor source, bool accumulate=False)", forms=(),
         output="inplace", parsed=False, schema="aten::put_")
def put_(self: Tensor, index: Tensor, source: Tensor, accumulate=False):
    """put_ (TensorAdvancedIndexing.cpp), as take's backward uses it: source's elements
    written (or added) at the elements of self numbered in C order by index."""
    n = self.numel()
    idx = index._values().reshape(-1).astype(np.int64)
    bad = (idx < -n) | (idx >= n)
    if bad.any():
        reads_data("index bounds")
        raise IndexError(f"out of range: tried to access index {int(idx[np.argmax(bad)])} on a "
                         f"tensor of {n} elements.")
    if idx.size:
        pos = self._index_array().reshape(-1)[np.where(idx < 0, idx + n, idx)]
        vals = source._values().reshape(-1)
        if accumulate and self.dtype.kind == "float":
            accumulate_float(self, pos, vals, None)
        else:
            put(self, pos, vals.astype(self._storage.data.dtype), None, bool(accumulate))
    self._bump_version()
    return self


def _indexed_source_backward(grad, dim, index, source):
    """index_add / index_copy's source: the gradient at the rows it was written to
    (derivatives.yaml: source.dim() > 0 ? grad.index_select(dim, index).expand_as(source)
    : grad.index_select(dim, index.squeeze(0)))."""
    from ..shape_ops import squeeze
    from ..views import expand
    if source.dim() > 0:
        return expand(index_select(grad, dim, index), *source._sizes)
    return index_select(grad, dim, squeeze(index, 0))


def _index_fill_self(grad, dim, index):
    from ..views import clone
    return index_fill_(clone(grad), dim, index, 0)


def _index_fill_value(grad, dim, index):
    """derivatives.yaml index_fill.int_Tensor value: the sum of grad over the filled slices
    (each index once: at::_unique(index))."""
    from ..reductions import sum as sum_
    unique = Tensor._from_array(np.unique(index._values().reshape(-1).astype(np.int64)),
                                dtypes.int64)
    return sum_(index_select(grad, dim, unique))


derivative(index_select, "IndexSelectBackward0", self=_index_select_backward)
derivative(take, "TakeBackward0", self=_take_backward)
derivative(put_, "PutBackward0",
           self=lambda grad, index, source_info, accumulate: grad if accumulate else
           put_(grad.clone(), index, source_info.zeros(), False),
           source=lambda grad, index, source: take(grad, index).reshape_as(source))
derivative(index_add_, "IndexAddBackward0", self=lambda grad: grad,
           source=lambda grad, dim, index, source, alpha: maybe_multiply(
               _indexed_source_backward(grad, dim, index, source),
               1 if alpha is None else alpha))
derivative(index_copy_, "IndexCopyBackward0", self=_index_fill_self,
           source=_indexed_source_backward)
derivative(index_fill_, lambda overload, value: (
    "IndexFillBackward1" if isinstance(value, Tensor) else "IndexFillBackward0"),
    self=_index_fill_self, value=_index_fill_value)
