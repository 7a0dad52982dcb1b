"""The legacy typed constructors: torch.FloatTensor, torch.LongTensor, ... (CPU).

Ported from torch/csrc/tensor/python_tensor.cpp (one Python type per scalar type, whose
metaclass is torch.tensortype: `isinstance(t, torch.FloatTensor)` checks the tensor's
dtype (Tensor_instancecheck); read-only class attributes dtype, layout, is_cuda,
is_sparse) and torch/csrc/utils/tensor_new.cpp legacy_tensor_generic_ctor_new, whose
overloads decide what a call means:

    FloatTensor()                   empty tensor of shape (0,)
    FloatTensor(storage)            1-d tensor over a storage (refimpl: of the same dtype)
    FloatTensor(other)              other.alias() if other has this dtype, else a TypeError
    FloatTensor(other, device=...)  refused
    FloatTensor(2, 3)               uninitialized tensor of that shape (also FloatTensor(size)
                                    with a torch.Size, and 0-dim integer tensors as sizes)
    FloatTensor(data)               the data (list, tuple, range, nested sequences) copied,
                                    converted to the dtype as torch.tensor(data, dtype=...)
                                    would (a tuple is data, not a size)

with device= accepted when it names the cpu. Arguments are matched with refimpl's port of
torch's argument parser, so bad calls raise torch's TypeErrors.

Not modelled: a storage of another dtype (torch reinterprets the bytes), `cdata=` (a raw
pointer), integer device indices (they name an accelerator).
"""
from __future__ import annotations

import operator

import numpy as np

from . import dtypes
from .argparse import Parser, Signature, type_display_name
from .creation import empty, tensor
from .tensor import Size, Tensor
from .tensor import device as _device

__all__ = ["tensortype", "FloatTensor", "DoubleTensor", "HalfTensor", "BFloat16Tensor",
           "ByteTensor", "CharTensor", "ShortTensor", "IntTensor", "LongTensor", "BoolTensor",
           "LEGACY_TYPES"]

# tensor_new.cpp legacy_tensor_generic_ctor_new, in torch's order (the index says which)
_PARSER = Parser([
    "new(*, Device? device=None)",
    "new(Storage storage)",
    "new(*, int64_t cdata)|hidden",
    "new(Tensor other)",
    "new(Tensor other, *, Device? device=None)|hidden",  # keeps Tensor off the size/data ones
    "new(SymIntArrayRef size, *, Device? device=None)",
    "new(PyObject* data, *, Device? device=None)",
])
# The size overload binds a single list or tuple too (the parser looks at its first element
# only), which is then data: its elements are unpacked as ints only when it is a size, so
# the parser must not unpack them (`FloatTensor([1, 'a'])` is a data error, as in torch).
_SIZE = Signature("new(SymIntArrayRef size, *, Device? device=None)")
_PARSER.signatures[5]._unpacked = ()


def _options(dtype):
    """TensorOptions as c10 prints it (the dtype by its caffe2::TypeMeta name)."""
    return (f"TensorOptions(dtype={dtype.typemeta_name}, device=cpu, layout=Strided, "
            f"requires_grad=false (default), pinned_memory=false (default), "
            f"memory_format=(nullopt))")


def _check_device(bound):
    """check_legacy_ctor_device: a device, when given, must be the cpu."""
    spec = bound.get("device")
    if spec is None:
        return
    dev = _device(spec)
    if dev.type != "cpu":
        raise RuntimeError(f"legacy constructor expects device type: cpu but device type: "
                           f"{dev.type} was passed")


def _size_value(s):
    # the parser accepted it: an int (bools count), a numpy integer, an __index__ object or
    # a one-element integer tensor
    return int(s.item()) if isinstance(s, Tensor) else operator.index(s)


def _is_sequence(obj):
    """PySequence_Check, for the objects callers pass: not mappings, sets or iterators."""
    if isinstance(obj, (list, tuple, str, bytes, bytearray, range, np.ndarray)):
        return True
    if isinstance(obj, (dict, set, frozenset)) or isinstance(obj, np.generic):
        return False
    return hasattr(type(obj), "__getitem__") and hasattr(type(obj), "__len__")


