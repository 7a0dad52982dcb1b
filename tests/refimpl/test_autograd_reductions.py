"""Backward rules of the reductions (sum, mean, prod, max/min, amax/amin, norm, cumsum),
the linear algebra ops (dot, mv, mm, bmm, matmul, outer) and the joining ops (cat,
concatenate, stack) against torch: node names, next_functions, gradients, the edge
conventions (ties, zeros in prod, norm at 0), what each node saves (version checks), the
in-place twin cumsum_, and numerical checks of every formula."""
import math

import pytest

import refimpl

from .autograd_harness import assert_same, numerical_check

INF = float("inf")
NAN = float("nan")

# leaf values without ties unless a case wants them
M34 = [[0.5, -1.25, 2.0, 3.5], [1.5, 0.75, -2.5, 4.0], [-0.25, 2.25, 1.0, -3.0]]
M234 = [[[0.5, -1.0, 2.0, 1.5], [1.25, 0.75, -2.5, 3.0], [-0.5, 2.5, 1.75, -3.5]],
        [[2.75, -0.25, 0.125, 1.0], [-1.5, 3.25, 0.625, -2.0], [1.125, -0.75, 2.125, 0.25]]]
V3 = [1.5, -2.0, 0.75]
V4 = [0.5, -1.5, 2.5, 1.25]


def rnd(n, start=0.0):
    """n distinct, untied values of both signs."""
    return [round(((i * 7 + 3) % 11 - 5) * 0.37 + start + i * 0.013, 4) for i in range(n)]


def nested(shape, start=0.0):
    flat = rnd(math.prod(shape), start)

    def build(dims, offset):
        if not dims:
            return flat[offset]
        step = math.prod(dims[1:])
        return [build(dims[1:], offset + i * step) for i in range(dims[0])]
    return build(list(shape), 0)


def weights(torch, out):
    """A gradient for out of distinct values, so every element's path is checked."""
    return (torch.arange(1.0, out.numel() + 1.0) / 4).reshape(out.shape).to(out.dtype)


def op_case(build, *inputs, grads=True, dtype=None, requires=None):
    """A case: leaves from `inputs` (lists of floats, or None for a leaf that is not
    given), out = build(torch, *leaves), backward with distinct weights, observed."""
    def case(torch):
        leaves = [torch.tensor(v, dtype=getattr(torch, dtype or "float32"),
                               requires_grad=(requires[i] if requires else True))
                  for i, v in enumerate(inputs)]
        out = build(torch, *leaves)
        first = out[0] if isinstance(out, tuple) else out
        if grads and first.requires_grad:
            first.backward(weights(torch, first))
        got = {f"x{i}": leaf for i, leaf in enumerate(leaves)}
        got["out"] = list(out) if isinstance(out, tuple) else out
        return got
    return case


