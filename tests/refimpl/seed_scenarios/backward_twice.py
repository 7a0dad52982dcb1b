"""Seed 000 runs out.sum().backward() a second time (after a detach()) as if it worked;
seed 001 says the graph is freed once backward has run. In torch a second backward through
a node whose saved tensors were freed (SigmoidBackward0 saves its result; MulBackward0
saves the other operand, even a Python number) raises; retain_graph=True keeps them and the
leaf's .grad accumulates; nodes that save nothing (add, sum) can be run again; a new
forward pass builds a new graph."""
import torch


def show(e):
    print(type(e).__name__ + ": " + (str(e).splitlines() or [""])[-1])


v = torch.tensor([0.0, 1.0, -2.0], requires_grad=True)
act = v.sigmoid()
act.sum().backward()
print(v.grad)
try:
    act.sum().backward()  # a new SumBackward0 on top of the freed SigmoidBackward0
except RuntimeError as e:
    show(e)
print(v.grad)

v.grad = None
act = v.sigmoid()
act.sum().backward(retain_graph=True)
act.sum().backward()
print(v.grad)

v.grad = None
shifted = (v + 1).sum()
shifted.backward()
shifted.backward()
print(v.grad)

v.grad = None
scaled = (v * 3).sum()
scaled.backward()
try:
    scaled.backward()
except RuntimeError as e:
    show(e)
print(v.grad)

act = v.sigmoid()  # a fresh graph
act.sum().backward()
print(v.grad)
