"""Seeds 000 and 002 (detach_): m.detach_() works in place and returns m itself, sets its
grad_fn to None and requires_grad to False, so m becomes a leaf and new results computed
from it are not tracked; the version is not bumped. Contrary to the seeds' "x, m -> y"
picture, a y computed from m before detach_() keeps its edge to x (backward from it still
reaches x), unless y's node saved m, which then refuses. detach() (out of place) leaves m
attached, so the original graph stays usable."""
import torch


def show(e):
    print(type(e).__name__ + ": " + (str(e).splitlines() or [""])[-1])


x = torch.tensor([1.0, 2.0], requires_grad=True)
m = x * 2
y = m * 3
print(m.grad_fn.name(), m.is_leaf, m.requires_grad)
same = m.detach_()
print(same is m, m.grad_fn, m.is_leaf, m.requires_grad, m._version)
print(m)
print((m + 1).requires_grad)
print(y.grad_fn.name(), y.requires_grad)
y.sum().backward()
print(x.grad)

x2 = torch.tensor([1.0, 2.0], requires_grad=True)
m2 = x2 * 2
y2 = m2 * m2  # saves m2
m2.detach_()
try:
    y2.sum().backward()
except RuntimeError as e:
    show(e)
print(x2.grad)

x3 = torch.tensor([1.0, 2.0], requires_grad=True)
m3 = x3 * 2
side = m3.detach()
print(m3.grad_fn.name(), m3.requires_grad, side.requires_grad)
(m3 * m3).sum().backward()
print(x3.grad)
