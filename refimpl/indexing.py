"""Indexing: __getitem__, __setitem__, index_* ops, masked ops, gather/scatter.

Ported from:
  torch/csrc/autograd/python_variable_indexing.cpp  THPVariable_getitem/setitem, wrapTuple,
      treatSequenceAsTuple, count_specified_dimensions, valueToTensor, applySlicing
  aten/src/ATen/TensorIndexing.h  handleDimInMultiDimIndexing, applySelect, applySlice,
      boolToIndexingTensor, recordTensorIndex, copy_to, set_item, slicePrefix1sSize
  aten/src/ATen/native/TensorAdvancedIndexing.cpp  make_info, AdvancedIndex (restride_src,
      reshape_indexer), index, _index_put_impl_ (canDispatchToMaskedFill), index_select,
      masked_fill, masked_select, masked_scatter_, gather/scatter, take, index_add/copy/fill
  aten/src/ATen/native/IndexingUtils.h / TensorIndexing.cpp  expandTensors,
      hasContiguousSubspace, transposeToFront

Where the advanced-index dimensions land (make_info): the index tensors are broadcast
together; if the indexed dims are adjacent the broadcast index shape replaces them in
place, otherwise (separated by a slice/None/...) self is transposed so the indexed dims
come first, and the index shape lands at the front of the result.

Basic indexing (ints, slices, None, Ellipsis, 0-dim integer tensors) gives views;
anything with an index tensor, a Python bool or a list goes through at::index (a copy
laid out by TensorIterator).
"""
from __future__ import annotations

import math

import numpy as np

from . import dtypes, layout
from .creation import check_convertible, tensor as _tensor
from .elementwise import (
    INTERNAL_OVERLAP, PARTIAL_OVERLAP, _reads_what_it_writes, check_writable,
    has_internal_overlap, overlap_status,
)
from .storage import to_dtype_array, unspecified_conversions
from .shape_ops import unsqueeze as _unsqueeze
from .tensor import Tensor
from . import views

_INDEX_DTYPES = (dtypes.int64, dtypes.int32, dtypes.uint8, dtypes.bool_)


def _sizes_str(sizes):
    return "[" + ", ".join(str(s) for s in sizes) + "]"


# --- basic indexing: views ---------------------------------------------------------------
def _select(t: Tensor, dim, index, real_dim):
    """applySelect: bounds-checked select (the message names the position in the index)."""
    if index == 0 and dim == 0 and t.dim() == 0:
        raise IndexError("invalid index of a 0-dim tensor. Use `tensor.item()` in Python or "
                         "`tensor.item<T>()` in C++ to convert a 0-dim tensor to a number")
    size = t._sizes[dim] if dim < t.dim() else 0
    if not (size > -1 - index and size > index):
        raise IndexError(f"index {index} is out of bounds for dimension {real_dim} with size {size}")
    if index < 0:
        index += size
    sizes = t._sizes[:dim] + t._sizes[dim + 1:]
    strides = t._strides[:dim] + t._strides[dim + 1:]
    return t._view(sizes, strides, t._offset + index * t._strides[dim])


def _slice(t: Tensor, dim, start, stop, step):
    """at::slice (TensorShape.cpp); Python slices with step <= 0 are refused first."""
    if step is None:
        step = 1
    if step == 0:
        raise ValueError("slice step cannot be zero")
    if step < 0:
        raise ValueError("step must be greater than zero")
    if t.dim() == 0:
        raise IndexError("slice() cannot be applied to a 0-dim tensor.")
    dim = layout.wrap_dim(dim, t.dim())
    size = t._sizes[dim]
    start = 0 if start is None else start
    stop = size if stop is None else stop
    if start < 0:
        start += size
    if stop < 0:
        stop += size
    start = min(max(start, 0), size)
    stop = min(max(stop, start), size)
    sizes, strides = list(t._sizes), list(t._strides)
    sizes[dim] = (stop - start + step - 1) // step
    strides[dim] *= step
    return t._view(sizes, strides, t._offset + start * t._strides[dim])


def _alias(t: Tensor):
    return t._view(t._sizes, t._strides, t._offset)


# --- turning a Python index into a list of index items -------------------------------------
def _is_tensor(x):
    return isinstance(x, Tensor)


def _list_to_tensor(seq):
    """sequenceToVariable / indexing_tensor_from_data: a list becomes a bool (or uint8)
    tensor if its elements infer so, an int64 tensor otherwise."""
    t = _tensor(seq)
    if t.dtype in (dtypes.bool_, dtypes.uint8, dtypes.int64):
        return t
    return _tensor(seq, dtype=dtypes.int64)


def _treat_sequence_as_tuple(index):
    """treatSequenceAsTuple: a (deprecated) non-tuple sequence of fewer than 32 items
    holding a tensor, sequence, slice, Ellipsis or None is a multi-index."""
    if isinstance(index, tuple):
        return True
    if not isinstance(index, list) or len(index) >= 32:
        return False
    return any(_is_tensor(x) or isinstance(x, (list, tuple, slice)) or x is Ellipsis or x is None
               for x in index)


def _wrap_tuple(index):
    if isinstance(index, (tuple, list)) and _treat_sequence_as_tuple(index):
        return list(index)
    return [index]


def _count_specified(items):
    """count_specified_dimensions: masks count their dims, other tensors, ints, slices and
    sequences one, None/Ellipsis/bools none."""
    count = 0
    for x in items:
        if _is_tensor(x):
            count += x.dim() if x.dtype in (dtypes.bool_, dtypes.uint8) else 1
        elif x is None or x is Ellipsis or isinstance(x, bool):
            continue
        else:
            count += 1
    return count


def _is_int(x):
    return isinstance(x, (int, np.integer)) and not isinstance(x, (bool, np.bool_))


