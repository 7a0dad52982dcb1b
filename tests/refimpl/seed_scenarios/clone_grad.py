"""Seed 003 (clone): clone() copies into new memory (different data_ptr; both are plain
Tensors), prints grad_fn=<CloneBackward0> and is not a leaf; gradients flowing into the
clone are added to the source's .grad (2a, then + 3a^2); the clone's own .grad stays None.
A clone of a tensor that does not require grad is an independent leaf."""
import torch
import warnings

src = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
dup = src.clone()
print(type(src).__name__, type(dup).__name__)
print(src.data_ptr() == dup.data_ptr())
print(src)
print(dup)
print(dup.is_leaf, dup.requires_grad, dup.grad_fn.name())
sq = src ** 2
cube = dup ** 3
print(sq.grad_fn.name(), cube.grad_fn.name())
sq.sum().backward()
print(src.grad)
cube.sum().backward()
print(src.grad)
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    print(dup.grad)

plain = torch.tensor([[1, 2], [3, 4]])
copy = plain.clone()
copy[0, 0] = 100
print(plain)
print(copy)
print(copy.is_leaf, copy.grad_fn, copy._version, plain._version)
print(copy.stride(), plain.t().clone().stride())
