"""torch's Python argument parser: overload selection, binding and its TypeErrors.

Ported from torch/csrc/utils/python_arg_parser.cpp (FunctionParameter::check,
FunctionSignature::parse, PythonArgParser::raw_parse / print_error, extra_args,
missing_args, extra_kwargs), the int-list unpacking of python_arg_parser.h
(PythonArgs::intlist / symintlist) and torch/csrc/utils/invalid_arguments.cpp
(format_invalid_args: the "received an invalid combination of arguments" text), as
PyTorch 2.13 behaves.

    p = Parser(["clamp(Tensor input, Tensor? min=None, Tensor? max=None, *, Tensor out=None)",
                "clamp(Tensor input, Scalar? min=None, Scalar? max=None, *, Tensor out=None)"])
    index, bound = p.parse(args, kwargs)

`bound` maps parameter names to the objects the caller passed (nothing is converted;
var-args int lists such as `t.view(2, 3)` are packed into a tuple). A parameter that was
not passed is absent, and so is a nullable one passed `None`: torch's binding cannot tell
the two apart either (both leave the slot empty, and the op uses its default).

With method=True (Tensor methods) the receiver fills the first Tensor parameter named
`self` or `input`, which then takes no part in matching or in messages, and `out` is
dropped, as in the signatures torch generates for methods.

Signatures use the notation of torch's generated bindings (`IntArrayRef[1]? dim`,
`ScalarType? dtype=None`, `|deprecated`, `|hidden`) or the schema spelling of the same
types (`int[1]? dim`, `SymInt[]`, `Tensor[]`, `str?`, `float`).

Not modelled: __torch_function__ / tensor-subclass dispatch, SymInt/SymFloat objects, JIT
tracing and dynamo's FakeTensor allowances; Dimname parameters never match (refimpl has no
named tensors) and Generator / Layout / Stream / QScheme only match classes given to
register_type. An int-list element that overflows int64 gets torch's first line only
(torch appends a C++ backtrace). The keyword order of "got (...)" emulates libstdc++'s
std::unordered_map (Linux builds of torch).
"""
from __future__ import annotations

import operator
import os
import warnings
from math import floor, prod

import numpy as np

__all__ = ["Parser", "Signature", "Param", "NO_DEFAULT", "register_type", "type_display_name"]


class _NoDefault:
    __slots__ = ()

    def __repr__(self):
        return "NO_DEFAULT"


NO_DEFAULT = _NoDefault()
_MISSING = object()          # "no object in this slot" (nullptr in the C++ parser)

# --- parameter types (ParameterType) and their spellings --------------------------------
TENSOR, SCALAR, INT, SYM_INT = "Tensor", "Scalar", "int", "SymInt"
FLOAT, COMPLEX, BOOL, STRING = "float", "complex", "bool", "str"
TENSOR_LIST, INT_LIST, SYM_INT_LIST, FLOAT_LIST = "Tensor[]", "int[]", "SymInt[]", "float[]"
GENERATOR, STORAGE, PYOBJECT, SCALARTYPE = "Generator", "Storage", "object", "ScalarType"
LAYOUT, MEMORY_FORMAT, QSCHEME, DEVICE = "Layout", "MemoryFormat", "QScheme", "Device"
STREAM, DIMNAME, DIMNAME_LIST, SCALAR_LIST = "Stream", "Dimname", "Dimname[]", "Scalar[]"
DISPATCH_KEY_SET = "DispatchKeySet"

# python_arg_parser.cpp type_map, plus the schema (native_functions.yaml) spellings
_TYPE_SPELLINGS = {
    "Tensor": TENSOR, "Scalar": SCALAR, "int64_t": INT, "int": INT, "DeviceIndex": INT,
    "SymInt": SYM_INT, "double": FLOAT, "float": FLOAT, "complex": COMPLEX,
    "TensorList": TENSOR_LIST, "Tensor[]": TENSOR_LIST, "Tensor?[]": TENSOR_LIST,
    "c10::List<c10::optional<Tensor>>": TENSOR_LIST,
    "c10::List<::std::optional<Tensor>>": TENSOR_LIST,
    "IntArrayRef": INT_LIST, "int[]": INT_LIST, "SymIntArrayRef": SYM_INT_LIST,
    "SymInt[]": SYM_INT_LIST, "ArrayRef<double>": FLOAT_LIST, "float[]": FLOAT_LIST,
    "Generator": GENERATOR, "bool": BOOL, "Storage": STORAGE, "PyObject*": PYOBJECT,
    "ScalarType": SCALARTYPE, "Layout": LAYOUT, "MemoryFormat": MEMORY_FORMAT,
    "QScheme": QSCHEME, "Device": DEVICE, "Stream": STREAM, "std::string": STRING,
    "c10::string_view": STRING, "std::string_view": STRING, "::std::string_view": STRING,
    "str": STRING, "Dimname": DIMNAME, "DimnameList": DIMNAME_LIST, "Dimname[]": DIMNAME_LIST,
    "ScalarList": SCALAR_LIST, "Scalar[]": SCALAR_LIST, "DispatchKeySet": DISPATCH_KEY_SET,
}
# `int[2]`, `Tensor[2]`: the element type with a size becomes the list type
_LIST_OF = {INT: INT_LIST, SYM_INT: SYM_INT_LIST, FLOAT: FLOAT_LIST, TENSOR: TENSOR_LIST,
            SCALAR: SCALAR_LIST, DIMNAME: DIMNAME_LIST}
