"""Linear algebra (matmul, mm, bmm, mv, dot, outer).

Ported from aten/src/ATen/native/LinearAlgebra.cpp (matmul's _matmul_impl and
should_fold, addmm_impl_cpu_, addmv_out / mv, common_checks_baddbmm_bmm, outer) and
aten/src/ATen/native/Blas.cpp (dot_check). Every result is allocated contiguous.

Float dot products are accumulated by BLAS in an order PyTorch does not specify
(blocked, vectorized, fused multiply-add): the oracle computes the exact sum of the
products rounded once, and marks unspecified any result whose forward or backward
accumulation in the kernel's accumulation type is not close to it (as sum does).
Integer products wrap in the result dtype, whatever the order.
"""
from __future__ import annotations

import math

import numpy as np

from . import dtypes
from .reductions import _exact_sum, _order_sensitive
from .bindings import out_like_input
from .device_dependence import dtype_not_implemented
from .registry import declare
from .shape_ops import unsqueeze
from .storage import merge_unspecified, to_dtype_array
from .tensor import Tensor


def _contract(a: np.ndarray, b: np.ndarray, dtype, undefined=None):
    """a (..., n, k) @ b (..., k, p) -> (values in the result dtype, unspecified mask)."""
    n, k = a.shape[-2], a.shape[-1]
    p = b.shape[-1]
    out_shape = a.shape[:-1] + (p,)
    if dtype.kind != "float":
        with np.errstate(all="ignore"):
            values = np.matmul(a.astype(np.int64), b.astype(np.int64)) if k else \
                np.zeros(out_shape, dtype=np.int64)
        return values, undefined
    if k == 0 or n == 0 or p == 0 or math.prod(out_shape) == 0:
        return np.zeros(out_shape), undefined
    with np.errstate(all="ignore"):
        products = a.astype(np.float64)[..., :, :, None] * b.astype(np.float64)[..., None, :, :]
        k_axis = products.ndim - 2
        exact = _exact_sum(products, (k_axis,))
        order = _order_sensitive(products, exact, (k_axis,), dtype)
        loose = _error_bound_exceeds_tolerance(products, exact, k_axis, dtype)
        overflowed = _overflowed_products(a, b, products, k_axis)
        exact, zero_sign = _zero_results(a, b, products, exact, k_axis, dtype)
        infinite = _infinite_operands(a, b)
    return exact, merge_unspecified(undefined, order, loose, overflowed, zero_sign, infinite)


def _infinite_operands(a, b):
    """Results whose dot product reads an infinite operand: a BLAS kernel pads its panels
    with zeros and may multiply the infinity by one (inf * 0 = nan), so the result is ±inf
    or nan as its blocking has it (MKL's sgemm on CPU gives nan where the exact sum is
    -inf): implementation-defined. None where no operand is infinite."""
    rows, cols = np.isinf(a).any(axis=-1), np.isinf(b).any(axis=-2)
    if not rows.any() and not cols.any():
        return None
    return rows[..., :, None] | cols[..., None, :]


def _overflowed_products(a, b, products, k_axis):
    """Results with a product of finite factors that overflows double (only doubles can):
    its exact sum is out of reach here, and BLAS's order of adding the products (blocked,
    with fused multiply-add) decides between an infinity, the other one, NaN and a finite
    sum: unspecified."""
    finite = np.isfinite(a)[..., :, :, None] & np.isfinite(b)[..., None, :, :]
    overflowed = (finite & np.isinf(products)).any(axis=k_axis)
    return overflowed if overflowed.any() else None


