"""Bug: backward() overwrites a leaf's .grad instead of adding to it."""
import torch

from ._autograd import leaves_of
from ._base import module_getattr, plant

_backward = torch.Tensor.backward


def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
    leaves = leaves_of(self)
    before = [leaf.grad.clone() if leaf.grad is not None else None for leaf in leaves]
    _backward(self, gradient, retain_graph, create_graph, inputs)
    with torch.no_grad():
        for leaf, old in zip(leaves, before):
            if old is not None and leaf.grad is not None:
                leaf.grad.sub_(old)  # only this backward's contribution is kept


PLANTED = plant("GradAccumulationOverwrites", {torch.Tensor.backward: backward})
__getattr__ = module_getattr(PLANTED)