_LIST_KINDS = frozenset(_LIST_OF.values())

# FunctionParameter::type_name (invalid_arguments.cpp parses these strings back)
_TYPE_NAMES = {
    TENSOR: "Tensor", SCALAR: "Number", INT: "int", SYM_INT: "int", FLOAT: "float",
    COMPLEX: "complex", TENSOR_LIST: "tuple of Tensors", INT_LIST: "tuple of ints",
    FLOAT_LIST: "tuple of floats", GENERATOR: "torch.Generator", BOOL: "bool",
    STORAGE: "torch.Storage", PYOBJECT: "object", SCALARTYPE: "torch.dtype",
    LAYOUT: "torch.layout", MEMORY_FORMAT: "torch.memory_format", QSCHEME: "torch.qscheme",
    DEVICE: "torch.device", STRING: "str", DIMNAME: "name", DIMNAME_LIST: "tuple of names",
    SCALAR_LIST: "tuple of Scalars", SYM_INT_LIST: "tuple of ints",
    DISPATCH_KEY_SET: "DispatchKeySet",
}

# should_allow_numbers_as_tensors: ops whose Tensor parameters also take Python numbers
_NUMBERS_AS_TENSORS = frozenset(
    n + suffix for n in ("add", "div", "divide", "mul", "multiply", "sub", "subtract",
                         "true_divide", "floor_divide") for suffix in ("", "_", "_out")
) | {"to", "_to_copy", "copy_", "copy", "_conj"}

# numpy_compatibility_arg_names: keyword aliases tried when the real name is absent
_NUMPY_NAMES = {"dim": ("axis",), "keepdim": ("keepdims",), "input": ("x", "a", "x1"),
                "other": ("x2",)}

_INT64_MIN, _INT64_MAX = -(1 << 63), (1 << 63) - 1
_HEAPTYPE = 1 << 9      # Py_TPFLAGS_HEAPTYPE


# --- the refimpl classes a parameter type accepts --------------------------------------------
# Resolved on first use: op modules build parsers while refimpl is still importing.
_CLASSES = {}            # kind -> tuple of accepted classes
_TP_NAMES = {}           # class -> tp_name torch's class has ("torch.dtype", "torch.Size")
Tensor = None            # refimpl.tensor.Tensor, bound by _resolve()
_resolved = False


def register_type(kind, cls, tp_name=None):
    """Accept instances of `cls` for parameters of `kind` (e.g. a refimpl Generator), and
    name them `tp_name` in messages, as torch names its own class."""
    _CLASSES[kind] = _CLASSES.get(kind, ()) + (cls,)
    if tp_name is not None:
        _TP_NAMES[cls] = tp_name


def _resolve():
    global Tensor, _resolved
    import sys
    from . import dtypes, random, views
    tensor = sys.modules[__package__ + ".tensor"]  # refimpl.tensor is also the factory's name
    Tensor = tensor.Tensor
    for kind, cls, name in ((SCALARTYPE, dtypes.dtype, "torch.dtype"),
                            (GENERATOR, random.Generator, "torch._C.Generator"),
                            (MEMORY_FORMAT, views.memory_format, "torch.memory_format"),
                            (DEVICE, tensor.device, "torch.device"),
                            (STORAGE, tensor.UntypedStorage, None)):
        if cls not in _CLASSES.get(kind, ()):
            register_type(kind, cls, name)
    _TP_NAMES[tensor.Size] = "torch.Size"
    _resolved = True


def type_display_name(obj):
    """Py_TYPE(obj)->tp_name: `int`, `numpy.float64`, `Tensor`, `torch.Size`."""
    t = type(obj)
    name = _TP_NAMES.get(t)
    if name is not None:
        return name
    if t.__module__ == "builtins" or t.__flags__ & _HEAPTYPE:
        return t.__name__
    return f"{t.__module__}.{t.__name__}"   # a C type's tp_name is dotted


# --- value checks (FunctionParameter::check and the THPUtils_check* helpers) -----------------
def _is_long(o):
    """THPUtils_checkLong: an int that is not a bool, or a numpy integer."""
    return (isinstance(o, int) and type(o) is not bool) or isinstance(o, np.integer)


_NUMPY_SCALARS = (np.integer, np.bool_, np.floating, np.complexfloating)


def _is_double(o):
    """THPUtils_checkDouble: float or int (bool included), or a numpy scalar."""
    return isinstance(o, (float, int)) or isinstance(o, _NUMPY_SCALARS)


def _is_scalar(o):
    """THPUtils_checkScalar: a Python or numpy number (bool and complex included)."""
    return isinstance(o, (float, int, complex)) or isinstance(o, _NUMPY_SCALARS)


