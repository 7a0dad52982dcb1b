"""Bug: transpose returns a view of the detached tensor, so its result loses the history
(no grad_fn, requires_grad False) while still sharing storage."""
import torch

from ._base import module_getattr, plant


def transpose(input, dim0, dim1):
    return torch.transpose(input.detach(), dim0, dim1)


PLANTED = plant("TransposeDropsHistory", {
    torch.transpose: transpose, torch.Tensor.transpose: transpose})
__getattr__ = module_getattr(PLANTED)
