"""Seed 001 (tensor.item()): item() turns a one-element tensor into a Python number (float
for floating dtypes, int for integer ones, bool for bool), also for a tensor that requires
grad or has several dimensions of size one; any other number of elements raises."""
import torch
import warnings


def show(e):
    print(type(e).__name__ + ": " + (str(e).splitlines() or [""])[-1])


w = torch.tensor([1.5, 2.5], requires_grad=True)
loss = (w * 2).mean()
val = loss.item()
print(type(val).__name__, val)
print(torch.tensor([[7]]).item(), type(torch.tensor([[7]]).item()).__name__)
print(torch.tensor(True).item(), torch.tensor([0.25]).item())
try:
    w.item()
except RuntimeError as e:
    show(e)
try:
    torch.tensor([]).item()
except RuntimeError as e:
    show(e)
with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # torch warns once per process about float(loss)
    print(float(loss), int(torch.tensor(3.9)))
