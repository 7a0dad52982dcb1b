"""Advanced indexing: at::index (tensor[index tensors]) and index_put_ / index_put.

Ported from:
  aten/src/ATen/native/TensorAdvancedIndexing.cpp  make_info, AdvancedIndex (restride_src,
      reshape_indexer), index, _index_put_impl_ (canDispatchToMaskedFill), index_put
  aten/src/ATen/native/IndexingUtils.h / TensorIndexing.cpp  expandTensors,
      hasContiguousSubspace, transposeToFront
  aten/src/ATen/native/cpu/IndexKernel.cpp  cpu_index_kernel (is_constant_index)

Where the advanced-index dimensions land (make_info): the index tensors are broadcast
together; if the indexed dims are adjacent the broadcast index shape replaces them in
place, otherwise (separated by a slice/None/...) self is transposed so the indexed dims
come first, and the index shape lands at the front of the result.
"""
from __future__ import annotations

import numpy as np

from .. import dtypes, layout, views
from ..device_dependence import reads_data
from ..storage import to_dtype_array
from ..shape_ops import unsqueeze
from ..registry import declare
from ..tensor import Tensor
from .masked import _masked_fill_into, nonzero
from .writes import assert_no_overlap, iteration_order, put, sizes_str, write_at

INDEX_DTYPES = (dtypes.int64, dtypes.int32, dtypes.uint8, dtypes.bool_)


# --- advanced indexing (at::index, index_put_) ------------------------------------------------
def _check_index_types(indices):
    for t in indices:
        if t is not None and t.dtype not in INDEX_DTYPES:
            raise IndexError("tensors used as indices must be long, int, byte or bool tensors")


def _expand_tensors(src, indices):
    """expandTensors: each mask becomes one int64 index per mask dim (columns of nonzero)."""
    out = []
    for t in indices:
        if t is None:
            out.append(None)
        elif t.dtype in (dtypes.bool_, dtypes.uint8):
            for j in range(t.dim()):
                src_idx = len(out) + j
                if t._sizes[j] != src.size(src_idx):
                    raise IndexError(
                        f"The shape of the mask {sizes_str(t._sizes)} at index {j} does not match "
                        f"the shape of the indexed tensor {sizes_str(src._sizes)} at index {src_idx}")
            nz = nonzero(t)
            for j in range(t.dim()):
                out.append(nz._view((nz._sizes[0],), (nz._strides[0],), nz._offset + j * nz._strides[1]))
        else:
            out.append(t)
    return out


class AdvancedIndex:
    """make_info + AdvancedIndex: src restrided so the indexed dims become the broadcast
    index shape with stride 0, and the index tensors reshaped to line up with it."""

    def __init__(self, src: Tensor, indices):
        _check_index_types(indices)
        indices = _expand_tensors(src, indices)
        defined = [t for t in indices if t is not None]
        try:
            shape = layout.broadcast_shapes(*[t._sizes for t in defined])
        except RuntimeError:
            raise IndexError("shape mismatch: indexing tensors could not be broadcast together "
                             "with shapes " + ", ".join(sizes_str(t._sizes) for t in defined)) from None
        indices = [None if t is None else (t if t._sizes == shape else views.expand(t, *shape))
                   for t in indices]
        while len(indices) < src.dim():
            indices.append(None)
        pos = [i for i, t in enumerate(indices) if t is not None]
        if pos != list(range(pos[0], pos[-1] + 1)):   # hasContiguousSubspace
            order = pos + [i for i, t in enumerate(indices) if t is None]   # transposeToFront
            src = views.permute(src, *order)
            indices = [indices[i] for i in pos] + [None] * (len(indices) - len(pos))
        indices = [t if t is None or t.dtype is not dtypes.int32 else
                   Tensor._from_array(t._values().astype(np.int64), dtypes.int64,
                                      layout.preserve_format_strides(t._sizes, t._strides))
                   for t in indices]
        before = after = 0
        self.indexed_sizes, self.indexed_strides, self.values = [], [], []
        for d, t in enumerate(indices):
            if t is None:
                if self.indexed_sizes:
                    after += 1
                else:
                    before += 1
            else:
                self.indexed_sizes.append(src._sizes[d])
                self.indexed_strides.append(src._strides[d])
        if 0 in self.indexed_sizes and 0 not in shape:
            raise IndexError("index is out of bounds for dimension with size 0")
        n = len(self.indexed_sizes)
        out_sizes = src._sizes[:before] + tuple(shape) + src._sizes[before + n:]
        out_strides = src._strides[:before] + (0,) * len(shape) + src._strides[before + n:]
        self.src = src._view(out_sizes, out_strides, src._offset)
        self.shape = out_sizes
        self.indices = []
        for t in indices:
            if t is not None:
                new = (1,) * before + tuple(shape) + (1,) * after
                st = layout.compute_view_strides(t._sizes, t._strides, new)
                self.indices.append(t._view(new, st) if st is not None
                                    else Tensor._from_array(t._values().reshape(new), t.dtype))
        self.before = before

    def operands(self, itemsize):
        return [(self.src._sizes, self.src._strides, itemsize)] + [
            (t._sizes, t._strides, 8) for t in self.indices]

    def positions_and_errors(self, order_strides):
        """Storage position each element reads/writes, and the first out-of-bounds index
        met in TensorIterator order (element order by order_strides, then index order)."""
        pos = self.src._index_array()
        bad_any = np.zeros(self.shape, dtype=bool)
        bads = []
        for t, size, stride in zip(self.indices, self.indexed_sizes, self.indexed_strides):
            v = np.broadcast_to(t._values().astype(np.int64), self.shape)
            bad = (v < -size) | (v >= size)
            bads.append((bad, v, size))
            bad_any |= bad
            pos = pos + np.where(v < 0, v + size, v) * stride if not bad.any() else \
                pos + np.where(bad, 0, np.where(v < 0, v + size, v)) * stride
        order = iteration_order(self.shape, order_strides)
        error, first = None, None
        if bad_any.any():
            reads_data("index bounds")
            flat_bad = bad_any.reshape(-1)[order]
            first = int(np.argmax(flat_bad))
            e = order[first]
            for i, (bad, v, size) in enumerate(bads):
                if bad.reshape(-1)[e]:
                    error = IndexError(f"index {int(v.reshape(-1)[e])} is out of bounds for "
                                       f"dimension {i} with size {size}")
                    break
        return pos, order, first, error