def _check_item(x):
    if _is_int(x) or isinstance(x, (slice, bool, list, tuple)) or x is None or x is Ellipsis \
            or _is_tensor(x):
        return
    raise IndexError("only integers, slices (`:`), ellipsis (`...`), None and long or byte "
                     f"Variables are valid indices (got {type(x).__name__})")


def _bool_index(value):
    """boolToIndexingTensor: True indexes [0] of the new unit dim, False selects nothing."""
    return _tensor([0] if value else [], dtype=dtypes.int64)


def apply_slicing(self: Tensor, items):
    """applySlicing: the view after basic indexing, and the index tensors recorded per
    dimension slot (None where a slot is not indexed). A multi-dim mask takes one slot
    but advances the dimension by its rank."""
    specified = _count_specified(items)
    if specified > self.dim():
        raise IndexError(f"too many indices for tensor of dimension {self.dim()}")
    result = self
    dim = 0
    slots = []   # (result dim, index tensor)

    def record(t):
        nonlocal dim
        slots.append((dim, t))
        dim += t.dim() if t.dtype in (dtypes.bool_, dtypes.uint8) else 1

    for real_dim, obj in enumerate(items):
        _check_item(obj)
        if isinstance(obj, bool):
            result = _unsqueeze(result, dim)
            record(_bool_index(obj))
        elif _is_int(obj):
            result = _select(result, dim, int(obj), real_dim)
        elif isinstance(obj, slice):
            for part in (obj.start, obj.stop, obj.step):
                if part is not None and not _is_int(part) and not (_is_tensor(part) and part.dim() == 0):
                    raise TypeError("slice indices must be integers or None or have an __index__ method")
            start, stop, step = (None if p is None else int(p) for p in (obj.start, obj.stop, obj.step))
            if (step in (None, 1) and start in (None, 0) and stop is not None
                    and 0 <= dim < result.dim() and stop == result._sizes[dim]):
                pass   # applySlice's optimization: the whole dim, the same tensor (not a new view)
            else:
                result = _slice(result, dim, start, stop, step)
            dim += 1
        elif obj is Ellipsis:
            dim += self.dim() - specified
        elif obj is None:
            result = _unsqueeze(result, dim)
            dim += 1
        elif _is_tensor(obj):
            if obj.dim() == 0 and obj.dtype.kind in ("int", "bool"):
                if obj.dtype not in (dtypes.uint8, dtypes.bool_):
                    result = _select(result, dim, int(obj.item()), real_dim)
                else:
                    result = _unsqueeze(result, dim)
                    record(_bool_index(bool(obj.item())))
            else:
                record(obj)
        else:  # a sequence
            record(_list_to_tensor(list(obj)))
    # slots -> the indices list: a multi-dim mask occupies one entry
    indices = []
    shift = 0
    for d, t in slots:
        pos = d - shift
        while len(indices) < pos:
            indices.append(None)
        indices.append(t)
        if t.dtype in (dtypes.bool_, dtypes.uint8) and t.dim() > 1:
            shift += t.dim() - 1
    return result, indices


# --- advanced indexing (at::index, index_put_) ------------------------------------------------
def _check_index_types(indices):
    for t in indices:
        if t is not None and t.dtype not in _INDEX_DTYPES:
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
                        f"The shape of the mask {_sizes_str(t._sizes)} at index {j} does not match "
                        f"the shape of the indexed tensor {_sizes_str(src._sizes)} at index {src_idx}")
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
                             "with shapes " + ", ".join(_sizes_str(t._sizes) for t in defined)) from None
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
        order = _iteration_order(self.shape, order_strides)
        error, first = None, None
        if bad_any.any():
            flat_bad = bad_any.reshape(-1)[order]
            first = int(np.argmax(flat_bad))
            e = order[first]
            for i, (bad, v, size) in enumerate(bads):
                if bad.reshape(-1)[e]:
                    error = IndexError(f"index {int(v.reshape(-1)[e])} is out of bounds for "
                                       f"dimension {i} with size {size}")
                    break
        return pos, order, first, error


def _iteration_order(shape, strides):
    """Elements (C-order flat numbers) in the order TensorIterator visits them: by
    position in a dense layout with the given strides."""
    n = math.prod(shape)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    p = np.zeros(shape, dtype=np.int64)
    for d, (s, st) in enumerate(zip(shape, strides)):
        sh = [1] * len(shape)
        sh[d] = s
        p = p + (np.arange(s, dtype=np.int64) * st).reshape(sh)
    return np.argsort(p.reshape(-1), kind="stable")


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


def _write_at(t: Tensor, positions, values, undefined=None):
    """Write values at storage positions of t's storage."""
    storage = t._storage
    storage.data[positions] = values
    if undefined is not None and np.any(undefined):
        if storage.undefined is None:
            storage.undefined = np.zeros(storage.data.shape, dtype=bool)
        storage.undefined[positions] = undefined
    elif storage.undefined is not None:
        storage.undefined[positions] = False


def _assert_no_overlap(a, b):
    status = overlap_status(a, b)
    if status in ("partial", "full"):
        raise RuntimeError(PARTIAL_OVERLAP)


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
                    f"The shape of the mask {_sizes_str(t._sizes)} at index {j} does not match the "
                    f"shape of the indexed tensor {_sizes_str(self._sizes)} at index {src_idx}")
        num_ind += t.dim()
    if mask is None:
        return None
    for _ in range(num_ind, self.dim()):
        mask = _unsqueeze(mask, mask.dim())
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
            return masked_fill_(self, mask, values.item())
    _assert_no_overlap(self, values)
    for t in indices:
        if t is not None:
            _assert_no_overlap(self, t)
    info = AdvancedIndex(self, indices)
    shape = info.shape
    try:
        layout.broadcast_all([shape, values._sizes])
        ok = layout.broadcast_all([shape, values._sizes]) == tuple(shape) and values.dim() <= len(shape)
    except RuntimeError:
        ok = False
    if not ok:
        raise RuntimeError(f"shape mismatch: value tensor of shape {_sizes_str(values._sizes)} cannot "
                           f"be broadcast to indexing result of shape {_sizes_str(shape)}")
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
        self._version_counter.bump()
        return self
    pos, order, first, error = info.positions_and_errors(order_strides)
    n_ok = len(order) if error is None else first
    chosen = order[:n_ok]
    flat_pos = pos.reshape(-1)[chosen]
    vals = np.broadcast_to(values._values(), shape).reshape(-1)[chosen]
    vund = values._undefined_mask()
    vund = None if vund is None else np.broadcast_to(vund, shape).reshape(-1)[chosen]
    _put(self, flat_pos, vals, vund, accumulate)
    if error is not None:
        raise error
    self._version_counter.bump()
    return self


