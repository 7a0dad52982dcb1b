"""Backward rules of the elementwise, arithmetic, unary and conversion ops (refimpl/
elementwise.py, arithmetic.py, unary.py, conversions.py, creation.py) against torch: the
node each call records (its class name, by overload, and its next_functions), the
gradients it gives, the edge conventions (abs / relu at 0, clamp at its bounds, ties of
maximum / minimum, sqrt at 0, the piecewise-constant ops), what each node saves (the
version-check errors of in-place writes after the op), and central differences for every
formula."""
import math
from types import SimpleNamespace

import pytest

import refimpl

from .autograd_harness import assert_same, close


# --- the cases ----------------------------------------------------------------------------------
def _leaves(T):
    """The tensors every case may use: leaves that require grad of a few shapes and dtypes,
    and tensors that do not (an int one, a float one)."""
    return SimpleNamespace(
        x=T.tensor([[0.5, -1.25, 2.0], [1.5, 3.0, -0.75]], requires_grad=True),
        y=T.tensor([1.25, -2.0, 0.5], requires_grad=True),      # broadcasts against x
        p=T.tensor([[0.5, 1.25, 2.0], [1.5, 3.0, 0.75]], requires_grad=True),  # positive
        s=T.tensor(1.5, requires_grad=True),                     # 0-dim
        d=T.tensor([0.25, 2.0, -1.5], dtype=T.float64, requires_grad=True),
        i=T.tensor([1, -2, 3]),
        c=T.tensor([2.0, 0.5, -1.0]),                            # no grad
        h=T.tensor([0.5, -1.25, 3.0], dtype=T.float16, requires_grad=True),
    )


def _weights(T, out):
    """A gradient for out that tells its elements apart."""
    return (T.arange(1.0, 1.0 + out.numel()) / 4).reshape(out.shape).to(out.dtype)


def _case(f, backward=True, node_class=True):
    def case(T):
        leaves = _leaves(T)
        out = f(T, leaves)
        observed = {"out": out, **vars(leaves)}
        if node_class and isinstance(out, T.Tensor) and out.grad_fn is not None:
            observed["node_class"] = type(out.grad_fn).__name__   # CopyBackwards, ...
        if backward and isinstance(out, T.Tensor) and out.requires_grad:
            out.backward(_weights(T, out))
        return observed
    return case


def _ids(table):
    return [pytest.param(f, id=name) for name, f in table]


