"""Seed 004 ("modify x.detach"): assigning to x.detach does not change x's data; it only
sets an instance attribute that hides the method, so the gradient is the same as without
it (2x + 3x^2 = 5 at x = 1). Deleting the attribute brings the method back. (The seed
writes dtype=float; python_type_dtype.py covers that spelling.)"""
import torch

x = torch.ones(4, requires_grad=True)
sq = x ** 2
x.detach = torch.tensor([2, 2, 2, 2], dtype=torch.float64)
print(type(x.detach).__name__, x.detach.dtype)
print(x.detach)
print(x)
cube = x ** 3
(sq + cube).sum().backward()
print(x.grad)
del x.detach
print(x.detach())