def _index_put_sequential(self, info, values, order_strides, accumulate):
    shape = info.shape
    order = _iteration_order(shape, order_strides)
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
        _write_at(self, np.array([p]), np.array([v]).astype(data.dtype))


def _put(self, flat_pos, vals, vund, accumulate):
    """Write vals at flat_pos in order; duplicate positions accumulate (in order, rounding
    each add) or, without accumulate, keep an unspecified one of the values."""
    if flat_pos.size == 0:
        return
    data = self._storage.data
    und_store = self._storage.undefined
    if accumulate:
        cur = {}
        cur_und = {}
        for p, v, i in zip(flat_pos.tolist(), vals, range(len(vals))):
            if p not in cur:
                cur[p] = data[p]
                cur_und[p] = bool(und_store[p]) if und_store is not None else False
            with np.errstate(all="ignore"):
                if self.dtype.kind == "bool":
                    s = np.bool_(cur[p]) | np.bool_(v)
                elif self.dtype.kind == "int":   # wraps, as C++ integer adds do
                    s = to_dtype_array(np.array([cur[p]], dtype=np.int64) + np.array([v], dtype=np.int64),
                                       self.dtype)[0]
                else:
                    s = to_dtype_array(np.array(np.float64(cur[p]) + np.float64(v)), self.dtype)
            cur[p] = s
            cur_und[p] = cur_und[p] or (vund is not None and bool(vund[i]))
        ps = np.array(list(cur), dtype=np.int64)
        _write_at(self, ps, np.array([cur[p] for p in cur]).astype(data.dtype),
                  np.array([cur_und[p] for p in cur]))
        return
    last = {}
    conflict = set()
    for i, p in enumerate(flat_pos.tolist()):
        if p in last:
            a, b = vals[last[p]], vals[i]
            if not (a == b or (np.isnan(a) and np.isnan(b))):
                conflict.add(p)
        last[p] = i
    ps = np.array(list(last), dtype=np.int64)
    vs = np.array([vals[last[p]] for p in last]).astype(data.dtype)
    und = np.array([p in conflict or (vund is not None and bool(vund[last[p]])) for p in last])
    _write_at(self, ps, vs, und)


# --- copies into a view: copy_, fill_ ----------------------------------------------------------
def _copy_(dst: Tensor, src: Tensor):
    """Tensor.copy_ (Copy.cpp copy_impl) for same-shape-after-broadcast sources."""
    if dst is src:
        dst._version_counter.bump()
        return dst
    same = (dst._storage is src._storage and dst._offset == src._offset
            and dst._strides == src._strides and dst._sizes == src._sizes and dst.dtype is src.dtype)
    if same:
        dst._version_counter.bump()
        return dst
    check_writable(dst, [src])
    shape = layout.broadcast_all([dst._sizes, src._sizes])
    if shape != dst._sizes:
        raise RuntimeError(f"output with shape {_sizes_str(dst._sizes)} doesn't match the "
                           f"broadcast shape {_sizes_str(shape)}")
    raw = src._values()
    values = to_dtype_array(raw, dst.dtype)
    undefined = unspecified_conversions(raw, dst.dtype)
    m = src._undefined_mask()
    if m is not None:
        undefined = m if undefined is None else (undefined | m)
    if _reads_what_it_writes(dst, [src]):
        undefined = np.ones(dst._sizes, dtype=bool)
    dst._write(values, undefined)
    dst._version_counter.bump()
    return dst


def _fill_from_tensor(dst: Tensor, value: Tensor):
    """fill_(Tensor): a 0-dim value is copied (cloned first if it aliases dst)."""
    if value.dim() != 0:
        raise RuntimeError("fill_ only supports 0-dimension value tensor but got tensor with "
                           f"{value.dim()} dimensions.")
    if dst._storage is value._storage:
        value = views.clone(value)
    return _copy_(dst, value)


def _strip_leading_ones(sizes):
    i = 0
    while i < len(sizes) and sizes[i] == 1:
        i += 1
    return tuple(sizes[i:])


def _copy_to(dst: Tensor, src: Tensor):
    """copy_to (TensorIndexing.h)."""
    if dst._sizes == src._sizes:
        return _copy_(dst, src)
    if src.dim() == 0:
        return _fill_from_tensor(dst, src)
    stripped = _strip_leading_ones(src._sizes)
    src_view = views.view(src, *stripped) if stripped != src._sizes else src
    if stripped == () and src_view._sizes != ():
        src_view = views.view(src, ())
    expanded = src_view if src_view._sizes == dst._sizes else views.expand(src_view, *dst._sizes)
    return _copy_(dst, expanded)


def _value_to_tensor(self: Tensor, value):
    """valueToTensor: a Python number becomes a 0-dim tensor of self's dtype (integers
    checked for overflow, floats not)."""
    if isinstance(value, Tensor):
        return value
    if not isinstance(value, (bool, int, float)):
        raise TypeError(f"can't assign a {type(value).__name__} to a torch.{self.dtype.legacy_name}Tensor")
    if isinstance(value, (bool, int)):
        value = int(value)
    check_convertible(value, self.dtype, c_name=True)
    return Tensor._from_array(to_dtype_array(np.array(value), self.dtype).reshape(()), self.dtype)


