"""refimpl: a readable, pure-Python model of PyTorch's tensor semantics.

Use it like torch (`import refimpl as torch`); it never imports torch. Each module
holds one area and cites the PyTorch source its rules were ported from:

  dtypes.py      dtypes and type promotion
  storage.py     flat storage, version counter, exact value conversion
  layout.py      contiguity, view strides, broadcast, elementwise output strides
  tensor.py      the Tensor (storage + offset + sizes + strides) and introspection
  creation.py    tensor, arange, zeros, ones, full, eye
  views.py       view, reshape, transpose, t, permute, narrow, expand, clone, ...
  elementwise.py the shared elementwise algorithm; add, mul, neg, exp, sigmoid
  arithmetic.py  binary arithmetic, comparisons, logical ops
  unary.py       unary math
  conversions.py copies and dtype conversions
  shape_ops.py   more views and layout ops
  reductions.py  sum and other reductions
  linalg.py      matmul and friends
  joining.py     cat, stack
  indexing.py    indexing and index/mask/gather/scatter ops
  printing.py    repr/str in PyTorch's default format
  methods.py     binds each module's FUNCTIONS / METHODS / OPERATORS tables
"""
from . import methods as _methods
from .creation import (  # noqa: F401
    arange, as_tensor, empty, empty_like, eye, full, full_like, linspace, ones, ones_like, tensor,
    zeros, zeros_like,
)
from .dtypes import (  # noqa: F401
    bfloat16, bool_ as bool, by_name as _dtype_by_name, dtype, float16, float32, float64,
    get_default_dtype, int8, int16, int32, int64, promote_types, result_type,
    set_default_dtype, uint8,
)
from .tensor import Size, Tensor, device  # noqa: F401
from .views import channels_last, contiguous_format, memory_format, preserve_format  # noqa: F401

_methods.bind()
globals().update(_methods.functions())

half, double, short, long = float16, float64, int16, int64
float = float32  # noqa: A001  (torch.float is float32)
int = int32  # noqa: A001  (torch.int is int32)

__version__ = "0.1.0"


def is_tensor(obj):
    return isinstance(obj, Tensor)


def numel(input):
    return input.numel()




del _methods