def _zero_results(a, b, products, exact, k_axis, dtype):
    """The sign of results that are zero: (exact sums with the defined zeros +0.0, mask
    of the zeros whose sign is unspecified or None).

    An IEEE sum that is exactly zero is +0.0 unless every term is -0.0, in any order and
    with or without fused multiply-add, so a zero result is +0.0 except where:
    every product is -0.0 (BLAS writes a single product as it is: measured on torch 2.13,
    mm with k == 1 gives -0.0, while dot, mv, bmm and a 1x1 mm start from +0.0); the
    exact sum is not zero but rounds to zero; or a product is so tiny (below 2**-100 in
    float, 2**-960 in double, or underflowing) that its rounding in the accumulation
    type, or an fma, can leave a negative residue that rounds to -0.0."""
    acc_tiny = 2.0 ** -960 if dtype is dtypes.float64 else 2.0 ** -100
    with np.errstate(all="ignore"):
        rounded = to_dtype_array(exact, dtype).astype(np.float64)
        factors = ((a.astype(np.float64)[..., :, :, None] != 0)
                   & (b.astype(np.float64)[..., None, :, :] != 0))
        tiny = (factors & (np.abs(products) < acc_tiny)).any(axis=k_axis)
    all_negative_zero = ((products == 0) & np.signbit(products)).all(axis=k_axis)
    unspecified = (rounded == 0) & (all_negative_zero | (exact != 0) | tiny)
    exact = np.where((rounded == 0) & ~unspecified, 0.0, exact)
    return exact, (unspecified if unspecified.any() else None)


def _error_bound_exceeds_tolerance(products, exact, k_axis, dtype):
    """Where some accumulation order (with or without fused multiply-add) may land
    outside the comparison tolerance: the classic bound on a k-term dot product,
    (k + 1) * u * sum|a_i * b_i| (u the accumulation type's unit roundoff), exceeds
    atol + rtol * |exact| (cancellation); or the terms are large enough for a partial
    sum to overflow the accumulation type."""
    k = products.shape[k_axis]
    finite = np.isfinite(products).all(axis=k_axis)
    absum = np.abs(products).sum(axis=k_axis)
    if dtype is dtypes.float64:
        u, largest = 2.0 ** -53, dtypes.float64.max
    else:
        u, largest = 2.0 ** -24, dtypes.float32.max
    rtol, atol = dtypes.TOLERANCE[dtype.name]
    loose = finite & (((k + 1) * u * absum > atol + rtol * np.abs(exact)) | (absum > largest))
    return loose if loose.any() else None


def _operand_mask(a, b, out_shape_fn):
    """Unspecified inputs: every output they are contracted into is unspecified."""
    ma, mb = a._undefined_mask(), b._undefined_mask()
    if ma is None and mb is None:
        return None
    return out_shape_fn(ma, mb)


def _result(values, dtype, undefined):
    return Tensor._from_array(np.asarray(values), dtype, None, undefined)


# --- dot -----------------------------------------------------------------------------------
# --- out= checks (aten/src/ATen/native/LinearAlgebra.cpp, Blas.cpp meta functions) ----------
def _out_like_input(out, args):
    from .bindings import expect_dtype
    expect_dtype(out, args["input"].dtype)


def _out_of_mv(out, args):
    """mv is addmv(out, self, vec): the three must share a dtype."""
    a, v = args["input"], args["vec"]
    if not (out.dtype is a.dtype is v.dtype):
        raise RuntimeError(f"addmv input tensors must have the same dtype, but got "
                           f"{out.dtype.legacy_name}, {a.dtype.legacy_name}, and {v.dtype.legacy_name}")




@declare("dot(Tensor input, Tensor tensor, *, Tensor out=None)", schema="aten::dot",
         out_check=out_like_input("result dtype {out} does not match input dtype {input}"))
def dot(input: Tensor, tensor: Tensor):
    """dot_check (Blas.cpp): 1-d, same dtype, same size; no bool kernel."""
    other = tensor
    if input.dim() != 1 or other.dim() != 1:
        raise RuntimeError(f"1D tensors expected, but got {input.dim()}D and {other.dim()}D tensors")
    if input.dtype is not other.dtype:
        raise RuntimeError("dot : expected both vectors to have same dtype, but found "
                           f"{input.dtype.legacy_name} and {other.dtype.legacy_name}")
    if input.numel() != other.numel():
        n, m = input.numel(), other.numel()
        raise RuntimeError(f"inconsistent tensor size, expected tensor [{n}] and src [{m}] to "
                           f"have the same number of elements, but got {n} and {m} elements "
                           "respectively")
    if input.dtype is dtypes.bool_:
        raise dtype_not_implemented("dot", input.dtype)
    a = input._values().reshape(1, -1)
    b = other._values().reshape(-1, 1)
    mask = _operand_mask(input, other, lambda ma, mb: np.asarray(
        (ma is not None and ma.any()) or (mb is not None and mb.any())))
    values, undefined = _contract(a, b, input.dtype)
    undefined = merge_unspecified(undefined, None if mask is None else np.reshape(mask, (1, 1)))
    return _result(values.reshape(()), input.dtype,
                   None if undefined is None else np.reshape(undefined, ()))


