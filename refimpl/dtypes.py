"""dtypes and type promotion.

Ported from c10/core/ScalarType.h (promoteTypes) and
aten/src/ATen/native/TypeProperties.cpp (ResultTypeState, update_result_type_state,
combine_categories), as exercised through torch/_prims_common/__init__.py.
"""
from __future__ import annotations

import numpy as np


class dtype:
    """A tensor element type. Compared by identity; there is one object per type.

    The record holds the type's facts:
      name           torch's name ("float32")
      itemsize       bytes per element
      kind           "bool", "int" or "float": the promotion category
      np_storage     numpy type of the storage (bfloat16 is stored as float32, rounded on write)
      legacy_name    the name in legacy type strings and cast errors ("Float", "Long": c10's
                     toString(ScalarType))
      cpp_name       the C++ type c10::checked_convert names in overflow errors ("int64_t")
      typemeta_name  the name caffe2::TypeMeta prints for dtype() in messages ("long int")
      min, max       the finite range (torch.iinfo / torch.finfo)
    """

    def __init__(self, name, itemsize, kind, np_storage, *, legacy_name, cpp_name,
                 typemeta_name, min, max):  # noqa: A002  (torch.iinfo's names)
        self.name = name
        self.itemsize = itemsize
        self.kind = kind
        self.np_storage = np.dtype(np_storage)
        self.legacy_name = legacy_name
        self.cpp_name = cpp_name
        self.typemeta_name = typemeta_name
        self.min = min
        self.max = max

    @property
    def is_floating_point(self):
        return self.kind == "float"

    @property
    def is_complex(self):
        return False

    @property
    def is_signed(self):
        return self.name not in ("bool", "uint8")

    def to_real(self):
        return self

    def __repr__(self):
        return f"torch.{self.name}"

    __str__ = __repr__

    def __reduce__(self):
        return (by_name, (self.name,))


bool_ = dtype("bool", 1, "bool", np.bool_, legacy_name="Bool", cpp_name="bool",
              typemeta_name="bool", min=False, max=True)
uint8 = dtype("uint8", 1, "int", np.uint8, legacy_name="Byte", cpp_name="uint8_t",
              typemeta_name="unsigned char", min=0, max=2**8 - 1)
int8 = dtype("int8", 1, "int", np.int8, legacy_name="Char", cpp_name="int8_t",
             typemeta_name="signed char", min=-2**7, max=2**7 - 1)
int16 = dtype("int16", 2, "int", np.int16, legacy_name="Short", cpp_name="int16_t",
              typemeta_name="short int", min=-2**15, max=2**15 - 1)
int32 = dtype("int32", 4, "int", np.int32, legacy_name="Int", cpp_name="int",
              typemeta_name="int", min=-2**31, max=2**31 - 1)
int64 = dtype("int64", 8, "int", np.int64, legacy_name="Long", cpp_name="int64_t",
              typemeta_name="long int", min=-2**63, max=2**63 - 1)
float16 = dtype("float16", 2, "float", np.float16, legacy_name="Half", cpp_name="c10::Half",
                typemeta_name="c10::Half", min=-65504.0, max=65504.0)
bfloat16 = dtype("bfloat16", 2, "float", np.float32, legacy_name="BFloat16",
                 cpp_name="c10::BFloat16", typemeta_name="c10::BFloat16",
                 min=-3.3895313892515355e38, max=3.3895313892515355e38)
float32 = dtype("float32", 4, "float", np.float32, legacy_name="Float", cpp_name="float",
                typemeta_name="float", min=-3.4028234663852886e38, max=3.4028234663852886e38)
float64 = dtype("float64", 8, "float", np.float64, legacy_name="Double", cpp_name="double",
                typemeta_name="double", min=-1.7976931348623157e308, max=1.7976931348623157e308)

ALL_DTYPES = (bool_, uint8, int8, int16, int32, int64, float16, bfloat16, float32, float64)
_BY_NAME = {d.name: d for d in ALL_DTYPES}
# aliases torch offers as attributes
ALIASES = {"half": float16, "float": float32, "double": float64, "short": int16,
           "int": int32, "long": int64}