# --- the operators ---------------------------------------------------------------------------
def getitem(self: Tensor, index):
    """THPVariable_getitem."""
    if index is None:
        return _unsqueeze(self, 0)
    if index is Ellipsis:
        return _alias(self)
    if _is_int(index):
        return _select(self, 0, int(index), 0)
    if isinstance(index, slice):
        if not self.dim():
            return _slice(self, 0, None, None, index.step)
        sliced = apply_slicing(self, [index])[0]
        return _alias(sliced) if sliced is self else sliced   # always a new view here
    if isinstance(index, bool):
        result = _unsqueeze(self, 0)
        return advanced_index(result, [_bool_index(index)])
    items = _wrap_tuple(index)
    sliced, indices = apply_slicing(self, items)
    if not indices:
        return _alias(sliced) if sliced is self else sliced
    return advanced_index(sliced, indices)


def setitem(self: Tensor, index, value):
    """THPVariable_setitem / at::indexing::set_item."""
    value = _value_to_tensor(self, value)
    if index is False:
        return
    if index is Ellipsis:
        _copy_to(self, value)
        return
    if index is None or index is True:
        _copy_to(_unsqueeze(self, 0), value)
        return
    if _is_int(index):
        _copy_to(_select(self, 0, int(index), 0), value)
        return
    if isinstance(index, slice):
        _copy_to(getitem(self, index), value)
        return
    items = _wrap_tuple(index)
    sliced, indices = apply_slicing(self, items)
    if not indices:
        _copy_to(sliced, value)
        return
    stripped = _strip_leading_ones(value._sizes)
    if stripped != value._sizes:
        value = views.view(value, *stripped) if stripped else views.view(value, ())
    index_put_(sliced, indices, value)


# --- masks ----------------------------------------------------------------------------------
def nonzero(self: Tensor, *, as_tuple=False):
    if as_tuple:
        base = self if self.dim() else _unsqueeze(self, 0)
        nz = nonzero(base)
        return tuple(nz._view((nz._sizes[0],), (nz._strides[0],), nz._offset + j * nz._strides[1])
                     for j in range(nz._sizes[1]))
    if self.dim():
        coords = np.argwhere(self._values().astype(bool)).astype(np.int64).reshape(-1, self.dim())
    else:
        coords = np.zeros((1 if bool(self._values()) else 0, 0), dtype=np.int64)
    # allocated as (ndim, N) and transposed: column-major (Nonzero.cpp / cpu nonzero)
    return Tensor._from_array(coords, dtypes.int64, (1, coords.shape[0]))


def _mask_dtype_check(mask, name):
    if mask.dtype is not dtypes.bool_:
        raise RuntimeError(f"{name} only supports boolean masks, but got mask with dtype "
                           f"{_scalar_type_name(mask.dtype)}")


def _scalar_type_name(d):
    return {"bool": "bool", "uint8": "unsigned char", "int8": "signed char", "int16": "short int",
            "int32": "int", "int64": "long int", "float16": "c10::Half",
            "bfloat16": "c10::BFloat16", "float32": "float", "float64": "double"}[d.name]


def _scalar_of(value):
    if isinstance(value, Tensor):
        return value.item()
    return value


def _fill_scalar_values(self, value):
    """value.to<scalar_t>(): checked conversion of a Scalar to self's dtype."""
    check_convertible(value, self.dtype, c_name=True, check_floats=("float16", "bfloat16", "float32"))
    raw = np.array(value)
    return to_dtype_array(raw, self.dtype), unspecified_conversions(raw, self.dtype)


def masked_fill_(self: Tensor, mask: Tensor, value):
    if isinstance(value, Tensor):
        if value.dim() != 0:
            raise RuntimeError("masked_fill_ only supports a 0-dimensional value tensor, but got "
                               f"tensor with {value.dim()} dimension(s).")
        value = value.item()
    _mask_dtype_check(mask, "masked_fill_")
    if overlap_status(self, mask) == "partial":
        raise RuntimeError(PARTIAL_OVERLAP)
    shape = layout.broadcast_all([self._sizes, mask._sizes])
    if shape != self._sizes:
        raise RuntimeError(f"output with shape {_sizes_str(self._sizes)} doesn't match the "
                           f"broadcast shape {_sizes_str(shape)}")
    fill, _ = _fill_scalar_values(self, value)
    m = np.broadcast_to(mask._values().astype(bool), self._sizes)
    if self.numel():
        idx = self._index_array()
        _write_at(self, idx[m], np.broadcast_to(fill, idx[m].shape))
    self._version_counter.bump()
    return self


def masked_fill(self: Tensor, mask: Tensor, value):
    shape = layout.broadcast_all([mask._sizes, self._sizes])
    expanded = self if shape == self._sizes else views.expand(self, *shape)
    result = views.clone(expanded, memory_format=views.contiguous_format)
    masked_fill_(result, mask, value)
    result._version_counter.value = 0
    return result


def masked_select(self: Tensor, mask: Tensor):
    if mask.dtype is not dtypes.bool_:
        raise RuntimeError("masked_select: expected BoolTensor for mask")
    shape = layout.broadcast_all([mask._sizes, self._sizes])
    m = np.broadcast_to(mask._values().astype(bool), shape)
    v = np.broadcast_to(self._values(), shape)
    und = self._undefined_mask()
    und = None if und is None else np.broadcast_to(und, shape)[m]
    return Tensor._from_array(v[m], self.dtype, None, und)