def _is_index(o):
    """THPUtils_checkIndex: not a bool, and an int or something with __index__."""
    if type(o) is bool:
        return False
    if _is_long(o):
        return True
    try:
        operator.index(o)
    except Exception:  # noqa: BLE001 - PyNumber_Index failing means "not an index"
        return False
    return True


def _is_int_or_symint(o):
    """A one-element integral (bool included) tensor, or an index."""
    if isinstance(o, Tensor):
        return o.dtype.kind in ("int", "bool") and prod(o._sizes) == 1
    return _is_index(o)


def _is_int_or_symint_list(o, size):
    """is_int_or_symint_list: a tuple/list whose FIRST element is an int (later ones are
    checked when unpacked), or a single int where a size is given (`int[1]`)."""
    if isinstance(o, (tuple, list)):
        return not o or _is_int_or_symint(o[0])
    return size > 0 and _is_int_or_symint(o)


def _check_tensor(o):
    return isinstance(o, Tensor)


def _check_tensor_or_number(o):
    return isinstance(o, Tensor) or _is_scalar(o)


def _check_float(o):
    if _is_double(o):
        return True
    if isinstance(o, Tensor):
        return not o.requires_grad and not o._sizes
    return False


def _check_complex(o):
    return isinstance(o, complex) or _check_float(o)


def _check_scalar(o):
    return _is_scalar(o) or _check_float(o)


def _check_int(o):
    if type(o) is int or _is_long(o):
        return True
    if isinstance(o, Tensor):
        return o.dtype.kind == "int" and not o.requires_grad and not o._sizes
    return False


def _check_bool(o):
    return type(o) is bool


def _check_str(o):
    return isinstance(o, str)


def _check_float_list(o):
    if not isinstance(o, (tuple, list)):
        return False
    return not o or _is_double(o[0]) or isinstance(o[0], complex)


def _check_scalar_list(o):
    return isinstance(o, (tuple, list)) and all(_is_scalar(e) for e in o)


def _check_scalartype(o):
    # THPPythonScalarType_Check: the Python types float, int, bool, complex (by identity:
    # `in` would call a tensor's elementwise __eq__)
    return (isinstance(o, _CLASSES.get(SCALARTYPE, ()))
            or o is float or o is int or o is bool or o is complex)


def _check_device(o):
    return _is_long(o) or isinstance(o, str) or isinstance(o, _CLASSES.get(DEVICE, ()))


def _check_never(o):
    # Dimname / DimnameList: refimpl has no named tensors, so no value is a name.
    return False


def _check_any(o):
    return True


def _class_check(kind):
    def check(o):
        return isinstance(o, _CLASSES.get(kind, ()))
    return check


def _tensor_list_check(argnum):
    """is_tensor_list_and_append_overloaded with throw_error: a bad element is a TypeError
    even while other overloads are still being tried."""
    def check(o):
        if not isinstance(o, (tuple, list)):
            return False
        for idx, e in enumerate(o):
            if not isinstance(e, Tensor):
                raise TypeError(f"expected Tensor as element {idx} in argument {argnum}, "
                                f"but got {type_display_name(e)}")
        return True
    return check


def _int_list_check(size):
    def check(o):
        return _is_int_or_symint_list(o, size)
    return check


_SIMPLE_CHECKS = {
    SCALAR: _check_scalar, COMPLEX: _check_complex, FLOAT: _check_float, INT: _check_int,
    SYM_INT: _is_int_or_symint, FLOAT_LIST: _check_float_list, BOOL: _check_bool,
    PYOBJECT: _check_any, SCALARTYPE: _check_scalartype, DEVICE: _check_device,
    STRING: _check_str, SCALAR_LIST: _check_scalar_list, DIMNAME: _check_never,
    DIMNAME_LIST: _check_never,
}


def _make_check(param, argnum, numbers_as_tensors):
    kind = param.type
    if kind == TENSOR:
        return _check_tensor_or_number if numbers_as_tensors else _check_tensor
    if kind == TENSOR_LIST:
        return _tensor_list_check(argnum)
    if kind in (INT_LIST, SYM_INT_LIST):
        return _int_list_check(param.size)
    if kind in _SIMPLE_CHECKS:
        return _SIMPLE_CHECKS[kind]
    return _class_check(kind)   # Generator, Layout, MemoryFormat, Storage, Stream, ...


# --- signature text ----------------------------------------------------------------------------
def split_params(text):
    """Split a parameter list on ", " outside brackets and quotes."""
    parts, depth, quote, start, i = [], 0, None, 0, 0
    while i < len(text):
        ch = text[i]
        if quote:
            quote = None if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch in "[{(":
            depth += 1
        elif ch in "]})":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(text[start:i].strip())
            start = i + 1
        i += 1
    last = text[start:].strip()
    if last or parts:
        parts.append(last)
    return parts


def _parse_type(type_str):
    """'IntArrayRef[1]?' -> (INT_LIST, nullable=True, size=1)."""
    nullable = type_str.endswith("?")
    base = type_str[:-1] if nullable else type_str
    if base in _TYPE_SPELLINGS:
        return _TYPE_SPELLINGS[base], nullable, 0
    bracket = base.find("[")
    if bracket < 0 or not base.endswith("]"):
        raise ValueError(f"invalid type string: {type_str!r}")
    size_str = base[bracket + 1:-1]
    size = int(size_str) if size_str else 0
    elem = base[:bracket]
    kind = _TYPE_SPELLINGS.get(elem)
    if kind not in _LIST_KINDS:
        kind = _LIST_OF.get(kind) if elem != "Tensor?" else TENSOR_LIST
    if kind is None:
        raise ValueError(f"invalid type string: {type_str!r}")
    return kind, nullable, size


