"""The Python bindings derived from the declarations (refimpl/registry.py): torch.f,
Tensor.f, the in-place twins, aliases, properties and operators, each checking its
arguments with torch's parser (refimpl/argparse.py) before the op runs.

Ported in spirit from the code torch generates for each op
(tools/autograd/templates/python_torch_functions.cpp, python_variable_methods.cpp):
parse against the signatures, dispatch to the op, and for `out=` write the result into
the given tensor (aten/src/ATen/native/Resize.cpp resize_output, then copy).
"""
from __future__ import annotations

import inspect

import numpy as np

from . import dtypes, layout
from .argparse import Parser
from .autograd.recording import KERNEL, refuse_out
from .registry import (
    ATTRIBUTE, AUGMENTED_DUNDERS, DECLARATIONS, FUNCTION, GETITEM, METHOD, OPERATOR,
    OPERATOR_DUNDERS, SETITEM, renamed, self_param,
)
from .tensor import Tensor

_COMMUTATIVE = {"+", "*", "==", "!=", "&", "|", "^"}


class _Call:
    """How an implementation is called with what the parser bound: the tensor a method is
    called on first (or by its name, as torch.where's `input`), the parameters the
    implementation names by keyword, the others positionally in signature order (an
    implementation taking *sizes); `out` written here; parameters the implementation
    does not model refused when given a value."""

    def __init__(self, impl, signatures, out_via_kernel=False, out_check=None,
                 out_check_first=False):
        self.impl = impl
        self.out_via_kernel = out_via_kernel
        self.out_check = out_check
        self.out_check_first = out_check_first or out_via_kernel
        params = inspect.signature(impl).parameters
        self.takes_all = any(p.kind is p.VAR_KEYWORD for p in params.values())
        self.varargs = any(p.kind is p.VAR_POSITIONAL for p in params.values())
        self.named = {n for n, p in params.items() if p.kind is not p.VAR_POSITIONAL}
        self.first = next(iter(params), None)
        self.positional = sum(p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
                              for p in params.values())
        found = [self_param(s) for s in signatures]
        self.receiver = next((r for r in found if r), None)

    def __call__(self, bound, receiver=None, into=None, inplace=False, overload=None):
        out = bound.pop("out", None)
        checked_after = None
        if out is not None and not inplace:  # autograd's refusal comes before the op's checks
            given = dict(bound)
            if receiver is not None and self.receiver:
                given[self.receiver] = receiver
            refuse_out(self.impl.__declaration__, given, out, overload)
        if out is not None and self.out_check is not None:
            given = dict(bound)
            if receiver is not None and self.receiver:
                given[self.receiver] = receiver
            if self.out_check_first:
                bound.update(self.out_check(out, given) or {})
            else:
                checked_after = given
        if out is not None and self.out_via_kernel:
            into, out = out, None  # TensorIterator writes into out (its resize rules)
        args, kwargs = [], {}
        if receiver is not None:
            if self.receiver in (None, self.first) or self.receiver not in self.named:
                args.append(receiver)
            else:
                kwargs[self.receiver] = receiver
        elif self.receiver is not None and self.receiver in bound and self.receiver not in self.named:
            args.append(bound.pop(self.receiver))
        elif self.receiver == self.first and self.receiver in bound:
            args.append(bound.pop(self.receiver))
        for k, v in bound.items():
            if k in self.named or self.takes_all:
                kwargs[k] = v
            elif self.varargs or len(args) < self.positional:
                args.append(v)  # the implementation names it differently (copy_'s src)
            elif v is not None and v is not False:
                raise NotImplementedError(f"refimpl does not model the {k}= argument")
        if into is not None:
            kwargs["out"] = into
        if checked_after is not None:
            # the op's own argument checks (its meta function's) come before out's; run it
            # once to raise them, then with what out's check asks for (dtype=out.dtype)
            self.impl(*args, **kwargs)
            kwargs.update(self.out_check(out, checked_after) or {})
        KERNEL.inplace = inplace
        KERNEL.overload = None if KERNEL.in_backward else overload
        KERNEL.out = out  # written afterwards: autograd refuses it as it refuses out=
        result = self.impl(*args, **kwargs)
        if out is not None:
            inputs = [v for v in args + list(kwargs.values()) if isinstance(v, Tensor)]
            return write_out(out, result, inputs)
        return result


_NUMBER_TYPES = {"Scalar", "int", "SymInt", "float"}


def _number_params(parser):
    """Per signature, the parameters torch reads as numbers: a 0-dim tensor given for one
    is read as its value (python_arg_parser.h PythonArgs::scalar / toInt64 / toDouble)."""
    return [frozenset(p.name for p in sig.params if p.type in _NUMBER_TYPES)
            for sig in parser.signatures]


def _as_numbers(bound, names):
    for name in names:
        value = bound.get(name)
        if isinstance(value, Tensor):
            bound[name] = value.item()
    return bound


def _scalar_type_params(parser):
    return [frozenset(p.name for p in sig.params if p.type == "ScalarType")
            for sig in parser.signatures]