def masked_scatter_(self: Tensor, mask: Tensor, source: Tensor):
    if has_internal_overlap(self):
        raise RuntimeError(INTERNAL_OVERLAP)
    if self.dtype is not source.dtype:
        raise RuntimeError("masked_scatter: expected self and source to have same dtypes but got"
                           f"{self.dtype.legacy_name} and {source.dtype.legacy_name}")
    b_mask = mask if mask._sizes == self._sizes else views.expand(mask, *self._sizes)
    if mask.dtype is not dtypes.bool_:
        raise RuntimeError("masked_scatter_ only supports boolean masks, but got mask with dtype "
                           f"{mask.dtype.legacy_name}")
    # the kernel walks self in linear order, taking the next source element (of
    # source.contiguous(), which is source itself when contiguous: it may be self's storage)
    src = source if source.is_contiguous() else views.clone(source, memory_format=views.contiguous_format)
    src_pos = src._index_array().reshape(-1)
    m = b_mask._values().astype(bool).reshape(-1)
    dst_pos = self._index_array().reshape(-1)[m] if self.numel() else np.zeros(0, dtype=np.int64)
    sdata = src._storage.data
    for k, p in enumerate(dst_pos.tolist()):
        if k >= src_pos.size:
            raise RuntimeError("Number of elements of source < number of ones in mask")
        und = src._storage.undefined
        _write_at(self, np.array([p]), sdata[src_pos[k]:src_pos[k] + 1],
                  None if und is None else und[src_pos[k]:src_pos[k] + 1])
    self._version_counter.bump()
    return self


def where(condition: Tensor, input=None, other=None):
    if input is None and other is None:
        return nonzero(condition, as_tuple=True)
    if condition.dtype is dtypes.uint8:
        condition = Tensor._from_array(condition._values().astype(bool), dtypes.bool_,
                                       layout.preserve_format_strides(condition._sizes, condition._strides))
    if condition.dtype is not dtypes.bool_:
        raise RuntimeError("where expected condition to be a boolean tensor, but got a tensor "
                           f"with dtype {condition.dtype.legacy_name}")
    result = dtypes.result_type(input, other)
    for x in (input, other):   # wrapped scalars are converted to the result type first
        if not isinstance(x, Tensor):
            check_convertible(x, result, c_name=True)
    shape = layout.broadcast_all([x._sizes if isinstance(x, Tensor) else ()
                                  for x in (condition, input, other)])

    def vals(x):
        if isinstance(x, Tensor):
            return to_dtype_array(x._values(), result)
        check_convertible(x, result, c_name=True)   # the wrapped scalar is converted, checked
        return to_dtype_array(np.array(x), result)

    def operand(x):
        if not isinstance(x, Tensor):
            return ((), (), 8)
        if x.dtype is result:
            return (x._sizes, x._strides, x.dtype.itemsize)
        return (x._sizes, layout.preserve_format_strides(x._sizes, x._strides), result.itemsize)
    c = np.broadcast_to(condition._values().astype(bool), shape)
    values = np.where(c, np.broadcast_to(vals(input), shape), np.broadcast_to(vals(other), shape))
    und = None
    for x, sel in ((input, c), (other, ~c)):
        if isinstance(x, Tensor) and x._undefined_mask() is not None:
            u = np.broadcast_to(x._undefined_mask(), shape) & sel
            und = u if und is None else (und | u)
    strides = layout.elementwise_output_strides(
        shape, [(condition._sizes, condition._strides, 1), operand(input), operand(other)])
    return Tensor._from_array(values, result, strides, und)


# --- index_select, take, gather, scatter ----------------------------------------------------
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
                raise RuntimeError(f"INDICES element is out of DATA bounds, id={int(i)} axis_dim={size}")
    size = self._sizes[dim] if self.dim() else 1
    bad = (idx < 0) | (idx >= size)
    if numel and bad.any():
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


def take(self: Tensor, index: Tensor):
    if index.dtype is not dtypes.int64:
        raise RuntimeError(f"take(): Expected a long tensor for index, but got {index.dtype.legacy_name}")
    if self.numel() == 0 and index.numel() != 0:
        raise IndexError("take(): tried to take from an empty tensor")
    strides = layout.contiguous_strides(index._sizes)   # out is allocated with index's sizes
    n = self.numel()
    idx = index._values().astype(np.int64)
    if idx.size:
        order = _iteration_order(index._sizes, strides)
        flat = idx.reshape(-1)[order]
        bad = (flat < -n) | (flat >= n)
        if bad.any():
            i = int(flat[int(np.argmax(bad))])
            raise IndexError(f"out of range: tried to access index {i} on a tensor of {n} elements.")
    wrapped = np.where(idx < 0, idx + n, idx)
    flat_vals = self._values().reshape(-1)
    out = flat_vals[wrapped] if idx.size else np.zeros(idx.shape, dtype=flat_vals.dtype)
    und = self._undefined_mask()
    return Tensor._from_array(out, self.dtype, strides,
                              None if und is None or not idx.size else und.reshape(-1)[wrapped])


def _nonempty_dim(t):
    return max(t.dim(), 1)


def _nonempty_size(t, d):
    return t._sizes[d] if t.dim() else 1


def _scatter_gather_order(self, dim, index, src=None):
    """The order cpu_scatter_gather_base_kernel visits index elements in: TensorIterator
    over the index with `dim` squashed (dims in C order, the innermost ones coalesced when
    every operand is contiguous across them) gives loops of n elements; when dim is the
    last dim each element runs along dim, otherwise each step along dim runs the n
    elements (aten/src/ATen/native/cpu/ScatterGatherKernel.cpp)."""
    nd = _nonempty_dim(self)
    shape = tuple(_nonempty_size(index, d) for d in range(nd))
    ops = [t for t in (self, index, src) if isinstance(t, Tensor)]

    def st(t, d):
        return t._strides[d] if t.dim() else 1
    others = [d for d in range(nd) if d != dim and shape[d] != 1]
    inner = others[-1:] if others else []
    while len(inner) < len(others):
        outer = others[len(others) - len(inner) - 1]
        d0 = inner[0]
        if all(st(t, d0) * shape[d0] == st(t, outer) for t in ops):
            inner.insert(0, outer)
        else:
            break
    outer_dims = [d for d in others if d not in inner]
    perm = outer_dims + ([*inner, dim] if dim == nd - 1 else [dim, *inner])
    perm += [d for d in range(nd) if d not in perm]
    numbers = np.arange(math.prod(shape), dtype=np.int64).reshape(shape)
    return np.transpose(numbers, perm).reshape(-1)


