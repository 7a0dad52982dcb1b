"""refimpl tensors print exactly as torch tensors built the same way."""
import pytest
import torch

import refimpl

CASES = [
    "torch.tensor([1, 2, 3.])",
    "torch.tensor([1, 2, 3.]).sigmoid()",
    "torch.tensor([[1, -2], [3, 4]])",
    "torch.arange(12).view(3, 4).t()",
    "torch.tensor([True, False])",
    "torch.tensor(3.5, dtype=torch.float16)",
    "torch.tensor([float('nan'), float('inf'), -0.0, 1e-5])",
    "torch.zeros(0, 3, dtype=torch.int32)",
    "torch.ones(2, 2, dtype=torch.bfloat16) * 1e10",
    "torch.arange(2000.).view(40, 50)",
    "torch.eye(3, 2, dtype=torch.float64)",
    "torch.full((2, 1, 3), 7, dtype=torch.uint8).expand(2, 2, 3)",
    "torch.tensor([1.5, 2.5]).add(torch.tensor([[1], [2]]), alpha=2).sum(0)",
]


@pytest.mark.parametrize("expr", CASES)
def test_repr_matches_torch(expr):
    ours = eval(expr, {"torch": refimpl})
    theirs = eval(expr, {"torch": torch})
    assert repr(ours) == repr(theirs)
    assert str(ours) == str(theirs)


def test_size_prints_like_torch():
    assert repr(refimpl.ones(2, 3).shape) == repr(torch.ones(2, 3).shape)
