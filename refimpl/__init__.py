"""refimpl: a readable, pure-Python model of PyTorch's tensor semantics.

Use it like torch (`import refimpl as torch`); it never imports torch. Each module
holds one area and cites the PyTorch source its rules were ported from:

  dtypes.py      dtypes (each record holds its C++ names and range) and type promotion
  storage.py     flat storage, version counter, exact value conversion, unspecified masks
  layout.py      contiguity, view strides, broadcast, elementwise output strides
  tensor.py      the Tensor (storage + offset + sizes + strides) and introspection
  creation.py    tensor, arange, zeros, ones, full, eye
  views.py       view, reshape, transpose, t, permute, narrow, expand, clone, ...;
                 memory formats, their strides, suggest_memory_format
  elementwise.py the shared elementwise algorithm; add, mul, neg, exp, sigmoid
  arithmetic.py  binary arithmetic, comparisons, logical ops
  unary.py       unary math
  conversions.py copies and dtype conversions
  shape_ops.py   more views and layout ops
  reductions.py  sum and other reductions
  linalg.py      matmul and friends
  joining.py     cat, stack
  random.py      the CPU generator (mt19937), its state, the conversions of its draws
  distributions.py  rand, randn, randint, randperm, *_like, uniform_, normal_, bernoulli,
                 manual_seed, get/set_rng_state
  transformations.py  flip
  normalization.py  native_batch_norm (what nn.BatchNorm1d computes) and its backward
  legacy.py      the legacy tensor types (torch.FloatTensor(data), isinstance checks)
  indexing/      indexing and the index/mask/gather/scatter ops, by area: basic.py
                 (tensor[i], tensor[i] = v), advanced.py (at::index, index_put_),
                 masked.py, index_ops.py (index_select, take, index_add_/copy_/fill_),
                 scatter_gather.py, writes.py (what they share)
  printing.py    repr/str in PyTorch's default format (tensors, torch.return_types)
  registry.py    op declarations (@declare) and the variants they give
  argparse.py    torch's Python argument parser (signatures, TypeErrors)
  bindings.py    torch.f, Tensor.f, in-place twins, aliases, operators, out=, from the declarations
  autograd/      the backward graph, the engine, grad modes, in-place and view rules
  nn/            torch.nn's module state: Parameter, Module (state_dict, train/eval, ...),
                 Linear, Sequential, ReLU, Dropout, BatchNorm1d, Identity, functional, init
"""
from . import (  # noqa: F401  (importing the op modules registers their declarations)
    arithmetic, conversions, elementwise, joining, linalg, reductions, shape_ops, transformations,
    unary, views,
)
from . import autograd, device_dependence, distributions, normalization  # noqa: F401
from . import bindings as _bindings
from .autograd.grad_mode import (  # noqa: F401
    enable_grad, inference_mode, is_grad_enabled, is_inference_mode_enabled, no_grad,
    set_grad_enabled,
)
from .indexing import advanced, basic, index_ops, masked, scatter_gather  # noqa: F401
from .creation import (  # noqa: F401
    arange, as_tensor, empty, empty_like, eye, full, full_like, linspace, ones, ones_like, tensor,
    zeros, zeros_like,
)
from .legacy import (  # noqa: F401
    BFloat16Tensor, BoolTensor, ByteTensor, CharTensor, DoubleTensor, FloatTensor, HalfTensor,
    IntTensor, LongTensor, ShortTensor,
)
from .dtypes import (  # noqa: F401
    bfloat16, bool_ as bool, by_name as _dtype_by_name, dtype, float16, float32, float64,
    get_default_dtype, int8, int16, int32, int64, promote_types, result_type,
    set_default_dtype, uint8,
)
from .tensor import Size, Tensor, device  # noqa: F401
from .distributions import get_rng_state, initial_seed, manual_seed, set_rng_state  # noqa: F401
from .random import Generator, default_generator  # noqa: F401
from .views import channels_last, contiguous_format, memory_format, preserve_format  # noqa: F401
from . import nn  # noqa: F401

globals().update(_bindings.bind())

half, double, short, long = float16, float64, int16, int64
float = float32  # noqa: A001  (torch.float is float32)
int = int32  # noqa: A001  (torch.int is int32)

__version__ = "0.1.0"


def is_tensor(obj):
    return isinstance(obj, Tensor)


def numel(input):
    return input.numel()
