"""Seed 001: during the forward pass an op whose inputs include a tensor that requires
grad adds a Function node (grad_fn) to the result, which then requires grad; with no such
input nothing is recorded. requires_grad is contagious through a chain of ops, and backward
reaches every leaf that requires grad (accumulating when a leaf is used twice)."""
import torch

data = torch.tensor([1.0, 2.0, 3.0])
weight = torch.tensor([0.5, 0.5, 0.5], requires_grad=True)
step1 = data * 2
print(step1.requires_grad, step1.grad_fn)
step2 = step1 * weight
print(step2.requires_grad, step2.grad_fn.name())
step3 = step2 + data
step4 = step3 * weight
print(step3.requires_grad, step3.grad_fn.name(), step4.grad_fn.name())
step4.sum().backward()
print(weight.grad)
print(data.grad, data.requires_grad)
