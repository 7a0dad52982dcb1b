"""Pure functions over (sizes, strides): the layout rules every op shares.

Nothing here touches data. Each function cites the PyTorch source it was ported from.
Strides are never canonicalized: size-1 and size-0 dims keep whatever stride the
algorithm gives them, because PyTorch keeps them and we compare strides exactly.
"""
from __future__ import annotations

from math import prod


def contiguous_strides(sizes):
    """Row-major strides; size-0 dims count as 1 (c10/core/TensorImpl empty_tensor_restride)."""
    strides = [0] * len(sizes)
    acc = 1
    for d in range(len(sizes) - 1, -1, -1):
        strides[d] = acc
        acc *= max(sizes[d], 1)
    return tuple(strides)


def is_contiguous(sizes, strides):
    """c10::TensorImpl::compute_contiguous: size-1 dims are ignored, numel 0 is contiguous."""
    if prod(sizes) == 0:
        return True
    expected = 1
    for d in range(len(sizes) - 1, -1, -1):
        if sizes[d] != 1:
            if strides[d] != expected:
                return False
            expected *= sizes[d]
    return True


def is_channels_last_contiguous(sizes, strides):
    """c10 compute_channels_last_contiguous_2d: only 4-d tensors, dim order (1, 3, 2, 0)."""
    if len(sizes) != 4:
        return False
    expected = 1
    for d in (1, 3, 2, 0):
        if sizes[d] != 1:
            if strides[d] != expected:
                return False
            expected *= sizes[d]
    return True


def is_non_overlapping_and_dense(sizes, strides):
    """c10::TensorImpl's is_non_overlapping_and_dense_: contiguous (numel 0 included) or
    channels-last contiguous or compute_non_overlapping_and_dense."""
    if is_contiguous(sizes, strides) or is_channels_last_contiguous(sizes, strides):
        return True
    ndim = len(sizes)
    if ndim == 0:
        return True
    if ndim == 1:
        return sizes[0] < 2 or strides[0] == 1
    # sort dims by stride, size-0/1 dims last (they never break density)
    perm = sorted(range(ndim), key=lambda d: (sizes[d] < 2, strides[d] if sizes[d] >= 2 else 0))
    required = 1
    for d in perm:
        if sizes[d] < 2:
            return True
        if strides[d] != required:
            return False
        required *= sizes[d]
    return True


def _insertion_sort_perm(ndim, should_swap):
    """The insertion sort TensorIterator::reorder_dimensions and infer_dense_strides share.

    Returns perm with perm[0] the fastest-moving dim. Starts from n-1, ..., 0 (the
    contiguous order) and only moves a dim when the comparison is unambiguous.
    """
    perm = list(range(ndim - 1, -1, -1))
    for i in range(1, ndim):
        dim1 = i
        for dim0 in range(i - 1, -1, -1):
            comparison = should_swap(perm[dim0], perm[dim1])
            if comparison > 0:
                perm[dim0], perm[dim1] = perm[dim1], perm[dim0]
                dim1 = dim0
            elif comparison < 0:
                break
    return perm


def infer_dense_strides(sizes, strides):
    """aten/src/ATen/ExpandUtils.cpp infer_dense_strides: dense strides that keep the
    input's memory order (used by empty_like/clone with preserve_format)."""
    ndim = len(sizes)
    if ndim == 0:
        return ()
    if ndim == 1:
        return (1,)

    def should_swap(d0, d1):
        s0, s1 = strides[d0], strides[d1]
        if s0 == 0 or s1 == 0:
            return 0
        if s0 < s1:
            return -1
        if s0 > s1:
            return 1
        return 1 if sizes[d0] > sizes[d1] else 0

    perm = _insertion_sort_perm(ndim, should_swap)
    out = [0] * ndim
    acc = 1
    for d in perm:
        out[d] = acc
        if sizes[d] > 1:
            acc *= sizes[d]
    return tuple(out)


def preserve_format_strides(sizes, strides):
    """Strides of clone()/empty_like() with memory_format=torch.preserve_format
    (aten/src/ATen/native/TensorFactories.cpp empty_like)."""
    if is_non_overlapping_and_dense(sizes, strides):
        return tuple(strides)
    return infer_dense_strides(sizes, strides)


