"""Seeds 001 and 002 ("in-place correctness checks"): every tensor counts the in-place
operations applied to it (_version, shared with its views); a tensor that was saved for
backward and then changed in place makes backward raise, naming the tensor's type, shape
and the versions; an in-place change of a tensor that no backward formula saved is
allowed and recorded in the graph, so the gradient stays right."""
import torch


def show(e):
    print(type(e).__name__ + ": " + (str(e).splitlines() or [""])[-1])


t = torch.tensor([1.0, 2.0, 3.0, 4.0])
print(t._version)
t.add_(1)
t.mul_(2)
print(t._version)
t[0] = 7.0
print(t._version)
v = t[1:3]
v.zero_()
print(t, t._version, v._version)
t += 1
print(t._version)
print((t + 1)._version, t.clone()._version)

w = torch.tensor([0.5, 1.5], requires_grad=True)
e = w.exp()  # ExpBackward0 saves its result
e.add_(1)
print(e, e.grad_fn.name(), e._version)
try:
    e.sum().backward()
except RuntimeError as err:
    show(err)
print(w.grad)

w2 = torch.tensor([0.5, 1.5], requires_grad=True)
h = w2 * 3  # MulBackward0 with a number saves the number, not h
h.add_(1)
print(h, h.grad_fn.name(), h._version)
h.mul_(2)
print(h.grad_fn.name(), h._version)
h.sum().backward()
print(w2.grad)

w3 = torch.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
prod = w3 @ w3  # MmBackward0 saves the leaf itself
row = w3.detach()[0]
row.fill_(0.0)
print(w3._version, row._version)
try:
    prod.sum().backward()
except RuntimeError as err:
    show(err)
