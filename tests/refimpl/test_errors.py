"""Invalid calls: refimpl must raise torch's exception class with torch's message.

Each case is one function of the module (`refimpl` or `torch`), run against both.
"""

import pytest
import torch

import refimpl
from tests.refimpl.harness import outcome


def _ar(m, n=6, dtype=None):
    return m.arange(n) if dtype is None else m.arange(n, dtype=dtype)


CASES = {
    # view / reshape
    "view_incompatible_strides": lambda m: _ar(m).view(2, 3).t().view(6),
    "view_wrong_numel": lambda m: _ar(m).view(4),
    "view_two_inferred": lambda m: _ar(m).view(-1, -1),
    "view_negative_size": lambda m: _ar(m).view(-2, 3),
    "view_zero_numel_inferred": lambda m: m.zeros(0, 3).view(-1, 0),
    "view_expanded": lambda m: _ar(m, 3).view(3, 1).expand(3, 4).view(12),
    "reshape_wrong_numel": lambda m: _ar(m).reshape(5),
    # expand
    "expand_smaller_rank": lambda m: m.zeros(2, 3).expand(3),
    "expand_mismatched_size": lambda m: m.zeros(2, 3).expand(2, 4),
    "expand_leading_minus_one": lambda m: m.zeros(2, 3).expand(-1, 2, 3),
    "expand_negative_target": lambda m: m.zeros(1, 3).expand(-2, 3),
    # permute / transpose / t
    "permute_wrong_length": lambda m: m.zeros(2, 3).permute(0),
    "permute_duplicate_dims": lambda m: m.zeros(2, 3, 4).permute(0, 2, 0),
    "permute_dim_out_of_range": lambda m: m.zeros(2, 3).permute(0, 2),
    "transpose_dim_out_of_range": lambda m: m.zeros(2, 3).transpose(0, 2),
    "transpose_negative_out_of_range": lambda m: m.zeros(2, 3).transpose(-3, 1),
    "t_on_3d": lambda m: m.zeros(2, 3, 4).t(),
    # narrow
    "narrow_start_out_of_range": lambda m: m.zeros(3, 4).narrow(0, 5, 1),
    "narrow_negative_start_out_of_range": lambda m: m.zeros(3, 4).narrow(1, -5, 1),
    "narrow_exceeds": lambda m: m.zeros(3, 4).narrow(1, 2, 3),
    "narrow_negative_length": lambda m: m.zeros(3, 4).narrow(1, 0, -1),
    "narrow_dim_out_of_range": lambda m: m.zeros(3, 4).narrow(2, 0, 1),
    "narrow_0d": lambda m: m.zeros(()).narrow(0, 0, 1),
    # size / stride with a bad dim, item, len
    "size_dim_out_of_range": lambda m: m.zeros(2, 3).size(2),
    "stride_dim_out_of_range": lambda m: m.zeros(2, 3).stride(-3),
    "size_of_0d": lambda m: m.zeros(()).size(0),
    "size_negative_of_0d": lambda m: m.zeros(()).size(-1),
    "stride_of_0d": lambda m: m.zeros(()).stride(0),
    "item_of_many": lambda m: m.zeros(2).item(),
    "len_of_0d": lambda m: len(m.zeros(())),
    # elementwise
    "add_not_broadcastable": lambda m: m.zeros(2, 3) + m.zeros(4, 3),
    "add_not_broadcastable_3d": lambda m: m.add(m.zeros(5, 1, 3), m.zeros(2, 4)),
    "iadd_int_with_float_tensor": lambda m: _iadd(_ar(m), m.ones(6)),
    "iadd_int_with_float_scalar": lambda m: _iadd(_ar(m), 1.5),
    "imul_bool_with_int": lambda m: _imul(m.tensor([True, False]), 2),
    "exp_inplace_on_int": lambda m: _ar(m).exp_(),
    "sigmoid_inplace_on_bool": lambda m: m.tensor([True]).sigmoid_(),
    "inplace_into_expanded": lambda m: m.zeros(1, 3).expand(2, 3).add_(1),
    "inplace_mul_into_expanded": lambda m: m.zeros(3, 1).expand(3, 4).mul_(m.ones(3, 4)),
    "partial_overlap_add": lambda m: _partial_overlap(m),
    "inplace_shape_mismatch": lambda m: m.zeros(2).add_(m.zeros(3, 2)),
    "neg_bool": lambda m: m.tensor([True, False]).neg(),
    "neg_bool_operator": lambda m: -m.tensor([True, False]),
    "neg_inplace_bool": lambda m: m.tensor([True]).neg_(),
    "float_alpha_int_tensors": lambda m: m.add(_ar(m), _ar(m), alpha=1.5),
    "bool_alpha_int_tensors": lambda m: m.add(_ar(m), _ar(m), alpha=True),
    "alpha_overflow_uint8": lambda m: m.add(_ar(m, dtype=m.uint8), _ar(m, dtype=m.uint8),
                                            alpha=1000),
    # reductions
    "sum_duplicate_dims": lambda m: m.zeros(2, 3).sum((0, 0)),
    "sum_duplicate_dims_negative": lambda m: m.zeros(2, 3).sum((1, -1)),
    "sum_dim_out_of_range": lambda m: m.zeros(2, 3).sum(2),
    # creation
    "tensor_ragged": lambda m: m.tensor([[1, 2], [3]]),
    "tensor_ragged_deeper": lambda m: m.tensor([[[1, 2]], [[3, 4, 5]]]),
    "tensor_scalar_then_list": lambda m: m.tensor([1, [2]]),
    "tensor_uint8_overflow": lambda m: m.tensor([300], dtype=m.uint8),
    "tensor_int8_overflow": lambda m: m.tensor([-129], dtype=m.int8),
    "tensor_int64_overflow": lambda m: m.tensor([2**63]),
    "tensor_list_then_scalar": lambda m: m.tensor([[1], 2]),
    "tensor_scalar_inside_deeper_list": lambda m: m.tensor([[1, 2], [3, [4]]]),
    "tensor_string": lambda m: m.tensor("abc"),
    "tensor_list_of_string": lambda m: m.tensor(["a"]),
    "tensor_object": lambda m: m.tensor(object()),
    "tensor_list_of_object": lambda m: m.tensor([object()]),
    "tensor_none": lambda m: m.tensor(None),
    "full_uint8_overflow": lambda m: m.full((2,), 300, dtype=m.uint8),
    "arange_zero_step": lambda m: m.arange(0, 5, 0),
    "arange_wrong_sign": lambda m: m.arange(0, 5, -1),
    "arange_wrong_sign_negative": lambda m: m.arange(5, 0, 1),
    "arange_bool": lambda m: m.arange(3, dtype=m.bool),
    "zeros_negative": lambda m: m.zeros(2, -1),
    "ones_negative": lambda m: m.ones(-3),
    "zeros_no_size": lambda m: m.zeros(),
    "ones_no_size": lambda m: m.ones(),
    "eye_negative": lambda m: m.eye(-1),
    "eye_negative_m": lambda m: m.eye(2, -1),
    "requires_grad_int": lambda m: _ar(m).requires_grad_(),
    "tensor_requires_grad_int": lambda m: m.tensor([1], requires_grad=True),
    "zeros_requires_grad_int": lambda m: m.zeros(2, dtype=m.int64, requires_grad=True),
    "bool_of_many": lambda m: bool(m.zeros(2)),
    "bool_of_empty": lambda m: bool(m.zeros(0)),
    "set_default_dtype_int": lambda m: m.set_default_dtype(m.int64),
}


