"""Seed 004 (torch.eye(n, m=None)): an n x n identity, or n rows by m columns with ones on
the main diagonal, in the default float dtype unless dtype= says otherwise; negative
sizes raise."""
import torch


def show(e):
    print(type(e).__name__ + ": " + (str(e).splitlines() or [""])[-1])


print(torch.eye(3))
print(torch.eye(2, 4))
print(torch.eye(4, 2))
print(torch.eye(3, dtype=torch.int64))
print(torch.eye(0).shape, torch.eye(1, 0).shape)
print(torch.eye(2).dtype, torch.eye(2).stride(), torch.eye(2).requires_grad)
for args in ((-1,), (2, -3)):
    try:
        torch.eye(*args)
    except RuntimeError as e:
        show(e)
