"""Masks: nonzero, where, masked_fill(_), masked_select, masked_scatter_.

Ported from:
  aten/src/ATen/native/TensorAdvancedIndexing.cpp  masked_fill, masked_select,
      masked_scatter_
  aten/src/ATen/native/TensorCompare.cpp  where
  aten/src/ATen/native/cpu/IndexKernel.cpp  masked_fill_kernel, masked_scatter (linear walk)
  aten/src/ATen/native/Nonzero.cpp / cpu nonzero  (an (ndim, N) buffer, transposed)
"""
from __future__ import annotations

import numpy as np

from .. import dtypes, layout, views
from ..creation import check_convertible, checked_scalar
from ..device_dependence import reads_data
from ..elementwise import INTERNAL_OVERLAP, PARTIAL_OVERLAP, has_internal_overlap, overlap_status
from ..shape_ops import unsqueeze
from ..storage import merge_unspecified, to_dtype_array
from ..bindings import out_like_input
from ..registry import declare
from ..tensor import Tensor
from .writes import sizes_str, write_at


# --- masks ----------------------------------------------------------------------------------
def _out_of_nonzero(out, args):
    from ..bindings import refuse_overlap
    if out.dtype is not dtypes.int64:
        raise RuntimeError(f"nonzero: Expected out tensor to have scalar type Long but got "
                           f"scalar type{out.dtype.legacy_name}")
    refuse_overlap(out, [args["input"]])

@declare("nonzero(Tensor input, *, bool as_tuple=False, Tensor out=None)",
         method=("nonzero()", "nonzero(*, bool as_tuple)"), schema="aten::nonzero",
         out_check=_out_of_nonzero, out_check_first=True)
def nonzero(self: Tensor, *, as_tuple=False):
    reads_data("output shape")   # the number of nonzero elements
    if as_tuple:
        base = self if self.dim() else unsqueeze(self, 0)
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
                           f"{mask.dtype.typemeta_name}")


def _masked_fill_into(self: Tensor, mask: Tensor, value):
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
        raise RuntimeError(f"output with shape {sizes_str(self._sizes)} doesn't match the "
                           f"broadcast shape {sizes_str(shape)}")
    fill = checked_scalar(value, self.dtype)
    m = np.broadcast_to(mask._values().astype(bool), self._sizes)
    if self.numel():
        idx = self._index_array()
        write_at(self, idx[m], np.broadcast_to(fill, idx[m].shape))
    self._bump_version()
    return self


@declare("masked_fill(Tensor input, Tensor mask, Tensor value)",
         "masked_fill(Tensor input, Tensor mask, Scalar value)", inplace=True,
         schema="aten::masked_fill.Scalar")
def masked_fill(self: Tensor, mask: Tensor, value, *, out=None):
    if out is not None:
        return _masked_fill_into(out, mask, value)
    shape = layout.broadcast_all([mask._sizes, self._sizes])
    expanded = self if shape == self._sizes else views.expand(self, *shape)
    result = views.clone(expanded, memory_format=views.contiguous_format)
    _masked_fill_into(result, mask, value)
    result._version_counter.value = 0
    return result


@declare("masked_select(Tensor input, Tensor mask, *, Tensor out=None)",
         schema="aten::masked_select",
         out_check=out_like_input("masked_select(): self and result must have the same scalar "
                                  "type", overlap=True), out_check_first=True)
def masked_select(self: Tensor, mask: Tensor):
    reads_data("output shape")   # the number of true elements of mask
    if mask.dtype is not dtypes.bool_:
        raise RuntimeError("masked_select: expected BoolTensor for mask")
    shape = layout.broadcast_all([mask._sizes, self._sizes])
    m = np.broadcast_to(mask._values().astype(bool), shape)
    v = np.broadcast_to(self._values(), shape)
    und = self._undefined_mask()
    und = None if und is None else np.broadcast_to(und, shape)[m]
    return Tensor._from_array(v[m], self.dtype, None, und)


@declare("masked_scatter_(Tensor mask, Tensor source)", forms="method", output="inplace",
         schema="aten::masked_scatter_")
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
    all_pos = self._index_array().reshape(-1) if self.numel() else np.zeros(0, dtype=np.int64)
    if b_mask._storage is self._storage:
        # a mask in self's memory is read as the walk reaches it, after the writes before
        mdata, mask_pos = b_mask._storage.data, b_mask._index_array().reshape(-1).tolist()
        dst_pos = (p for p, q in zip(all_pos.tolist(), mask_pos) if mdata[q])
    else:
        dst_pos = all_pos[b_mask._values().astype(bool).reshape(-1)].tolist()
    sdata = src._storage.data
    for k, p in enumerate(dst_pos):
        if k >= src_pos.size:
            reads_data("mask count")
            raise RuntimeError("Number of elements of source < number of ones in mask")
        und = src._storage.undefined
        write_at(self, np.array([p]), sdata[src_pos[k]:src_pos[k] + 1],
                  None if und is None else und[src_pos[k]:src_pos[k] + 1])
    self._bump_version()
    return self