def _row_col_mask(a_mask, b_mask, a_shape, b_shape):
    """(…, n, k) and (…, k, p) masks -> (…, n, p): any unspecified operand in the row/col."""
    return merge_unspecified(
        None if a_mask is None else np.broadcast_to(a_mask, a_shape).any(axis=-1)[..., :, None],
        None if b_mask is None else np.broadcast_to(b_mask, b_shape).any(axis=-2)[..., None, :])


def _matmul_values(a: Tensor, b: Tensor, a_shape, b_shape, dtype):
    """Values of a (reshaped to a_shape: …, n, k) @ b (b_shape: …, k, p)."""
    av = a._values().reshape(a_shape)
    bv = b._values().reshape(b_shape)
    am, bm = a._undefined_mask(), b._undefined_mask()
    mask = _row_col_mask(None if am is None else am.reshape(a_shape),
                         None if bm is None else bm.reshape(b_shape), a_shape, b_shape)
    values, undefined = _contract(av, bv, dtype)
    if mask is not None:
        mask = np.broadcast_to(mask, np.shape(values))
    return values, merge_unspecified(undefined, mask)


# --- mm ------------------------------------------------------------------------------------
@declare("mm(Tensor input, Tensor mat2, *, Tensor out=None)",
         "mm(Tensor input, Tensor mat2, ScalarType out_dtype, *, Tensor out=None)", method=("mm(Tensor mat2)",), schema="aten::mm",
         out_check=_out_like_input)
def mm(input: Tensor, mat2: Tensor):
    """mm meta (LinearAlgebra.cpp): both matrices, shapes that multiply, same dtype; the
    CPU kernel (addmm_impl_cpu_) returns zeros before dispatching when the result is empty
    or the inner size is 0."""
    if input.dim() != 2:
        raise RuntimeError("self must be a matrix")
    if mat2.dim() != 2:
        raise RuntimeError("mat2 must be a matrix")
    (n, k), (k2, p) = input.shape, mat2.shape
    if k != k2:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({n}x{k} and {k2}x{p})")
    if input.dtype is not mat2.dtype:
        raise RuntimeError("expected m1 and m2 to have the same dtype, but got: "
                           f"{input.dtype.typemeta_name} != {mat2.dtype.typemeta_name}")
    if input.dtype is dtypes.bool_ and n * p and k:
        raise dtype_not_implemented("addmm_impl_cpu_", input.dtype)
    values, undefined = _matmul_values(input, mat2, (n, k), (k, p), input.dtype)
    return _result(values, input.dtype, undefined)


# --- addmm ---------------------------------------------------------------------------------
@declare("addmm(Tensor input, Tensor mat1, Tensor mat2, *, Scalar beta=1, Scalar alpha=1, "
         "Tensor out=None)",
         "addmm(Tensor input, Tensor mat1, Tensor mat2, ScalarType out_dtype, *, Scalar beta=1, "
         "Scalar alpha=1, Tensor out=None)",
         method=("addmm(Tensor mat1, Tensor mat2, *, Scalar beta=1, Scalar alpha=1)",),
         schema="aten::addmm", out_check=_out_like_input)