# --- the op table: (id, case) ---------------------------------------------------------------
OPS = {
    # sum: SumBackward0 without dim, SumBackward1 with it (dim=None and dim=() too)
    "sum": op_case(lambda t, x: x.sum(), M34),
    "sum_fn": op_case(lambda t, x: t.sum(x), M34),
    "sum_dtype": op_case(lambda t, x: x.sum(dtype=t.float64), M34),
    "sum_dim0": op_case(lambda t, x: x.sum(0), M34),
    "sum_dim_neg_keepdim": op_case(lambda t, x: t.sum(x, -1, keepdim=True), M34),
    "sum_dims": op_case(lambda t, x: x.sum((0, 2)), M234),
    "sum_dims_keepdim": op_case(lambda t, x: x.sum([2, 0], True), M234),
    "sum_dim_none": op_case(lambda t, x: x.sum(dim=None), M34),
    "sum_dim_empty": op_case(lambda t, x: t.sum(x, ()), M34),
    "sum_dim_dtype": op_case(lambda t, x: x.sum(1, dtype=t.float64), M34),
    "sum_0dim": op_case(lambda t, x: x.sum(), 2.5),
    "sum_0dim_dim": op_case(lambda t, x: x.sum(0), 2.5),
    "sum_float64": op_case(lambda t, x: x.sum(1), M34, dtype="float64"),
    "sum_empty": op_case(lambda t, x: x.sum(0), [[], []]),
    # mean
    "mean": op_case(lambda t, x: x.mean(), M34),
    "mean_fn_dtype": op_case(lambda t, x: t.mean(x, dtype=t.float64), M34),
    "mean_dim": op_case(lambda t, x: x.mean(1), M34),
    "mean_dim_none": op_case(lambda t, x: x.mean(dim=None), M34),
    "mean_dims_keepdim": op_case(lambda t, x: t.mean(x, (0, -1), keepdim=True), M234),
    "mean_dim_dtype": op_case(lambda t, x: x.mean(0, dtype=t.float64), M34),
    "mean_0dim": op_case(lambda t, x: x.mean(), 2.5),
    # prod: ProdBackward0 / ProdBackward1; zeros in the input
    "prod": op_case(lambda t, x: x.prod(), [[1.5, -0.5], [2.0, 1.25]]),
    "prod_fn_dtype": op_case(lambda t, x: t.prod(x, dtype=t.float64), [1.5, -0.5, 2.0]),
    "prod_dim": op_case(lambda t, x: x.prod(1), M34),
    "prod_dim_keepdim": op_case(lambda t, x: t.prod(x, 0, keepdim=True), M34),
    "prod_dim_dtype": op_case(lambda t, x: x.prod(-1, dtype=t.float64), M34),
    "prod_one_zero": op_case(lambda t, x: x.prod(), [2.0, 0.0, 3.0, -1.5]),
    "prod_two_zeros": op_case(lambda t, x: x.prod(), [2.0, 0.0, 0.0, -1.5]),
    "prod_dim_zeros": op_case(lambda t, x: x.prod(1), [[2.0, 0.0, 3.0], [1.0, 2.0, 3.0], [0.0, 0.0, 1.5]]),
    "prod_dim_zeros_keepdim": op_case(lambda t, x: x.prod(0, True),
                                      [[2.0, 0.0, 3.0], [1.0, 2.0, 3.0], [0.0, 0.0, 1.5]]),
    "prod_size1_dim_zero": op_case(lambda t, x: x.prod(1), [[0.0], [2.0]]),
    "prod_0dim": op_case(lambda t, x: x.prod(), 3.0),
    "prod_0dim_dim": op_case(lambda t, x: x.prod(0), 3.0),
    "prod_empty": op_case(lambda t, x: x.prod(0), [[], []]),
    # max / min: MaxBackward1 (whole), MaxBackward0 (dim, through the indices),
    # MaximumBackward0 (other)
    "max": op_case(lambda t, x: x.max(), M34),
    "max_ties": op_case(lambda t, x: x.max(), [1.0, 3.0, 3.0, -2.0]),
    "max_nan": op_case(lambda t, x: x.max(), [1.0, NAN, 3.0, NAN]),
    "max_fn": op_case(lambda t, x: t.max(x), M34),
    "max_dim": op_case(lambda t, x: x.max(0), M34),
    "max_dim_keepdim": op_case(lambda t, x: t.max(x, 1, keepdim=True), M34),
    "max_dim_kw": op_case(lambda t, x: t.max(x, dim=-1), M234),
    "max_dim_ties": op_case(lambda t, x: x.max(1), [[1.0, 3.0, 3.0], [2.0, 2.0, 2.0]]),
    "max_dim_values": op_case(lambda t, x: x.max(1).values, M34),
    "max_0dim_dim": op_case(lambda t, x: x.max(0), 2.5),
    "max_other": op_case(lambda t, x, y: x.max(y), V3, [1.5, 5.0, -1.0]),
    "max_other_fn_broadcast": op_case(lambda t, x, y: t.max(x, y), M34, V4),
    "max_other_one_requires": op_case(lambda t, x, y: t.max(x, y), V3, [0.0, 0.0, 0.0],
                                      requires=[True, False]),
    "min": op_case(lambda t, x: x.min(), M34),
    "min_ties": op_case(lambda t, x: x.min(), [-1.0, 3.0, -1.0, -1.0]),
    "min_dim": op_case(lambda t, x: x.min(1), M34),
    "min_dim_keepdim": op_case(lambda t, x: t.min(x, 0, True), M34),
    "min_dim_ties": op_case(lambda t, x: x.min(0), [[1.0, 3.0], [1.0, -2.0]]),
    "min_other": op_case(lambda t, x, y: t.min(x, y), V3, [1.5, 5.0, -1.0]),
    "min_other_broadcast": op_case(lambda t, x, y: x.min(y), M34, [[1.0], [0.0], [2.0]]),
    # amax / amin: the gradient split evenly among ties
    "amax": op_case(lambda t, x: x.amax(), M34),
    "amax_dim": op_case(lambda t, x: t.amax(x, 0), M34),
    "amax_dims": op_case(lambda t, x: x.amax((0, 2)), M234),
    "amax_keepdim": op_case(lambda t, x: x.amax(-1, keepdim=True), M34),
    "amax_empty_dims": op_case(lambda t, x: t.amax(x, []), M34),
    "amax_ties": op_case(lambda t, x: x.amax(1), [[1.0, 3.0, 3.0], [2.0, 2.0, 2.0]]),
    "amax_all_ties": op_case(lambda t, x: x.amax(), [[1.0, 3.0, 3.0], [3.0, 2.0, 2.0]]),
    "amax_nan": op_case(lambda t, x: x.amax(), [1.0, NAN, 3.0]),
    "amax_0dim": op_case(lambda t, x: x.amax(), 2.5),
    "amin": op_case(lambda t, x: x.amin(), M34),
    "amin_dim_keepdim": op_case(lambda t, x: t.amin(x, 1, True), M34),
    "amin_ties": op_case(lambda t, x: x.amin(0), [[1.0, 3.0], [1.0, -2.0], [4.0, -2.0]]),
    # norm: torch.norm / Tensor.norm -> linalg_vector_norm: LinalgVectorNormBackward0
    "norm": op_case(lambda t, x: x.norm(), M34),
    "norm_fn": op_case(lambda t, x: t.norm(x), M34),
    "norm_fro": op_case(lambda t, x: t.norm(x, "fro"), M34),
    "norm_fro_dims": op_case(lambda t, x: t.norm(x, "fro", dim=(0, 1)), M34),
    "norm_fro_dim_keepdim": op_case(lambda t, x: t.norm(x, "fro", dim=1, keepdim=True), M34),
    "norm_p1": op_case(lambda t, x: x.norm(1), M34),
    "norm_p2_dim": op_case(lambda t, x: x.norm(2, 0), M34),
    "norm_p3": op_case(lambda t, x: x.norm(3), M34),
    "norm_p3_dim_keepdim": op_case(lambda t, x: t.norm(x, 3, dim=1, keepdim=True), M34),
    "norm_p_half": op_case(lambda t, x: x.norm(0.5), M34),
    "norm_p1_5": op_case(lambda t, x: x.norm(1.5, dim=-1), M34),
    "norm_inf": op_case(lambda t, x: x.norm(INF), M34),
    "norm_inf_ties": op_case(lambda t, x: x.norm(INF), [-3.0, 3.0, 1.0]),
    "norm_inf_dim": op_case(lambda t, x: x.norm(INF, dim=1), [[-3.0, 3.0, 1.0], [0.5, -2.0, 1.0]]),
    "norm_neg_inf": op_case(lambda t, x: x.norm(-INF), M34),
    "norm_p0": op_case(lambda t, x: x.norm(0), M34),
    "norm_p_neg1": op_case(lambda t, x: x.norm(-1), M34),
    "norm_dtype": op_case(lambda t, x: t.norm(x, dtype=t.float64), M34),
    "norm_p_dim_dtype": op_case(lambda t, x: t.norm(x, 2, dim=0, dtype=t.float64), M34),
    "norm_size1_dim": op_case(lambda t, x: x.norm(2, dim=1), [[3.0], [-4.0]]),
    "norm_0dim": op_case(lambda t, x: x.norm(), -2.5),
    "norm_zero_p2": op_case(lambda t, x: x.norm(), [0.0, 0.0, 0.0]),
    "norm_zero_column": op_case(lambda t, x: x.norm(dim=0), [[0.0, 3.0], [0.0, -4.0]]),
    "norm_zero_p1": op_case(lambda t, x: x.norm(1), [0.0, 0.0, 0.0]),
    "norm_zero_p3": op_case(lambda t, x: x.norm(3), [0.0, 0.0, 0.0]),
    "norm_zero_p1_5": op_case(lambda t, x: x.norm(1.5), [0.0, 0.0, 0.0]),
    "norm_zero_p_half": op_case(lambda t, x: x.norm(0.5), [0.0, 2.0, 0.0]),
    "norm_zero_inf": op_case(lambda t, x: x.norm(INF), [0.0, 0.0, 0.0]),
    "norm_zero_neg1": op_case(lambda t, x: x.norm(-1), [3.0, -4.0, 0.0]),
    "norm_p_none": op_case(lambda t, x: t.norm(x, p=None, dim=0), M34),
    "norm_inf_dims_keepdim": op_case(lambda t, x: t.norm(x, INF, dim=[0, 2], keepdim=True), M234),
    "norm_float64": op_case(lambda t, x: x.norm(3, dim=0), M34, dtype="float64"),
    # float16 / float64 inputs: the gradient is cast back to the input's dtype
    "sum_half_dtype": op_case(lambda t, x: x.sum(0, dtype=t.float32), M34, dtype="float16"),
    "mean_half": op_case(lambda t, x: x.mean(1), M34, dtype="float16"),
    "prod_zeros_dtype": op_case(lambda t, x: x.prod(dtype=t.float64), [2.0, 0.0, 3.0]),
    "amax_nan_dim": op_case(lambda t, x: x.amax(1), [[1.0, NAN, 3.0], [2.0, 2.0, 1.0]]),
    "max_dim_nan": op_case(lambda t, x: x.max(1), [[1.0, NAN, 3.0], [2.0, 2.0, 1.0]]),
    "cumsum_half_dtype": op_case(lambda t, x: x.cumsum(1, dtype=t.float64), M34, dtype="float16"),
    "mm_float64": op_case(lambda t, x, y: x @ y, M34, nested((4, 2)), dtype="float64"),
    # cumsum
    "cumsum": op_case(lambda t, x: x.cumsum(0), M34),
    "cumsum_fn_dim1": op_case(lambda t, x: t.cumsum(x, 1), M34),
    "cumsum_neg_dim": op_case(lambda t, x: t.cumsum(x, dim=-1), M234),
    "cumsum_dtype": op_case(lambda t, x: x.cumsum(0, dtype=t.float64), M34),
    "cumsum_size1": op_case(lambda t, x: x.cumsum(1), [[1.5], [2.0]]),
    "cumsum_0dim": op_case(lambda t, x: x.cumsum(0), 2.5),
    "cumsum_inplace": op_case(lambda t, x: (x * 1).cumsum_(1), M34),
    "cumsum_inplace_view": op_case(lambda t, x: (lambda y: (y[1].cumsum_(0), y)[1])(x.clone()), M34),
    "cumsum_inplace_leaf": op_case(lambda t, x: x.cumsum_(0), M34),
    # dot / mv / mm / bmm
    "dot": op_case(lambda t, x, y: x.dot(y), V4, [1.0, 2.0, -0.5, 0.25]),
    "dot_fn_one": op_case(lambda t, x, y: t.dot(x, y), V4, V4, requires=[False, True]),
    "mv": op_case(lambda t, x, y: x.mv(y), M34, V4),
    "mv_fn_vec_only": op_case(lambda t, x, y: t.mv(x, y), M34, V4, requires=[False, True]),
    "mm": op_case(lambda t, x, y: x.mm(y), M34, nested((4, 2))),
    "mm_fn_mat2_only": op_case(lambda t, x, y: t.mm(x, y), M34, nested((4, 2)), requires=[False, True]),
    "mm_transposed": op_case(lambda t, x, y: x.t().mm(y.t()), nested((4, 3)), nested((2, 4))),
    "bmm": op_case(lambda t, x, y: x.bmm(y), M234, nested((2, 4, 2))),
    "bmm_fn_transposed": op_case(lambda t, x, y: t.bmm(x, y.transpose(1, 2)), M234, nested((2, 5, 4))),
    # matmul: the graph torch's _matmul_impl builds
    "matmul_1_1": op_case(lambda t, x, y: t.matmul(x, y), V4, V4),
    "matmul_2_1": op_case(lambda t, x, y: x @ y, M34, V4),
    "matmul_1_2": op_case(lambda t, x, y: x @ y, V3, M34),
    "matmul_2_2": op_case(lambda t, x, y: x.matmul(y), M34, nested((4, 2))),
    "matmul_3_2": op_case(lambda t, x, y: x @ y, M234, nested((4, 2))),
    "matmul_3_2_lhs": op_case(lambda t, x, y: x @ y, M234, nested((4, 2)), requires=[True, False]),
    "matmul_3_2_rhs": op_case(lambda t, x, y: x @ y, M234, nested((4, 2)), requires=[False, True]),
    "matmul_3t_2_lhs": op_case(lambda t, x, y: x.transpose(1, 2) @ y, nested((2, 4, 3)),
                               nested((4, 2)), requires=[True, False]),
    "matmul_3t_2": op_case(lambda t, x, y: x.transpose(1, 2) @ y, nested((2, 4, 3)), nested((4, 2))),
    "matmul_3_1": op_case(lambda t, x, y: x @ y, M234, V4),
    "matmul_1_3": op_case(lambda t, x, y: x @ y, V3, M234),
    "matmul_2_3": op_case(lambda t, x, y: x @ y, nested((2, 3)), M234),
    "matmul_2_3_rhs": op_case(lambda t, x, y: x @ y, nested((2, 3)), M234, requires=[False, True]),
    "matmul_2_3_lhs": op_case(lambda t, x, y: x @ y, nested((2, 3)), M234, requires=[True, False]),
    "matmul_3_3": op_case(lambda t, x, y: x @ y, M234, nested((2, 4, 2))),
    "matmul_3_3_one": op_case(lambda t, x, y: x @ y, M234, nested((2, 4, 2)), requires=[True, False]),
    "matmul_3_3_batch1_lhs": op_case(lambda t, x, y: x @ y, nested((1, 3, 4)), nested((2, 4, 2))),
    "matmul_3_3_batch1_rhs": op_case(lambda t, x, y: x @ y, M234, nested((1, 4, 2))),
    "matmul_4_3": op_case(lambda t, x, y: x @ y, nested((2, 2, 3, 4)), nested((2, 4, 2))),
    "matmul_4_1": op_case(lambda t, x, y: x @ y, nested((2, 2, 3, 4)), V4),
    "matmul_1_4": op_case(lambda t, x, y: x @ y, V3, nested((2, 2, 3, 4))),
    "matmul_4_4_broadcast": op_case(lambda t, x, y: x @ y, nested((2, 1, 3, 4)), nested((1, 2, 4, 2))),
    "rmatmul": op_case(lambda t, x, y: y.__rmatmul__(x), M34, V4),
    # outer is composite: mul of a reshape
    "outer": op_case(lambda t, x, y: t.outer(x, y), V3, V4),
    "outer_method_one": op_case(lambda t, x, y: x.outer(y), V3, V4, requires=[False, True]),
    # cat / concat / concatenate / stack
    "cat": op_case(lambda t, x, y: t.cat([x, y]), M34, nested((2, 4))),
    "cat_dim1": op_case(lambda t, x, y: t.cat((x, y), 1), M34, nested((3, 2))),
    "cat_neg_dim": op_case(lambda t, x, y: t.cat([x, y], dim=-1), M34, nested((3, 2))),
    "cat_same_twice": op_case(lambda t, x: t.cat([x, x * 2, x], 0), V3),
    "cat_one_requires": op_case(lambda t, x, y: t.cat([x, y]), V3, V4, requires=[False, True]),
    "cat_int_input": op_case(lambda t, x: t.cat([x, t.tensor([1, 2])]), V3),
    "cat_legacy_empty": op_case(lambda t, x, y: t.cat([x, y], 1), M34, [], requires=[True, True]),
    "cat_empty_part": op_case(lambda t, x: t.cat([x, x[:0]]), M34),
    "cat_0dim_error": op_case(lambda t, x: t.cat([x, x]), 2.5),
    "concat": op_case(lambda t, x, y: t.concat([x, y], 1), M34, nested((3, 2))),
    "concatenate": op_case(lambda t, x, y: t.concatenate([x, y], axis=1), M34, nested((3, 2))),
    "stack": op_case(lambda t, x, y: t.stack([x, y]), M34, nested((3, 4))),
    "stack_dim1": op_case(lambda t, x, y: t.stack((x, y), 1), M34, nested((3, 4))),
    "stack_dim_last": op_case(lambda t, x, y: t.stack([x, y], dim=-1), M34, nested((3, 4))),
    "stack_dim2": op_case(lambda t, x, y: t.stack([x, y], 2), M34, nested((3, 4))),
    "stack_one_requires": op_case(lambda t, x, y: t.stack([x, y, x]), V3, V3, requires=[False, True]),
    "stack_0dim": op_case(lambda t, x, y: t.stack([x, y]), 1.5, -2.0),
    # integer and bool results are never recorded
    "argmax": op_case(lambda t, x: x.argmax(), M34),
    "argmin_dim": op_case(lambda t, x: t.argmin(x, 1), M34),
    "all": op_case(lambda t, x: x.all(), M34),
    "any_dim": op_case(lambda t, x: t.any(x, 0), M34),
    "max_dim_indices": op_case(lambda t, x: x.max(0).indices, M34),
}