def advanced_index(self: Tensor, indices):
    """at::index: a new tensor laid out by TensorIterator over (src, indices...)."""
    indices = list(indices)
    if len(indices) > self.dim():
        raise IndexError(f"too many indices for tensor of dimension {self.dim()} "
                         f"(got {len(indices)})")
    info = AdvancedIndex(self, indices)
    shape = info.shape
    strides = layout.elementwise_output_strides(shape, info.operands(self.dtype.itemsize))
    pos, _order, _first, error = info.positions_and_errors(strides)
    if error is not None:
        raise error
    data = self._storage.data
    values = data[pos] if pos.size else np.zeros(shape, dtype=data.dtype)
    undefined = None
    if self._storage.undefined is not None and pos.size:
        undefined = self._storage.undefined[pos]
    return Tensor._from_array(values, self.dtype, strides, undefined)


index = declare("index(Tensor input, Tensor?[] indices)", forms=(), parsed=False,
                schema="aten::index.Tensor")(advanced_index)
index.__doc__ = "at::index (x[index tensors] after basic indexing): IndexBackward0."


def _can_dispatch_to_masked_fill(self, indices, value):
    if value.numel() != 1:
        return None
    num_ind = 0
    mask = None
    for t in indices:
        if t is None:
            num_ind += 1
            continue
        if t.dtype not in (dtypes.bool_, dtypes.uint8) or mask is not None:
            return None
        mask = t
        for j in range(t.dim()):
            src_idx = num_ind + j
            if t._sizes[j] != self.size(src_idx):
                raise IndexError(
                    f"The shape of the mask {sizes_str(t._sizes)} at index {j} does not match the "
                    f"shape of the indexed tensor {sizes_str(self._sizes)} at index {src_idx}")
        num_ind += t.dim()
    if mask is None:
        return None
    for _ in range(num_ind, self.dim()):
        mask = unsqueeze(mask, mask.dim())
    return mask


def index_put_(self: Tensor, indices, values, accumulate=False):
    """_index_put_impl_ (TensorAdvancedIndexing.cpp) on CPU."""
    indices = list(indices)
    if len(indices) > self.dim():
        raise IndexError(f"too many indices for tensor of dimension {self.dim()} "
                         f"(got {len(indices)})")
    if not accumulate:
        mask = _can_dispatch_to_masked_fill(self, indices, values)
        if mask is not None:
            return _masked_fill_into(self, mask, values.item())
    assert_no_overlap(self, values)
    for t in indices:
        if t is not None:
            assert_no_overlap(self, t)
    info = AdvancedIndex(self, indices)
    shape = info.shape
    try:
        layout.broadcast_all([shape, values._sizes])
        ok = layout.broadcast_all([shape, values._sizes]) == tuple(shape) and values.dim() <= len(shape)
    except RuntimeError:
        ok = False
    if not ok:
        raise RuntimeError(f"shape mismatch: value tensor of shape {sizes_str(values._sizes)} cannot "
                           f"be broadcast to indexing result of shape {sizes_str(shape)}")
    if values.dtype is not self.dtype:
        raise RuntimeError(
            "Index put requires the source and destination dtypes match, got "
            f"{self.dtype.legacy_name} for the destination and {values.dtype.legacy_name} for the source.")
    operands = info.operands(self.dtype.itemsize)
    operands.insert(1, (values._sizes, values._strides, values.dtype.itemsize))
    order_strides = layout.elementwise_output_strides(shape, operands)
    if any(t._storage is self._storage for t in info.indices) or values._storage is self._storage:
        # an overlap too hard to refuse: the kernel reads each element's indices and value
        # just before writing it, so earlier writes can change later reads
        _index_put_sequential(self, info, values, order_strides, accumulate)
        self._bump_version()
        return self
    pos, order, first, error = info.positions_and_errors(order_strides)
    n_ok = len(order) if error is None else first
    chosen = order[:n_ok]
    flat_pos = pos.reshape(-1)[chosen]
    vals = np.broadcast_to(values._values(), shape).reshape(-1)[chosen]
    vund = values._undefined_mask()
    vund = None if vund is None else np.broadcast_to(vund, shape).reshape(-1)[chosen]
    put(self, flat_pos, vals, vund, accumulate)
    if error is not None:
        raise error
    self._bump_version()
    return self