def _gather_positions(self, dim, index, raise_error=True, src=None):
    """For each index element: the flat (C-order) element of self it names along dim,
    and the kernel's visiting order (dim innermost) with the first out-of-bounds index
    in it (an error raised at once when raise_error)."""
    nd = _nonempty_dim(self)
    self_shape = tuple(_nonempty_size(self, d) for d in range(nd))
    idx_shape = tuple(_nonempty_size(index, d) for d in range(nd))
    idx = index._values().astype(np.int64).reshape(idx_shape)
    size = self_shape[dim]
    bad = (idx < 0) | (idx >= size)
    order = _scatter_gather_order(self, dim, index, src)
    first, error = None, None
    if bad.any():
        ob = bad.reshape(-1)[order]
        first = int(np.argmax(ob))
        v = int(idx.reshape(-1)[order[first]])
        error = RuntimeError(f"index {v} is out of bounds for dimension {dim} with size {size}")
        if raise_error:
            raise error
    safe = np.where(bad, 0, idx)
    grids = np.indices(idx_shape, dtype=np.int64)
    coords = [grids[d] if d != dim else safe for d in range(nd)]
    flat = np.ravel_multi_index(coords, self_shape) if math.prod(self_shape) else \
        np.zeros(idx_shape, dtype=np.int64)
    return flat, order, first, error


def gather(self: Tensor, dim, index: Tensor, *, sparse_grad=False):
    dim = layout.wrap_dim(dim, self.dim())
    if index.numel() == 0:   # scatter_gather_dtype_check and the shape check skip empty indices
        return Tensor._from_array(np.zeros(index._sizes, dtype=self.dtype.np_storage), self.dtype)
    if index.dtype not in (dtypes.int64, dtypes.int32):
        raise RuntimeError("gather(): Expected dtype int32/int64 for index")
    nd = _nonempty_dim(self)
    if nd != _nonempty_dim(index) and index.numel():
        raise RuntimeError("Index tensor must have the same number of dimensions as input tensor")
    for i in range(nd):
        if i != dim and _nonempty_size(index, i) > _nonempty_size(self, i):
            raise RuntimeError(f"Size does not match at dimension {i} expected index "
                               f"{_sizes_str(index._sizes)} to be no larger than self "
                               f"{_sizes_str(self._sizes)} apart from dimension {dim}")
    if index.numel() == 0:
        return Tensor._from_array(np.zeros(index._sizes, dtype=self.dtype.np_storage), self.dtype)
    flat = _gather_positions(self, dim, index)[0]
    v = self._values().reshape(-1)[flat].reshape(index._sizes)
    und = self._undefined_mask()
    return Tensor._from_array(v, self.dtype, None,
                              None if und is None else und.reshape(-1)[flat].reshape(index._sizes))


def _scatter_checks(name, self, dim, index, src):
    name = "scatter"   # scatter_gather_dtype_check is called with "scatter" for both
    if index.numel() != 0 and index.dtype not in (dtypes.int64, dtypes.int32):
        raise RuntimeError(f"{name}(): Expected dtype int32/int64 for index")
    if isinstance(src, Tensor) and self.dtype is not src.dtype:
        raise RuntimeError(f"{name}(): Expected self.dtype to be equal to src.dtype")
    if index.numel() == 0:
        return
    nd = _nonempty_dim(self)
    if nd != _nonempty_dim(index):
        raise RuntimeError("Index tensor must have the same number of dimensions as self tensor")
    wrong = any(d != dim and _nonempty_size(index, d) > _nonempty_size(self, d) for d in range(nd))
    if not wrong and isinstance(src, Tensor):
        wrong = any(_nonempty_size(index, d) > (src._sizes[d] if src.dim() else 1)
                    if d < _nonempty_dim(src) else True for d in range(nd))
    if wrong:
        msg = (f"Expected index {_sizes_str(index._sizes)} to be no larger than self "
               f"{_sizes_str(self._sizes)} apart from dimension {dim}")
        if isinstance(src, Tensor):
            msg += f" and to be no larger size than src {_sizes_str(src._sizes)}"
        raise RuntimeError(msg)


def _scatter_into(out: Tensor, dim, index, src, accumulate, name):
    """Write src (tensor or scalar) into out at index along dim; out already holds self.
    The kernel writes as it goes: elements before an out-of-bounds index are written."""
    if index.numel() == 0:
        return
    flat, order, first, error = _gather_positions(out, dim, index, raise_error=False,
                                                  src=src if isinstance(src, Tensor) else None)
    if error is not None and out.dtype in (dtypes.float16, dtypes.bfloat16):
        raise error   # reduced floats: nothing is written when an index is out of bounds
    idx_shape = flat.shape
    if isinstance(src, Tensor):
        sv = src._values().reshape(tuple(_nonempty_size(src, d) for d in range(_nonempty_dim(src))))
        vals = sv[tuple(slice(0, s) for s in idx_shape)]
        sund = src._undefined_mask()
        vund = None if sund is None else sund.reshape(sv.shape)[tuple(slice(0, s) for s in idx_shape)]
    else:
        try:   # the kernel converts the value after checking the first index
            fill, _ = _fill_scalar_values(out, src)
        except RuntimeError:
            if first == 0:
                raise error from None
            raise
        vals = np.broadcast_to(fill, idx_shape)
        vund = None
    if first is not None:
        order = order[:first]
    order_flat = flat.reshape(-1)[order]
    order_vals = np.asarray(vals).reshape(-1)[order]
    order_und = None if vund is None else vund.reshape(-1)[order]
    if order_flat.size:
        storage_pos = out._index_array().reshape(-1)[order_flat]
        if accumulate and out.dtype.kind == "float":
            _accumulate_float(out, storage_pos, order_vals, order_und, round_once=True)
        else:
            _put(out, storage_pos, order_vals.astype(out._storage.data.dtype), order_und, accumulate)
    if error is not None:
        _mark_reachable_unspecified(out, dim, index, flat)
        raise error


