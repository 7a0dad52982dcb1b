"""Seeds 001, 003 and 004: tensors the user creates are leaves (whether or not they
require grad); results of ops on tensors that require grad are not leaves; results of ops
on tensors that do not are leaves that do not require grad. Only leaves that require grad
get .grad after backward. requires_grad can be set (seed 003: w.requires_grad = True) or
cleared (seed 004: param.requires_grad = False) on leaves only."""
import torch
import warnings


def show(e):
    print(type(e).__name__ + ": " + (str(e).splitlines() or [""])[-1])


made = torch.tensor([1.0, 2.0])
wanted = torch.tensor([3.0, 4.0], requires_grad=True)
print(made.is_leaf, made.requires_grad, wanted.is_leaf, wanted.requires_grad)
mixed = made * wanted
plain = made * 2
print(mixed.is_leaf, mixed.requires_grad, plain.is_leaf, plain.requires_grad)
total = mixed.sum()
total.backward()
print(made.grad, wanted.grad)
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    print(mixed.grad, total.grad)

flag = torch.ones(2)
flag.requires_grad = True
print(flag.is_leaf, flag.requires_grad, flag.grad_fn)
flag.requires_grad = False
print(flag.requires_grad)
print(torch.zeros(2).requires_grad_().is_leaf)

try:
    mixed.requires_grad = False
except RuntimeError as e:
    show(e)
print(mixed.requires_grad)
try:
    mixed.requires_grad = True  # even the value it already has
except RuntimeError as e:
    show(e)
print(mixed.requires_grad_() is mixed)  # the method form accepts True on a non-leaf
try:
    mixed.requires_grad_(False)
except RuntimeError as e:
    show(e)