def _as_dtypes(bound, names):
    """A Python type given for a dtype is read as one (python_arg_parser.h
    PythonArgs::scalartype: float is torch.float64, int torch.int64, bool torch.bool)."""
    for name in names:
        value = bound.get(name)
        if isinstance(value, type):
            bound[name] = dtypes.from_python_type(value)
    return bound


def _factory(d, name):
    """A factory torch implements in Python-facing C++ without the generated parser
    (torch.tensor, zeros, ...): its dtype= may be a Python type too."""
    op = d.op

    def factory(*args, **kwargs):
        value = kwargs.get("dtype")
        if value is not None and not isinstance(value, dtypes.dtype):
            if not isinstance(value, type) or value not in (float, int, bool):
                raise TypeError(f"{name}(): argument 'dtype' must be torch.dtype, not "
                                f"{type(value).__name__}")
            kwargs["dtype"] = dtypes.from_python_type(value)
        return op(*args, **kwargs)
    factory.__name__ = factory.__qualname__ = name
    factory.__doc__ = op.__doc__
    factory.__wrapped__ = op
    return factory


def _function(d, name, signatures, into_self=False):
    if not d.parsed:
        return _factory(d, name) if d.creates else d.op
    call = _Call(d.op, signatures, out_via_kernel=d.out_via == "kernel", out_check=d.out_check,
                 out_check_first=d.out_check_first)
    parser = Parser([renamed(s, name) for s in signatures], method=False)
    numbers = _number_params(parser)
    scalar_types = _scalar_type_params(parser)

    def function(*args, **kwargs):
        index, bound = parser.parse(args, kwargs)
        _as_numbers(bound, numbers[index])
        _as_dtypes(bound, scalar_types[index])
        overload = parser.signatures[index]
        if into_self:
            return call(bound, into=bound.get(call.receiver), inplace=True, overload=overload)
        return call(bound, overload=overload)
    function.__name__ = function.__qualname__ = name
    return function


def _method(d, name, signatures, into_self=False):
    if not d.parsed:
        return d.op
    call = _Call(d.op, d.signatures if FUNCTION in d.forms else ())
    if len(signatures) == 1 and signatures[0].endswith("()"):
        return _noargs_method(d.op, name, into_self)
    parser = Parser([renamed(s, name) for s in signatures], method=True)
    numbers = _number_params(parser)
    scalar_types = _scalar_type_params(parser)

    def method(self, *args, **kwargs):
        index, bound = parser.parse(args, kwargs, self=self)
        _as_numbers(bound, numbers[index])
        _as_dtypes(bound, scalar_types[index])
        return call(bound, receiver=self, into=self if into_self else None, inplace=into_self,
                    overload=parser.signatures[index])
    method.__name__ = name
    method.__qualname__ = f"Tensor.{name}"
    return method


def _noargs_method(impl, name, into_self):
    """A method whose one signature takes nothing is bound METH_NOARGS, so CPython words
    its errors (tools/autograd/gen_python_functions.py)."""
    def method(self, *args, **kwargs):
        if args:
            raise TypeError(f"Tensor.{name}() takes no arguments ({len(args)} given)")
        if kwargs:
            raise TypeError(f"Tensor.{name}() takes no keyword arguments")
        if into_self:
            KERNEL.inplace = True
            return impl(self, out=self)
        return impl(self)
    method.__name__ = name
    method.__qualname__ = f"Tensor.{name}"
    return method


def _not_implemented_on_type_error(fn):
    """Binary operators turn the parser's TypeError into NotImplemented, so Python tries
    the reflected operator and then raises its own 'unsupported operand' error
    (torch/csrc/utils/python_arg_parser.h TypeError_to_NotImplemented_)."""
    def operator(self, other):
        try:
            return fn(self, other)
        except TypeError:
            return NotImplemented
    return operator


def bind():
    """Install every declared op as torch functions (returned) and Tensor attributes."""
    functions = {}
    for d in DECLARATIONS.values():
        method_sigs = d.method_signatures
        for name in (d.name,) + d.aliases:
            if FUNCTION in d.forms:
                functions[name] = _function(d, name, d.signatures)
            if METHOD in d.forms or (name == d.name and OPERATOR in d.forms):
                setattr(Tensor, name, _method(d, name, method_sigs))
            if d.inplace:
                setattr(Tensor, name + "_", _method(d, name + "_", method_sigs, into_self=True))
                if d.inplace_function:
                    functions[name + "_"] = _function(
                        d, name + "_", [_with_self(s) for s in method_sigs], into_self=True)
        if ATTRIBUTE in d.forms:
            setattr(Tensor, d.name, property(d.op))
        if GETITEM in d.forms:
            Tensor.__getitem__ = d.op
        if SETITEM in d.forms:
            Tensor.__setitem__ = d.op
        if d.operator:
            _bind_operator(d)
    return functions