def _index_put_sequential(self, info, values, order_strides, accumulate):
    shape = info.shape
    order = iteration_order(shape, order_strides)
    base = info.src._index_array().reshape(-1)
    idx_pos = [np.broadcast_to(t._index_array(), shape).reshape(-1) for t in info.indices]
    val_pos = np.broadcast_to(values._index_array(), shape).reshape(-1) if values.numel() else None
    data = self._storage.data
    # cpu_index_kernel (aten/src/ATen/native/cpu/IndexKernel.cpp): when every index is
    # constant along the inner loop (is_constant_index), it is read once per inner loop;
    # otherwise once per element. Either way it is read from memory earlier writes changed.
    inner = min((d for d in range(len(shape)) if shape[d] > 1),
                key=lambda d: order_strides[d], default=None)
    constant = inner is not None and all(
        np.all(np.diff(pos.reshape(shape), axis=inner) == 0) for pos in idx_pos)
    coords = np.indices(shape).reshape(len(shape), -1)[inner] if constant else None
    current = None
    for e in order.tolist():
        p = int(base[e])
        if current is None or not constant or coords[e] == 0:
            current = [int(t._storage.data[idx_pos[k][e]]) for k, t in enumerate(info.indices)]
        for k, t in enumerate(info.indices):
            v = current[k]
            size = info.indexed_sizes[k]
            if not -size <= v < size:
                reads_data("index bounds")
                raise IndexError(f"index {v} is out of bounds for dimension {k} with size {size}")
            p += (v + size if v < 0 else v) * info.indexed_strides[k]
        v = values._storage.data[val_pos[e]]
        if accumulate:
            with np.errstate(all="ignore"):
                if self.dtype.kind == "bool":
                    v = np.bool_(data[p]) | np.bool_(v)
                elif self.dtype.kind == "int":
                    v = to_dtype_array(np.array([data[p]], dtype=np.int64) + np.array([v], dtype=np.int64),
                                       self.dtype)[0]
                else:
                    v = to_dtype_array(np.array(np.float64(data[p]) + np.float64(v)), self.dtype)
        write_at(self, np.array([p]), np.array([v]).astype(data.dtype))


@declare("index_put(Tensor input, Tensor?[] indices, Tensor values, bool accumulate=False)",
         forms="function method", inplace=True, inplace_function=True, schema="aten::index_put")
def index_put(input: Tensor, indices, values, accumulate=False, *, out=None):
    """index_put_ writes into out (self); index_put into a clone."""
    if out is not None:
        return index_put_(out, list(indices), values, accumulate)
    result = index_put_(views.clone(input), list(indices), values, accumulate)
    result._version_counter.value = 0  # a new tensor: the write is not the user's
    return result


# --- backward rules (tools/autograd/derivatives.yaml) ------------------------------------------
from ..autograd.derivatives import derivative  # noqa: E402


@declare("_index_put_impl_(Tensor input, Tensor?[] indices, Tensor values, bool accumulate=False, "
         "bool unsafe=False)", forms=(), output="inplace", parsed=False,
         schema="aten::_index_put_impl_")
def _index_put_impl_(self: Tensor, indices, values, accumulate=False, unsafe=False):
    """The kernel behind index_put_, as index's backward calls it (IndexPutImplBackward0)."""
    return index_put_(self, list(indices), values, accumulate)


def _index_backward(grad, self_info, indices):
    """FunctionsManual.cpp index_backward: zeros of self's sizes with grad accumulated at
    the indexed positions (duplicate indices add up): _index_put_impl_ in place."""
    return _index_put_impl_(self_info.zeros(), list(indices), grad, True, True)


def _index_put_self_backward(grad, indices, values_info, accumulate):
    """index_put: with accumulate the written positions keep their gradient; without, the
    values replaced self's elements there, so self gets none at them."""
    if accumulate:
        return grad
    return index_put(grad, list(indices), values_info.zeros(), False)


derivative(index, "IndexBackward0", self=_index_backward)
derivative(_index_put_impl_, "IndexPutImplBackward0", self=_index_put_self_backward,
           values=lambda grad, indices: index(grad, list(indices)))
derivative(index_put, "IndexPutBackward0", input=_index_put_self_backward,
           values=lambda grad, indices: index(grad, list(indices)))