def addmm(input: Tensor, mat1: Tensor, mat2: Tensor, *, beta=1, alpha=1):
    """addmm (LinearAlgebra.cpp addmm meta, addmm_impl_cpu_): beta * input + alpha *
    (mat1 @ mat2), input expanded to the product's shape; with beta == 0 input's values
    are not read (a nan there does not propagate). nn.functional.linear's path for a 2-d
    input with a bias."""
    from .views import expand
    for name, m in (("mat1", mat1), ("mat2", mat2)):
        if m.dim() != 2:
            raise RuntimeError(f"{name} must be a matrix, got {m.dim()}-D tensor")
    for name, first in (("self", input), ("mat1", mat1)):
        if first.dtype is not mat2.dtype:
            raise RuntimeError(f"{name} and mat2 must have the same dtype, but got "
                               f"{first.dtype.legacy_name} and {mat2.dtype.legacy_name}")
    (n, k), (k2, p) = mat1.shape, mat2.shape
    if k != k2:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({n}x{k} and {k2}x{p})")
    bias = expand(input, (n, p), implicit=True)
    if input.dtype is dtypes.bool_ and n * p and k:
        raise dtype_not_implemented("addmm_impl_cpu_", input.dtype)
    if beta == 0:
        product, undefined = _matmul_values(mat1, mat2, (n, k), (k, p), input.dtype)
        wide = np.int64 if input.dtype.kind != "float" else np.float64
        values = np.asarray(product).astype(wide) * wide(alpha)
        return _result(to_dtype_array(values, input.dtype), input.dtype, undefined)
    # the bias is one more term of each dot product (gemm accumulates into C): a column of
    # beta * bias times ones, so a sum that cancels against it is judged as a whole
    wide = np.int64 if input.dtype.kind != "float" else np.float64
    a = np.concatenate([mat1._values().astype(wide) * wide(alpha), np.ones((n, 1), dtype=wide)],
                       axis=1)
    b = np.concatenate([mat2._values().astype(wide), np.zeros((1, p), dtype=wide)], axis=0)
    terms = np.broadcast_to(bias._values().astype(wide) * wide(beta), (n, p))
    values, undefined = _contract_with_bias(a, b, terms, input.dtype)
    mask = _row_col_mask(mat1._undefined_mask(), mat2._undefined_mask(), (n, k), (k, p))
    undefined = merge_unspecified(undefined, mask, bias._undefined_mask())
    return _result(to_dtype_array(values, input.dtype), input.dtype, undefined)


def _contract_with_bias(a, b, terms, dtype):
    """Sum over j of a[i, j] * b[j, k], plus terms[i, k], judged as one accumulation (a's
    last column is ones; b's last row is replaced, for each output, by its term): every
    output is its own (1, k+1) @ (k+1, 1) contraction, batched."""
    n, p = terms.shape
    rows = np.broadcast_to(a[:, None, None, :], (n, p, 1, a.shape[1]))
    cols = np.broadcast_to(b.T[None, :, :, None], (n, p, b.shape[0], 1)).copy()
    cols[:, :, -1, 0] = terms
    values, undefined = _contract(rows, cols, dtype)
    return (np.asarray(values).reshape(n, p),
            None if undefined is None else np.asarray(undefined).reshape(n, p))


# --- mv ------------------------------------------------------------------------------------
@declare("mv(Tensor input, Tensor vec, *, Tensor out=None)", schema="aten::mv",
         out_check=_out_of_mv)
def mv(input: Tensor, vec: Tensor):
    """mv = addmv_(empty({self.size(0)}, vec.options()), self, vec, 0, 1)."""
    if input.dim() == 0:
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    if not (input.dim() == 2 and vec.dim() == 1):
        raise RuntimeError(f"vector + matrix @ vector expected, got 1, {input.dim()}, {vec.dim()}")
    n, k = input.shape
    if k != vec.shape[0]:
        raise RuntimeError(f"size mismatch, got input ({n}), mat ({n}x{k}), vec ({vec.shape[0]})")
    if input.dtype is not vec.dtype:
        raise RuntimeError("addmv input tensors must have the same dtype, but got "
                           f"{vec.dtype.legacy_name}, {input.dtype.legacy_name}, and "
                           f"{vec.dtype.legacy_name}")
    if input.dtype is dtypes.bool_ and input.numel():
        raise dtype_not_implemented("addmv_impl_cpu", input.dtype)
    values, undefined = _matmul_values(input, vec, (n, k), (k, 1), input.dtype)
    return _result(values.reshape(n), input.dtype,
                   None if undefined is None else undefined.reshape(n))


