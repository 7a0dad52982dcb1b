"""Seeds 000 and 002, the "normal use" example: a leaf created with requires_grad=True has
no .grad before backward; sigmoid's result prints grad_fn=<SigmoidBackward0> (the seeds'
SigmoidBackward is an old name); backward() of its sum returns None and fills the leaf's
.grad with s * (1 - s)."""
import torch

w = torch.tensor([0.5, -1.0, 2.0], requires_grad=True)
print(w)
print(w.is_leaf, w.requires_grad, w.grad_fn, w.grad)
s = w.sigmoid()
print(s)
print(s.grad_fn.name(), type(s.grad_fn).__name__, s.is_leaf, s.requires_grad)
total = s.sum()
print(total, total.grad_fn.name())
print(total.backward())
print(w.grad)
print(s.detach() * (1 - s.detach()))
print(w.grad.requires_grad, w.grad.is_leaf, w.grad.dtype, w.grad.shape)
