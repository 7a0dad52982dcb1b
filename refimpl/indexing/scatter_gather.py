"""gather, scatter(_), scatter_add(_).

Ported from:
  aten/src/ATen/native/TensorAdvancedIndexing.cpp  gather / scatter / scatter_add
      (meta functions, scatter_gather_dtype_check, gather_shape_check, scatter_shape_check)
  aten/src/ATen/native/cpu/ScatterGatherKernel.cpp  cpu_scatter_gather_base_kernel (the
      visiting order, bounds checks as the loop goes)
"""
from __future__ import annotations

import math

import numpy as np

from .. import dtypes, layout
from ..creation import checked_scalar
from ..device_dependence import reads_data
from ..elementwise import INTERNAL_OVERLAP, has_internal_overlap, reads_what_it_writes
from ..registry import declare
from ..tensor import Tensor
from ..storage import to_dtype_array
from .writes import accumulate_float, assert_no_overlap, put, sizes_str, write_at


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
        reads_data("index bounds")
        error = RuntimeError(f"index {v} is out of bounds for dimension {dim} with size {size}")
        if raise_error:
            raise error
    safe = np.where(bad, 0, idx)
    grids = np.indices(idx_shape, dtype=np.int64)
    coords = [grids[d] if d != dim else safe for d in range(nd)]
    flat = np.ravel_multi_index(coords, self_shape) if math.prod(self_shape) else \
        np.zeros(idx_shape, dtype=np.int64)
    return flat, order, first, error


def _out_like_input(out, args):
    """gather / scatter meta: out has self's dtype; gather's out shares no memory with it."""
    from ..bindings import expect_dtype, refuse_overlap
    expect_dtype(out, args["input"].dtype)
    if "src" not in args and "value" not in args:
        refuse_overlap(out, [args["input"], args.get("index")])

@declare("gather(Tensor input, int dim, Tensor index, *, bool sparse_grad=False, Tensor out=None)",
         schema="aten::gather",
         out_check=_out_like_input, out_check_first=True)
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
                               f"{sizes_str(index._sizes)} to be no larger than self "
                               f"{sizes_str(self._sizes)} apart from dimension {dim}")
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
        msg = (f"Expected index {sizes_str(index._sizes)} to be no larger than self "
               f"{sizes_str(self._sizes)} apart from dimension {dim}")
        if isinstance(src, Tensor):
            msg += f" and to be no larger size than src {sizes_str(src._sizes)}"
        raise RuntimeError(msg)


def scatter_into(out: Tensor, dim, index, src, accumulate, name):
    """Write src (tensor or scalar) into out at index along dim; out already holds self.
    The kernel writes as it goes: elements before an out-of-bounds index are written.
    accumulate: False (write), True (add) or "multiply" (scatter's reduce="multiply")."""
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
            fill = checked_scalar(src, out.dtype)
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
        if accumulate == "multiply":
            _multiply_into(out, storage_pos, order_vals)
        elif accumulate and out.dtype.kind == "float":
            accumulate_float(out, storage_pos, order_vals, order_und, round_once=True)
        else:
            put(out, storage_pos, order_vals.astype(out._storage.data.dtype), order_und, accumulate)
    if error is not None:
        _mark_reachable_unspecified(out, dim, index, flat)
        raise error


def _multiply_into(out, positions, vals):
    """reduce="multiply": each element multiplied in place, in the kernel's order, rounded
    to the dtype at each step (integers wrap)."""
    data = out._storage.data
    with np.errstate(all="ignore"):
        for p, v in zip(positions.tolist(), vals):
            if out.dtype.kind == "bool":
                data[p] = np.bool_(data[p]) and np.bool_(v)
            elif out.dtype.kind == "int":   # wraps, as C++ integer multiplies do
                data[p] = to_dtype_array(np.array([np.int64(data[p]) * np.int64(v)]), out.dtype)[0]
            else:
                data[p] = to_dtype_array(np.array(np.float64(data[p]) * np.float64(v)), out.dtype)
    write_at(out, positions, data[positions])


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