@pytest.mark.parametrize("name", sorted(OPS))
def test_op_matches_torch(name):
    assert_same(OPS[name])


# --- out= and not recording ----------------------------------------------------------------
def out_case(call):
    def case(torch):
        x = torch.tensor(M34, requires_grad=True)
        call(torch, x)
        return {"x": x}
    return case


OUT_CASES = {
    "sum": lambda t, x: t.sum(x, 0, out=t.empty(4)),
    "mean": lambda t, x: t.mean(x, 0, out=t.empty(4)),
    "prod": lambda t, x: t.prod(x, 0, out=t.empty(4)),
    "amax": lambda t, x: t.amax(x, 0, out=t.empty(4)),
    "max_dim": lambda t, x: t.max(x, 0, out=(t.empty(4), t.empty(4, dtype=t.long))),
    "max_other": lambda t, x: t.max(x, x, out=t.empty(3, 4)),
    "cumsum": lambda t, x: t.cumsum(x, 0, out=t.empty(3, 4)),
    "norm": lambda t, x: t.norm(x, out=t.empty(())),
    "mm": lambda t, x: t.mm(x, x.t(), out=t.empty(3, 3)),
    "mv": lambda t, x: t.mv(x, x[0], out=t.empty(3)),
    "dot": lambda t, x: t.dot(x[0], x[1], out=t.empty(())),
    "bmm": lambda t, x: t.bmm(x[None], x.t()[None], out=t.empty(1, 3, 3)),
    "matmul": lambda t, x: t.matmul(x, x.t(), out=t.empty(3, 3)),
    "outer": lambda t, x: t.outer(x[0], x[1], out=t.empty(4, 4)),
    "cat": lambda t, x: t.cat([x, x], out=t.empty(6, 4)),
    "concatenate": lambda t, x: t.concatenate([x, x], out=t.empty(6, 4)),
    "stack": lambda t, x: t.stack([x, x], out=t.empty(2, 3, 4)),
}
@pytest.mark.parametrize("name", sorted(OUT_CASES))
def test_out_refused_with_grad(name):
    assert_same(out_case(OUT_CASES[name]))


