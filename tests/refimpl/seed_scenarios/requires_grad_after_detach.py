"""Seeds 000, 002 and 003: a detached tensor can be made to require grad again
(requires_grad_()); it is then a new leaf of its own graph: backward fills its own .grad,
but the gradient does not reach the tensor it was detached from (seeds 000/002 claim it
"will never have grad", seed 003 says it is tracked again but truncated). The two keep
sharing memory, so they stay equal."""
import torch

orig = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
twin = orig.detach()
print(twin.requires_grad, twin.is_leaf)
print(twin.requires_grad_() is twin)
print(twin.requires_grad, twin.is_leaf, twin.grad_fn)
tripled = twin * 3
print(tripled.grad_fn.name())
tripled.sum().backward()
print(twin.grad)
print(orig.grad)
with torch.no_grad():
    twin.mul_(10)
print(orig)
print(orig._version, twin._version)
twin.requires_grad = False
print(twin.requires_grad, orig.requires_grad)
