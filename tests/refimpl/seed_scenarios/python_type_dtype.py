"""Seed 004 writes torch.tensor([2, 2, 2, 2, 2], dtype=float): a Python type is accepted
where a dtype is expected, float meaning torch.float64, int torch.int64 and bool
torch.bool, in factories and in to(); other types are refused."""
import torch


def show(e):
    print(type(e).__name__ + ": " + (str(e).splitlines() or [""])[-1])


print(torch.tensor([2, 2, 2], dtype=float))
print(torch.tensor([1.7, -0.5], dtype=int), torch.tensor([2, 0], dtype=bool))
print(torch.ones(2, dtype=float).dtype, torch.zeros(2, dtype=int).dtype,
      torch.arange(3, dtype=float).dtype, torch.full((2,), 1, dtype=bool).dtype)
print(torch.ones(2).to(float).dtype, torch.ones(2).to(int).dtype)
try:
    torch.tensor([1], dtype=str)
except TypeError as e:
    show(e)
