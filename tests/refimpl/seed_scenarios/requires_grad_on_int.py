"""Seed 003 ("only float tensors can be back-propagated"): integer and bool tensors cannot
require grad; the three ways of asking raise slightly different messages. Floating dtypes
(float16, float32, float64) can; an op mixing an integer tensor with a float one that
requires grad promotes and is tracked."""
import torch


def show(e):
    print(type(e).__name__ + ": " + (str(e).splitlines() or [""])[-1])


try:
    torch.tensor([1, 2, 3], requires_grad=True)
except RuntimeError as e:
    show(e)
ints = torch.tensor([1, 2, 3])
try:
    ints.requires_grad_()
except RuntimeError as e:
    show(e)
try:
    ints.requires_grad = True
except RuntimeError as e:
    show(e)
try:
    torch.tensor([True, False]).requires_grad_()
except RuntimeError as e:
    show(e)
print(ints.requires_grad, ints.requires_grad_(False) is ints)
for dt in (torch.float16, torch.float32, torch.float64):
    t = torch.tensor([1.0, 2.0], dtype=dt, requires_grad=True)
    print(t.dtype, t.requires_grad)
weights = torch.tensor([0.5, 0.25, 2.0], requires_grad=True)
mixed = ints * weights
print(mixed, mixed.dtype)
mixed.sum().backward()
print(weights.grad)
print(torch.ones(2, dtype=torch.int64).float().requires_grad_().requires_grad)
