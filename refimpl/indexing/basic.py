"""Basic indexing and assignment: tensor[index] and tensor[index] = value.

Ported from:
  torch/csrc/autograd/python_variable_indexing.cpp  THPVariable_getitem/setitem, wrapTuple,
      treatSequenceAsTuple, count_specified_dimensions, valueToTensor, applySlicing
  aten/src/ATen/TensorIndexing.h  handleDimInMultiDimIndexing, applySelect, applySlice,
      boolToIndexingTensor, recordTensorIndex, copy_to, set_item, slicePrefix1sSize

Basic indexing (ints, slices, None, Ellipsis, 0-dim integer tensors) gives views;
anything with an index tensor, a Python bool or a list goes through at::index (a copy
laid out by TensorIterator), and an assignment to such an index through index_put_
(both in refimpl/indexing/advanced.py).
"""
from __future__ import annotations

import numpy as np

from .. import dtypes, views
from ..creation import check_convertible, tensor as _tensor
from ..shape_ops import select, unsqueeze
from ..device_dependence import reads_data
from ..storage import to_dtype_array
from ..autograd.recording import KERNEL
from ..registry import declare
from ..tensor import Tensor
from .advanced import index as index_op, index_put


# --- basic indexing: views ---------------------------------------------------------------
# getitem and setitem are CompositeImplicitAutograd in torch: they build their result only
# through declared ops (select, slice, unsqueeze, alias, index, index_put_, copy_, fill_),
# which record the graph torch builds (x[0] -> SelectBackward0, x[1:] -> SliceBackward0,
# x[None] -> UnsqueezeBackward0, x[...] -> AliasBackward0, x[idx] -> IndexBackward0).
def _select(t: Tensor, dim, index, real_dim):
    """applySelect: bounds-checked select (the message names the position in the index)."""
    if index == 0 and dim == 0 and t.dim() == 0:
        raise IndexError("invalid index of a 0-dim tensor. Use `tensor.item()` in Python or "
                         "`tensor.item<T>()` in C++ to convert a 0-dim tensor to a number")
    size = t._sizes[dim] if dim < t.dim() else 0
    if not (size > -1 - index and size > index):
        raise IndexError(f"index {index} is out of bounds for dimension {real_dim} with size {size}")
    return select(t, dim, index)


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
    return views.slice_tensor(t, dim, start, stop, step)


def _apply_slice(t: Tensor, dim, obj: slice, optimize=True):
    """applySlice: with the optimization, a slice that takes the whole dim (start 0, stop
    at or past its end, step 1) is t itself, not a new view."""
    for part in (obj.start, obj.stop, obj.step):
        if part is not None and not _is_int(part) and not (_is_tensor(part) and part.dim() == 0):
            raise TypeError("slice indices must be integers or None or have an __index__ method")
    start, stop, step = (None if p is None else int(p) for p in (obj.start, obj.stop, obj.step))
    if (optimize and step in (None, 1) and start in (None, 0) and 0 <= dim < t.dim()
            and (stop is None or stop >= t._sizes[dim])):
        return t
    return _slice(t, dim, start, stop, step)


_alias = views.alias


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
            result = unsqueeze(result, dim)
            record(_bool_index(obj))
        elif _is_int(obj):
            result = _select(result, dim, int(obj), real_dim)
        elif isinstance(obj, slice):
            result = _apply_slice(result, dim, obj)
            dim += 1
        elif obj is Ellipsis:
            dim += self.dim() - specified
        elif obj is None:
            result = unsqueeze(result, dim)
            dim += 1
        elif _is_tensor(obj):
            if obj.dim() == 0 and obj.dtype.kind in ("int", "bool"):
                if obj.dtype not in (dtypes.uint8, dtypes.bool_):
                    reads_data("a tensor index as a number")   # Tensor.item()
                    result = _select(result, dim, int(obj.item()), real_dim)
                else:
                    result = unsqueeze(result, dim)
                    reads_data("a tensor index as a number")
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


# --- copies into a view --------------------------------------------------------------------
def _strip_leading_ones(sizes):
    i = 0
    while i < len(sizes) and sizes[i] == 1:
        i += 1
    return tuple(sizes[i:])


def _in_place(op, self: Tensor, *args):
    """op's in-place twin on self (op(self, ..., out=self) recorded as in-place), as the
    binding of Tensor.<op>_ calls it (that binding refuses the None entries of setitem's
    indices); below the autograd layer the kernel alone runs. Bindings are not called
    from inside a kernel: the flags they set for the autograd layer would be left for the
    next op."""
    if not KERNEL.depth:
        KERNEL.inplace = True
    return op(self, *args, out=self)


def _copy_to(dst: Tensor, src: Tensor):
    """copy_to (TensorIndexing.h): dst.copy_(src) after dropping src's leading size-1 dims;
    a 0-dim src is dst.fill_(src)."""
    from ..conversions import copy_, fill
    if dst._sizes == src._sizes:
        return copy_(dst, src)
    if src.dim() == 0:   # fill_'s node is told by the overload its binding matches
        return _in_place(fill, dst, src) if KERNEL.depth else dst.fill_(src)
    src_view = views.view(src, _strip_leading_ones(src._sizes))
    expanded = src_view if src_view._sizes == dst._sizes else views.expand(src_view, *dst._sizes)
    return copy_(dst, expanded)


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
@declare("getitem(Tensor self, PyObject* index)", forms="getitem", output="maybe_view",
         parsed=False, schema="-", composite=True)
def getitem(self: Tensor, index):
    """THPVariable_getitem."""
    if index is None:
        return unsqueeze(self, 0)
    if index is Ellipsis:
        return _alias(self)
    if _is_int(index):
        return _select(self, 0, int(index), 0)
    if isinstance(index, slice):
        if not self.dim():
            return _slice(self, 0, None, None, index.step)
        # a lone slice is applied without the whole-dim optimization: always a slice
        return _apply_slice(self, 0, index, optimize=False)
    if isinstance(index, bool):
        result = unsqueeze(self, 0)
        return index_op(result, [_bool_index(index)])
    items = _wrap_tuple(index)
    sliced, indices = apply_slicing(self, items)
    if not indices:
        return _alias(sliced) if sliced is self else sliced
    return index_op(sliced, indices)


@declare("setitem(Tensor self, PyObject* index, PyObject* value)", forms="setitem",
         output="inplace", parsed=False, schema="-", composite=True)
def setitem(self: Tensor, index, value):
    """THPVariable_setitem / at::indexing::set_item."""
    value = _value_to_tensor(self, value)
    if index is False:
        return
    if index is Ellipsis:
        _copy_to(self, value)
        return
    if index is None or index is True:
        _copy_to(unsqueeze(self, 0), value)
        return
    if _is_int(index):
        _copy_to(_select(self, 0, int(index), 0), value)
        return
    if isinstance(index, slice):
        _copy_to(_apply_slice(self, 0, index), value)
        return
    items = _wrap_tuple(index)
    sliced, indices = apply_slicing(self, items)
    if not indices:
        _copy_to(sliced, value)
        return
    stripped = _strip_leading_ones(value._sizes)
    if stripped != value._sizes:
        value = views.view(value, stripped)
    _in_place(index_put, sliced, indices, value)