def _parse_int(text):
    """parse_as_integer (strtol base 0): '1', '-1', '0x10'; None if not an integer."""
    try:
        return int(text, 0)
    except ValueError:
        return None


def _parse_string_literal(text):
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        escapes = {"\\": "\\", "'": "'", '"': '"', "a": "\a", "b": "\b", "f": "\f",
                   "n": "\n", "v": "\v", "t": "\t"}
        out, i, body = [], 0, text[1:-1]
        while i < len(body):
            if body[i] == "\\" and i + 1 < len(body):
                out.append(escapes.get(body[i + 1], body[i + 1]))
                i += 2
            else:
                out.append(body[i])
                i += 1
        return "".join(out)
    return text


def _default_value(kind, text, size):
    """FunctionParameter::set_default_str: the default as a Python value. Names torch keeps
    symbolic (contiguous_format, torch.strided, torch.int64) stay strings."""
    if text == "None":
        return None
    if kind in (INT, SYM_INT):
        return int(text)
    if kind == BOOL:
        return text in ("True", "true")
    if kind == FLOAT:
        return float(text)
    if kind == COMPLEX:
        return complex(float(text), 0.0)
    if kind == SCALAR:
        as_int = _parse_int(text)
        return as_int if as_int is not None else float(text)
    if kind in (INT_LIST, SYM_INT_LIST):
        if text[:1] in "[{":
            inner = text[1:-1].strip()
            return tuple(int(x) for x in inner.split(",")) if inner else ()
        if size <= 0:
            raise ValueError(f"Incorrect size of IntArrayRef: {size}")
        return (int(text),) * size
    if kind == STRING:
        return _parse_string_literal(text)
    if kind == TENSOR:
        raise ValueError(f"default value for Tensor must be none, got: {text}")
    return text


class Param:
    """One parameter of a signature (FunctionParameter)."""

    __slots__ = ("name", "type", "nullable", "default", "kwarg_only", "size",
                 "optional", "default_str", "type_name")

    def __init__(self, name, type, nullable, default, kwarg_only, size, default_str=None):
        self.name = name
        self.type = type
        self.nullable = nullable
        self.default = default
        self.kwarg_only = kwarg_only
        self.size = size
        self.optional = default is not NO_DEFAULT
        self.default_str = default_str
        self.type_name = _TYPE_NAMES[type]

    @classmethod
    def from_text(cls, text, kwarg_only):
        """'IntArrayRef[1]? dim=None' (FunctionParameter::FunctionParameter)."""
        space = text.find(" ")
        if space < 0:
            raise ValueError(f"missing type: {text!r}")
        kind, nullable, size = _parse_type(text[:space])
        name, eq, default_str = text[space + 1:].strip().partition("=")
        name = name.strip()
        if not eq:
            return cls(name, kind, nullable, NO_DEFAULT, kwarg_only, size)
        default_str = default_str.strip()
        default = _default_value(kind, default_str, size)
        return cls(name, kind, nullable or default_str == "None", default, kwarg_only, size,
                   default_str)

    def __repr__(self):
        default = "" if not self.optional else f"={self.default_str}"
        return (f"Param({self.type}{'?' if self.nullable else ''}"
                f"{f'[{self.size}]' if self.size else ''} {self.name}{default}"
                f"{', kwarg_only' if self.kwarg_only else ''})")