# every declared variant of the ops: all overloads, method / function / operator forms, the
# in-place twins on a non-leaf, broadcasting, integer and 0-dim operands
BINARY = [
    # add (AddBackward0; a number other is a wrapped tensor: an edge to nowhere)
    ("add", lambda T, L: L.x + L.y),
    ("add_fn", lambda T, L: T.add(L.x, L.y)),
    ("add_method_alpha", lambda T, L: L.x.add(L.y, alpha=2)),
    ("add_alpha_float", lambda T, L: T.add(L.x, L.y, alpha=-0.5)),
    ("add_deprecated_alpha", lambda T, L: T.add(L.x, 3, L.y)),
    ("add_number", lambda T, L: L.x + 2),
    ("radd_number", lambda T, L: 2 + L.x),
    ("add_0dim", lambda T, L: L.x + L.s),
    ("add_int_tensor", lambda T, L: L.x + L.i),
    ("add_float64", lambda T, L: L.x + L.d),
    ("add_", lambda T, L: L.x.clone().add_(L.y)),
    ("add_alpha_", lambda T, L: L.x.clone().add_(L.y, alpha=3)),
    ("iadd", lambda T, L: L.x.clone().__iadd__(L.y)),
    ("add_nograd_self_", lambda T, L: L.c.clone().add_(L.y)),
    # sub / subtract / rsub (SubBackward0, RsubBackward0/1)
    ("sub", lambda T, L: L.x - L.y),
    ("sub_alpha", lambda T, L: T.sub(L.x, L.y, alpha=2)),
    ("sub_number", lambda T, L: L.x - 2),
    ("rsub_operator", lambda T, L: 2 - L.x),
    ("rsub_operator_0dim", lambda T, L: 2.5 - L.s),
    ("rsub_tensor", lambda T, L: T.rsub(L.x, L.y)),
    ("rsub_tensor_alpha", lambda T, L: T.rsub(L.x, L.y, alpha=3)),
    ("rsub_scalar", lambda T, L: T.rsub(L.x, 2)),
    ("rsub_scalar_alpha", lambda T, L: T.rsub(L.x, 2, 3)),
    ("subtract", lambda T, L: T.subtract(L.x, L.y)),
    ("subtract_number", lambda T, L: T.subtract(L.x, 2)),
    ("subtract_method_alpha", lambda T, L: L.x.subtract(L.y, alpha=2)),
    ("sub_", lambda T, L: L.x.clone().sub_(L.y, alpha=2)),
    ("subtract_", lambda T, L: L.x.clone().subtract_(L.y)),
    ("isub", lambda T, L: L.x.clone().__isub__(L.y)),
    ("sub_int", lambda T, L: L.x - L.i),
    # mul (MulBackward0)
    ("mul", lambda T, L: L.x * L.y),
    ("mul_fn", lambda T, L: T.mul(L.x, L.y)),
    ("mul_number", lambda T, L: L.x * 2),
    ("rmul_number", lambda T, L: 3 * L.x),
    ("mul_int_tensor", lambda T, L: L.x * L.i),
    ("mul_0dim", lambda T, L: L.s * L.y),
    ("mul_self", lambda T, L: L.x * L.x),
    ("mul_", lambda T, L: L.x.clone().mul_(L.y)),
    ("imul", lambda T, L: L.x.clone().__imul__(2)),
    # div / divide / true_divide (DivBackward0, 2 for the rounding-mode overload)
    ("div", lambda T, L: L.x / L.y),
    ("div_fn", lambda T, L: T.div(L.x, L.y)),
    ("div_number", lambda T, L: L.x / 4),
    ("rdiv_number", lambda T, L: 2 / L.p),
    ("rdiv_0dim", lambda T, L: 3 / L.s),
    ("div_int_tensor", lambda T, L: L.x / L.i),
    ("int_div_tensor", lambda T, L: L.i / L.y),
    ("div_trunc", lambda T, L: T.div(L.x, L.y, rounding_mode="trunc")),
    ("div_floor", lambda T, L: L.x.div(L.y, rounding_mode="floor")),
    ("div_mode_none", lambda T, L: T.div(L.x, L.y, rounding_mode=None)),
    ("div_number_floor", lambda T, L: T.div(L.x, 2, rounding_mode="floor")),
    ("divide", lambda T, L: T.divide(L.x, L.y)),
    ("divide_number", lambda T, L: T.divide(L.x, 2)),
    ("divide_trunc", lambda T, L: L.x.divide(L.y, rounding_mode="trunc")),
    ("true_divide", lambda T, L: T.true_divide(L.x, L.y)),
    ("true_divide_number", lambda T, L: L.x.true_divide(2)),
    ("div_", lambda T, L: L.x.clone().div_(L.y)),
    ("div_floor_", lambda T, L: L.x.clone().div_(L.y, rounding_mode="floor")),
    ("divide_", lambda T, L: L.x.clone().divide_(2)),
    ("true_divide_", lambda T, L: L.x.clone().true_divide_(L.y)),
    ("itruediv", lambda T, L: L.x.clone().__itruediv__(L.y)),
    ("reciprocal", lambda T, L: L.p.reciprocal()),
    ("reciprocal_int", lambda T, L: L.i.reciprocal()),
    ("reciprocal_", lambda T, L: L.p.clone().reciprocal_()),
    # fmod (FmodBackward0 Scalar, 1 Tensor), remainder (RemainderBackward0/1)
    ("fmod", lambda T, L: T.fmod(L.x, L.y)),
    ("fmod_number", lambda T, L: L.x.fmod(0.75)),
    ("fmod_", lambda T, L: L.x.clone().fmod_(L.y)),
    ("fmod_number_", lambda T, L: L.x.clone().fmod_(2)),
    ("remainder", lambda T, L: L.x % L.y),
    ("remainder_fn", lambda T, L: T.remainder(L.x, L.y)),
    ("remainder_number", lambda T, L: L.x % 0.75),
    ("remainder_", lambda T, L: L.x.clone().remainder_(L.y)),
    ("imod", lambda T, L: L.x.clone().__imod__(2)),
    # pow (PowBackward0 Tensor_Scalar, 1 Tensor_Tensor, 2 Scalar base)
    ("pow", lambda T, L: L.p ** L.y),
    ("pow_fn", lambda T, L: T.pow(L.p, L.y)),
    ("pow_number", lambda T, L: L.x ** 2),
    ("pow_float_number", lambda T, L: L.p ** 1.5),
    ("pow_negative_number", lambda T, L: L.p.pow(-2)),
    ("pow_zero", lambda T, L: L.x ** 0),
    ("pow_one", lambda T, L: L.x ** 1),
    ("pow_half", lambda T, L: L.p ** 0.5),
    ("rpow_number", lambda T, L: 2 ** L.x),
    ("pow_scalar_base_fn", lambda T, L: T.pow(2.5, L.y)),
    ("pow_0dim_exponent", lambda T, L: L.p ** L.s),
    ("pow_int_exponent_tensor", lambda T, L: L.p ** L.i),
    ("pow_", lambda T, L: L.p.clone().pow_(L.y)),
    ("pow_number_", lambda T, L: L.x.clone().pow_(3)),
    ("ipow", lambda T, L: L.x.clone().__ipow__(2)),
    # maximum / minimum (ties split the gradient)
    ("maximum", lambda T, L: T.maximum(L.x, L.y)),
    ("minimum", lambda T, L: T.minimum(L.x, L.y)),
    ("maximum_method", lambda T, L: L.y.maximum(L.x)),
    ("maximum_int_other", lambda T, L: T.maximum(L.x, L.i)),
    ("minimum_float64", lambda T, L: T.minimum(L.x, L.d)),
    # lerp (LerpBackward0 Scalar weight, 1 Tensor weight)
    ("lerp_scalar", lambda T, L: L.x.lerp(L.y, 0.25)),
    ("lerp_scalar_fn", lambda T, L: T.lerp(L.x, L.y, 0.75)),
    ("lerp_tensor", lambda T, L: T.lerp(L.x, L.y, L.p)),
    ("lerp_0dim_weight", lambda T, L: L.y.lerp(L.x, L.s)),
    ("lerp_nograd_weight", lambda T, L: L.y.lerp(L.x, L.c)),
    ("lerp_", lambda T, L: L.x.clone().lerp_(L.y, 0.5)),
    ("lerp_tensor_", lambda T, L: L.x.clone().lerp_(L.y, L.p)),
]

CLAMP = [
    # clamp / clip (ClampBackward1 Scalar bounds, 0 Tensor bounds), clamp_min, clamp_max
    ("clamp_both", lambda T, L: L.x.clamp(-1.0, 1.5)),
    ("clamp_fn", lambda T, L: T.clamp(L.x, -1, 2)),
    ("clamp_min_kw", lambda T, L: L.x.clamp(min=0.5)),
    ("clamp_max_kw", lambda T, L: T.clamp(L.x, max=1.5)),
    ("clamp_at_bounds", lambda T, L: L.x.clamp(-1.25, 2.0)),
    ("clamp_min_over_max", lambda T, L: L.x.clamp(2.0, 1.0)),
    ("clip", lambda T, L: L.x.clip(-1.0, 1.5)),
    ("clip_fn", lambda T, L: T.clip(L.x, max=0.5)),
    ("clamp_", lambda T, L: L.x.clone().clamp_(-1.0, 1.5)),
    ("clamp_fn_", lambda T, L: T.clamp_(L.x.clone(), min=0.0)),
    ("clip_", lambda T, L: L.x.clone().clip_(max=0.0)),
    ("clamp_tensor_both", lambda T, L: L.x.clamp(L.y - 1, L.y + 1)),
    ("clamp_tensor_at_bounds", lambda T, L: L.x.clamp(L.y, L.y + 1)),
    ("clamp_tensor_min_over_max", lambda T, L: L.x.clamp(L.y + 1, L.y - 1)),
    ("clamp_tensor_nograd_bounds", lambda T, L: L.x.clamp(L.c - 1, L.c)),
    ("clamp_tensor_", lambda T, L: L.x.clone().clamp_(L.y - 1, L.y)),
    ("clamp_0dim_tensor_and_number", lambda T, L: L.x.clamp(L.s, 2.0)),
    ("clamp_min", lambda T, L: L.x.clamp_min(0.5)),
    ("clamp_min_fn", lambda T, L: T.clamp_min(L.x, -1.25)),
    ("clamp_min_tensor", lambda T, L: L.x.clamp_min(L.y)),
    ("clamp_min_", lambda T, L: L.x.clone().clamp_min_(0.5)),
    ("clamp_min_tensor_", lambda T, L: T.clamp_min_(L.x.clone(), L.y)),
    ("clamp_max", lambda T, L: L.x.clamp_max(0.5)),
    ("clamp_max_tensor", lambda T, L: T.clamp_max(L.x, L.y)),
    ("clamp_max_", lambda T, L: L.x.clone().clamp_max_(2.0)),
    ("clamp_max_tensor_", lambda T, L: L.x.clone().clamp_max_(L.y)),
]

