"""Joining tensors (cat, concat, concatenate, stack).

Ported from aten/src/ATen/native/TensorShape.cpp (TORCH_PRECOMPUTE_META_FUNC(cat),
cat_check_no_zero_dim, legacy_cat_wrap_dim, check_cat_shape_except_dim,
compute_output_memory_format, stack, check_stack_inputs); the memory formats are
refimpl/views.py's.
"""
from __future__ import annotations

import numpy as np

from . import dtypes, layout
from .registry import declare
from .shape_ops import unsqueeze
from .storage import to_dtype_array
from .tensor import Tensor
from .views import contiguous_format, memory_format_strides, suggest_memory_format


def _output_memory_format(tensors):
    """compute_output_memory_format: contiguous unless every input suggests the same
    channels-last format."""
    found = None
    for t in tensors:
        f = suggest_memory_format(t)
        if f is contiguous_format:
            return f
        if found is not None and found is not f:
            return contiguous_format
        found = f
    return found


def _skipped(t: Tensor) -> bool:
    """cat_should_skip_tensor: the legacy rule lets 1-d empty tensors join anything."""
    return t.dim() == 1 and t.numel() == 0


def _as_list(tensors, name):
    if isinstance(tensors, Tensor):
        raise TypeError(f"{name}(): argument 'tensors' (position 1) must be tuple of Tensors, "
                        "not Tensor")
    return list(tensors)


def _out_of_cat(out, args):
    """cat's meta: the inputs' result type must cast to out's dtype (TORCH_CHECK_TYPE)."""
    tensors = [t for t in args.get("tensors", ()) if isinstance(t, Tensor)]
    if tensors and not dtypes.can_cast(dtypes.result_type(*tensors), out.dtype):
        raise TypeError(f"torch.cat(): input types can't be cast to the desired output type "
                        f"{out.dtype.legacy_name}")
    from .bindings import refuse_overlap
    refuse_overlap(out, tensors)

@declare("cat(TensorList tensors, int dim=0, *, Tensor out=None)", forms="function",
         aliases="concat", schema="aten::cat",
         out_check=_out_of_cat)
def cat(tensors, dim=0):
    tensors = _as_list(tensors, "cat")
    for i, t in enumerate(tensors):
        if t.dim() == 0:
            raise RuntimeError(f"zero-dimensional tensor (at position {i}) cannot be concatenated")
    # legacy_cat_wrap_dim: wrap against the first tensor that is not 1-d and empty
    for t in tensors:
        if not _skipped(t):
            dim = layout.wrap_dim(dim, t.dim())
            break
    if not tensors:
        raise ValueError("torch.cat(): expected a non-empty list of Tensors")
    memory_format = _output_memory_format(tensors)
    out_dtype = dtypes.result_type(*tensors)
    valid = next((t for t in tensors if not _skipped(t)), None)
    if valid is None:
        return Tensor._from_array(np.zeros((0,), dtype=out_dtype.np_storage), out_dtype)
    if dim > valid.dim():  # unreachable after wrapping, kept from the meta function
        raise RuntimeError(f"torch.cat(): dimension {dim}out of range")
    parts, masks, any_mask = [], [], False
    size_at_dim = 0
    for i, t in enumerate(tensors):
        if _skipped(t):
            continue
        if t.dim() != valid.dim():
            raise RuntimeError("Tensors must have same number of dimensions: got "
                               f"{valid.dim()} and {t.dim()}")
        for d in range(valid.dim()):
            if d != dim and t.shape[d] != valid.shape[d]:
                raise RuntimeError(
                    f"Sizes of tensors must match except in dimension {dim}. Expected size "
                    f"{valid.shape[d]} but got size {t.shape[d]} for tensor number {i} in the "
                    "list.")
        size_at_dim += t.shape[dim]
        parts.append(to_dtype_array(t._values(), out_dtype))
        m = t._undefined_mask()
        any_mask |= m is not None
        masks.append(np.zeros(t.shape, dtype=bool) if m is None else m)
    sizes = list(valid.shape)
    sizes[dim] = size_at_dim
    values = np.concatenate(parts, axis=dim) if parts else np.zeros(sizes, out_dtype.np_storage)
    undefined = np.concatenate(masks, axis=dim) if any_mask else None
    return Tensor._from_array(values.reshape(sizes), out_dtype,
                              memory_format_strides(tuple(sizes), None, memory_format), undefined)