class Signature:
    """One overload (FunctionSignature): its parameters and the matching algorithm."""

    def __init__(self, text, index=0, method=False):
        open_paren = text.find("(")
        close_paren = text.rfind(")")
        if open_paren < 0 or close_paren < open_paren:
            raise ValueError(f"malformed signature: {text!r}")
        self.text = text
        self.name = text[:open_paren].strip()
        self.index = index
        suffix = text[close_paren + 1:].strip()
        self.deprecated = suffix == "|deprecated"
        self.hidden = self.deprecated or suffix == "|hidden"
        params, kwarg_only = [], False
        for part in split_params(text[open_paren + 1:close_paren]):
            if part == "*":
                kwarg_only = True
            else:
                params.append(Param.from_text(part, kwarg_only))
        self.self_name = None
        if method:
            params = self._method_params(params)
        self.params = params
        self.max_args = len(params)
        self.min_args = sum(not p.optional for p in params)
        self.max_pos_args = sum(not p.kwarg_only for p in params)
        # a single positional int list takes var-args: expand(5, 3) is expand((5, 3))
        self.varargs = self.max_pos_args == 1 and params[0].type in (INT_LIST, SYM_INT_LIST)
        self.varargs_size = params[0].size if self.varargs else 0
        self._param_index = {p.name: i for i, p in enumerate(params)}
        numbers_as_tensors = self.name in _NUMBERS_AS_TENSORS
        # an int list with a default also takes None for it (torch.amax(t, None) reduces
        # over dim=[]: the parser reads None as "not given" for defaulted int lists)
        self._fast = tuple(
            (p.name, _make_check(p, i, numbers_as_tensors), p.optional,
             p.nullable or (p.optional and p.type in (INT_LIST, SYM_INT_LIST)),
             p.kwarg_only, _NUMPY_NAMES.get(p.name, ()))
            for i, p in enumerate(params))
        self._unpacked = tuple((p.name, p.type) for p in params
                               if p.type in (INT, SYM_INT, INT_LIST, SYM_INT_LIST, DEVICE))

    def _method_params(self, params):
        """Tensor.f's parameters: without the receiver (`self`/`input`) and `out`."""
        for p in params:
            if p.name in ("self", "input") and p.type == TENSOR and not p.kwarg_only:
                self.self_name = p.name
                break
        return [p for p in params if p.name != self.self_name and p.name != "out"]

    def __str__(self):
        """FunctionSignature::toString: `(Tensor input, *, Number alpha = 1)`."""
        parts, keyword = [], False
        for p in self.params:
            prefix = ""
            if p.kwarg_only and not keyword:
                prefix, keyword = "*, ", True
            default = f" = {p.default_str}" if p.optional else ""
            parts.append(f"{prefix}{p.type_name} {p.name}{default}")
        return "(" + ", ".join(parts) + ")"

    def __repr__(self):
        return f"Signature({self.text!r})"

    # --- matching (FunctionSignature::parse) ---------------------------------------------------
    def parse(self, args, kwargs, raise_exception=False):
        """The bound arguments, or None when they do not fit (a TypeError if raise_exception)."""
        nargs = len(args)
        if nargs > self.max_pos_args and not self.varargs:
            if raise_exception:
                self._extra_args(nargs)
            return None
        bound = {}
        remaining = len(kwargs) if kwargs else 0
        arg_pos = 0
        for i, (name, check, optional, nullable, kwarg_only, np_names) in enumerate(self._fast):
            is_kwd = False
            if arg_pos < nargs:
                if kwarg_only:   # more positional args than a var-args int list leaves
                    if raise_exception:
                        self._extra_args(nargs)
                    return None
                obj = args[arg_pos]
            elif kwargs:
                obj = kwargs.get(name, _MISSING)
                if obj is _MISSING and np_names:
                    for alias in np_names:
                        obj = kwargs.get(alias, _MISSING)
                        if obj is not _MISSING:
                            break
                is_kwd = True
            else:
                obj = _MISSING
            if obj is _MISSING:
                if not optional:
                    if raise_exception:
                        self._missing_args(i)
                    return None
            elif obj is None and nullable:
                pass
            elif check(obj):
                bound[name] = obj
            elif (arg_pos == 0 and self.varargs and not is_kwd
                  and _is_int_or_symint_list(args, self.varargs_size)):
                bound[name] = tuple(args)   # permute(1, 2, 0) -> permute((1, 2, 0))
                arg_pos = nargs
                continue
            else:
                if raise_exception:
                    self._type_error(i, obj, is_kwd, arg_pos, nargs)
                return None
            if not is_kwd:
                arg_pos += 1
            elif obj is not _MISSING:
                remaining -= 1
        if arg_pos < nargs:   # view((2, 3), 1): a list, then more positional args
            if raise_exception:
                self._extra_args(nargs)
            return None
        if remaining > 0:
            if raise_exception:
                self._extra_kwargs(kwargs, nargs)
            return None
        return bound

    # --- the TypeErrors of a single signature --------------------------------------------------
    def _extra_args(self, nargs):
        lo, hi = self.min_args, self.max_pos_args
        if lo != hi:
            raise TypeError(f"{self.name}() takes from {lo} to {hi} positional arguments "
                            f"but {nargs} were given")
        raise TypeError(f"{self.name}() takes {hi} positional argument{'' if hi == 1 else 's'} "
                        f"but {nargs} {'was' if nargs == 1 else 'were'} given")

    def _missing_args(self, idx):
        names = [f'"{p.name}"' for p in self.params[idx:] if not p.optional]
        # torch's plural is inverted: "missing 1 required positional arguments"
        raise TypeError(f"{self.name}() missing {len(names)} required positional "
                        f"argument{'s' if len(names) == 1 else ''}: {', '.join(names)}")

    def _type_error(self, i, obj, is_kwd, arg_pos, nargs):
        p = self.params[i]
        if is_kwd:
            raise TypeError(f"{self.name}(): argument '{p.name}' must be {p.type_name}, "
                            f"not {type_display_name(obj)}")
        if self.varargs and arg_pos == 0 and nargs > self.max_pos_args:
            self._extra_args(nargs)    # expand('a', 2): not var-args, so too many args
        where = (f"{self.name}(): argument '{p.name}' (position {arg_pos + 1}) "
                 f"must be {p.type_name}")
        if p.type in (INT_LIST, SYM_INT_LIST) and isinstance(obj, (tuple, list)) and obj:
            raise TypeError(f"{where}, but found element of type "
                            f"{type_display_name(obj[0])} at pos 0")
        raise TypeError(f"{where}, not {type_display_name(obj)}")

    def _extra_kwargs(self, kwargs, nargs):
        for key in kwargs:
            if not isinstance(key, str):
                raise TypeError("keywords must be strings")
            idx = self._param_index.get(key, -1)
            if idx < 0:
                raise TypeError(f"{self.name}() got an unexpected keyword argument '{key}'")
            if idx < nargs:
                raise TypeError(f"{self.name}() got multiple values for argument '{key}'")
        raise TypeError("invalid keyword arguments")

    # --- what the binding does when it reads int arguments (python_arg_parser.h) --------------
    def unpack_ints(self, bound):
        """Raise what PythonArgs::toInt64 / intlist / symintlist / device raise when the
        binding reads the int arguments of a matched call."""
        for name, kind in self._unpacked:
            obj = bound.get(name, _MISSING)
            if obj is _MISSING:
                continue
            if kind in (INT, SYM_INT, DEVICE) or not isinstance(obj, (tuple, list)):
                if type(obj) is int and not _INT64_MIN <= obj <= _INT64_MAX:
                    raise ValueError("Overflow when unpacking long long")
                continue
            for idx, element in enumerate(obj):
                error = _unpack_index_error(element, kind == SYM_INT_LIST)
                if error is None:
                    continue
                if isinstance(error, RuntimeError):
                    raise error
                raise TypeError(f"{self.name}(): argument '{name}' failed to unpack the object "
                                f"at pos {idx + 1} with error \"{error}\"")