UNARY = [
    ("neg", lambda T, L: -L.x),
    ("neg_fn", lambda T, L: T.neg(L.x)),
    ("neg_", lambda T, L: L.x.clone().neg_()),
    ("neg_fn_", lambda T, L: T.neg_(L.x.clone())),
    ("exp", lambda T, L: L.x.exp()),
    ("exp_", lambda T, L: L.x.clone().exp_()),
    ("sigmoid", lambda T, L: T.sigmoid(L.x)),
    ("sigmoid_", lambda T, L: L.x.clone().sigmoid_()),
    ("abs", lambda T, L: abs(L.x)),
    ("abs_fn", lambda T, L: T.abs(L.x)),
    ("abs_at_zero", lambda T, L: (L.x * 0).abs()),
    ("abs_", lambda T, L: L.x.clone().abs_()),
    ("abs_fn_", lambda T, L: T.abs_(L.x.clone())),
    ("log", lambda T, L: L.p.log()),
    ("log_", lambda T, L: L.p.clone().log_()),
    ("sqrt", lambda T, L: T.sqrt(L.p)),
    ("sqrt_at_zero", lambda T, L: (L.x * 0).sqrt()),
    ("sqrt_", lambda T, L: L.p.clone().sqrt_()),
    ("rsqrt", lambda T, L: L.p.rsqrt()),
    ("rsqrt_", lambda T, L: T.rsqrt_(L.p.clone())),
    ("tanh", lambda T, L: L.x.tanh()),
    ("tanh_", lambda T, L: L.x.clone().tanh_()),
    ("sin", lambda T, L: L.x.sin()),
    ("sin_", lambda T, L: L.x.clone().sin_()),
    ("cos", lambda T, L: T.cos(L.x)),
    ("cos_", lambda T, L: L.x.clone().cos_()),
    ("floor", lambda T, L: L.x.floor()),
    ("floor_", lambda T, L: L.x.clone().floor_()),
    ("ceil", lambda T, L: T.ceil(L.x)),
    ("ceil_", lambda T, L: L.x.clone().ceil_()),
    ("trunc", lambda T, L: L.x.trunc()),
    ("trunc_", lambda T, L: T.trunc_(L.x.clone())),
    ("round", lambda T, L: L.x.round()),
    ("round_decimals", lambda T, L: T.round(L.x, decimals=1)),
    ("round_decimals_zero", lambda T, L: L.x.round(decimals=0)),
    ("round_", lambda T, L: L.x.clone().round_()),
    ("round_decimals_", lambda T, L: L.x.clone().round_(decimals=2)),
    ("sign", lambda T, L: L.x.sign()),
    ("sign_", lambda T, L: L.x.clone().sign_()),
    ("relu", lambda T, L: L.x.relu()),
    ("relu_fn", lambda T, L: T.relu(L.x)),
    ("relu_at_zero", lambda T, L: (L.x * 0).relu()),
    ("relu_", lambda T, L: L.x.clone().relu_()),
    ("relu_fn_", lambda T, L: T.relu_(L.x.clone())),
    ("nan_to_num", lambda T, L: (L.x / T.tensor([[0.0, 1.0, 0.0], [1.0, 0.0, 1.0]])).nan_to_num()),
    ("nan_to_num_nan", lambda T, L: T.nan_to_num((L.x * 0) / 0, nan=2.0)),
    ("nan_to_num_", lambda T, L: (L.x / T.tensor([0.0, 1.0, 0.0])).nan_to_num_(posinf=1.0)),
    ("exp_0dim", lambda T, L: L.s.exp()),
    ("sin_float64", lambda T, L: L.d.sin()),
]

# boolean results are never recorded; the in-place comparisons of a floating self are
# (EqBackward0 for a Scalar other, EqBackward1 for a Tensor, with zero gradients)
COMPARE = [
    ("eq", lambda T, L: L.x == L.y),
    ("lt_number", lambda T, L: L.x < 1),
    ("ge_fn", lambda T, L: T.ge(L.x, L.y)),
    ("isnan", lambda T, L: L.x.isnan()),
    ("isinf", lambda T, L: T.isinf(L.x)),
    ("logical_and", lambda T, L: T.logical_and(L.x, L.y)),
    ("logical_not", lambda T, L: L.x.logical_not()),
    ("eq_", lambda T, L: L.x.clone().eq_(L.y)),
    ("eq_number_", lambda T, L: L.x.clone().eq_(2.0)),
    ("ne_", lambda T, L: L.x.clone().ne_(L.y)),
    ("not_equal_", lambda T, L: L.x.clone().not_equal_(1)),
    ("lt_", lambda T, L: L.x.clone().lt_(L.y)),
    ("less_", lambda T, L: L.x.clone().less_(0.5)),
    ("le_", lambda T, L: L.x.clone().le_(L.y)),
    ("less_equal_", lambda T, L: L.x.clone().less_equal_(L.y)),
    ("gt_", lambda T, L: L.x.clone().gt_(0)),
    ("greater_", lambda T, L: L.x.clone().greater_(L.y)),
    ("ge_", lambda T, L: L.x.clone().ge_(L.y)),
    ("greater_equal_", lambda T, L: L.x.clone().greater_equal_(0.5)),
    ("eq_nograd_self_", lambda T, L: L.c.clone().eq_(L.y)),
    ("lt_float64_other_", lambda T, L: L.x.clone().lt_(L.d)),
    # logical ops are never recorded: the in-place form keeps the tensor's history
    ("logical_and_", lambda T, L: L.x.clone().logical_and_(L.y)),
    ("logical_or_", lambda T, L: L.x.clone().logical_or_(L.y)),
    ("logical_xor_", lambda T, L: L.x.clone().logical_xor_(L.c)),
    ("logical_not_", lambda T, L: L.x.clone().logical_not_()),
]