# --- bmm -----------------------------------------------------------------------------------
@declare("bmm(Tensor input, Tensor mat2, *, Tensor out=None)",
         "bmm(Tensor input, Tensor mat2, ScalarType out_dtype, *, Tensor out=None)", method=("bmm(Tensor mat2)",),
         schema="aten::bmm",
         out_check=_out_like_input)
def bmm(input: Tensor, mat2: Tensor):
    """common_checks_baddbmm_bmm, then the result dtype check; no bool kernel unless the
    result is empty or the inner size is 0."""
    if input.dim() != 3:
        raise RuntimeError("batch1 must be a 3D tensor")
    if mat2.dim() != 3:
        raise RuntimeError("batch2 must be a 3D tensor")
    bs, n, k = input.shape
    if mat2.shape[0] != bs or mat2.shape[1] != k:
        raise RuntimeError(
            f"Expected size for first two dimensions of batch2 tensor to be: [{bs}, {k}] "
            f"but got: [{mat2.shape[0]}, {mat2.shape[1]}].")
    # the result takes batch2's options; an empty result or inner size returns before
    # the kernel checks the dtypes (bmm_out_or_baddbmm_)
    p = mat2.shape[2]
    out_dtype = mat2.dtype
    if bs * n * p == 0 or k == 0:
        return _result(np.zeros((bs, n, p), dtype=out_dtype.np_storage), out_dtype, None)
    # small products (k * n * p < 400) run bmm's own loop, dispatched on batch1's dtype,
    # which then reads batch2 as that type; larger ones a float or double result computes
    # with BLAS, reading batch1 as the result's type, any other addmm per batch, with its
    # same-dtype check first (bmm_out_or_baddbmm_, aten/src/ATen/native/LinearAlgebra.cpp)
    small = k * n * p < 400
    if not small and out_dtype in (dtypes.float32, dtypes.float64):
        if input.dtype is not out_dtype:
            raise RuntimeError(f"expected scalar type {out_dtype.legacy_name} but found "
                               f"{input.dtype.legacy_name}")
    elif not small and input.dtype is not mat2.dtype:
        raise RuntimeError("expected m1 and m2 to have the same dtype, but got: "
                           f"{input.dtype.typemeta_name} != {mat2.dtype.typemeta_name}")
    if input.dtype is dtypes.bool_:
        raise dtype_not_implemented("bmm" if small else "addmm_impl_cpu_", input.dtype)
    if input.dtype is not mat2.dtype:
        raise RuntimeError(f"expected scalar type {input.dtype.legacy_name} but found "
                           f"{mat2.dtype.legacy_name}")
    values, undefined = _matmul_values(input, mat2, (bs, n, k), (bs, k, p), input.dtype)
    return _result(values, input.dtype, undefined)


# --- outer ---------------------------------------------------------------------------------
@declare("outer(Tensor input, Tensor vec2, *, Tensor out=None)", schema="aten::outer",
         composite=True, out_op="mul")
def outer(input: Tensor, vec2: Tensor):
    """outer (LinearAlgebra.cpp, CompositeImplicitAutograd): self.reshape({n, 1}) * vec2,
    so it promotes, and records the reshape and the mul."""
    from .views import reshape
    if input.dim() != 1:
        raise RuntimeError(f"outer: Expected 1-D argument self, but got {input.dim()}-D")
    if vec2.dim() != 1:
        raise RuntimeError(f"outer: Expected 1-D argument vec2, but got {vec2.dim()}-D")
    return reshape(input, (input.shape[0], 1)) * vec2


