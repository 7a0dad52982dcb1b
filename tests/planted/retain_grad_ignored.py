"""Bug: retain_grad() does nothing."""
import torch

from ._base import make_tensor_class, module_getattr


def retain_grad(self):
    if not self.requires_grad:
        raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")


PlantedTensor = make_tensor_class("RetainGradIgnored", {torch.Tensor.retain_grad: retain_grad})
__getattr__ = module_getattr(PlantedTensor)