def _out_of_where(out, args):
    """where.self_out: out has the result type of input and other."""
    operands = [args.get("input", args.get("self")), args.get("other")]
    result = dtypes.result_type(*operands)
    if out.dtype is not result:
        raise RuntimeError(f"Expected out type to be {result.legacy_name} but got {out.dtype.legacy_name}")

@declare("where(Tensor condition)",
         "where(Tensor condition, Tensor input, Tensor other, *, Tensor out=None)",
         "where(Tensor condition, Scalar self, Tensor other)",
         "where(Tensor condition, Tensor input, Scalar other)",
         "where(Tensor condition, Scalar self, Scalar other)",
         method=("where(Tensor condition, Tensor other)", "where(Tensor condition, Scalar other)"),
         schema="aten::where.self",
         out_check=_out_of_where, composite=True)
def where(condition: Tensor, input=None, other=None, *, self=None):
    """torch.where: nonzero(as_tuple) for one argument; the Scalar overloads are
    CompositeImplicitAutograd (TensorCompare.cpp): a number becomes a 0-dim tensor of the
    result type (at::scalar_tensor), a tensor is converted to it, then where.self
    (WhereBackward0, with a (None, 0) edge for the number)."""
    if self is not None:  # where(condition, Scalar self, other)
        input = self
    if input is None and other is None:
        return nonzero(condition, as_tuple=True)
    if isinstance(input, Tensor) and isinstance(other, Tensor):
        return where_self(condition, input, other)
    result = dtypes.result_type(input, other)

    def converted(x):
        if isinstance(x, Tensor):
            return x if x.dtype is result else x.to(result)
        check_convertible(x, result, c_name=True)
        return Tensor._from_array(to_dtype_array(np.array(x), result).reshape(()), result)
    input, other = converted(input), converted(other)
    return where_self(condition, input, other)


@declare("where(Tensor condition, Tensor input, Tensor other)", forms=(), parsed=False,
         schema="aten::where.self", name="where.self")
def where_self(condition: Tensor, input, other):
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
    def picked(x, sel):   # x's unspecified elements where the result takes x
        mask = x._undefined_mask() if isinstance(x, Tensor) else None
        return None if mask is None else np.broadcast_to(mask, shape) & sel
    und = merge_unspecified(picked(input, c), picked(other, ~c))
    strides = layout.elementwise_output_strides(
        shape, [(condition._sizes, condition._strides, 1), operand(input), operand(other)])
    return Tensor._from_array(values, result, strides, und)


# --- backward rules (tools/autograd/derivatives.yaml, FunctionsManual.cpp) -------------------
from ..autograd.derivatives import derivative  # noqa: E402

nonzero.__declaration__.derivative = False   # integer output: never recorded


def _masked_select_backward(grad, self, mask):
    """FunctionsManual.cpp masked_select_backward: zeros like the input expanded to the
    broadcast shape (its layout preserved) with grad scattered into the selected positions
    (the engine sums it back to input's shape)."""
    from ..creation import zeros_like
    from ..views import expand
    shape = layout.broadcast_all([self._sizes, mask._sizes])
    return masked_scatter_(zeros_like(expand(self, shape), dtype=grad.dtype), mask, grad)


def _masked_scatter_source_backward(grad, mask, source_sizes):
    """FunctionsManual.cpp masked_scatter_backward: the gradient at the masked positions in
    order, zero-padded to source's numel, viewed as source."""
    from ..creation import zeros
    from ..joining import cat
    from ..views import view
    numel = 1
    for s in source_sizes:
        numel *= s
    selected = masked_select(grad, mask)
    missing = numel - selected.numel()
    if missing > 0:
        selected = cat([selected, zeros(missing, dtype=grad.dtype)], 0)
    return view(selected, tuple(source_sizes))


def _masked_fill_value_backward(grad, mask):
    """FunctionsManual.cpp masked_fill_backward: the sum of grad where mask is set."""
    from ..reductions import sum as sum_
    return sum_(masked_select(grad, mask))


derivative(masked_fill, lambda overload, value: (
    "MaskedFillBackward1" if isinstance(value, Tensor) else "MaskedFillBackward0"),
    self=lambda grad, mask: masked_fill(grad, mask, 0), value=_masked_fill_value_backward)
derivative(masked_select, "MaskedSelectBackward0", self=_masked_select_backward)
derivative(masked_scatter_, "MaskedScatterBackward0",
           self=lambda grad, mask: masked_fill(grad, mask, 0),
           source=_masked_scatter_source_backward)
derivative(where_self, "WhereBackward0",
           input=lambda grad, condition: where(condition, grad, 0),
           other=lambda grad, condition: where(condition, 0, grad))