@declare("concatenate(TensorList tensors, int axis=0, *, Tensor out=None)", forms="function",
         schema="aten::concatenate", composite=True, out_op="cat")
def concatenate(tensors, axis=0):
    """CompositeImplicitAutograd: at::cat, whose CatBackward0 it records."""
    return cat(tensors, axis)


def _stack_checks(tensors, dim):
    """The tensors as a list and dim wrapped, after stack's checks."""
    tensors = _as_list(tensors, "stack")
    if not tensors:
        raise RuntimeError("stack expects a non-empty TensorList")
    first = tensors[0]
    wrapped = layout.wrap_dim(dim, first.dim() + 1)
    for i, t in enumerate(tensors[1:], start=1):
        if t.shape != first.shape:
            raise RuntimeError(
                "stack expects each tensor to be equal size, but got "
                f"[{', '.join(map(str, first.shape))}] at entry 0 and "
                f"[{', '.join(map(str, t.shape))}] at entry {i}")
    return tensors, wrapped


@declare("stack(TensorList tensors, int dim=0, *, Tensor out=None)", forms="function",
         schema="aten::stack",
         out_check=_out_of_cat)
def stack(tensors, dim=0):
    """stack (TensorShape.cpp): every tensor the same size; for dim < ndim, cat along dim
    then view with the new dim split off, else cat of the tensors unsqueezed at dim."""
    tensors, wrapped = _stack_checks(tensors, dim)
    first = tensors[0]
    if wrapped < first.dim():
        out = cat(tensors, wrapped)
        sizes = list(first.shape)
        sizes.insert(wrapped, len(tensors))
        strides = layout.compute_view_strides(out._sizes, out._strides, sizes)
        return Tensor(out._storage, out._offset, sizes, strides, out.dtype)
    return cat([unsqueeze(t, wrapped) for t in tensors], wrapped)


# --- backward rules (tools/autograd/derivatives.yaml, FunctionsManual.cpp) -------------------
from .autograd.derivatives import derivative  # noqa: E402


def _cat_tensors_backward(grad, sizes, dim):
    """FunctionsManual.cpp cat_tensors_backward: each input's slice of grad along dim (dim
    wrapped as legacy_cat_wrap_dim does); a skipped 1-d empty input gets an empty one."""
    from .creation import zeros
    from .views import narrow
    for s in sizes:
        if not (len(s) == 1 and s[0] == 0):
            dim = layout.wrap_dim(dim, len(s))
            break
    grads, start = [], 0
    for s in sizes:
        if len(s) == 1 and s[0] == 0:
            grads.append(zeros((0,), dtype=grad.dtype))
            continue
        grads.append(narrow(grad, dim, start, s[dim]))
        start += s[dim]
    return grads


# cat saves its inputs' sizes and dtypes, not the inputs (to_args_sizes, to_args_scalartypes)
derivative(cat, "CatBackward0",
                    tensors=lambda grad, tensors_sizes, dim: _cat_tensors_backward(
                        grad, tensors_sizes, 0 if dim is None else dim))

# stack: stack_tensors_backward: grad.select(dim, i) for each input
def _stack_below_autograd(tensors, dim=0, out=None):
    """stack's kernel is at::cat then .view(): below autograd (inference tensors outside
    inference mode) cat's result is a normal tensor, so the view is an autograd view of it."""
    def cat_then_view(tensors, dim):
        from .views import view
        tensors, wrapped = _stack_checks(tensors, dim)
        sizes = list(tensors[0].shape)
        sizes.insert(wrapped, len(tensors))
        return view(cat(tensors, wrapped), sizes)
    if isinstance(tensors, (list, tuple)) and tensors and isinstance(dim, int) and \
            -tensors[0].dim() - 1 <= dim < tensors[0].dim() and \
            layout.wrap_dim(dim, tensors[0].dim() + 1) < tensors[0].dim():
        return cat_then_view, (tensors, dim), {}, None
    return None


derivative(stack, "StackBackward0", below_autograd=_stack_below_autograd,
                    tensors=lambda grad, tensors_dtype, dim: [
                        grad.select(0 if dim is None else dim, i) for i in range(len(tensors_dtype))])