def _with_self(method_signature):
    """torch.f_(Tensor input, ...) from Tensor.f_(...)."""
    head, rest = method_signature.split("(", 1)
    return f"{head}(Tensor input{', ' if rest.strip() != ')' else ''}{rest}"


def _bind_operator(d):
    dunder, reflected, augmented = OPERATOR_DUNDERS[d.operator]
    method = getattr(Tensor, d.name)
    unary = d.operator in ("neg", "abs", "~")
    setattr(Tensor, dunder, method if unary else _not_implemented_on_type_error(method))
    if reflected:
        if d.reflected is True:
            impl = d.op
            setattr(Tensor, reflected, _not_implemented_on_type_error(
                lambda self, other: impl(other, self)))
        elif d.reflected is not None:
            setattr(Tensor, reflected, _not_implemented_on_type_error(d.reflected))
        elif d.operator in _COMMUTATIVE:
            setattr(Tensor, reflected, getattr(Tensor, dunder))
    if augmented and d.inplace:
        twin = getattr(Tensor, d.name + "_")
        setattr(Tensor, AUGMENTED_DUNDERS[augmented], _not_implemented_on_type_error(twin))


# --- out= ------------------------------------------------------------------------------------
# An op's own out_check(out, args) runs before the op (as its meta function does); these are
# the checks several ops share.
def expect_dtype(out, dtype):
    """resize_out's check in the structured kernels (aten/src/ATen/native/Resize.h)."""
    for o in (out if isinstance(out, (tuple, list)) else (out,)):
        if o.dtype is not dtype:
            raise RuntimeError(f"Expected out tensor to have dtype {dtype.typemeta_name}, but got "
                               f"{o.dtype.typemeta_name} instead")


def refuse_overlap(out, inputs):
    """at::assert_no_overlap (aten/src/ATen/MemoryOverlap.cpp): out may not share memory
    with an input, fully or partly."""
    from .elementwise import PARTIAL_OVERLAP, overlap_status
    for x in inputs:
        if isinstance(x, Tensor) and overlap_status(out, x) in ("full", "partial"):
            raise RuntimeError(PARTIAL_OVERLAP)


def out_like_input(message, overlap=False):
    """An op's out check: out has the input's dtype, else RuntimeError(message) (formatted
    with the two dtypes' names as `input` and `out`); with overlap, out shares no memory
    with any tensor argument either."""
    def check(out, args):
        x = args["input"]
        if out.dtype is not x.dtype:
            raise RuntimeError(message.format(input=x.dtype.legacy_name, out=out.dtype.legacy_name))
        if overlap:
            refuse_overlap(out, [v for v in args.values() if isinstance(v, Tensor)])
    return check


def write_out(out, result, inputs, result_strides=True):
    """torch.f(..., out=t): the result written into t (aten/src/ATen/native/Resize.cpp
    resize_output and the structured kernels' set_output): t's dtype must be one the result
    can be cast to; t may not partly overlap an input; a t of another shape is resized and
    takes the strides the result would have had (contiguous ones without result_strides,
    as resize_output alone gives), a t of the right shape keeps its own."""
    if isinstance(out, (tuple, list)):
        for o, r in zip(out, result):
            write_out(o, r, inputs, result_strides)
        return tuple(out)
    from .conversions import copy_
    from .elementwise import check_writable
    if not isinstance(out, Tensor):
        raise TypeError(f"argument 'out' must be Tensor, not {type(out).__name__}")
    if not dtypes.can_cast(result.dtype, out.dtype):
        raise RuntimeError(f"result type {result.dtype.legacy_name} can't be cast to the "
                           f"desired output type {out.dtype.legacy_name}")
    if out._sizes != result._sizes:  # resize_output first: an expanded out becomes dense
        dense = layout.is_non_overlapping_and_dense(result._sizes, result._strides)
        resize_to(out, result._sizes, result._strides if result_strides and dense else None)
    check_writable(out, [x for x in inputs if x is not out])
    copy_(out, result)
    return out


def resize_to(t, sizes, strides=None):
    """Tensor.resize_ followed by as_strided_ (a resized output takes the given strides,
    contiguous by default); the storage grows in place when it is too small, so every
    tensor sharing it sees the new memory (c10 StorageImpl::set_nbytes)."""
    sizes = tuple(sizes)
    strides = tuple(strides) if strides is not None else layout.contiguous_strides(sizes)
    # an empty result needs no memory (resize_ to zero elements allocates nothing)
    need = (t._offset + 1 + sum((s - 1) * st for s, st in zip(sizes, strides))
            if all(sizes) else 0)
    storage = t._storage
    if need > storage.data.size:
        old = storage.data.size
        grown = np.zeros(need, dtype=storage.data.dtype)
        grown[:old] = storage.data
        undefined = np.ones(need, dtype=bool)   # new memory is uninitialized
        undefined[:old] = storage.undefined if storage.undefined is not None else False
        storage.data, storage.undefined = grown, undefined
    t._sizes, t._strides = sizes, strides


__all__ = ["bind", "write_out", "resize_to", "expect_dtype", "refuse_overlap", "out_like_input"]