# --- matmul --------------------------------------------------------------------------------
def _should_fold(tensor1: Tensor, tensor2: Tensor) -> bool:
    """should_fold (LinearAlgebra.cpp, without out=): fold the batch of the larger operand
    into mm/mv when that needs no copy -- or, to keep the backward small, whenever the
    smaller operand requires grad."""
    larger_first = tensor1.dim() >= tensor2.dim()
    if larger_first:
        sizes, strides = tensor1.shape, tensor1.stride()
    else:  # tensor2.mT()
        sizes = tuple(tensor2.shape[:-2]) + (tensor2.shape[-1], tensor2.shape[-2])
        strides = tuple(tensor2.stride()[:-2]) + (tensor2.stride()[-1], tensor2.stride()[-2])
    dim_t1 = len(sizes)
    dim_t2 = tensor2.dim() if larger_first else tensor1.dim()
    if not (dim_t1 >= 3 and dim_t2 <= 2):
        return False
    if (tensor2 if larger_first else tensor1).requires_grad:
        return True
    if tensor1.dim() == 2:
        return False
    if math.prod(sizes) == 0:
        return True
    return all(strides[i] == strides[i + 1] * sizes[i + 1] for i in range(dim_t1 - 2))


def _mT(t: Tensor):
    from .views import transpose
    return transpose(t, -2, -1)


def _unsafe_view(t: Tensor, shape):
    """at::_unsafe_view (UnsafeViewBackward0) where refimpl declares it, else reshape."""
    from .registry import DECLARATIONS
    from .views import reshape
    d = DECLARATIONS.get("_unsafe_view")
    return d.op(t, tuple(shape)) if d is not None else reshape(t, tuple(shape))


def _squeeze_inplace(t: Tensor, d):
    """t.squeeze_(d) (SqueezeBackward4)."""
    from .shape_ops import squeeze_
    return squeeze_(t, d)


@declare("matmul(Tensor input, Tensor other, *, Tensor out=None)", operator="@",
         reflected=True, schema="aten::matmul", composite=True,
         out_check=_out_like_input)
def matmul(input: Tensor, other: Tensor):
    """matmul (CompositeImplicitAutograd): _matmul_impl (LinearAlgebra.cpp), whose graph
    is that of the ops it calls: dot / mv / mm by rank, mm or mv on a folded batch when
    should_fold, else bmm on the expanded batches, with the views between them."""
    d1, d2 = input.dim(), other.dim()
    if d1 == 0 or d2 == 0:
        raise RuntimeError("both arguments to matmul need to be at least 1D, but they are "
                           f"{d1}D and {d2}D")
    return _matmul_impl(input, other)


def _matmul_impl(tensor1: Tensor, tensor2: Tensor):
    from .shape_ops import squeeze
    from .views import contiguous, expand, reshape, t
    d1, d2 = tensor1.dim(), tensor2.dim()
    if d1 == 1 and d2 == 1:
        return dot(tensor1, tensor2)
    if d1 == 2 and d2 == 1:
        return mv(tensor1, tensor2)
    if d1 == 1 and d2 == 2:
        # tensor1.unsqueeze(0).mm(tensor2).squeeze_(0)
        return _squeeze_inplace(mm(unsqueeze(tensor1, 0), tensor2), 0)
    if d1 == 2 and d2 == 2:
        return mm(tensor1, tensor2)
    if _should_fold(tensor1, tensor2):
        transpose = d2 > d1
        t1 = _mT(tensor2) if transpose else tensor1
        t2 = (t(tensor1) if d1 == 2 else tensor1) if transpose else tensor2
        output_shape = list(t1.shape[:-1])
        folded = math.prod(output_shape)
        if t2.dim() == 2:
            output_shape.append(t2.shape[1])
        t1_folded = reshape(t1, (folded, t1.shape[-1]))
        if t2.dim() == 2:
            output = _unsafe_view(mm(t1_folded, t2), output_shape)
            return contiguous(_mT(output)) if transpose else output
        return _unsafe_view(mv(t1_folded, t2), output_shape)
    # dim_tensor1 >= 3 || dim_tensor2 >= 3: bmm on the broadcast batches
    from .layout import _binary_infer_size
    n = tensor1.shape[-2] if d1 > 1 else 1
    m1 = tensor1.shape[-1]
    batch1 = tuple(tensor1.shape[:-2]) if d1 > 1 else ()
    m2 = tensor2.shape[-2] if d2 > 1 else tensor2.shape[0]
    p = tensor2.shape[-1] if d2 > 1 else 1
    batch2 = tuple(tensor2.shape[:-2]) if d2 > 1 else ()
    # the should_fold optimisation for gradients when a 3-d batch of 1 would broadcast
    if d1 == 3 and d2 == 3 and batch1[0] != batch2[0]:
        if batch1[0] == 1 and tensor1.requires_grad:
            return _matmul_impl(squeeze(tensor1, 0), tensor2)
        if batch2[0] == 1 and tensor2.requires_grad:
            return _matmul_impl(tensor1, squeeze(tensor2, 0))
    batch = tuple(_binary_infer_size(batch1, batch2))
    bp = math.prod(batch)
    a = reshape(expand(tensor1, batch + (n, m1)), (bp, n, m1))
    vector_rhs = d2 == 1
    if vector_rhs:
        b = unsqueeze(reshape(expand(tensor2, batch + (m2,)), (bp, m2)), 2)
    else:
        b = reshape(expand(tensor2, batch + (m2, p)), (bp, m2, p))
    output_shape = list(batch) + ([n] if d1 > 1 else []) + ([p] if d2 > 1 else [])
    out = bmm(a, b)
    if vector_rhs:
        out = squeeze(out, -1)
    return _unsafe_view(out, output_shape)


