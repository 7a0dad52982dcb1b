"""Bug: .data returns a detached alias that shares the version counter, so writes through
it are seen by autograd (torch gives .data a fresh version counter)."""
import torch

from ._base import make_tensor_class, module_getattr

_data = torch.Tensor.data

PlantedTensor = make_tensor_class("DataSharesVersion", {})
PlantedTensor.data = property(lambda self: torch.Tensor.detach(self),
                              lambda self, value: _data.__set__(self, value))
__getattr__ = module_getattr(PlantedTensor)