def c_out_under_no_grad(torch):
    x = torch.tensor(M34, requires_grad=True)
    o = torch.empty(4)
    with torch.no_grad():
        torch.sum(x, 0, out=o)
        c = torch.cat([x, x], out=torch.empty(6, 4))
        m = torch.mm(x, x.t())
    return {"o": o, "c": c, "m": m}


def c_no_grad_matmul(torch):
    x = torch.tensor(M234, requires_grad=True)
    with torch.no_grad():
        y = x @ torch.tensor(V4)
        z = x.transpose(1, 2).matmul(torch.tensor(M34))
    return {"y": y, "z": z}


def c_int_inputs(torch):
    x = torch.tensor([[1, 2], [3, 4]])
    return {"s": x.sum(), "p": x.prod(0), "c": x.cumsum(0), "m": x.max(), "mm": x @ x,
            "cat": torch.cat([x, x]), "st": torch.stack([x, x])}


@pytest.mark.parametrize("case", [c_out_under_no_grad, c_no_grad_matmul, c_int_inputs],
                         ids=lambda c: c.__name__[2:])
def test_not_recorded_matches_torch(case):
    assert_same(case)


# --- what each node saves: in-place writes after the op, then backward ---------------------
def inplace_case(build, modify, *inputs, requires=None):
    """out = build(torch, *inputs as non-leaves y = leaf * 1), then modify(ys, out) in place,
    then backward: torch raises where a saved tensor was modified."""
    def case(torch):
        leaves = [torch.tensor(v, requires_grad=(requires[i] if requires else True))
                  for i, v in enumerate(inputs)]
        ys = [leaf * 1 for leaf in leaves]
        out = build(torch, *ys)
        modify(ys, out)
        first = out[0] if isinstance(out, tuple) else out
        first.backward(weights(torch, first))
        return {f"x{i}": leaf for i, leaf in enumerate(leaves)}
    return case


