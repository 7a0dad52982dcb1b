"""Seed 004 ("modify x.data"): assigning a tensor to x.data swaps x's contents in place of
the autograd graph: x keeps being the same leaf that requires grad, with no version bump,
but now holds the new values and dtype (float64 here); x ** 2, saved before the swap,
reads the new values too, so the gradient is 2*2 + 3*4 = 16 and comes out float64. Only
tensors can be assigned (the shape may change). (The seed writes dtype=float;
python_type_dtype.py covers that spelling.)"""
import torch


def show(e):
    print(type(e).__name__ + ": " + (str(e).splitlines() or [""])[-1])


x = torch.ones(3, requires_grad=True)
sq = x ** 2
x.data = torch.tensor([2, 2, 2], dtype=torch.float64)
print(x)
print(x.dtype, x.is_leaf, x.requires_grad, x._version)
cube = x ** 3
print(sq, cube)
(sq + cube).sum().backward()
print(x.grad)

y = torch.tensor([1.0, 2.0], requires_grad=True)
try:
    y.data = [5.0, 6.0]
except TypeError as e:
    show(e)
y.data = torch.tensor([[7.0, 8.0, 9.0]])
print(y, y.shape, y.requires_grad)