# --- backward rules (tools/autograd/derivatives.yaml, FunctionsManual.cpp) -------------------
from .autograd.derivatives import derivative  # noqa: E402
from .autograd.formulas import maybe_multiply  # noqa: E402


def _column_major(sizes, strides):
    return strides[0] == 1 and strides[1] == sizes[0]


def _mm_mat1_backward(grad, mat2, sizes, strides):
    """FunctionsManual.cpp mm_mat1_backward: grad @ mat2^T, computed transposed (so the
    gradient is column-major) when self was column-major."""
    from .views import t
    if _column_major(sizes, strides):
        return t(mm(mat2, t(grad)))
    return mm(grad, t(mat2))


def _mm_mat2_backward(grad, mat1, sizes, strides):
    """FunctionsManual.cpp mm_mat2_backward: mat1^T @ grad, likewise."""
    from .views import t
    if _column_major(sizes, strides):
        return t(mm(t(grad), mat1))
    return mm(t(mat1), grad)


# mm saves the other operand and its own operand's sizes and strides
derivative(
    mm, "MmBackward0",
    input=lambda grad, mat2, input_sizes, input_strides:
        _mm_mat1_backward(grad, mat2, input_sizes, input_strides),
    mat2=lambda grad, input, mat2_sizes, mat2_strides:
        _mm_mat2_backward(grad, input, mat2_sizes, mat2_strides))


# addmm: self: maybe_multiply(grad, beta) (summed back to self's shape by the engine);
# mat1, mat2: mm's, times alpha
derivative(
    addmm, "AddmmBackward0",
    input=lambda grad, beta: maybe_multiply(grad, beta),
    mat1=lambda grad, mat2, mat1_sizes, mat1_strides, alpha:
        maybe_multiply(_mm_mat1_backward(grad, mat2, mat1_sizes, mat1_strides), alpha),
    mat2=lambda grad, mat1, mat2_sizes, mat2_strides, alpha:
        maybe_multiply(_mm_mat2_backward(grad, mat1, mat2_sizes, mat2_strides), alpha))


def _transpose12(x):
    from .views import transpose
    return transpose(x, 1, 2)


derivative(bmm, "BmmBackward0",
                    input=lambda grad, mat2: bmm(grad, _transpose12(mat2)),
                    mat2=lambda grad, input: bmm(_transpose12(input), grad))
# mv: self: grad.ger(vec) (ger is outer), vec: self.t().mv(grad)
derivative(mv, "MvBackward0",
                    input=lambda grad, vec: outer(grad, vec),
                    vec=lambda grad, input: mv(input.t(), grad))
derivative(dot, "DotBackward0",
                    input=lambda grad, tensor: grad * tensor,
                    tensor=lambda grad, input: grad * input)