def _iadd(x, y):
    x += y
    return x


def _imul(x, y):
    x *= y
    return x


def _partial_overlap(m):
    x = m.arange(6.0)
    return x.narrow(0, 1, 5).add_(x.narrow(0, 0, 5))  # x[1:].add_(x[:-1])


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_same_error_as_torch(case):
    expected = outcome(case, torch, observe=lambda r: None)
    assert expected[0] == "error", "torch accepted the call: the case is not an error case"
    got = outcome(case, refimpl, observe=lambda r: None)
    assert got[0] == "error", f"refimpl accepted a call torch rejects with {expected}"
    assert got[1] == expected[1], (got, expected)
    assert got[2] == expected[2]


def test_failed_inplace_ops_leave_values_unchanged():
    def run(m):
        x = m.arange(6.0)
        try:
            x.narrow(0, 1, 5).add_(x.narrow(0, 0, 5))
        except RuntimeError:
            pass
        y = m.zeros(1, 3)
        try:
            y.expand(2, 3).add_(1)
        except RuntimeError:
            pass
        return x.tolist(), x._version, y.tolist(), y._version
    assert run(refimpl) == run(torch)


def test_tensor_ragged_but_empty_is_accepted():
    # torch sizes the tensor from the first element at each depth and stores nothing
    # when that gives no elements, so a later, longer row is never checked
    def run(m):
        t = m.tensor([[], [1]])
        return tuple(t.shape), repr(t.dtype), t.tolist()
    assert run(refimpl) == run(torch)