# (rtol, atol) within which two results of a floating dtype count as the same value
# (torch.testing.assert_close's defaults). The oracle uses it to decide when an
# implementation-defined choice (summation order, fused multiply-add) matters.
TOLERANCE = {"float16": (1e-3, 1e-5), "bfloat16": (1.6e-2, 1e-5),
             "float32": (1.3e-6, 1e-5), "float64": (1e-7, 1e-7)}


def by_name(name: str) -> dtype:
    if name.startswith("torch."):
        name = name[len("torch."):]
    if name in ALIASES:
        return ALIASES[name]
    return _BY_NAME[name]


_default_float = float32


def get_default_dtype():
    return _default_float


def set_default_dtype(d):
    global _default_float
    if d not in (float16, bfloat16, float32, float64):
        raise TypeError("only floating-point types are supported as the default type")
    _default_float = d


# --- promoteTypes (c10/core/ScalarType.cpp) -------------------------------------------
def promote_types(a: dtype, b: dtype) -> dtype:
    """The lattice of c10::promoteTypes for the ten real dtypes."""
    if a is b:
        return a
    if a is bool_:
        return b
    if b is bool_:
        return a
    if a.kind == "float" or b.kind == "float":
        if a.kind != "float":
            return b
        if b.kind != "float":
            return a
        # two different floats: float16 with bfloat16 meet at float32
        if {a, b} == {float16, bfloat16}:
            return float32
        return a if a.itemsize >= b.itemsize else b
    # two different integer types
    if a is uint8 or b is uint8:
        other = b if a is uint8 else a
        return int16 if other is int8 else other
    return a if a.itemsize >= b.itemsize else b


# the promotion categories, lowest first
_CATEGORY = {"bool": 0, "int": 1, "float": 2}


def can_cast(from_: dtype, to: dtype) -> bool:
    """c10::canCast: no float -> integral, no non-bool -> bool (category may not go down)."""
    return _CATEGORY[from_.kind] <= _CATEGORY[to.kind]


# --- result_type over tensors, 0-dim tensors and Python scalars ----------------------
def _scalar_dtype(value):
    """The dtype a Python scalar takes as a 'wrapped number'."""
    if isinstance(value, bool):
        return bool_
    if isinstance(value, int):
        return int64
    if isinstance(value, float):
        return get_default_dtype()
    raise TypeError(f"unsupported scalar type {type(value).__name__}")


def _combine_categories(higher, lower):
    # combine_categories in TypeProperties.cpp
    if higher is not None and higher.kind == "float":
        return higher
    if higher is bool_ or (lower is not None and lower.kind == "float"):
        if higher is None:
            return lower
        if lower is None:
            return higher
        return promote_types(higher, lower)
    if higher is not None:
        return higher
    return lower


def result_type(*operands) -> dtype:
    """Type promotion: dimensioned tensors, then 0-dim tensors, then Python scalars,
    each a weaker participant that only counts when it is of a higher category."""
    dim_result = zero_result = wrapped_result = None

    def update(current, d):
        return d if current is None else promote_types(current, d)

    for op in operands:
        if op is None:
            continue
        if isinstance(op, (bool, int, float)):
            wrapped_result = update(wrapped_result, _scalar_dtype(op))
        elif op.dim() == 0:
            zero_result = update(zero_result, op.dtype)
        else:
            dim_result = update(dim_result, op.dtype)
    return _combine_categories(dim_result, _combine_categories(zero_result, wrapped_result))


def infer_scalar_dtype(values):
    """dtype that torch.tensor(data) infers: bool < int64 < default float over all leaves."""
    result = None
    for v in values:
        d = _scalar_dtype(v)
        if result is None or _CATEGORY[d.kind] > _CATEGORY[result.kind]:
            result = d
    return result if result is not None else get_default_dtype()


def from_python_type(t):
    """The dtype a Python type stands for (torch/csrc/utils/python_scalars.h): float is
    float64, int int64, bool bool."""
    return {float: float64, int: int64, bool: bool_}[t]