def broadcast_shapes(*shapes):
    """infer_size (aten/src/ATen/ExpandUtils.cpp), with its error text."""
    ndim = max((len(s) for s in shapes), default=0)
    result = [1] * ndim
    for shape in shapes:
        offset = ndim - len(shape)
        for i, size in enumerate(shape):
            d = offset + i
            if result[d] == size or size == 1:
                continue
            if result[d] == 1:
                result[d] = size
                continue
            raise RuntimeError(
                f"The size of tensor a ({result[d]}) must match the size of tensor b ({size}) "
                f"at non-singleton dimension {d}")
    return tuple(result)


def _binary_infer_size(a, b):
    """infer_size for two shapes: the message names 'a' and 'b' by position."""
    ndim = max(len(a), len(b))
    out = []
    for i in range(ndim - 1, -1, -1):
        offset = ndim - 1 - i
        da = len(a) - 1 - offset
        db = len(b) - 1 - offset
        sa = a[da] if da >= 0 else 1
        sb = b[db] if db >= 0 else 1
        if sa != sb and sa != 1 and sb != 1:
            raise RuntimeError(
                f"The size of tensor a ({sa}) must match the size of tensor b ({sb}) "
                f"at non-singleton dimension {i}")
        out.append(sa if sa != 1 else sb)
    return tuple(reversed(out))


def broadcast_all(shapes):
    """Broadcast shapes left to right, as TensorIterator::compute_shape does."""
    result = ()
    for i, s in enumerate(shapes):
        result = tuple(s) if i == 0 else _binary_infer_size(result, tuple(s))
    return result


def elementwise_output_strides(out_sizes, operands):
    """Strides TensorIterator gives a freshly allocated output.

    Ported from aten/src/ATen/TensorIterator.cpp: compute_fast_setup_type (all operands
    of the output shape and contiguous / channels-last / identically strided and dense),
    then reorder_dimensions (sort dims by the inputs' byte strides, broadcast dims
    ignored) and allocate_or_resize_outputs (dense strides in that order).

    operands: list of (sizes, strides, itemsize) of the tensor inputs, in call order.
    """
    ndim = len(out_sizes)
    same_shape = all(tuple(s) == tuple(out_sizes) for s, _, _ in operands)
    if same_shape and operands:
        if all(is_contiguous(s, st) for s, st, _ in operands):
            return contiguous_strides(out_sizes)
        if all(is_channels_last_contiguous(s, st) for s, st, _ in operands):
            return channels_last_strides(out_sizes)
        if all(is_non_overlapping_and_dense(s, st) for s, st, _ in operands):
            first = tuple(operands[0][1])
            if all(tuple(st) == first for _, st, _ in operands):
                return first
    if ndim == 0:
        return ()
    # byte strides per operand in the output's dims; size-1 (broadcast) dims count as 0
    byte_strides = []
    for sizes, strides, itemsize in operands:
        offset = ndim - len(sizes)
        row = [0] * ndim
        for i, size in enumerate(sizes):
            d = offset + i
            row[d] = 0 if (size == 1 and out_sizes[d] != 1) else strides[i] * itemsize
        byte_strides.append(row)

    def should_swap(d0, d1):
        for row in byte_strides:
            s0, s1 = row[d0], row[d1]
            if s0 == 0 or s1 == 0:
                continue
            if s0 < s1:
                return -1
            if s0 > s1:
                return 1
            if out_sizes[d0] > out_sizes[d1]:
                return 1
        return 0

    perm = [0] if ndim == 1 else _insertion_sort_perm(ndim, should_swap)
    if perm == list(range(ndim - 1, -1, -1)):
        return contiguous_strides(out_sizes)
    out = [0] * ndim
    acc = 1
    for d in perm:
        out[d] = acc
        acc *= out_sizes[d]
    return tuple(out)


def channels_last_strides(sizes):
    """get_channels_last_strides_2d (c10/core/MemoryFormat.h) for 4-d sizes; unlike
    contiguous strides, a size-0 dim zeroes the strides outside it."""
    n, c, h, w = sizes
    strides = [0, 0, 0, 0]
    strides[1] = 1
    strides[3] = c
    strides[2] = strides[3] * w
    strides[0] = strides[2] * h
    return tuple(strides)


def channels_last_3d_strides(sizes):
    """get_channels_last_strides_3d (c10/core/MemoryFormat.h) for 5-d sizes."""
    _, c, d, h, w = sizes
    strides = [0] * 5
    strides[1] = 1
    strides[4] = c
    strides[3] = strides[4] * w
    strides[2] = strides[3] * h
    strides[0] = strides[2] * d
    return tuple(strides)