def _unpack_index_error(element, symint):
    """None if an int-list element unpacks to an int64, else the error (its text, or a
    RuntimeError raised as is). A one-element bool tensor is an int in an IntArrayRef but
    not in a SymIntArrayRef (its Scalar is not integral)."""
    if isinstance(element, Tensor):
        if prod(element._sizes) == 1 and element.dtype.kind in ("int", "bool"):
            if symint and element.dtype.kind == "bool":
                return RuntimeError(
                    "Expected scalar.isIntegral( false) to be true, but got false.  (Could "
                    "this error message be improved?  If so, please report an enhancement "
                    "request to PyTorch.)")
            return None
        return f"type must be tuple of ints,but got {type_display_name(element)}"
    if isinstance(element, int) or isinstance(element, np.integer) or _is_index(element):
        value = operator.index(element)
        if not _INT64_MIN <= value <= _INT64_MAX:
            return "Overflow when unpacking long long"
        return None
    return f"type must be tuple of ints,but got {type_display_name(element)}"


_warned_deprecated = False


class Parser:
    """The overloads of one Python-visible op (PythonArgParser)."""

    def __init__(self, signatures, method=False):
        if isinstance(signatures, str):
            signatures = [signatures]
        self.method = method
        self.signatures = [Signature(s, i, method) for i, s in enumerate(signatures)]
        if not self.signatures:
            raise ValueError("a parser needs at least one signature")
        self.function_name = self.signatures[0].name
        # deprecated signatures are tried last (std::stable_partition)
        self._order = ([s for s in self.signatures if not s.deprecated]
                       + [s for s in self.signatures if s.deprecated])

    def __repr__(self):
        return f"Parser({[s.text for s in self.signatures]!r}, method={self.method})"

    def options(self):
        """PythonArgParser::get_signatures: the overloads error messages list."""
        return [str(s) for s in self._order if not s.hidden]

    # The receiver keyword is `self`, as callers write it, so the parser itself is `parser`.
    def parse(parser, args, kwargs=None, self=None):  # noqa: N805
        """(index of the matching signature, bound arguments); torch's TypeError if none
        matches. `self` is the receiver of a method (method=True)."""
        if not _resolved:
            _resolve()
        order = parser._order
        if len(order) == 1:
            sig = order[0]
            bound = sig.parse(args, kwargs, True)
        else:
            for sig in order:
                bound = sig.parse(args, kwargs)
                if bound is not None:
                    break
            else:
                parser._print_error(args, kwargs)
        if sig.deprecated:
            parser._warn_deprecated(sig)
        if sig._unpacked:
            sig.unpack_ints(bound)
        if self is not None and sig.self_name is not None:
            bound[sig.self_name] = self
        return sig.index, bound

    def _print_error(self, args, kwargs):
        """PythonArgParser::print_error: the one plausible overload's own error, else the
        list of overloads."""
        num_args = len(args) + (len(kwargs) if kwargs else 0)
        plausible = [s for s in self._order
                     if s.min_args <= num_args <= s.max_args and not s.hidden]
        if len(plausible) == 1:
            plausible[0].parse(args, kwargs, True)
        raise TypeError(format_invalid_args(args, kwargs or {}, self.function_name + "()",
                                            self.options()))

    def _warn_deprecated(self, sig):
        """check_deprecated (TORCH_WARN_ONCE: once per process, whichever overload)."""
        global _warned_deprecated
        if _warned_deprecated:
            return
        _warned_deprecated = True
        msg = f"This overload of {sig.name} is deprecated:\n\t{sig.name}{sig}"
        options = self.options()
        if options:
            msg += "\nConsider using one of the following signatures instead:"
            msg += "".join(f"\n\t{sig.name}{o}" for o in options)
        warnings.warn(msg, UserWarning, stacklevel=3)


