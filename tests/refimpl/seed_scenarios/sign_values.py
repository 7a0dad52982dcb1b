"""Seed 004 (torch.sign): each element becomes -1, 0 or 1 by its sign, in the input's
dtype (floats print as 1., -1., 0.); negative zero gives zero."""
import torch

vals = torch.tensor([1.5, -0.25, 0.0, 4.0, -7.0])
print(vals)
print(torch.sign(vals))
print(vals.sign().dtype)
print(torch.sign(torch.tensor([-0.0, 3.0])))
print(torch.tensor([-5, 0, 9]).sign())
print(torch.sign(torch.tensor([[2.0, -3.0], [0.5, -0.5]])))
