"""Seeds 000, 002 and 003: taking detach() without changing it does not disturb backward
through the original; the gradient only flows through the attached branch (seed 003:
c = a * 2 is differentiated, d = detached * 3 is not tracked)."""
import torch

leaf = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
act = leaf.sigmoid()
cut = act.detach()
print(cut)
act.sum().backward()
print(leaf.grad)
print(cut, cut.requires_grad)

other = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
shadow = other.detach()
tracked = other * 2
untracked = shadow * 3
print(tracked.requires_grad, tracked.grad_fn.name())
print(untracked.requires_grad, untracked.grad_fn, untracked.is_leaf)
tracked.sum().backward()
print(other.grad)
print(shadow.grad)
