"""Seed 002 (detach_ detaches a tensor from its graph in place, making it a leaf): torch
refuses detach_() on a view ("Can't detach views in-place. Use detach() instead. ..."),
whether or not the view requires grad; a non-view, including the result of detach()
(which is not a view), can be detached in place."""
import torch


def show(e):
    print(type(e).__name__ + ": " + (str(e).splitlines() or [""])[-1])


leaf = torch.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)
act = leaf.sigmoid()
part = act[1:]
print(part.grad_fn.name(), part._is_view())
try:
    part.detach_()
except RuntimeError as e:
    show(e)
print(part.grad_fn.name(), part.requires_grad)

plain = torch.arange(6.0).view(2, 3)
print(plain._is_view(), plain.requires_grad)
try:
    plain.detach_()
except RuntimeError as e:
    show(e)

cut = act.detach()
print(cut._is_view())
print(cut.detach_() is cut, cut.requires_grad)
print(act.detach_() is act, act.is_leaf, act.grad_fn)