def _scatter_impl(self, dim, index, src, inplace, accumulate, name, value=None):
    if src is None:
        src = value
    dim = layout.wrap_dim(dim, self.dim())
    _scatter_checks(name, self, dim, index, src)
    if inplace:
        if has_internal_overlap(self):
            raise RuntimeError(INTERNAL_OVERLAP)
        assert_no_overlap(self, index)
        if isinstance(src, Tensor):
            assert_no_overlap(self, src)
        out = self
    else:
        out = Tensor._from_array(self._values(), self.dtype, None, self._undefined_mask())
    scatter_into(out, dim, index, src, accumulate, name)
    if inplace and isinstance(src, Tensor) and reads_what_it_writes(self, [src]):
        out._write(out._values(), np.ones(out._sizes, dtype=bool))  # read as it is written
    if inplace:
        self._bump_version()
    return out


@declare("scatter(Tensor input, int dim, Tensor index, Tensor src, *, Tensor out=None)",
         "scatter(Tensor input, int dim, Tensor index, Tensor src, *, str reduce, Tensor out=None)",
         "scatter(Tensor input, int dim, Tensor index, Scalar value, *, Tensor out=None)",
         "scatter(Tensor input, int dim, Tensor index, Scalar value, *, str reduce, Tensor out=None)",
         inplace=True, schema="aten::scatter.src",
         out_via="copy", out_check=_out_like_input, out_check_first=True)
def scatter(self, dim, index, src=None, *, value=None, reduce=None, out=None):
    """scatter.src / scatter.value, and with reduce ("add" or "multiply") scatter.reduce /
    scatter.value_reduce, which torch cannot differentiate (a NotImplemented node)."""
    into = out if out is not None else self
    mode = False
    if reduce is not None:
        _scatter_checks("scatter", into, layout.wrap_dim(dim, into.dim()), index,
                        src if src is not None else value)
        if reduce not in ("add", "multiply"):
            raise RuntimeError("reduce argument must be either add or multiply.")
        if isinstance(src, Tensor):
            _warn_reduce_deprecated()
        mode = True if reduce == "add" else "multiply"
    return _scatter_impl(into, dim, index, src, out is not None, mode, "scatter", value)


_WARNED = set()


def _warn_reduce_deprecated():
    """TORCH_WARN_ONCE: once per process."""
    if "reduce" in _WARNED:
        return
    _WARNED.add("reduce")
    import warnings
    warnings.warn("The reduce argument of torch.scatter with Tensor src is deprecated and will be "
                  "removed in a future PyTorch release. Use torch.scatter_reduce instead for more "
                  "reduction options.", UserWarning, stacklevel=3)


@declare("scatter_add(Tensor input, int dim, Tensor index, Tensor src, *, Tensor out=None)",
         inplace=True, schema="aten::scatter_add",
         out_via="copy", out_check=_out_like_input, out_check_first=True)
def scatter_add(self, dim, index, src, *, out=None):
    into = out if out is not None else self
    return _scatter_impl(into, dim, index, src, out is not None, True, "scatter_add")


# --- backward rules (tools/autograd/derivatives.yaml, FunctionsManual.cpp) -------------------
from ..autograd.derivatives import NOT_IMPLEMENTED, derivative  # noqa: E402


def _gather_backward(grad, self, dim, index, sparse_grad):
    """FunctionsManual.cpp gather_backward: zeros of self's sizes with grad added at the
    gathered positions (duplicate indices add up)."""
    from ..creation import zeros
    if sparse_grad:
        raise NotImplementedError("refimpl does not model sparse gradients (sparse_grad=True)")
    result = zeros(self._sizes, dtype=grad.dtype)
    return result.scatter_add_(dim, index, grad)


def _scatter_name(overload, src, reduce):
    if reduce is not None:
        return NOT_IMPLEMENTED   # scatter.reduce / scatter.value_reduce: no derivative
    return "ScatterBackward0" if isinstance(src, Tensor) else "ScatterBackward1"


derivative(gather, "GatherBackward0", self=_gather_backward)
derivative(scatter, _scatter_name,
           self=lambda grad, dim, index: scatter(grad, dim, index, value=0),
           src=lambda grad, dim, index: gather(grad, dim, index))
derivative(scatter_add, "ScatterAddBackward0", self=lambda grad: grad,
           src=lambda grad, dim, index: gather(grad, dim, index))