def _mark_reachable_unspecified(out, dim, index, flat):
    """After an out-of-bounds index the kernel stops wherever its visiting order had got
    to; PyTorch does not specify that order (it depends on layouts and vectorization), so
    every element an in-bounds index could have written is unspecified."""
    idx = index._values().astype(np.int64).reshape(flat.shape)
    valid = (idx >= 0) & (idx < _nonempty_size(out, dim))
    positions = out._index_array().reshape(-1)[flat[valid]]
    if positions.size:
        storage = out._storage
        if storage.undefined is None:
            storage.undefined = np.zeros(storage.data.shape, dtype=bool)
        storage.undefined[positions] = True


def _accumulate_float(out, positions, vals, vund, round_once=False):
    """Float accumulation in the kernel's order, each add rounded to the dtype; positions
    where another summation order gives a value not close to it are unspecified."""
    data = out._storage.data
    groups = {}
    for i, p in enumerate(positions.tolist()):
        groups.setdefault(p, []).append(i)
    ps, vs, us = [], [], []
    rtol, atol = dtypes.TOLERANCE[out.dtype.name]
    for p, items in groups.items():
        start = np.float64(data[p])
        acc = start
        # reduced floats accumulated in a float32 buffer are rounded once at the end
        work = dtypes.float32 if (round_once and out.dtype in (dtypes.float16, dtypes.bfloat16)) else out.dtype
        with np.errstate(all="ignore"):
            for i in items:
                acc = to_dtype_array(np.array(np.float64(acc) + np.float64(vals[i])), work).astype(np.float64)
            back = start
            for i in reversed(items):
                back = to_dtype_array(np.array(np.float64(back) + np.float64(vals[i])), work).astype(np.float64)
            acc = to_dtype_array(np.array(acc), out.dtype).astype(np.float64)
            back = to_dtype_array(np.array(back), out.dtype).astype(np.float64)
        a, b = float(acc), float(back)
        close = (a == b) or (math.isnan(a) and math.isnan(b)) or (
            math.isfinite(a) and math.isfinite(b) and abs(a - b) <= atol + rtol * abs(a))
        und = (not close) or (out._storage.undefined is not None and bool(out._storage.undefined[p]))
        if vund is not None:
            und = und or any(bool(vund[i]) for i in items)
        ps.append(p)
        vs.append(acc)
        us.append(und)
    _write_at(out, np.array(ps, dtype=np.int64),
              to_dtype_array(np.array(vs, dtype=np.float64), out.dtype), np.array(us))


def _scatter_impl(self, dim, index, src, inplace, accumulate, name, value=None):
    if src is None:
        src = value
    dim = layout.wrap_dim(dim, self.dim())
    _scatter_checks(name, self, dim, index, src)
    if inplace:
        if has_internal_overlap(self):
            raise RuntimeError(INTERNAL_OVERLAP)
        _assert_no_overlap(self, index)
        if isinstance(src, Tensor):
            _assert_no_overlap(self, src)
        out = self
    else:
        out = Tensor._from_array(self._values(), self.dtype, None, self._undefined_mask())
    _scatter_into(out, dim, index, src, accumulate, name)
    if inplace:
        self._version_counter.bump()
    return out


def scatter(self, dim, index, src=None, *, value=None):
    return _scatter_impl(self, dim, index, src, False, False, "scatter", value)


def scatter_(self, dim, index, src=None, *, value=None):
    return _scatter_impl(self, dim, index, src, True, False, "scatter", value)


def scatter_add(self, dim, index, src):
    return _scatter_impl(self, dim, index, src, False, True, "scatter_add")


def scatter_add_(self, dim, index, src):
    return _scatter_impl(self, dim, index, src, True, True, "scatter_add")


# --- index_add_, index_copy_, index_fill_ ----------------------------------------------------
def _index_func_checks(func, self, dim, index, source):
    numel = index.numel()
    if index.dim() > 1:
        raise IndexError(f"{func}_(): Index is supposed to be a vector, but got dim: {index.dim()} "
                         f"with type: {index.dtype.legacy_name} and size: {_sizes_str(index._sizes)}")
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
                           f"dimension. Got self.shape = {_sizes_str(self._sizes)} source.shape = "
                           f"{_sizes_str(source._sizes)}")


def _slices_along(t, dim, i):
    """Storage positions of t.select(dim, i) (t itself for 0-dim)."""
    if t.dim() == 0:
        return t._index_array().reshape(-1)
    return np.take(t._index_array(), i, axis=dim).reshape(-1)