CONVERSIONS = [
    # copy_ (torch::autograd::CopyBackwards): self gets zeros, src the gradient summed to its
    # shape and converted to its dtype
    ("copy_", lambda T, L: L.x.clone().copy_(L.p)),
    ("copy_broadcast", lambda T, L: L.x.clone().copy_(L.y)),
    ("copy_0dim", lambda T, L: L.x.clone().copy_(L.s)),
    ("copy_float64_src", lambda T, L: L.x.clone().copy_(L.d)),
    ("copy_into_float64", lambda T, L: L.d.clone().copy_(L.y)),
    ("copy_into_half", lambda T, L: T.zeros(2, 3, dtype=T.float16).copy_(L.x)),
    ("copy_into_nograd", lambda T, L: T.zeros(2, 3).copy_(L.x)),
    ("copy_nograd_src", lambda T, L: L.x.clone().copy_(L.c)),
    ("copy_int_src", lambda T, L: L.x.clone().copy_(L.i)),
    ("copy_number", lambda T, L: L.x.clone().copy_(2.0)),
    ("copy_view", lambda T, L: L.x.clone()[0].copy_(L.y)),
    # fill / fill_ (FillBackward0..3), zero_ (ZeroBackward0)
    ("fill_scalar", lambda T, L: T.fill(L.x, 2.5)),
    ("fill_tensor", lambda T, L: T.fill(L.x, L.s)),
    ("fill_scalar_", lambda T, L: L.x.clone().fill_(2)),
    ("fill_fn_", lambda T, L: T.fill_(L.x.clone(), -1.0)),
    ("fill_tensor_", lambda T, L: L.x.clone().fill_(L.s)),
    ("fill_nograd_tensor_", lambda T, L: L.c.clone().fill_(L.s)),
    ("zero_", lambda T, L: L.x.clone().zero_()),
    ("zero_view", lambda T, L: L.x.clone()[1].zero_()),
    # to / type / float / double / ... (ToCopyBackward0 when they copy; self when not)
    ("to_float64", lambda T, L: L.x.to(T.float64)),
    ("to_same_dtype", lambda T, L: L.x.to(T.float32)),
    ("to_copy_same_dtype", lambda T, L: L.x.to(T.float32, copy=True)),
    ("to_dtype_kw", lambda T, L: L.x.to(dtype=T.float16)),
    ("to_device_dtype", lambda T, L: L.x.to("cpu", T.float64)),
    ("to_device", lambda T, L: L.x.to("cpu")),
    ("to_other", lambda T, L: L.x.to(L.d)),
    ("to_memory_format", lambda T, L: L.x.t().to(memory_format=T.contiguous_format)),
    ("to_int", lambda T, L: L.x.to(T.int64)),
    ("to_from_float64", lambda T, L: L.d.to(T.float32)),
    ("float_same", lambda T, L: L.x.float()),
    ("float_from_float64", lambda T, L: L.d.float()),
    ("double", lambda T, L: L.x.double()),
    ("half", lambda T, L: L.x.half()),
    ("bfloat16", lambda T, L: L.x.bfloat16()),
    ("int", lambda T, L: L.x.int()),
    ("long", lambda T, L: L.x.long()),
    ("bool", lambda T, L: L.x.bool()),
    ("type_dtype", lambda T, L: L.x.type(T.float64)),
    ("type_string", lambda T, L: L.x.type("torch.DoubleTensor")),
    ("type_same", lambda T, L: L.x.type(T.float32)),
    ("double_of_nonleaf", lambda T, L: (L.x * 2).double()),
    ("int_to_float", lambda T, L: L.i.float()),
]

def test_conversions_that_change_nothing_return_self():
    def case(T):
        x = T.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
        y = x * 2
        same = [x.float() is x, x.to(T.float32) is x, x.to("cpu") is x, x.to(x) is x,
                x.type(T.float32) is x, x.type("torch.FloatTensor") is x, T.as_tensor(x) is x,
                x.to(memory_format=T.contiguous_format) is x, y.float() is y,
                x.double() is x, x.to(T.float32, copy=True) is x, T.as_tensor(x, dtype=T.float64) is x]
        return {"same": same, "x": x, "y": y}
    assert_same(case)


CREATION = [
    ("tensor_of_tensor", lambda T, L: T.tensor(L.x)),
    ("tensor_of_tensor_requires_grad", lambda T, L: T.tensor(L.x, requires_grad=True)),
    ("tensor_of_int_requires_grad", lambda T, L: T.tensor(L.i, requires_grad=True)),
    ("tensor_of_int_as_float", lambda T, L: T.tensor(L.i, dtype=T.float32, requires_grad=True)),
    ("zeros_like", lambda T, L: T.zeros_like(L.x)),
    ("ones_like_requires_grad", lambda T, L: T.ones_like(L.x, requires_grad=True)),
    ("ones_like_int_requires_grad", lambda T, L: T.ones_like(L.i, requires_grad=True)),
    ("full_like", lambda T, L: T.full_like(L.x, 2.0)),
    ("full_like_int_requires_grad", lambda T, L: T.full_like(L.i, 2, requires_grad=True)),
    ("empty_like_int_requires_grad", lambda T, L: T.empty_like(L.i, requires_grad=True)),
    ("zeros_requires_grad", lambda T, L: T.zeros(2, 3, requires_grad=True)),
    ("full_int_requires_grad", lambda T, L: T.full((2,), 3, requires_grad=True)),
    ("as_tensor_same", lambda T, L: T.as_tensor(L.x)),
    ("as_tensor_float64", lambda T, L: T.as_tensor(L.x, dtype=T.float64)),
    ("as_tensor_list", lambda T, L: T.as_tensor([1.0, 2.0])),
]

# reduced-precision leaves: the gradient reaches them converted back to their dtype
HALF = [
    ("half_mul_float", lambda T, L: L.h * L.y),
    ("half_add_number", lambda T, L: L.h + 2.5),
    ("half_div", lambda T, L: L.h / L.y),
    ("half_exp", lambda T, L: L.h.exp()),
    ("half_sigmoid", lambda T, L: L.h.sigmoid()),
    ("half_pow", lambda T, L: L.h ** 2),
    ("half_abs", lambda T, L: L.h.abs()),
    ("half_maximum", lambda T, L: T.maximum(L.h, L.y)),
    ("half_clamp", lambda T, L: L.h.clamp(-1, 1)),
    ("half_to_float", lambda T, L: L.h.float()),
    ("half_copy_into_float", lambda T, L: L.x.clone().copy_(L.h)),
    ("half_lerp", lambda T, L: L.h.lerp(L.h * 2, 0.5)),
    ("add_into_int_", lambda T, L: L.i.clone().add_(L.y)),
]