def _in0(ys, out):
    ys[0].add_(1)


def _in1(ys, out):
    ys[1].mul_(2)


def _out(ys, out):
    (out[0] if isinstance(out, tuple) else out).mul_(2)


VERSION_CASES = {
    # sizes only: no error
    "sum_input": inplace_case(lambda t, x: x.sum(0), _in0, M34),
    "sum_all_input": inplace_case(lambda t, x: x.sum(), _in0, M34),
    "sum_output": inplace_case(lambda t, x: x.sum(1), _out, M34),
    "mean_input": inplace_case(lambda t, x: x.mean(), _in0, M34),
    "mean_dim_input": inplace_case(lambda t, x: x.mean(0), _in0, M34),
    "cumsum_input": inplace_case(lambda t, x: x.cumsum(0), _in0, M34),
    "cumsum_output": inplace_case(lambda t, x: x.cumsum(0), _out, M34),
    "cat_input": inplace_case(lambda t, x, y: t.cat([x, y]), _in0, V3, V4),
    "stack_input": inplace_case(lambda t, x, y: t.stack([x, y]), _in1, V3, V3),
    "max_dim_input": inplace_case(lambda t, x: x.max(0), _in0, M34),
    "max_dim_output": inplace_case(lambda t, x: x.max(0), _out, M34),
    # self and result saved
    "prod_input": inplace_case(lambda t, x: x.prod(), _in0, V4),
    "prod_output": inplace_case(lambda t, x: x.prod(), _out, V4),
    "prod_dim_input": inplace_case(lambda t, x: x.prod(1), _in0, M34),
    "max_input": inplace_case(lambda t, x: x.max(), _in0, M34),
    "amax_input": inplace_case(lambda t, x: x.amax(0), _in0, M34),
    "amax_output": inplace_case(lambda t, x: x.amax(0), _out, M34),
    "amin_output": inplace_case(lambda t, x: x.amin(), _out, M34),
    "norm_input": inplace_case(lambda t, x: x.norm(), _in0, M34),
    "norm_output": inplace_case(lambda t, x: x.norm(dim=1), _out, M34),
    "max_other_input": inplace_case(lambda t, x, y: t.max(x, y), _in0, V3, [1.5, 5.0, -1.0]),
    "min_other_other": inplace_case(lambda t, x, y: t.min(x, y), _in1, V3, [1.5, 5.0, -1.0]),
    "max_other_output": inplace_case(lambda t, x, y: t.max(x, y), _out, V3, [1.5, 5.0, -1.0]),
    # the other operand saved, only where the input needs a gradient
    "mm_input": inplace_case(lambda t, x, y: x.mm(y), _in0, M34, nested((4, 2))),
    "mm_mat2": inplace_case(lambda t, x, y: x.mm(y), _in1, M34, nested((4, 2))),
    "mm_input_unneeded": inplace_case(lambda t, x, y: x.mm(y), _in0, M34, nested((4, 2)),
                                      requires=[True, False]),
    "mm_output": inplace_case(lambda t, x, y: x.mm(y), _out, M34, nested((4, 2))),
    "mv_vec": inplace_case(lambda t, x, y: x.mv(y), _in1, M34, V4),
    "dot_input": inplace_case(lambda t, x, y: x.dot(y), _in0, V4, V4),
    "bmm_mat2": inplace_case(lambda t, x, y: x.bmm(y), _in1, M234, nested((2, 4, 2))),
    "matmul_3_2_input": inplace_case(lambda t, x, y: x @ y, _in1, M234, nested((4, 2))),
}
# torch names a node in this message by its forward op: without "Backward", with its
# number where it is not 0 (MaxBackward1 -> Max1)
VERSION_CASES.update({
    "max_output": inplace_case(lambda t, x: x.max(), _out, M34),
    "prod_dim_output": inplace_case(lambda t, x: x.prod(1), _out, M34),
    # max.dim's indices are saved with a version check too
    "max_dim_indices": inplace_case(lambda t, x: x.max(1), lambda ys, out: out[1].zero_(), M34),
})


