"""Seeds 001 and 004 (torch.no_grad()): inside the block autograd records nothing: results
do not require grad, have no grad_fn and are leaves, so backward from them raises; grad
mode is back on after the block; the decorator form does the same; a factory called with
requires_grad=True inside the block still gives a leaf that requires grad."""
import torch


def show(e):
    print(type(e).__name__ + ": " + (str(e).splitlines() or [""])[-1])


param = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
print(torch.is_grad_enabled())
with torch.no_grad():
    print(torch.is_grad_enabled())
    doubled = param * 2
    fresh = torch.ones(2, requires_grad=True)
    print(doubled.requires_grad, doubled.grad_fn, doubled.is_leaf)
    print(fresh.requires_grad, fresh.is_leaf)
print(torch.is_grad_enabled())
print(doubled)
try:
    doubled.sum().backward()
except RuntimeError as e:
    show(e)
tracked = param * 2
print(tracked.requires_grad, tracked.grad_fn.name())


@torch.no_grad()
def halve(t):
    return t / 2


out = halve(param)
print(out, out.requires_grad, torch.is_grad_enabled())

with torch.no_grad():
    inner = param.sigmoid()
outer = inner * param
outer.sum().backward()
print(param.grad)