def _in_view(f):
    """f applied in place to a view of a non-leaf copy of x; the copy is returned (its
    history is a CopySlices node over f's node)."""
    def build(T, L):
        base = L.x.clone()
        f(T, L, base)
        return base
    return build


VIEWS = [
    ("mul_into_row", _in_view(lambda T, L, b: b[0].mul_(L.y))),
    ("sin_into_column", _in_view(lambda T, L, b: b[:, 1].sin_())),
    ("clamp_into_transposed", _in_view(lambda T, L, b: b.t().clamp_(-1, 1))),
    ("pow_into_row", _in_view(lambda T, L, b: b[1].pow_(L.y))),
    ("div_floor_into_row", _in_view(lambda T, L, b: b[1].div_(L.y, rounding_mode="floor"))),
    ("copy_into_column", _in_view(lambda T, L, b: b[:, 0].copy_(L.p[0, :2]))),
    ("fill_into_row", _in_view(lambda T, L, b: b[0].fill_(L.s))),
    ("zero_into_column", _in_view(lambda T, L, b: b[:, 2].zero_())),
    ("eq_into_row", _in_view(lambda T, L, b: b[0].eq_(L.y))),
    ("lerp_into_row", _in_view(lambda T, L, b: b[1].lerp_(L.y, L.p[0]))),
    ("to_of_transposed", lambda T, L: L.x.t().to(T.float64)),
    ("to_of_view_same", lambda T, L: L.x[0].float()),
]

# out= with an input that requires grad: refused for the differentiable ops
OUT = [
    ("add_out", lambda T, L: T.add(L.x, L.y, out=T.zeros(2, 3))),
    ("maximum_out", lambda T, L: T.maximum(L.x, L.y, out=T.zeros(2, 3))),
    ("sqrt_out", lambda T, L: T.sqrt(L.p, out=T.zeros(2, 3))),
    ("clip_out", lambda T, L: T.clip(L.x, 0, 1, out=T.zeros(2, 3))),
    ("pow_scalar_base_out", lambda T, L: T.pow(2, L.y, out=T.zeros(3))),
    ("logical_and_out", lambda T, L: T.logical_and(L.x, L.y, out=T.zeros(2, 3, dtype=T.bool))),
    ("add_out_nograd", lambda T, L: T.add(L.c, L.i, out=T.zeros(3))),
]

ALL = BINARY + CLAMP + UNARY + COMPARE + CONVERSIONS + CREATION + VIEWS + OUT


@pytest.mark.parametrize("f", _ids(ALL))
def test_graph_and_gradients_match_torch(f):
    assert_same(_case(f))


@pytest.mark.parametrize("f", _ids(HALF))
def test_reduced_precision_gradients(f):
    assert_same(_case(f), rtol=2e-3, atol=1e-4)  # a float16 ulp: kernels round differently


# in place into an int tensor, the generated ops still record (FillBackward3, EqBackward1);
# a backward through them trips an internal assert of torch's engine, so the graph only
GRAPH_ONLY = [
    ("fill_into_int_", lambda T, L: L.i.clone().fill_(L.s)),
    ("eq_into_int_", lambda T, L: L.i.clone().eq_(L.y)),
    ("eq_number_into_int_", lambda T, L: L.i.clone().eq_(1)),
]


@pytest.mark.parametrize("f", _ids(GRAPH_ONLY))
def test_graph_only(f):
    assert_same(_case(f, backward=False))


# known divergences of refimpl's core, which these ops meet (expected to fail until fixed)
# cases that once diverged in refimpl's core (no (None, 0) edge for an optional tensor left
# None, no in-place check for ops without derivatives, the out= refusal's op name, eq's out=,
# copy_ into an integer self, inference marks on an input returned as it is, the in-place
# twin's name in a NotImplemented error)
FIXED = [
    ("clamp_tensor_min_only", lambda T, L: L.x.clamp(min=L.y)),
    ("clamp_tensor_max_only", lambda T, L: T.clamp(L.x, max=L.y)),
    ("logical_and_leaf", lambda T, L: L.x.logical_and_(L.y)),
    ("logical_not_leaf", lambda T, L: L.p.logical_not_()),
    ("subtract_out", lambda T, L: T.subtract(L.x, L.y, out=T.zeros(2, 3))),
    ("eq_out", lambda T, L: T.eq(L.x, L.y, out=T.zeros(2, 3, dtype=T.bool))),
    ("copy_into_int", lambda T, L: L.i.clone().copy_(L.x[0])),
]


@pytest.mark.parametrize("f", _ids(FIXED))
def test_once_divergent(f):
    assert_same(_case(f, backward=False))


CORE = [
    ("floor_divide_out", lambda T, L: T.floor_divide(L.c, L.y, out=T.zeros(3)),
     "core (bindings.py write_out): torch gives out= of floor_divide (no derivative) a "
     "NotImplemented node; refimpl copies the result in, recording CopyBackwards"),
]


@pytest.mark.parametrize("f", [pytest.param(f, id=n, marks=pytest.mark.xfail(strict=True, reason=r))
                               for n, f, r in CORE])
def test_core_divergences(f):
    assert_same(_case(f, backward=False))


def test_wrapped_number_is_freed_after_backward():
    """A Python number given for a Tensor parameter (x * 3) is saved as the wrapped 0-dim
    tensor torch saves (a SavedVariable), freed by backward: a second backward raises."""
    def case(T):
        x = T.tensor([1.0, 2.0], requires_grad=True)
        out = x * 3
        out.backward(T.ones(2))
        out.backward(T.ones(2))
        return {"x": x}
    assert_same(case)


def test_to_returning_self_in_inference_mode():
    """An input returned as it is (x.float() of a float32 x) stays a normal tensor."""
    def case(T):
        x = T.tensor([1.0, 2.0], requires_grad=True)
        with T.inference_mode():
            same = x.float()
        return {"same_is_x": same is x, "x_is_inference": x.is_inference()}
    assert_same(case)