def compute_view_strides(old_sizes, old_strides, new_sizes):
    """computeStride (aten/src/ATen/TensorUtils.cpp): strides for viewing
    (old_sizes, old_strides) as new_sizes without copying, or None if impossible."""
    if len(old_sizes) == 0:
        return tuple(1 for _ in new_sizes)
    numel = prod(old_sizes)
    if numel == 0 and tuple(old_sizes) == tuple(new_sizes):
        return tuple(old_strides)
    new_strides = [0] * len(new_sizes)
    if numel == 0:
        for d in range(len(new_sizes) - 1, -1, -1):
            if d == len(new_sizes) - 1:
                new_strides[d] = 1
            else:
                new_strides[d] = max(new_sizes[d + 1], 1) * new_strides[d + 1]
        return tuple(new_strides)
    view_d = len(new_sizes) - 1
    chunk_base_stride = old_strides[-1]
    tensor_numel = 1
    view_numel = 1
    for tensor_d in range(len(old_sizes) - 1, -1, -1):
        tensor_numel *= old_sizes[tensor_d]
        if tensor_d == 0 or (old_sizes[tensor_d - 1] != 1
                             and old_strides[tensor_d - 1] != tensor_numel * chunk_base_stride):
            while view_d >= 0 and (view_numel < tensor_numel or new_sizes[view_d] == 1):
                new_strides[view_d] = view_numel * chunk_base_stride
                view_numel *= new_sizes[view_d]
                view_d -= 1
            if view_numel != tensor_numel:
                return None
            if tensor_d > 0:
                chunk_base_stride = old_strides[tensor_d - 1]
                tensor_numel = 1
                view_numel = 1
    if view_d != -1:
        return None
    return tuple(new_strides)


def infer_size(shape, numel):
    """infer_size_impl (aten/src/ATen/InferSize.h): resolve one -1 in a view/reshape shape."""
    new_size = 1
    infer_dim = None
    for d, s in enumerate(shape):
        if s == -1:
            if infer_dim is not None:
                raise RuntimeError("only one dimension can be inferred")
            infer_dim = d
        elif s >= 0:
            new_size *= s
        else:
            raise RuntimeError(f"invalid shape dimension {s} at index {d} of shape "
                               f"[{', '.join(str(x) for x in shape)}]")
    shape_str = "[" + ", ".join(str(s) for s in shape) + "]"
    if numel == new_size or (infer_dim is not None and new_size > 0 and numel % new_size == 0):
        result = list(shape)
        if infer_dim is not None:
            if new_size == 0:
                raise RuntimeError(
                    f"cannot reshape tensor of 0 elements into shape {shape_str} because the "
                    "unspecified dimension size -1 can be any value and is ambiguous")
            result[infer_dim] = numel // new_size
        return tuple(result)
    raise RuntimeError(f"shape '{shape_str}' is invalid for input of size {numel}")


def wrap_dim(dim, ndim, scalar_ok=True):
    """maybe_wrap_dim (c10/core/WrapDimMinimal.h): negative dims count from the end;
    a 0-dim tensor accepts dims -1 and 0."""
    if ndim <= 0:
        if not scalar_ok:
            raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
        ndim = 1
    lo, hi = -ndim, ndim - 1
    if not lo <= dim <= hi:
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{lo}, {hi}], but got {dim})")
    return dim + ndim if dim < 0 else dim


def dim_list_to_bitset(dims, ndim):
    """dim_list_to_bitset (aten/src/ATen/WrapDimUtilsMulti.h): the wrapped dims, in the
    order given, repeats refused."""
    wrapped = []
    for d in dims:
        w = wrap_dim(d, ndim)
        if w in wrapped:
            raise RuntimeError(f"dim {w} appears multiple times in the list of dims")
        wrapped.append(w)
    return wrapped


def is_channels_last_strides(sizes, strides, order):
    """is_channels_last_strides_2d_s4 / _3d_s5 (c10/core/MemoryFormat.h)."""
    minimum = 0
    if strides[1] == 0:
        return False
    for d in order:
        if sizes[d] == 0:
            return False
        if strides[d] < minimum:
            return False
        if d == 0 and minimum == strides[1]:
            return False
        minimum = strides[d]
        if sizes[d] > 1:
            minimum *= sizes[d]
    return True


def is_expandable_to(shape, desired):
    """at::is_expandable_to (aten/src/ATen/ExpandUtils.h): shape broadcasts to desired."""
    if len(shape) > len(desired):
        return False
    for a, b in zip(reversed(shape), reversed(desired)):
        if a != b and a != 1:
            return False
    return True
