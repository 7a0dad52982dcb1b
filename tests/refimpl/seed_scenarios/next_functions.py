"""Seed 001: a result's grad_fn records how it was computed, to guide backward to its
inputs (loss = a + b has grad_fn AddBackward0, which knows how to reach a and b). Its
next_functions lists one (node, index) per differentiable input: AccumulateGrad for a leaf
that requires grad (its .variable is that leaf), the producing node for an intermediate,
None for an input that does not require grad."""
import torch


def edges(fn):
    return [(None if n is None else n.name(), i) for n, i in fn.next_functions]


a = torch.tensor([1.0, 2.0], requires_grad=True)
b = torch.tensor([3.0, 4.0], requires_grad=True)
c = torch.tensor([5.0, 6.0])
s = a + b
print(s.grad_fn.name(), edges(s.grad_fn))
acc = s.grad_fn.next_functions[0][0]
print(acc.name(), type(acc).__name__, acc.variable is a, acc.next_functions)
print(s.grad_fn.next_functions[1][0].variable is b)
p = s * c
print(p.grad_fn.name(), edges(p.grad_fn))
print(p.grad_fn.next_functions[0][0] is s.grad_fn)
q = c * 2 + a
print(q.grad_fn.name(), edges(q.grad_fn))
loss = p.mean()
print(loss.grad_fn.name(), edges(loss.grad_fn))
print(a.grad_fn, c.grad_fn, c.requires_grad)
loss.backward()
print(a.grad, b.grad, c.grad)