@pytest.mark.parametrize("name", sorted(VERSION_CASES))
def test_saved_values_match_torch(name):
    assert_same(VERSION_CASES[name])


# --- second order (create_graph): the formulas are written with refimpl's own ops -----------
def grad_case(build, *inputs):
    """d(sum(out * w))/dx with create_graph, then the second derivative by backward."""
    def case(torch):
        leaves = [torch.tensor(v, requires_grad=True) for v in inputs]
        out = build(torch, *leaves)
        first = out[0] if isinstance(out, tuple) else out
        gs = torch.autograd.grad((first * weights(torch, first)).sum(), leaves, create_graph=True)
        squares = [(g * g).sum() for g in gs if g is not None and g.requires_grad]
        if squares:
            torch.autograd.backward(squares)
        return {**{f"x{i}": leaf for i, leaf in enumerate(leaves)},
                **{f"g{i}": g for i, g in enumerate(gs)}}
    return case


SECOND_ORDER = {
    "mm": grad_case(lambda t, x, y: x.mm(y), M34, nested((4, 2))),
    "bmm": grad_case(lambda t, x, y: x.bmm(y), M234, nested((2, 4, 2))),
    "mv": grad_case(lambda t, x, y: x.mv(y), M34, V4),
    "dot": grad_case(lambda t, x, y: x.dot(y), V4, [1.0, 2.0, -0.5, 0.25]),
    "matmul_3_2": grad_case(lambda t, x, y: x @ y, M234, nested((4, 2))),
    "prod": grad_case(lambda t, x: x.prod(), V4),
    "prod_one_zero": grad_case(lambda t, x: x.prod(), [2.0, 0.0, 3.0, -1.5]),
    "prod_two_zeros": grad_case(lambda t, x: x.prod(), [2.0, 0.0, 0.0, -1.5]),
    "prod_dim_zeros": grad_case(lambda t, x: x.prod(1), [[2.0, 0.0, 3.0], [1.0, 2.0, 3.0]]),
    "norm": grad_case(lambda t, x: x.norm(), M34),
    "norm_p3": grad_case(lambda t, x: x.norm(3, dim=1), M34),
    "max": grad_case(lambda t, x: x.max() * x.sum(), M34),
    "cat": grad_case(lambda t, x, y: t.cat([x * x, y * y]), V3, V4),
    "stack": grad_case(lambda t, x, y: t.stack([x * x, y * x]), V3, V3),
    "cumsum": grad_case(lambda t, x: (x * x).cumsum(0), M34),
    "sum": grad_case(lambda t, x: (x * x).sum(1), M34),
    "sum_all": grad_case(lambda t, x: (x * x).sum(), M34),
    "mean": grad_case(lambda t, x: (x * x).mean(0, keepdim=True), M34),
    "amax": grad_case(lambda t, x: (x * x).amax(1), M34),
    "max_dim": grad_case(lambda t, x: (x * x).max(1)[0], M34),
    "maximum": grad_case(lambda t, x, y: t.max(x * x, y * y), V3, [1.5, 5.0, -1.0]),
    "outer": grad_case(lambda t, x, y: t.outer(x * x, y), V3, V4),
    "matmul_batched": grad_case(lambda t, x, y: x @ y, M234, nested((2, 4, 2))),
}


