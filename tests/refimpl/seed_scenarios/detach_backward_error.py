"""Seeds 000, 002 and 004: backward() from a detached tensor (or anything computed only
from one) raises "element 0 of tensors does not require grad and does not have a
grad_fn", and the source leaf's .grad stays None."""
import torch


def show(e):
    print(type(e).__name__ + ": " + (str(e).splitlines() or [""])[-1])


base = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
squashed = base.sigmoid()
cut = squashed.detach()
print(cut)
try:
    cut.sum().backward()
except RuntimeError as e:
    show(e)
print(base.grad)

ones = torch.ones(4, requires_grad=True)
doubled = ones.detach() * 2
total = doubled.sum()
print(total, total.requires_grad, total.grad_fn)
try:
    total.backward()
except RuntimeError as e:
    show(e)
print(ones.grad)

try:
    torch.ones(3).sum().backward()
except RuntimeError as e:
    show(e)
