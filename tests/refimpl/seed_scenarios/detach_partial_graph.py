"""Seed 004: with both branches attached, (x^2 + x^3).sum() gives 2x + 3x^2 = 5 at x = 1;
detaching x in the cubic branch removes that branch from the gradient (2 only), and the
sum is still tracked through the other branch."""
import torch

x = torch.ones(5, requires_grad=True)
r = (x ** 3 + x ** 2).sum()
r.backward()
print(x.grad)

x = torch.ones(5, requires_grad=True)
sq = x ** 2
cube = x.detach() ** 3
print(sq.requires_grad, cube.requires_grad)
r = (sq + cube).sum()
print(r, r.grad_fn.name())
r.backward()
print(x.grad)
