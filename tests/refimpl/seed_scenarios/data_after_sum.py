"""Seed 002: when the tensor changed through .data is the output of sum() (whose backward
does not need its own value) the gradient stays correct: the printed value becomes
tensor(0., grad_fn=<SumBackward0>) and backward still gives sigmoid's derivative."""
import torch

a = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
total = a.sigmoid().sum()
print(total)
raw = total.data
print(raw, raw.shape, raw.dim())
raw.zero_()
print(raw)
print(total)
total.backward()
print(a.grad)