@pytest.mark.parametrize("name", sorted(SECOND_ORDER))
def test_second_order_matches_torch(name):
    assert_same(SECOND_ORDER[name])


# --- numerical checks of every formula (refimpl alone, float64) -----------------------------
def R(shape, start=0.0):
    return nested(shape, start)


NUMERICAL = {
    "sum": (lambda x: x.sum(), [R((3, 4))]),
    "sum_dims": (lambda x: x.sum((0, 2)), [R((2, 3, 2))]),
    "sum_keepdim": (lambda x: x.sum(1, keepdim=True), [R((3, 4))]),
    "mean": (lambda x: x.mean(), [R((3, 4))]),
    "mean_dim": (lambda x: x.mean(-1), [R((2, 3, 2))]),
    "prod": (lambda x: x.prod(), [R((2, 3), 0.1)]),
    "prod_dim": (lambda x: x.prod(0), [R((3, 4), 0.1)]),
    "prod_one_zero": (lambda x: x.prod(), [[2.0, 0.0, 3.0, -1.5]]),
    "prod_dim_one_zero": (lambda x: x.prod(1, keepdim=True), [[[2.0, 0.0, 3.0], [1.5, -1.0, 2.0]]]),
    "max": (lambda x: x.max(), [R((3, 4))]),
    "max_dim": (lambda x: x.max(1)[0], [R((3, 4))]),
    "min_dim_keepdim": (lambda x: x.min(0, keepdim=True)[0], [R((3, 4))]),
    "maximum": (lambda x, y: refimpl.max(x, y), [R((3, 4)), R((4,), 0.3)]),
    "minimum": (lambda x, y: refimpl.min(x, y), [R((3, 4)), R((4,), 0.3)]),
    "amax": (lambda x: x.amax((0, 2)), [R((2, 3, 2))]),
    "amin": (lambda x: x.amin(1, keepdim=True), [R((3, 4))]),
    "norm": (lambda x: x.norm(), [R((3, 4))]),
    "norm_p1": (lambda x: x.norm(1, dim=1), [R((3, 4), 0.1)]),
    "norm_p3": (lambda x: x.norm(3, dim=0), [R((3, 4))]),
    "norm_p1_5": (lambda x: x.norm(1.5), [R((3, 4), 0.1)]),
    "norm_p_half": (lambda x: x.norm(0.5), [R((3, 4), 0.1)]),
    "norm_inf": (lambda x: x.norm(float("inf"), dim=1), [R((3, 4))]),
    "norm_neg1": (lambda x: x.norm(-1), [R((3, 4), 0.1)]),
    "cumsum": (lambda x: x.cumsum(1), [R((3, 4))]),
    "cumsum_inplace": (lambda x: (x * 1).cumsum_(0), [R((3, 4))]),
    "dot": (lambda x, y: x.dot(y), [R((4,)), R((4,), 0.5)]),
    "mv": (lambda x, y: x.mv(y), [R((3, 4)), R((4,), 0.5)]),
    "mm": (lambda x, y: x.mm(y), [R((3, 4)), R((4, 2), 0.5)]),
    "mm_transposed": (lambda x, y: x.t().mm(y.t()), [R((4, 3)), R((2, 4), 0.5)]),
    "bmm": (lambda x, y: x.bmm(y), [R((2, 3, 4)), R((2, 4, 2), 0.5)]),
    "matmul_1_2": (lambda x, y: x @ y, [R((3,)), R((3, 4), 0.5)]),
    "matmul_3_2": (lambda x, y: x @ y, [R((2, 3, 4)), R((4, 2), 0.5)]),
    "matmul_2_3": (lambda x, y: x @ y, [R((2, 3)), R((2, 3, 4), 0.5)]),
    "matmul_4_3": (lambda x, y: x @ y, [R((2, 1, 3, 4)), R((2, 4, 2), 0.5)]),
    "matmul_3_1": (lambda x, y: x @ y, [R((2, 3, 4)), R((4,), 0.5)]),
    "outer": (lambda x, y: refimpl.outer(x, y), [R((3,)), R((4,), 0.5)]),
    "cat": (lambda x, y: refimpl.cat([x, y, x], 1), [R((2, 3)), R((2, 2), 0.5)]),
    "stack": (lambda x, y: refimpl.stack([x, y, x], -1), [R((2, 3)), R((2, 3), 0.5)]),
}


