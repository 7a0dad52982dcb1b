"""Seed 003 (copy_): torch.empty_like(a).copy_(a) writes a copy into new memory (different
data_ptr) and returns the target itself; the target prints grad_fn=<CopyBackwards>
(name() spells it torch::autograd::CopyBackwards) and gradients reach the source and add
up (2a, then + 3a^2; the seed's comment "[2., 2., 2.]" is wrong). copy_ bumps the target's
version; copy_ into a leaf that requires grad is refused."""
import torch


def show(e):
    print(type(e).__name__ + ": " + (str(e).splitlines() or [""])[-1])


src = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
target = torch.empty_like(src)
print(target.requires_grad, target.shape, target.dtype)
dst = target.copy_(src)
print(dst is target)
print(src.data_ptr() == dst.data_ptr())
print(src)
print(dst)
print(type(dst.grad_fn).__name__, dst.grad_fn.name(), dst.is_leaf, dst._version)
print([(fn.name() if fn is not None else None, i) for fn, i in dst.grad_fn.next_functions])
(src ** 2).sum().backward()
print(src.grad)
(dst ** 3).sum().backward()
print(src.grad)

ints = torch.zeros(3, dtype=torch.int64)
ints.copy_(torch.tensor([1.7, -2.7, 3.0]))
print(ints, ints._version)

frozen = torch.zeros(3, requires_grad=True)
try:
    frozen.copy_(torch.ones(3))
except RuntimeError as e:
    show(e)
print(frozen, frozen._version)