# --- NotImplemented nodes: recorded, their backward raises ----------------------------------------
NOT_IMPLEMENTED = [
    ("floor_divide", lambda T, L: L.x // L.y),
    ("floor_divide_fn", lambda T, L: T.floor_divide(L.x, L.c)),
    ("floor_divide_number", lambda T, L: L.x // 2),
    ("rfloordiv_number", lambda T, L: 2 // L.x),
    ("floor_divide_nograd_self", lambda T, L: L.c // L.y),
    ("floor_divide_", lambda T, L: L.x.clone().floor_divide_(L.y)),
    ("ifloordiv", lambda T, L: L.x.clone().__ifloordiv__(2)),
    ("rmod_number", lambda T, L: 2 % L.y),
    ("remainder_scalar_self", lambda T, L: T.remainder(2, L.y)),
]


@pytest.mark.parametrize("f", _ids(NOT_IMPLEMENTED))
@pytest.mark.parametrize("backward", [False, True], ids=["graph", "backward"])
def test_not_implemented_nodes(f, backward):
    assert_same(_case(f, backward=backward))




# --- edge conventions -----------------------------------------------------------------------------
def _at(values, f, *others):
    """A case: f applied to a leaf holding `values` (and leaves holding others)."""
    def case(T):
        leaves = [T.tensor(v, requires_grad=True) for v in (values, *others)]
        out = f(T, *leaves)
        out.backward(T.ones_like(out))
        return {"out": out, "leaves": leaves}
    return case


EDGES = [
    ("abs_zero_and_signed_zero", _at([0.0, -0.0, 2.0, -3.0], lambda T, a: a.abs())),
    ("relu_zero", _at([0.0, -0.0, 1.0, -1.0], lambda T, a: a.relu())),
    ("relu_nan", _at([float("nan"), 1.0], lambda T, a: a.relu())),
    ("sqrt_zero_is_inf", _at([0.0, 4.0], lambda T, a: a.sqrt())),
    ("rsqrt_zero", _at([0.0, 4.0], lambda T, a: a.rsqrt())),
    ("log_zero", _at([0.0, 1.0], lambda T, a: a.log())),
    ("sign_zero", _at([0.0, 2.0, -1.0], lambda T, a: a.sign())),
    ("clamp_scalar_bounds_pass", _at([-1.0, 0.0, 1.0, 2.0], lambda T, a: a.clamp(0.0, 1.0))),
    ("clamp_nan_input", _at([float("nan"), 0.5], lambda T, a: a.clamp(0.0, 1.0))),
    ("clamp_nan_bound", _at([0.5, 2.0], lambda T, a: a.clamp(0.0, float("nan")))),
    ("clamp_min_at_bound", _at([0.0, 1.0, -1.0], lambda T, a: a.clamp_min(0.0))),
    ("clamp_max_at_bound", _at([0.0, 1.0, -1.0], lambda T, a: a.clamp_max(0.0))),
    ("clamp_tensor_ties", _at([0.0, 1.0, 2.0, 3.0], lambda T, a, lo, hi: a.clamp(lo, hi),
                              [0.0, 0.0, 2.5, 3.0], [1.0, 1.0, 2.5, 2.0])),
    ("clamp_min_tensor_ties", _at([0.0, 1.0, 2.0], lambda T, a, m: a.clamp_min(m), [0.0, 2.0, 1.0])),
    ("clamp_max_tensor_ties", _at([0.0, 1.0, 2.0], lambda T, a, m: a.clamp_max(m), [0.0, 2.0, 1.0])),
    ("maximum_ties_split", _at([1.0, 2.0, 3.0], lambda T, a, b: T.maximum(a, b), [1.0, 3.0, 2.0])),
    ("minimum_ties_split", _at([1.0, 2.0, 3.0], lambda T, a, b: T.minimum(a, b), [1.0, 3.0, 2.0])),
    ("maximum_nan", _at([float("nan"), 1.0], lambda T, a, b: T.maximum(a, b), [1.0, float("nan")])),
    ("maximum_broadcast_ties", _at([[1.0, 2.0], [2.0, 1.0]], lambda T, a, b: T.maximum(a, b), [1.0, 1.0])),
    ("pow_zero_base_tensor", _at([0.0, 0.0, 0.0, 2.0], lambda T, a, b: a ** b, [2.0, 0.0, -1.0, 0.0])),
    ("pow_zero_exponent", _at([0.0, 2.0], lambda T, a: a ** 0)),
    ("pow_zero_base_half", _at([0.0, 4.0], lambda T, a: a ** 0.5)),
    ("pow_negative_base", _at([-2.0, -0.5], lambda T, a, b: a ** b, [2.0, 3.0])),
    ("pow_scalar_zero_base", _at([2.0, 0.0, -1.0], lambda T, b: 0.0 ** b)),
    ("pow_scalar_negative_base", _at([2.0, 1.0], lambda T, b: (-2) ** b)),
    ("pow_scalar_one_base", _at([2.0, 1.0], lambda T, b: 1 ** b)),
    ("pow_int_number_exponent", _at([-2.0, 3.0], lambda T, a: a ** 3)),
    ("fmod_at_multiples", _at([4.0, -3.0, 2.5], lambda T, a, b: T.fmod(a, b), [2.0, 1.5, -1.0])),
    ("remainder_negative", _at([4.0, -3.0, 2.5], lambda T, a, b: a % b, [-3.0, 2.0, -1.0])),
    ("nan_to_num_all", _at([float("nan"), float("inf"), -float("inf"), 1.0],
                           lambda T, a: a.nan_to_num())),
    ("div_by_zero", _at([1.0, 0.0], lambda T, a, b: a / b, [0.0, 0.0])),
    ("floor_ceil_round_trunc", _at([0.5, 1.5, -2.5],
                                   lambda T, a: a.floor() + a.ceil() + a.round() + a.trunc())),
    ("lerp_weight_out_of_range", _at([1.0, 2.0], lambda T, a, b: a.lerp(b, 2.0), [3.0, -1.0])),
]


@pytest.mark.parametrize("case", [pytest.param(c, id=n) for n, c in EDGES])
def test_edge_conventions(case):
    assert_same(case)


# --- what each node saves: writes after the op, then backward ---------------------------------------
def _after(build, write):
    """A case: out = build(T, a, b, c) on non-leaf copies a, b, c of three leaves, then
    write(T, a, b, c, out) in place, then backward."""
    def case(T):
        xs = [T.tensor([0.5, 1.5, 2.0], requires_grad=True),
              T.tensor([1.25, 2.0, 0.75], requires_grad=True),
              T.tensor([0.25, 0.5, 0.75], requires_grad=True)]
        a, b, c = (x * 1 for x in xs)
        out = build(T, a, b, c)
        write(T, a, b, c, out)
        out.backward(T.ones_like(out))
        return {"xs": xs, "out": out}
    return case


def _bump(t):
    t.add_(1)


VERSIONS = [
    # formulas reading self
    ("sin_self", _after(lambda T, a, b, c: a.sin(), lambda T, a, b, c, o: _bump(a))),
    ("abs_self", _after(lambda T, a, b, c: a.abs(), lambda T, a, b, c, o: _bump(a))),
    ("log_self", _after(lambda T, a, b, c: a.log(), lambda T, a, b, c, o: _bump(a))),
    ("nan_to_num_self", _after(lambda T, a, b, c: a.nan_to_num(), lambda T, a, b, c, o: _bump(a))),
    ("pow_scalar_self", _after(lambda T, a, b, c: a ** 2, lambda T, a, b, c, o: _bump(a))),
    ("clamp_scalar_self", _after(lambda T, a, b, c: a.clamp(0, 1), lambda T, a, b, c, o: _bump(a))),
    # formulas reading the other operand
    ("mul_other", _after(lambda T, a, b, c: a * b, lambda T, a, b, c, o: _bump(b))),
    ("div_other", _after(lambda T, a, b, c: a / b, lambda T, a, b, c, o: _bump(b))),
    ("div_mode_other", _after(lambda T, a, b, c: a.div(b, rounding_mode="floor"),
                              lambda T, a, b, c, o: _bump(b))),
    ("div_mode_self", _after(lambda T, a, b, c: a.div(b, rounding_mode="trunc"),
                             lambda T, a, b, c, o: _bump(a))),
    ("fmod_self", _after(lambda T, a, b, c: a.fmod(b), lambda T, a, b, c, o: _bump(a))),
    ("maximum_other", _after(lambda T, a, b, c: T.maximum(a, b), lambda T, a, b, c, o: _bump(b))),
    ("clamp_tensor_min", _after(lambda T, a, b, c: a.clamp(c, b), lambda T, a, b, c, o: _bump(c))),
    ("clamp_min_tensor_min", _after(lambda T, a, b, c: a.clamp_min(c), lambda T, a, b, c, o: _bump(c))),
    ("lerp_tensor_weight", _after(lambda T, a, b, c: a.lerp(b, c), lambda T, a, b, c, o: _bump(c))),
    ("lerp_tensor_end", _after(lambda T, a, b, c: a.lerp(b, c), lambda T, a, b, c, o: _bump(b))),
    ("pow_exponent", _after(lambda T, a, b, c: a ** b, lambda T, a, b, c, o: _bump(b))),
    # formulas reading the result
    ("exp_result", _after(lambda T, a, b, c: a.exp(), lambda T, a, b, c, o: _bump(o))),
    ("sigmoid_result", _after(lambda T, a, b, c: a.sigmoid(), lambda T, a, b, c, o: _bump(o))),
    ("sqrt_result", _after(lambda T, a, b, c: a.sqrt(), lambda T, a, b, c, o: _bump(o))),
    ("relu_result", _after(lambda T, a, b, c: a.relu(), lambda T, a, b, c, o: _bump(o))),
    ("tanh_result", _after(lambda T, a, b, c: a.tanh(), lambda T, a, b, c, o: _bump(o))),
    ("reciprocal_result", _after(lambda T, a, b, c: a.reciprocal(), lambda T, a, b, c, o: _bump(o))),
    ("rpow_result", _after(lambda T, a, b, c: 2 ** a, lambda T, a, b, c, o: _bump(o))),  # 'Pow2'
    # in place: the result is saved as the output, self's old value as a clone
    ("exp_inplace_result", _after(lambda T, a, b, c: a.exp_(), lambda T, a, b, c, o: _bump(o))),
    ("sin_inplace_original_self", _after(lambda T, a, b, c: a.sin_().mul(2),
                                         lambda T, a, b, c, o: _bump(a))),
    ("pow_inplace_exponent", _after(lambda T, a, b, c: a.pow_(b).mul(1),
                                    lambda T, a, b, c, o: _bump(b))),
    # nothing saved (zeros, TypeAndSize, options, scalars only)
    ("add_nothing", _after(lambda T, a, b, c: a + b, lambda T, a, b, c, o: (_bump(a), _bump(b)))),
    ("sub_alpha_nothing", _after(lambda T, a, b, c: T.sub(a, b, alpha=2),
                                 lambda T, a, b, c, o: _bump(b))),
    ("floor_nothing", _after(lambda T, a, b, c: a.floor(), lambda T, a, b, c, o: _bump(a))),
    ("clamp_min_scalar_self", _after(lambda T, a, b, c: a.clamp_min(0.5), lambda T, a, b, c, o: _bump(a))),
    ("lerp_scalar_nothing", _after(lambda T, a, b, c: a.lerp(b, 0.5),
                                   lambda T, a, b, c, o: (_bump(a), _bump(b)))),
    ("eq_inplace_nothing", _after(lambda T, a, b, c: a.eq_(b).mul(1), lambda T, a, b, c, o: _bump(b))),
    ("copy_nothing", _after(lambda T, a, b, c: a.copy_(b).mul(1), lambda T, a, b, c, o: _bump(b))),
    ("to_copy_nothing", _after(lambda T, a, b, c: a.double(), lambda T, a, b, c, o: _bump(a))),
    ("fill_tensor_nothing", _after(lambda T, a, b, c: T.fill(a, b[0]),
                                   lambda T, a, b, c, o: (_bump(a), _bump(b)))),
]


def _params(table):
    """pytest params of (name, case) rows; a row with a third item (the reason) is a known
    divergence of refimpl's core, expected to fail."""
    return [pytest.param(row[1], id=row[0], marks=[pytest.mark.xfail(strict=True, reason=row[2])]
                         if len(row) > 2 else []) for row in table]


@pytest.mark.parametrize("case", _params(VERSIONS))
def test_saved_values_and_version_checks(case):
    assert_same(case)


# --- second order: the formulas are written with recorded ops --------------------------------------
def _second_order(f, values):
    def case(T):
        x = T.tensor(values, requires_grad=True)
        (g,) = T.autograd.grad(f(T, x), x, T.ones(len(values)), create_graph=True)
        (gg,) = T.autograd.grad(g, x, T.ones(len(values)))
        # values only: the nodes a formula records differ from torch's fused backward ops
        # (SigmoidBackwardBackward0, ...), and see test_accumulated_gradient_version
        return {"g": g.detach().clone(), "gg": gg.clone()}
    return case


SECOND = [
    ("mul_self", _second_order(lambda T, x: x * x, [0.5, -1.5])),
    ("pow", _second_order(lambda T, x: x ** 3, [0.5, -1.5])),
    ("exp", _second_order(lambda T, x: x.exp(), [0.5, -1.5])),
    ("sin", _second_order(lambda T, x: x.sin(), [0.5, -1.5])),
    ("tanh", _second_order(lambda T, x: x.tanh(), [0.5, -1.5])),
    ("sigmoid", _second_order(lambda T, x: x.sigmoid(), [0.5, -1.5])),
    ("div", _second_order(lambda T, x: 2 / x, [0.5, -1.5])),
    ("log", _second_order(lambda T, x: x.log(), [0.5, 1.5])),
    ("sqrt", _second_order(lambda T, x: x.sqrt(), [0.5, 1.5])),
    ("rsqrt", _second_order(lambda T, x: x.rsqrt(), [0.5, 1.5])),
    ("double", _second_order(lambda T, x: x.double().pow(2), [0.5, 1.5])),
]


@pytest.mark.parametrize("case", [pytest.param(c, id=n) for n, c in SECOND])
def test_second_order(case):
    assert_same(case)


def test_accumulated_gradient_version():
    """torch's InputBuffer adds a second gradient into the first in place where it may: the
    gradient returned has version 1."""
    def case(T):
        x = T.tensor([0.5, -1.5], requires_grad=True)
        (g,) = T.autograd.grad(x * x, x, T.ones(2))
        return {"g": g}
    assert_same(case)


# --- refimpl's formulas against central differences (float64) --------------------------------------
def numerical_check(f, inputs, eps=1e-6, rtol=1e-4, atol=1e-5):
    """refimpl's gradient of sum(f(*inputs) * weights) against central differences, in
    float64 (as autograd_harness.numerical_check, the weighted sum taken in Python)."""
    leaves = [refimpl.tensor(x, dtype=refimpl.float64, requires_grad=True) for x in inputs]
    out = f(*leaves)
    weights = [float(k + 1) for k in range(out.numel())]
    out.backward(refimpl.tensor(weights, dtype=refimpl.float64).reshape(out.shape))

    def total():
        with refimpl.no_grad():
            values = f(*leaves).reshape(-1).tolist()
        return math.fsum(v * w for v, w in zip(values, weights))
    for i, leaf in enumerate(leaves):
        flat = leaf.detach().reshape(-1)
        got = leaf.grad.reshape(-1).tolist() if leaf.grad is not None else [0.0] * flat.numel()
        for j in range(flat.numel()):
            value = flat[j].item()
            flat[j] = value + eps
            hi = total()
            flat[j] = value - eps
            lo = total()
            flat[j] = value
            expected = (hi - lo) / (2 * eps)
            assert close(got[j], expected, rtol, atol), \
                f"input {i} element {j}: analytic {got[j]} != numeric {expected}"


A = [[0.3, -1.2, 2.1], [1.7, 2.6, -0.8]]
B = [1.3, -2.2, 0.6]
P = [[0.4, 1.3, 2.2], [1.6, 2.9, 0.7]]
T = refimpl
NUMERIC = [
    ("add", lambda a, b: a + b, [A, B]),
    ("add_alpha", lambda a, b: T.add(a, b, alpha=-2.5), [A, B]),
    ("sub_alpha", lambda a, b: T.sub(a, b, alpha=3), [A, B]),
    ("rsub_alpha", lambda a, b: T.rsub(a, b, alpha=2), [A, B]),
    ("rsub_scalar", lambda a: 2 - a, [A]),
    ("mul", lambda a, b: a * b, [A, B]),
    ("div", lambda a, b: a / b, [A, B]),
    ("rdiv", lambda a: 3 / a, [A]),
    ("reciprocal", lambda a: a.reciprocal(), [A]),
    ("fmod", lambda a, b: T.fmod(a, b), [A, B]),
    ("remainder", lambda a, b: a % b, [A, B]),
    ("pow_tensor", lambda a, b: a ** b, [P, B]),
    ("pow_scalar", lambda a: a ** 3, [A]),
    ("pow_float_scalar", lambda a: a ** -1.5, [P]),
    ("pow_scalar_base", lambda b: 2.5 ** b, [B]),
    ("maximum", lambda a, b: T.maximum(a, b), [A, B]),
    ("minimum", lambda a, b: T.minimum(a, b), [A, B]),
    ("clamp_scalar", lambda a: a.clamp(-1.0, 1.9), [A]),
    ("clamp_tensor", lambda a, lo, hi: a.clamp(lo, hi), [A, [-1.0, -1.0, 0.0], [1.0, 2.0, 3.0]]),
    ("clamp_tensor_min_over_max", lambda a, lo, hi: a.clamp(lo, hi), [A, [1.0, 1.0, 1.0], [0.0, 0.5, 0.1]]),
    ("clamp_min_tensor", lambda a, m: a.clamp_min(m), [A, B]),
    ("clamp_max_tensor", lambda a, m: a.clamp_max(m), [A, B]),
    ("lerp_scalar", lambda a, b: a.lerp(b, 0.3), [A, B]),
    ("lerp_tensor", lambda a, b, w: a.lerp(b, w), [A, B, P]),
    ("neg", lambda a: -a, [A]),
    ("exp", lambda a: a.exp(), [A]),
    ("sigmoid", lambda a: a.sigmoid(), [A]),
    ("abs", lambda a: a.abs(), [A]),
    ("log", lambda a: a.log(), [P]),
    ("sqrt", lambda a: a.sqrt(), [P]),
    ("rsqrt", lambda a: a.rsqrt(), [P]),
    ("tanh", lambda a: a.tanh(), [A]),
    ("sin", lambda a: a.sin(), [A]),
    ("cos", lambda a: a.cos(), [A]),
    ("relu", lambda a: a.relu(), [A]),
    ("floor", lambda a: a.floor(), [A]),
    ("ceil", lambda a: a.ceil(), [A]),
    ("round", lambda a: a.round(), [A]),
    ("round_decimals", lambda a: a.round(decimals=1), [[0.32, -1.27]]),
    ("trunc", lambda a: a.trunc(), [A]),
    ("sign", lambda a: a.sign(), [A]),
    ("nan_to_num", lambda a: a.nan_to_num(), [A]),
    ("copy_", lambda a, b: (a * 1).copy_(b) * a, [A, B]),
    ("fill_tensor", lambda a, b: T.fill(a, b[1]) * a, [A, B]),
    ("to_copy", lambda a: a.to(T.float64, copy=True) * 2, [A]),
    ("inplace_chain", lambda a, b: (a * 1).mul_(b).sin_().add_(b, alpha=2), [A, B]),
]


@pytest.mark.parametrize("f,inputs", [pytest.param(f, i, id=n) for n, f, i in NUMERIC])
def test_formulas_numerically(f, inputs):
    numerical_check(f, inputs)