# --- invalid_arguments.cpp -----------------------------------------------------------------------
class _Option:
    __slots__ = ("arguments", "is_variadic", "has_out")

    def __init__(self, arguments, is_variadic, has_out):
        self.arguments = arguments      # [(name, matcher)]
        self.is_variadic = is_variadic
        self.has_out = has_out


def _build_type(type_name, nullable):
    """_buildType: a predicate on an object's tp_name, the way torch re-reads the
    type names of its own signature strings."""
    if type_name == "float":
        names = ("float", "int", "long")
        match = lambda o: type_display_name(o) in names  # noqa: E731
    elif type_name == "int":
        match = lambda o: type_display_name(o) in ("int", "long")  # noqa: E731
    elif type_name.startswith("tuple["):
        items = [_build_type(t, False) for t in type_name[6:-1].split(",")]
        match = lambda o: (isinstance(o, tuple) and len(o) == len(items)  # noqa: E731
                           and all(m(e) for m, e in zip(items, o)))
    elif type_name.startswith("sequence["):
        item = _build_type(type_name[9:-1], False)
        match = lambda o: (isinstance(o, (tuple, list, str))  # noqa: E731
                           and all(item(e) for e in o))
    else:
        match = lambda o: type_display_name(o) == type_name  # noqa: E731
    if nullable:
        inner = match
        match = lambda o: o is None or inner(o)  # noqa: E731
    return match


def _parse_option(option_str, kwargs):
    """_parseOption: split a signature string back into (name, type) pairs. Its quirks are
    kept: `*` counts as an argument, and `Tensor min = None` reads as a parameter named
    `None` of type `Tensor min =`."""
    if option_str == "no arguments":
        return _Option([], False, False), option_str
    printable = option_str
    has_out = False
    out_pos = printable.find("#")
    if out_pos >= 0:
        if "out" in kwargs:
            printable = printable[:out_pos] + "*, " + printable[out_pos + 1:]
        else:
            printable = printable[:max(out_pos - 2, 0)] + ")"
        has_out = True
    body = option_str[1:-1]
    arguments = []
    for arg in body.split(", "):
        nullable, start = False, 0
        if arg[start:start + 1] == "#":
            start += 1
        if arg[start:start + 1] == "[":
            nullable = True
            start += 1
            arg = arg[:len(arg) - len(" or None]")]
        type_end = arg.rfind(" ")
        name = arg[type_end + 1:]       # npos + 1 == 0: the whole string
        if "..." in arg and type_end >= 0:
            type_end -= 4
        type_name = arg[start:] if type_end < start else arg[start:type_end]
        arguments.append((name, _build_type(type_name, nullable)))
    return _Option(arguments, "..." in body, has_out), printable


def _argcount_match(option, args, kwargs):
    expected = len(option.arguments)
    got = len(args) + len(kwargs)
    if option.has_out and "out" not in kwargs:
        expected -= 1
    return got == expected or (option.is_variadic and got > expected)


def _describe(obj):
    """How _formattedArgDesc writes one argument: `int`, `tuple of (int, float)`."""
    if isinstance(obj, (tuple, list)):
        items = ", ".join(type_display_name(e) for e in obj)
        if isinstance(obj, tuple):
            return f"{type_display_name(obj)} of ({items}{',' if len(obj) == 1 else ''})"
        return f"{type_display_name(obj)} of [{items}]"
    return type_display_name(obj)


def _formatted_arg_desc(option, args, kwargs):
    if os.isatty(1) and os.isatty(2):
        red, reset_red, green, reset_green = "\33[31;1m", "\33[0m", "\33[32;1m", "\33[0m"
    else:
        red, reset_red, green, reset_green = "!", "!", "", ""
    parts = []
    for i in range(len(args) + len(kwargs)):
        is_kwarg = i >= len(args)
        if is_kwarg:
            arg = kwargs.get(option.arguments[i][0]) if i < len(option.arguments) else None
        else:
            arg = args[i]
        if i < len(option.arguments):
            matching = option.arguments[i][1](arg)
        else:
            matching = option.is_variadic and option.arguments[-1][1](arg)
        text = (option.arguments[i][0] + "=" if is_kwarg else "") + _describe(arg)
        parts.append((green + text + reset_green) if matching else (red + text + reset_red))
    return _join_desc(parts, bool(args))


def _join_desc(parts, has_positional):
    # torch trims the trailing ", " only when there were positional arguments
    text = "".join(p + ", " for p in parts)
    if has_positional:
        text = text[:-2]
    return "(" + text + ")"


def _arg_desc(args, kwargs):
    parts = [type_display_name(a) for a in args]
    parts += [f"{k}={type_display_name(v)}" for k, v in kwargs]
    return _join_desc(parts, bool(args))


def _try_match_kwargs(option, kwargs):
    start = len(option.arguments) - len(kwargs)
    if option.has_out and not any(k == "out" for k, _ in kwargs):
        start -= 1
    names = {name for name, _ in option.arguments[max(start, 0):]}
    return [k for k, _ in kwargs if k not in names]


