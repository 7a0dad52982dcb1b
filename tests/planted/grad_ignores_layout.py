"""Bug: a fresh .grad is always contiguous, ignoring the layout contract (a dense leaf's
gradient takes the leaf's strides)."""
import torch

from ._autograd import leaves_of
from ._base import module_getattr, plant

_backward = torch.Tensor.backward


def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
    leaves = leaves_of(self)
    fresh = [leaf.grad is None for leaf in leaves]
    _backward(self, gradient, retain_graph, create_graph, inputs)
    for leaf, new in zip(leaves, fresh):
        if new and leaf.grad is not None and not leaf.grad.is_contiguous():
            leaf.grad = leaf.grad.contiguous()


PLANTED = plant("GradIgnoresLayout", {torch.Tensor.backward: backward})
__getattr__ = module_getattr(PLANTED)
