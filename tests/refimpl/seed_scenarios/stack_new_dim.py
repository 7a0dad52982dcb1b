"""Seed 004 (torch.stack(sequence, dim=0)): stacking equal-shaped tensors adds a new
dimension at index dim (-1: the last); the result owns new memory; tensors of different
shapes raise."""
import torch


def show(e):
    print(type(e).__name__ + ": " + (str(e).splitlines() or [""])[-1])


top = torch.tensor([[1, 2, 3], [4, 5, 6]])
bottom = torch.tensor([[10, 20, 30], [40, 50, 60]])
for dim in (0, 1, 2, -1):
    s = torch.stack([top, bottom], dim=dim)
    print(dim, tuple(s.shape), s.stride())
    print(s)
print((torch.stack([top, bottom], dim=-1) == torch.stack([top, bottom], dim=2)).all().item())
s = torch.stack((top, bottom))
print(s.data_ptr() == top.data_ptr(), s.dtype)
try:
    torch.stack([top, bottom[:, :2]])
except RuntimeError as e:
    show(e)
try:
    torch.stack([top, bottom], dim=3)
except IndexError as e:
    show(e)