def index_add_(self: Tensor, dim, index: Tensor, source: Tensor, *, alpha=1):
    """index_add_cpu_ (TensorAdvancedIndexing.cpp): for dim 0 or the last dim of a tensor
    with more than one dim, with an int64 index, it is a scatter_add_ with the index expanded to the source
    (bounds errors and visiting order of the scatter kernel); otherwise one
    self.select(dim, index[i]).add_(source.select(dim, i)) per index."""
    dim = layout.wrap_dim(dim, self.dim())
    _index_func_checks("index_add", self, dim, index, source)
    if has_internal_overlap(self):
        raise RuntimeError(INTERNAL_OVERLAP)
    _assert_no_overlap(self, index)
    _assert_no_overlap(self, source)
    idx = index._values().reshape(-1).astype(np.int64)
    src = source
    if alpha != 1:
        scaled = source._values().astype(np.float64) * alpha if self.dtype.kind == "float" \
            else source._values().astype(np.int64) * int(alpha)
        src = Tensor._from_array(to_dtype_array(scaled, self.dtype), self.dtype)
    if self.numel() == 0 and self.dim() > 1:   # nothing to add into
        self._version_counter.bump()
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
            _scatter_into(self, dim, expanded, src, True, "scatter_add")
        self._version_counter.bump()
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
            error = IndexError("index out of range in self")
            break
        pos = _slices_along(self, dim, j)
        v = np.take(src_vals, i, axis=dim).reshape(-1) if source.dim() else src_vals.reshape(-1)
        if self.dtype.kind == "float":
            _accumulate_float(self, pos, v, None)
        else:
            _put(self, pos, v, None, True)
    if error is not None:
        raise error
    self._version_counter.bump()
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
            raise RuntimeError(f"setStorage: sizes {_sizes_str(sizes)}, strides {_sizes_str(strides)}, "
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
    return tuple(sizes), _iteration_order(tuple(sizes), order_strides)


def _restrided_write(self, base, dim, index, values, allow_neg, message):
    """Visit the restrided elements in order, write values[element] at self's element
    with index[coordinate along dim]; stop at the first out-of-bounds index."""
    size = base._sizes[dim]
    idx = index._values().reshape(-1).astype(np.int64)
    shape, order = _restrided_order(base, dim, index, values[1])
    if not order.size:
        return None
    coords = np.unravel_index(order, shape)
    j = idx[coords[dim]]
    bad = (j < -size if allow_neg else j < 0) | (j >= size)
    error = None
    if bad.any():
        first = int(np.argmax(bad))
        error = IndexError(message(int(j[first]), size))
        order, j = order[:first], j[:first]
        coords = tuple(c[:first] for c in coords)
    j = np.where(j < 0, j + size, j)
    pos = np.full(order.shape, base._offset, dtype=np.int64)
    for d in range(len(shape)):
        pos = pos + (j if d == dim else coords[d]) * base._strides[d]
    vals = values[0].reshape(-1)[order] if values[0].ndim else np.broadcast_to(values[0], order.shape)
    _put(self, pos, vals.astype(self._storage.data.dtype), None, False)
    return error


def index_copy_(self: Tensor, dim, index: Tensor, source: Tensor):
    dim = layout.wrap_dim(dim, self.dim())
    if has_internal_overlap(self):
        raise RuntimeError(INTERNAL_OVERLAP)
    _assert_no_overlap(self, index)
    _assert_no_overlap(self, source)
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
    base = self if self.dim() else _unsqueeze(self, 0)
    src = source if source.dim() else _unsqueeze(source, 0)
    error = None
    if n:
        error = _restrided_write(
            self, base, dim, index, (src._values(), [(src._sizes, src._strides, src.dtype.itemsize)]),
            False, lambda j, size: f"index_copy_(): index {j} is out of bounds for dimension {dim} "
                                   f"with size {size}")
    if error is not None:
        raise error
    self._version_counter.bump()
    return self


def index_fill_(self: Tensor, dim, index: Tensor, value):
    if isinstance(value, Tensor):
        if value.dim() != 0:
            raise RuntimeError("index_fill_ only supports a 0-dimensional value tensor, but got "
                               f"tensor with {value.dim()} dimension(s).")
        value = value.item()
    if index.dtype is not dtypes.int64:
        raise IndexError("index_fill_(): Expected dtype int64 for index.")
    _assert_no_overlap(self, index)
    base = self if self.dim() else _unsqueeze(self, 0)
    dim = layout.wrap_dim(dim, base.dim())
    if index.dim() > 1:
        raise RuntimeError("Index has to be a vector/scalar")
    error = None
    if index.numel():
        _restrided_order(base, dim, index)   # as_strided's storage check comes first
        fill, _ = _fill_scalar_values(self, value)
        error = _restrided_write(
            self, base, dim, index, (np.asarray(fill), []), True,
            lambda j, size: f"index {j} is out of bounds for dimension {dim} with size {size}")
    else:
        _fill_scalar_values(self, value)
    if error is not None:
        raise error
    self._version_counter.bump()
    return self


def _index_put_method(self, indices, values, accumulate=False):
    for i, t in enumerate(indices):
        if not isinstance(t, Tensor):
            raise TypeError(f"expected Tensor as element {i} in argument 0, but got {type(t).__name__}")
    return index_put_(self, list(indices), values, accumulate)


def _index_put(self, indices, values, accumulate=False):
    out = views.clone(self)
    return index_put_(out, list(indices), values, accumulate)


FUNCTIONS = {"index_select": index_select, "masked_fill": masked_fill,
             "masked_select": masked_select, "nonzero": nonzero, "where": where,
             "gather": gather, "scatter": scatter, "scatter_add": scatter_add, "take": take,
             "index_put": _index_put}
METHODS = {"index_select": index_select, "masked_fill": masked_fill, "masked_fill_": masked_fill_,
           "masked_select": masked_select, "masked_scatter_": masked_scatter_,
           "nonzero": nonzero, "where": lambda self, condition, other: where(condition, self, other),
           "gather": gather, "scatter": scatter, "scatter_": scatter_,
           "scatter_add": scatter_add, "scatter_add_": scatter_add_, "take": take,
           "index_add_": index_add_, "index_copy_": index_copy_, "index_fill_": index_fill_,
           "index_put_": _index_put_method, "index_put": _index_put}
OPERATORS = {"__getitem__": getitem, "__setitem__": setitem}