def _from_sequence(dtype, data):
    """legacy_new_from_sequence: internal_new_from_data without type inference."""
    if not _is_sequence(data):
        raise TypeError(f"new(): data must be a sequence (got {type_display_name(data)})")
    if isinstance(data, bytes):
        raise TypeError("new(): invalid data type 'bytes'")
    if isinstance(data, np.ndarray):
        data = data.tolist()
    elif isinstance(data, (range, bytearray)):
        data = list(data)
    return tensor(data, dtype=dtype)


def _from_tensor(dtype, other):
    if other.dtype is not dtype:
        raise TypeError(f"expected {_options(dtype)} (got {_options(other.dtype)})")
    # other.alias(): a view with the same geometry (shared storage and version counter).
    # Taken through basic indexing with `...`, which is alias() in torch, so that autograd
    # records it the way it records x[...] (AliasBackward0 in torch).
    return other[...]


def _from_storage(dtype, storage):
    """new_with_storage: a 1-d tensor over the whole storage (Tensor.untyped_storage()),
    made by set_() on a new tensor, an in-place op: its version starts at 1."""
    data = storage._storage
    if data.dtype is not dtype:
        raise NotImplementedError(
            f"refimpl does not reinterpret a {data.dtype.name} storage as {dtype.name}")
    out = Tensor(data, 0, (data.data.size,), (1,), dtype)
    out._bump_version()
    return out


def _legacy_new(dtype, args, kwargs):
    index, bound = _PARSER.parse(args, kwargs)
    if index == 0:
        _check_device(bound)
        return empty(0, dtype=dtype)
    if index == 1:
        return _from_storage(dtype, bound["storage"])
    if index == 2:
        raise RuntimeError("refimpl does not model constructing a tensor from cdata")
    if index == 3:
        return _from_tensor(dtype, bound["other"])
    if index == 4:
        raise RuntimeError("Legacy tensor constructor of the form torch.Tensor(tensor, "
                           "device=device) is not supported.  Use torch.tensor(...) or "
                           "torch.as_tensor(...) instead.")
    if index == 5:
        _check_device(bound)
        size = bound["size"]
        if not isinstance(size, Size) and args and size is args[0]:
            # a single sequence binds to the size overload, but is data (unless a torch.Size)
            return _from_sequence(dtype, size)
        _SIZE.unpack_ints(bound)
        return empty(tuple(_size_value(s) for s in size), dtype=dtype)
    _check_device(bound)
    return _from_sequence(dtype, bound["data"])


class tensortype(type):
    """The metaclass of the legacy types (torch.tensortype): calling a type constructs a
    tensor of its dtype; isinstance() checks the dtype; the types are immutable."""

    def __call__(cls, *args, **kwargs):
        return _legacy_new(cls.__dict__["_dtype"], args, kwargs)

    def __instancecheck__(cls, obj):
        return isinstance(obj, Tensor) and obj.dtype is cls.__dict__["_dtype"]

    def __setattr__(cls, name, value):
        raise TypeError(f"cannot set '{name}' attribute of immutable type 'torch.{cls.__name__}'")

    def __delattr__(cls, name):
        raise TypeError(f"cannot delete '{name}' attribute of immutable type "
                        f"'torch.{cls.__name__}'")

    @property
    def dtype(cls):
        return cls.__dict__["_dtype"]

    @property
    def is_cuda(cls):
        return False

    @property
    def is_sparse(cls):
        return False


tensortype.__module__ = "torch"


def _make(dtype):
    name = f"{dtype.legacy_name}Tensor"
    return tensortype(name, (), {"__module__": "torch", "__qualname__": name, "__doc__": None,
                                 "_dtype": dtype})


FloatTensor = _make(dtypes.float32)
DoubleTensor = _make(dtypes.float64)
HalfTensor = _make(dtypes.float16)
BFloat16Tensor = _make(dtypes.bfloat16)
ByteTensor = _make(dtypes.uint8)
CharTensor = _make(dtypes.int8)
ShortTensor = _make(dtypes.int16)
IntTensor = _make(dtypes.int32)
LongTensor = _make(dtypes.int64)
BoolTensor = _make(dtypes.bool_)

LEGACY_TYPES = (FloatTensor, DoubleTensor, HalfTensor, BFloat16Tensor, ByteTensor, CharTensor,
                ShortTensor, IntTensor, LongTensor, BoolTensor)
