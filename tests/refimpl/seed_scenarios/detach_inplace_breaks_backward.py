"""Seeds 000, 002 and 004: an in-place change made through detach() (zero_) also changes
the original (which keeps printing its grad_fn), bumps the shared version counter, and
backward then refuses with "one of the variables needed for gradient computation has been
modified by an inplace operation" (sigmoid saved its result). The same holds for a saved
leaf changed through its detach()."""
import torch


def show(e):
    print(type(e).__name__ + ": " + (str(e).splitlines() or [""])[-1])


p = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
sq = p.sigmoid()
print(sq)
cut = sq.detach()
print(cut)
cut.zero_()
print(cut)
print(sq)
print(cut._version, sq._version)
try:
    sq.sum().backward()
except RuntimeError as e:
    show(e)
print(p.grad)

q = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
cubed = q ** 3  # saves q
q.detach().mul_(2)
print(q, q._version)
try:
    cubed.sum().backward()
except RuntimeError as e:
    show(e)
print(q.grad)