def format_invalid_args(args, kwargs, function_name, options):
    """format_invalid_args: "f() received an invalid combination of arguments - ...".
    `kwargs` is iterated in the order of the std::unordered_map torch copies it into."""
    kw_map = dict((str(k), v) for k, v in kwargs.items())
    kw_items = [(k, kw_map[k]) for k in _unordered_map_order(list(kw_map))]
    msg = function_name + " received an invalid combination of arguments - "
    if len(options) == 1:
        option, printable = _parse_option(options[0], kw_map)
        unmatched = _try_match_kwargs(option, kw_items) if kw_items else []
        if unmatched:
            return msg + "got unrecognized keyword arguments: " + ", ".join(unmatched)
        if _argcount_match(option, args, kw_map):
            given = _formatted_arg_desc(option, args, kw_map)
        else:
            given = _arg_desc(args, kw_items)
        return msg + "got " + given + ", but expected " + printable
    msg += "got " + _arg_desc(args, kw_items) + ", but expected one of:\n"
    for option_str in options:
        option, printable = _parse_option(option_str, kw_map)
        msg += " * " + printable + "\n"
        if not _argcount_match(option, args, kw_map):
            continue
        unmatched = _try_match_kwargs(option, kw_items) if kw_items else []
        if unmatched:
            msg += ("      didn't match because some of the keywords were incorrect: "
                    + ", ".join(unmatched) + "\n")
        else:
            msg += ("      didn't match because some of the arguments have invalid types: "
                    + _formatted_arg_desc(option, args, kw_map) + "\n")
    return msg


# --- libstdc++'s std::unordered_map<std::string, ...> iteration order ------------------------
# torch copies the keyword arguments into an unordered_map before describing them, so
# "got (...)" lists them in hash-bucket order. Emulated from libstdc++: std::_Hash_bytes
# (libsupc++/hash_bytes.cc), _Prime_rehash_policy (src/c++11/hashtable_c++0x.cc) and
# _Hashtable::_M_insert_bucket_begin / _M_rehash_aux (include/bits/hashtable.h).
_M64 = (1 << 64) - 1
_MUL = (0xc6a4a793 << 32) + 0x5bd1e995
_FAST_BKT = (2, 2, 2, 3, 5, 5, 7, 7, 11, 11, 11, 11, 13, 13)
_PRIMES = (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79,
           83, 89, 97, 103, 109, 113, 127, 137, 139, 149, 157, 167, 179, 193, 199, 211, 227,
           241, 257, 277, 293, 313, 337, 359, 383, 409, 439, 467, 503, 541, 577, 619, 661,
           709, 761, 823, 887, 953, 1031)


def _shift_mix(v):
    return v ^ (v >> 47)


def _hash_bytes(data, seed=0xc70f6907):
    """std::_Hash_bytes for a 64-bit size_t (std::hash<std::string>)."""
    n = len(data)
    aligned = n & ~7
    h = (seed ^ (n * _MUL)) & _M64
    for p in range(0, aligned, 8):
        word = int.from_bytes(data[p:p + 8], "little")
        h ^= (_shift_mix((word * _MUL) & _M64) * _MUL) & _M64
        h = (h * _MUL) & _M64
    if n & 7:
        h ^= int.from_bytes(data[aligned:], "little")
        h = (h * _MUL) & _M64
    h = (_shift_mix(h) * _MUL) & _M64
    return _shift_mix(h)


def _next_bucket_count(n):
    """_Prime_rehash_policy::_M_next_bkt -> (bucket count, next resize)."""
    if n < len(_FAST_BKT):
        return (1, 0) if n == 0 else (_FAST_BKT[n], _FAST_BKT[n])
    for p in _PRIMES[6:]:
        if p >= n:
            return p, p
    p = n | 1
    while any(p % d == 0 for d in range(3, int(p ** 0.5) + 1, 2)):
        p += 2
    return p, p


def _place(nodes, key, code, n_buckets):
    """Insert at the front of the key's bucket run, or at the list's front if its bucket
    is empty (the nodes of one bucket are always adjacent)."""
    bucket = code % n_buckets
    for pos, (_, other) in enumerate(nodes):
        if other % n_buckets == bucket:
            nodes.insert(pos, (key, code))
            return
    nodes.insert(0, (key, code))


def _unordered_map_order(keys):
    """The iteration order of an unordered_map<std::string> after emplacing `keys`."""
    if len(keys) < 2:
        return keys
    nodes, n_buckets, next_resize = [], 1, 0
    for key in keys:
        n_elt = len(nodes)
        if n_elt + 1 > next_resize:
            min_buckets = max(n_elt + 1, 0 if next_resize else 11)
            if min_buckets >= n_buckets:
                n_buckets, next_resize = _next_bucket_count(
                    max(floor(min_buckets) + 1, n_buckets * 2))
                old, nodes = nodes, []
                for k, code in old:
                    _place(nodes, k, code, n_buckets)
            else:
                next_resize = n_buckets
        _place(nodes, key, _hash_bytes(key.encode("utf-8")), n_buckets)
    return [k for k, _ in nodes]
