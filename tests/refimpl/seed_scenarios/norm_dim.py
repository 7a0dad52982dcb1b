"""Seed 004 (torch.norm(input, p, dim, keepdim)): t.norm(1, 3) on a 4-d tensor of ones
sums absolute values over dim 3, which disappears (keepdim=False) or stays with size 1
(keepdim=True); dim=-1 is the same dim; p=2 gives the square root of the sum of squares;
no dim reduces everything."""
import torch

ones = torch.ones(2, 3, 3, 3)
n1 = ones.norm(1, 3)
print(tuple(n1.shape), n1.dtype)
print(n1[0])
print(tuple(ones.norm(1, 3, keepdim=True).shape))
print((ones.norm(1, -1) == n1).all().item())
print(ones.norm(2, 3)[0, 0])
print(ones.norm(), ones.norm(1))
vals = torch.tensor([[3.0, -4.0], [0.0, 5.0]])
print(vals.norm(1, 1), vals.norm(2, 1), vals.norm(2, 0))
print(torch.norm(vals, 1, 0, True))
