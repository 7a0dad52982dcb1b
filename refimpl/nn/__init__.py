"""torch.nn's module state, modelled: parameters, modules and their state_dict.

  parameter.py   Parameter (torch/nn/parameter.py)
  module.py      Module: registration, attribute rules, iterators, state_dict,
                 load_state_dict, train/eval, zero_grad, conversions, repr
                 (torch/nn/modules/module.py)
  linear.py      Linear, Identity (torch/nn/modules/linear.py)
  container.py   Sequential (torch/nn/modules/container.py)
  activation.py  ReLU (torch/nn/modules/activation.py)
  dropout.py     Dropout (torch/nn/modules/dropout.py)
  batchnorm.py   BatchNorm1d (torch/nn/modules/batchnorm.py)
  functional.py  linear, relu, dropout, batch_norm (torch/nn/functional.py and their ATen
                 CPU kernels)
  init.py        the initializers (torch/nn/init.py)
"""
from . import functional, init  # noqa: F401
from .activation import ReLU  # noqa: F401
from .batchnorm import BatchNorm1d  # noqa: F401
from .container import Sequential  # noqa: F401
from .dropout import Dropout  # noqa: F401
from .linear import Identity, Linear  # noqa: F401
from .module import Module  # noqa: F401
from .parameter import Parameter  # noqa: F401