@pytest.mark.parametrize("name", sorted(NUMERICAL))
def test_numerical(name):
    f, inputs = NUMERICAL[name]
    numerical_check(f, inputs)


# --- node names of every overload, at a glance -----------------------------------------------
def test_node_names():
    t = refimpl
    x = t.tensor(M34, requires_grad=True)
    v = t.tensor(V4, requires_grad=True)
    names = {
        "sum()": x.sum(), "sum(dim)": x.sum(0), "sum(dim=None)": x.sum(dim=None),
        "mean()": x.mean(), "mean(dim)": x.mean(0), "prod()": x.prod(), "prod(dim)": x.prod(0),
        "max()": x.max(), "max(dim)": x.max(0)[0], "max(other)": t.max(x, x),
        "min()": x.min(), "min(dim)": x.min(0)[0], "min(other)": t.min(x, x),
        "amax": x.amax(), "amin": x.amin(0), "norm": x.norm(1), "cumsum": x.cumsum(0),
        "dot": v.dot(v), "mv": x.mv(v), "mm": x.mm(x.t()), "bmm": x[None].bmm(x.t()[None]),
        "cat": t.cat([x, x]), "stack": t.stack([x, x]),
    }
    assert {k: r.grad_fn.name() for k, r in names.items()} == {
        "sum()": "SumBackward0", "sum(dim)": "SumBackward1", "sum(dim=None)": "SumBackward1",
        "mean()": "MeanBackward0", "mean(dim)": "MeanBackward1", "prod()": "ProdBackward0",
        "prod(dim)": "ProdBackward1", "max()": "MaxBackward1", "max(dim)": "MaxBackward0",
        "max(other)": "MaximumBackward0", "min()": "MinBackward1", "min(dim)": "MinBackward0",
        "min(other)": "MinimumBackward0", "amax": "AmaxBackward0", "amin": "AminBackward0",
        "norm": "LinalgVectorNormBackward0", "cumsum": "CumsumBackward0", "dot": "DotBackward0",
        "mv": "MvBackward0", "mm": "MmBackward0", "bmm": "BmmBackward0", "cat": "CatBackward0",
        "stack": "StackBackward0"}
