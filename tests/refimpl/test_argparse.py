"""refimpl.argparse against torch's own argument parser (torch 2.13).

Each call is written once as `build(m) -> (args, kwargs)` over a module `m` (torch or
refimpl); torch runs the call for real, refimpl parses it with the op's signatures. A call
torch rejects with a TypeError (or a ValueError from unpacking an int) must be rejected by
refimpl.argparse with exactly the same message; a call torch accepts must parse, and the
good calls also say which overload matched and what was bound.

The signatures are torch's generated Python signatures (native_functions.yaml through
tools/autograd/gen_python_functions.py); the "expected one of" lists torch prints
(test_options_match_torch) confirm the overloads and their order.
"""
import random
import time
import warnings

import numpy as np
import pytest
import torch

import refimpl
from refimpl.argparse import NO_DEFAULT, Parser, _unordered_map_order

SIGNATURES = {
    "add": ["add(Tensor input, Tensor other, *, Scalar alpha=1, Tensor out=None)",
            "add(Tensor input, Scalar alpha, Tensor other, *, Tensor out=None)|deprecated"],
    "sub": ["sub(Tensor input, Tensor other, *, Scalar alpha=1, Tensor out=None)",
            "sub(Tensor input, Scalar alpha, Tensor other, *, Tensor out=None)|deprecated"],
    "clamp": ["clamp(Tensor input, Tensor? min=None, Tensor? max=None, *, Tensor out=None)",
              "clamp(Tensor input, Scalar? min=None, Scalar? max=None, *, Tensor out=None)"],
    "sum": ["sum(Tensor input, *, ScalarType? dtype=None)",
            "sum(Tensor input, IntArrayRef[1]? dim, bool keepdim=False, *, ScalarType? dtype=None, "
            "Tensor out=None)"],
    "mean": ["mean(Tensor input, *, ScalarType? dtype=None, Tensor out=None)",
             "mean(Tensor input, int[1]? dim, bool keepdim=False, *, ScalarType? dtype=None, "
             "Tensor out=None)"],
    "view": ["view(ScalarType dtype)", "view(SymIntArrayRef size)"],
    "reshape": ["reshape(Tensor input, SymInt[] shape)"],
    "transpose": ["transpose(Tensor input, int64_t dim0, int64_t dim1)"],
    "permute": ["permute(Tensor input, IntArrayRef dims)"],
    "expand": ["expand(SymIntArrayRef size, *, bool implicit=False)"],
    "flatten": ["flatten(Tensor input, int64_t start_dim=0, int64_t end_dim=-1)"],
    "squeeze": ["squeeze(Tensor input)", "squeeze(Tensor input, int64_t dim)",
                "squeeze(Tensor input, IntArrayRef dim)"],
    "unsqueeze": ["unsqueeze(Tensor input, int64_t dim)"],
    "narrow": ["narrow(Tensor input, int64_t dim, Tensor start, SymInt length)",
               "narrow(Tensor input, int64_t dim, SymInt start, SymInt length)"],
    "index_select": ["index_select(Tensor input, int64_t dim, Tensor index, *, Tensor out=None)"],
    "gather": ["gather(Tensor input, int64_t dim, Tensor index, *, bool sparse_grad=False, "
               "Tensor out=None)"],
    "max": ["max(Tensor input, *, Tensor out=None)",
            "max(Tensor input, Tensor other, *, Tensor out=None)",
            "max(Tensor input, int64_t dim, bool keepdim=False, *, TensorList[2] out=None)"],
    "norm": ["norm(Tensor input, Scalar p=2)",
             "norm(Tensor input, Scalar? p, *, ScalarType dtype)",
             "norm(Tensor input, Scalar? p, IntArrayRef[1] dim, bool keepdim, *, ScalarType dtype, "
             "Tensor out=None)",
             "norm(Tensor input, Scalar? p, IntArrayRef[1] dim, bool keepdim=False, *, "
             "Tensor out=None)"],
    "cat": ["cat(TensorList tensors, int64_t dim=0, *, Tensor out=None)"],
    "to": ["to(Device device=None, ScalarType dtype=None, bool non_blocking=False, "
           "bool copy=False, *, MemoryFormat? memory_format=None)",
           "to(ScalarType dtype, bool non_blocking=False, bool copy=False, *, "
           "MemoryFormat? memory_format=None)",
           "to(Tensor tensor, bool non_blocking=False, bool copy=False, *, "
           "MemoryFormat? memory_format=None)"],
    "div": ["div(Tensor input, Tensor other, *, Tensor out=None)",
            "div(Tensor input, Tensor other, *, c10::string_view? rounding_mode, Tensor out=None)",
            "div(Tensor input, Scalar other, *, str? rounding_mode)"],
}
METHOD_ONLY = {"view", "expand", "to"}
FUNCTION_ONLY = {"cat", "norm"}
TORCH_FUNCTIONS = {"norm": torch._VF.norm}   # torch.norm is Python; its C++ binding is _VF.norm

PARSERS = {}


def parser(op, form):
    key = (op, form)
    if key not in PARSERS:
        PARSERS[key] = Parser(SIGNATURES[op], method=form == "m")
    return PARSERS[key]


def torch_outcome(op, form, args, kwargs):
    """(exception class, message) of what torch raises for the call, None if it runs."""
    fn = TORCH_FUNCTIONS.get(op) or getattr(torch, op) if form == "f" else getattr(torch.Tensor, op)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fn(*args, **kwargs)
    except Exception as e:  # noqa: BLE001 - the class is compared
        return type(e), str(e)
    return None


def refimpl_outcome(op, form, args, kwargs):
    """((index, bound), None) if refimpl.argparse accepts the call, else (None, error)."""
    p = parser(op, form)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if form == "m":
                return p.parse(args[1:], kwargs, self=args[0]), None
            return p.parse(args, kwargs), None
    except Exception as e:  # noqa: BLE001
        return None, (type(e), str(e))


def _t(m, *shape, dtype=None):
    return m.ones(*shape) if dtype is None else m.ones(*shape, dtype=dtype)


def _i(m, *values):
    return m.tensor(list(values), dtype=m.int64)


def _s(m, value, **kw):
    return m.tensor(value, **kw)


O = object()

# (op, form, build): f = torch.op(*args), m = args[0].op(*args[1:]); kwargs as given
CALLS = [
    # add / sub: numbers bind to Tensor parameters; the deprecated (alpha, other) overload
    ("add", "f", lambda m: ((_t(m, 2),), {})),
    ("add", "f", lambda m: ((_t(m, 2), 1, 2, 3, 4), {})),
    ("add", "f", lambda m: ((_t(m, 2), "x"), {})),
    ("add", "f", lambda m: ((_t(m, 2), _t(m, 2)), {"alpha": "s"})),
    ("add", "f", lambda m: ((_t(m, 2), _t(m, 2)), {"foo": 1})),
    ("add", "f", lambda m: ((_t(m, 2),), {"foo": 1})),
    ("add", "f", lambda m: ((_t(m, 2), _t(m, 2), 1, 2), {"foo": 1, "bar": 2})),
    ("add", "f", lambda m: ((_t(m, 2), _t(m, 2)), {"other": _t(m, 2)})),
    ("add", "f", lambda m: ((_t(m, 2),), {"x2": _t(m, 2), "x": _t(m, 2)})),
    ("add", "m", lambda m: ((_t(m, 2),), {})),
    ("add", "m", lambda m: ((_t(m, 2), _t(m, 2), 2, 3), {})),
    ("add", "m", lambda m: ((_t(m, 2), _t(m, 2)), {"alpha": _t(m, 2)})),
    ("add", "m", lambda m: ((_t(m, 2), _t(m, 2)), {"out": _t(m, 2)})),
    ("add", "m", lambda m: ((_t(m, 2), 1, 2), {"other": 2})),
    ("sub", "f", lambda m: ((_t(m, 2), _t(m, 2), 2), {})),
    ("sub", "f", lambda m: ((_t(m, 2), _t(m, 2)), {"alpha": [1]})),
    ("sub", "m", lambda m: ((_t(m, 2), "a"), {})),
    ("sub", "m", lambda m: ((_t(m, 2), _t(m, 2)), {"alpha": 2, "beta": 1})),
    # clamp: two overloads, keyword descriptions in torch's unordered_map order
    ("clamp", "f", lambda m: ((_t(m, 2), "x"), {})),
    ("clamp", "f", lambda m: ((_t(m, 2),), {"min": "a", "max": "b"})),
    ("clamp", "f", lambda m: ((_t(m, 2),), {"max": "a", "min": "b"})),
    ("clamp", "f", lambda m: ((), {"out": 1, "max": "a", "input": _t(m, 2), "min": "b"})),
    ("clamp", "f", lambda m: ((_t(m, 2), 1, _t(m, 2)), {})),
    ("clamp", "f", lambda m: ((_t(m, 2),), {"foo": 1})),
    ("clamp", "f", lambda m: ((_t(m, 2), 1, 2, 3, 4), {})),
    ("clamp", "f", lambda m: ((_t(m, 2), 1, 2, 3), {"out": 4})),
    ("clamp", "m", lambda m: ((_t(m, 2), "x"), {})),
    ("clamp", "m", lambda m: ((_t(m, 2), 1, 2, 3), {})),
    # sum / mean: int[1]? dim, keepdim, dtype keyword, numpy names
    ("sum", "m", lambda m: ((_t(m, 2),), {"dim": 1.5})),
    ("sum", "m", lambda m: ((_t(m, 2), 1.5), {})),
    ("sum", "m", lambda m: ((_t(m, 2), True), {})),
    ("sum", "m", lambda m: ((_t(m, 2), (0, 1.5)), {})),
    ("sum", "m", lambda m: ((_t(m, 2),), {"dim": [0, 1.5]})),
    ("sum", "m", lambda m: ((_t(m, 2), [1.5]), {})),
    ("sum", "m", lambda m: ((_t(m, 2), 0), {"keepdim": 1})),
    ("sum", "m", lambda m: ((_t(m, 2), 0), {"dtype": "float"})),
    ("sum", "m", lambda m: ((_t(m, 2), 2 ** 64), {})),
    ("sum", "m", lambda m: ((_t(m, 2), 0, True, m.float64), {})),
    ("sum", "m", lambda m: ((_t(m, 2), 0), {"axis": 0})),
    ("sum", "f", lambda m: ((_t(m, 2), 1.5), {})),
    ("sum", "f", lambda m: ((_t(m, 2),), {"dim": 1.5})),
    ("sum", "f", lambda m: ((_t(m, 2), 0, True, m.float64), {})),
    ("sum", "f", lambda m: ((_t(m, 2), 0), {"keepdim": 1})),
    ("sum", "f", lambda m: ((), {"a": _t(m, 2), "axis": "x"})),
    ("mean", "m", lambda m: ((_t(m, 2), 1.5), {})),
    ("mean", "m", lambda m: ((_t(m, 2), (0,)), {"keepdim": None})),
    ("mean", "f", lambda m: ((_t(m, 2),), {"dim": (0,), "dtype": m.float64, "foo": 1})),
    # view: var-args, tuple, list, Size; dtype overload
    ("view", "m", lambda m: ((_t(m, 6), 2), {"foo": 1})),
    ("view", "m", lambda m: ((_t(m, 6),), {})),
    ("view", "m", lambda m: ((_t(m, 6), 2, 3.0), {})),
    ("view", "m", lambda m: ((_t(m, 6), (2, 3.0)), {})),
    ("view", "m", lambda m: ((_t(m, 6), [2, "a"]), {})),
    ("view", "m", lambda m: ((_t(m, 6), 2, None), {})),
    ("view", "m", lambda m: ((_t(m, 6), (2.0, 3)), {})),
    ("view", "m", lambda m: ((_t(m, 6), (1.5,)), {})),
    ("view", "m", lambda m: ((_t(m, 6), [1.5, 4]), {})),
    ("view", "m", lambda m: ((_t(m, 6), True, 2), {})),
    ("view", "m", lambda m: ((_t(m, 6), "a"), {})),
    ("view", "m", lambda m: ((_t(m, 6), 1.5), {})),
    ("view", "m", lambda m: ((_t(m, 6), 2), {"size": (2, 3)})),
    ("view", "m", lambda m: ((_t(m, 6), m.Size([2, 3]), 1), {})),
    ("view", "m", lambda m: ((_t(m, 6), m.contiguous_format), {})),
    ("view", "m", lambda m: ((_t(m, 6), m.device("cpu")), {})),
    ("view", "m", lambda m: ((_t(m, 6), np.float64(2.0)), {})),
    ("view", "m", lambda m: ((_t(m, 6), 2, _s(m, 3.0)), {})),
    ("view", "m", lambda m: ((_t(m, 6), 2, _i(m, 3, 3)), {})),
    ("view", "m", lambda m: ((_t(m, 6), 2, _s(m, True)), {})),
    ("view", "m", lambda m: ((_t(m, 6), 2, np.bool_(True)), {})),
    ("view", "m", lambda m: ((_t(m, 6), 2, (3,)), {})),
    ("view", "m", lambda m: ((_t(m, 6),), {"dtype": "a"})),
    # reshape / permute / expand: the single-int-list signatures
    ("reshape", "m", lambda m: ((_t(m, 6), 1.5, 2), {})),
    ("reshape", "m", lambda m: ((_t(m, 6), None), {})),
    ("reshape", "m", lambda m: ((_t(m, 6), 2, 3), {"shape": (6,)})),
    ("reshape", "m", lambda m: ((_t(m, 6),), {"shape": 6})),
    ("reshape", "f", lambda m: ((_t(m, 6), 6), {})),
    ("reshape", "f", lambda m: ((_t(m, 6), 2, 3), {})),
    ("reshape", "f", lambda m: ((_t(m, 6),), {"shape": (2, 3), "input": _t(m, 6)})),
    ("permute", "m", lambda m: ((_t(m, 2, 3), 1.5), {})),
    ("permute", "m", lambda m: ((_t(m, 2, 3),), {"dims": 1})),
    ("permute", "m", lambda m: ((_t(m, 2, 3), [1.5, 0]), {})),
    ("permute", "m", lambda m: ((_t(m, 2, 3),), {"dims": [1.5, 0]})),
    ("permute", "m", lambda m: ((_t(m, 2, 3), 0, 1.5), {})),
    ("permute", "m", lambda m: ((_t(m, 2, 3), [0, np.bool_(True)]), {})),
    ("permute", "m", lambda m: ((_t(m, 2, 3),), {})),
    ("permute", "m", lambda m: ((_t(m, 2, 3), 1, 0), {"dims": (1, 0)})),
    ("permute", "m", lambda m: ((_t(m, 2, 3), 0, 1), {"implicit": 1})),
    ("permute", "f", lambda m: ((_t(m, 2, 3), 1, 0), {})),
    ("permute", "f", lambda m: ((_t(m, 2, 3), 1), {})),
    ("expand", "m", lambda m: ((_t(m, 3), True, 3), {})),
    ("expand", "m", lambda m: ((_t(m, 3), True), {})),
    ("expand", "m", lambda m: ((_t(m, 3), [True, 3]), {})),
    ("expand", "m", lambda m: ((_t(m, 3), "a", 2), {})),
    ("expand", "m", lambda m: ((_t(m, 3), 2, "a"), {})),
    ("expand", "m", lambda m: ((_t(m, 3), 2, 3), {"implicit": 1})),
    ("expand", "m", lambda m: ((_t(m, 3), 2, 3), {"size": (2, 3)})),
    ("expand", "m", lambda m: ((_t(m, 3),), {})),
    ("expand", "m", lambda m: ((_t(m, 3),), {"size": 2.0})),
    ("expand", "m", lambda m: ((_t(m, 3), (2, 3), True), {})),
    ("expand", "m", lambda m: ((_t(m, 3), None, 3), {})),
    # transpose / flatten / squeeze / unsqueeze: int parameters
    ("transpose", "m", lambda m: ((_t(m, 2, 3), 0.5, 0), {})),
    ("transpose", "m", lambda m: ((_t(m, 2, 3), True, 0), {})),
    ("transpose", "m", lambda m: ((_t(m, 2, 3), 0), {"dim1": 0.5})),
    ("transpose", "m", lambda m: ((_t(m, 2, 3), 0), {})),
    ("transpose", "m", lambda m: ((_t(m, 2, 3), 0, 1, 2), {})),
    ("transpose", "m", lambda m: ((_t(m, 2, 3), None, 0), {})),
    ("transpose", "m", lambda m: ((_t(m, 2, 3), _s(m, 1.0), 0), {})),
    ("transpose", "m", lambda m: ((_t(m, 2, 3), _i(m, 1), 0), {})),
    ("transpose", "m", lambda m: ((_t(m, 2, 3), np.bool_(True), 0), {})),
    ("transpose", "m", lambda m: ((_t(m, 2, 3), 2 ** 64, 0), {})),
    ("transpose", "f", lambda m: ((_t(m, 2, 3), 0), {"dim0": 1})),
    ("transpose", "f", lambda m: ((_t(m, 2, 3),), {"dim0": 0, "dim2": 1})),
    ("flatten", "m", lambda m: ((_t(m, 2, 3), True), {})),
    ("flatten", "m", lambda m: ((_t(m, 2, 3), "a"), {})),
    ("flatten", "m", lambda m: ((_t(m, 2, 3),), {"start_dim": "a"})),
    ("flatten", "m", lambda m: ((_t(m, 2, 3), 0, 1, 2), {})),
    ("flatten", "f", lambda m: ((_t(m, 2, 3),), {1: 2})),
    ("flatten", "f", lambda m: ((), {})),
    ("squeeze", "m", lambda m: ((_t(m, 1, 3), None), {})),
    ("squeeze", "m", lambda m: ((_t(m, 1, 3),), {"dim": None})),
    ("squeeze", "m", lambda m: ((_t(m, 1, 3), 1.5), {})),
    ("squeeze", "m", lambda m: ((_t(m, 1, 3),), {"dim": 0, "x": 1})),
    ("squeeze", "f", lambda m: ((_t(m, 1, 3), "a"), {})),
    ("squeeze", "f", lambda m: ((_t(m, 1, 3), [0], 1), {})),
    ("unsqueeze", "m", lambda m: ((_t(m, 3), 0.5), {})),
    ("unsqueeze", "m", lambda m: ((_t(m, 3),), {"dim": 0.5})),
    ("unsqueeze", "m", lambda m: ((_t(m, 3), 0, 1), {})),
    ("unsqueeze", "m", lambda m: ((_t(m, 3),), {})),
    ("unsqueeze", "f", lambda m: ((), {"dim": 0})),
    # narrow / index_select / gather
    ("narrow", "m", lambda m: ((_t(m, 3), 0, 0), {})),
    ("narrow", "m", lambda m: ((_t(m, 3), 0, 0, 1, 2), {})),
    ("narrow", "m", lambda m: ((_t(m, 3), 0, 0.5, 1), {})),
    ("narrow", "m", lambda m: ((_t(m, 3), 0, 0), {"length": 1.5})),
    ("index_select", "m", lambda m: ((_t(m, 3), 0, [0]), {})),
    ("index_select", "m", lambda m: ((_t(m, 3),), {"dim": 0, "index": [0]})),
    ("index_select", "m", lambda m: ((_t(m, 3), 0), {})),
    ("index_select", "m", lambda m: ((_t(m, 3), 0, _i(m, 0)), {"out": _t(m, 1)})),
    ("index_select", "f", lambda m: ((_t(m, 3), 0, _i(m, 0)), {"out": 1})),
    ("gather", "m", lambda m: ((_t(m, 3), 0, _i(m, 0)), {"sparse_grad": None})),
    ("gather", "m", lambda m: ((_t(m, 3), 0, _i(m, 0), True), {})),
    ("gather", "m", lambda m: ((_t(m, 3), 0.5, _i(m, 0)), {})),
    ("gather", "f", lambda m: ((_t(m, 3), 0), {"index": _i(m, 0), "sparse": True})),
    # max: three overloads ("()" counts as one argument in torch's description)
    ("max", "m", lambda m: ((_t(m, 3), "a"), {})),
    ("max", "m", lambda m: ((_t(m, 3), 0, 1), {})),
    ("max", "m", lambda m: ((_t(m, 3), m.Size([2])), {})),
    ("max", "m", lambda m: ((_t(m, 3), m.float32), {})),
    ("max", "m", lambda m: ((_t(m, 3), 0, True, 1), {})),
    ("max", "m", lambda m: ((_t(m, 3),), {"dim": 0, "keepdims": 1})),
    ("max", "f", lambda m: ((_t(m, 3), "a"), {})),
    ("max", "f", lambda m: ((_t(m, 3), 0, False, O), {})),
    ("max", "f", lambda m: ((_t(m, 3), 0), {"out": [_t(m, 1), 1]})),
    ("max", "f", lambda m: ((_t(m, 3), 0), {"out": _t(m, 1)})),
    ("max", "f", lambda m: ((_t(m, 3),), {"other": 1, "out": None})),
    # norm (torch._VF.norm)
    ("norm", "f", lambda m: ((_t(m, 3), "a"), {})),
    ("norm", "f", lambda m: ((_t(m, 3), 2, 1.5), {})),
    ("norm", "f", lambda m: ((_t(m, 3), 2, 0, True), {"dtype": "x"})),
    ("norm", "f", lambda m: ((_t(m, 3), 2), {"dtype": m.float64, "dim": (0,)})),
    ("norm", "f", lambda m: ((_t(m, 3),), {"p": None})),
    # cat: tensor lists (bad elements raise even while overloads are tried)
    ("cat", "f", lambda m: (([_t(m, 2), 1],), {})),
    ("cat", "f", lambda m: ((), {"tensors": (_t(m, 2), 1)})),
    ("cat", "f", lambda m: ((_t(m, 2),), {})),
    ("cat", "f", lambda m: (([_t(m, 2)],), {"dim": 1.5})),
    ("cat", "f", lambda m: (([_t(m, 2)], 0, 1), {})),
    ("cat", "f", lambda m: ((), {})),
    ("cat", "f", lambda m: (([_t(m, 2)], None), {})),
    # to: Device / ScalarType / Tensor overloads
    ("to", "m", lambda m: ((_t(m, 2), O), {})),
    ("to", "m", lambda m: ((_t(m, 2), m.float64, 1), {})),
    ("to", "m", lambda m: ((_t(m, 2), m.float64), {"memory_format": "x"})),
    ("to", "m", lambda m: ((_t(m, 2),), {"dtype": 1.5})),
    ("to", "m", lambda m: ((_t(m, 2), m.float64, False, False, m.contiguous_format), {})),
    ("to", "m", lambda m: ((_t(m, 2), "cpu", m.float64, False, False, False), {})),
    # div: a required keyword-only parameter ("takes from 3 to 2 positional arguments")
    ("div", "f", lambda m: ((_t(m, 2), _t(m, 2), "floor"), {})),
    ("div", "f", lambda m: ((_t(m, 2), _t(m, 2)), {"rounding_mode": 1})),
    ("div", "m", lambda m: ((_t(m, 2), "a"), {"rounding_mode": "floor"})),
    ("div", "m", lambda m: ((_t(m, 2),), {"rounding_mode": "floor"})),
]

# accepted calls: (op, form, build, overload index, {param: where the bound object came from})
# where: an int is a position in args (args[0] is the receiver for methods), a str a
# keyword, "*" the tuple of the positional args after the receiver (var-args int list)
GOOD = [
    ("add", "f", lambda m: ((_t(m, 2), _t(m, 2)), {}), 0, {"input": 0, "other": 1}),
    ("add", "f", lambda m: ((_t(m, 2), 2), {"alpha": 3}), 0,
     {"input": 0, "other": 1, "alpha": "alpha"}),
    ("add", "f", lambda m: ((_t(m, 2), 1), {"other": 2}), 1,
     {"input": 0, "alpha": 1, "other": "other"}),
    ("add", "m", lambda m: ((_t(m, 2), 1), {"other": 2}), 1,
     {"input": 0, "alpha": 1, "other": "other"}),
    ("add", "m", lambda m: ((_t(m, 2), 2.5), {"alpha": True}), 0,
     {"input": 0, "other": 1, "alpha": "alpha"}),
    ("add", "f", lambda m: ((), {"x2": _t(m, 2), "x": _t(m, 2)}), 0,
     {"input": "x", "other": "x2"}),
    ("view", "m", lambda m: ((_t(m, 6), ()), {}), 1, {"size": 1}),
    ("squeeze", "m", lambda m: ((_t(m, 1, 3), 0, 1), {}), 2, {"input": 0, "dim": "*"}),
    ("squeeze", "m", lambda m: ((_t(m, 1, 3), m.Size([0])), {}), 2, {"input": 0, "dim": 1}),
    ("narrow", "f", lambda m: ((_t(m, 3), 0, _t(m, 3), 1), {}), 0,
     {"input": 0, "dim": 1, "start": 2, "length": 3}),
    ("div", "f", lambda m: ((_t(m, 2), _t(m, 2)), {"rounding_mode": "floor", "out": 3}), 1,
     {"input": 0, "other": 1, "rounding_mode": "rounding_mode", "out": "out"}),
    ("sub", "m", lambda m: ((_t(m, 2), _t(m, 2)), {"alpha": 2}), 0,
     {"input": 0, "other": 1, "alpha": "alpha"}),
    ("sub", "f", lambda m: ((_t(m, 2), _t(m, 2)), {"alpha": _s(m, 2.0), "out": _t(m, 2)}), 0,
     {"input": 0, "other": 1, "alpha": "alpha", "out": "out"}),
    ("clamp", "f", lambda m: ((_t(m, 2), 0), {}), 1, {"input": 0, "min": 1}),
    ("clamp", "f", lambda m: ((_t(m, 2), _t(m, 2)), {}), 0, {"input": 0, "min": 1}),
    ("clamp", "f", lambda m: ((_t(m, 2), None, 1.5), {}), 1, {"input": 0, "max": 2}),
    ("clamp", "m", lambda m: ((_t(m, 2),), {"min": _s(m, 1.0, requires_grad=True)}), 0,
     {"input": 0, "min": "min"}),
    ("clamp", "m", lambda m: ((_t(m, 2), np.float32(1)), {}), 1, {"input": 0, "min": 1}),
    ("clamp", "m", lambda m: ((_t(m, 2), True), {}), 1, {"input": 0, "min": 1}),
    ("sum", "m", lambda m: ((_t(m, 2),), {}), 0, {"input": 0}),
    ("sum", "m", lambda m: ((_t(m, 2), 0), {}), 1, {"input": 0, "dim": 1}),
    ("sum", "m", lambda m: ((_t(m, 2, 3), (0, 1)), {}), 1, {"input": 0, "dim": 1}),
    ("sum", "m", lambda m: ((_t(m, 2, 3), [0, 1], True), {}), 1,
     {"input": 0, "dim": 1, "keepdim": 2}),
    ("sum", "m", lambda m: ((_t(m, 2),), {"dtype": m.float64}), 0, {"input": 0, "dtype": "dtype"}),
    ("sum", "m", lambda m: ((_t(m, 2), 0), {"dtype": m.float64}), 1,
     {"input": 0, "dim": 1, "dtype": "dtype"}),
    ("sum", "m", lambda m: ((_t(m, 2),), {"axis": 0, "keepdims": True}), 1,
     {"input": 0, "dim": "axis", "keepdim": "keepdims"}),
    ("sum", "m", lambda m: ((_t(m, 2), None), {}), 1, {"input": 0}),
    ("sum", "m", lambda m: ((_t(m, 2), _s(m, 0)), {}), 1, {"input": 0, "dim": 1}),
    ("sum", "m", lambda m: ((_t(m, 2), np.int64(0)), {}), 1, {"input": 0, "dim": 1}),
    ("sum", "m", lambda m: ((_t(m, 2, 3), [0, _i(m, 1)]), {}), 1, {"input": 0, "dim": 1}),
    ("sum", "f", lambda m: ((_t(m, 2), (0,)), {"out": m.ones(())}), 1,
     {"input": 0, "dim": 1, "out": "out"}),
    ("mean", "m", lambda m: ((_t(m, 2),), {"dim": None, "keepdim": True}), 1,
     {"input": 0, "keepdim": "keepdim"}),
    ("mean", "f", lambda m: ((_t(m, 2),), {"dtype": m.float64, "out": m.ones(())}), 0,
     {"input": 0, "dtype": "dtype", "out": "out"}),
    ("view", "m", lambda m: ((_t(m, 6), 2, 3), {}), 1, {"size": "*"}),
    ("view", "m", lambda m: ((_t(m, 6), (2, 3)), {}), 1, {"size": 1}),
    ("view", "m", lambda m: ((_t(m, 6), [2, 3]), {}), 1, {"size": 1}),
    ("view", "m", lambda m: ((_t(m, 6), m.Size([2, 3])), {}), 1, {"size": 1}),
    ("view", "m", lambda m: ((_t(m, 6), -1), {}), 1, {"size": "*"}),
    ("view", "m", lambda m: ((_t(m, 6), 2, True), {}), 1, {"size": "*"}),
    ("view", "m", lambda m: ((_t(m, 6), _s(m, 2), 3), {}), 1, {"size": "*"}),
    ("view", "m", lambda m: ((_t(m, 6), 2, _i(m, 3)), {}), 1, {"size": "*"}),
    ("view", "m", lambda m: ((_t(m, 6), np.int64(2), 3), {}), 1, {"size": "*"}),
    ("view", "m", lambda m: ((_t(m, 6),), {"size": (6,)}), 1, {"size": "size"}),
    ("view", "m", lambda m: ((_t(m, 6), m.int32), {}), 0, {"dtype": 1}),
    ("view", "m", lambda m: ((_t(m, 6),), {"dtype": m.int32}), 0, {"dtype": "dtype"}),
    ("view", "m", lambda m: ((_t(m, 6), float), {}), 0, {"dtype": 1}),
    ("reshape", "m", lambda m: ((_t(m, 6), 6), {}), 0, {"input": 0, "shape": "*"}),
    ("reshape", "m", lambda m: ((_t(m, 6), 2, 3), {}), 0, {"input": 0, "shape": "*"}),
    ("reshape", "f", lambda m: ((_t(m, 6), (2, 3)), {}), 0, {"input": 0, "shape": 1}),
    ("transpose", "m", lambda m: ((_t(m, 2, 3), 0, 1), {}), 0,
     {"input": 0, "dim0": 1, "dim1": 2}),
    ("transpose", "m", lambda m: ((_t(m, 2, 3), _s(m, 1), 0), {}), 0,
     {"input": 0, "dim0": 1, "dim1": 2}),
    ("transpose", "f", lambda m: ((), {"input": _t(m, 2, 3), "dim0": 0, "dim1": 1}), 0,
     {"input": "input", "dim0": "dim0", "dim1": "dim1"}),
    ("permute", "m", lambda m: ((_t(m, 2, 3), 1, 0), {}), 0, {"input": 0, "dims": "*"}),
    ("permute", "m", lambda m: ((_t(m, 2, 3), [1, 0]), {}), 0, {"input": 0, "dims": 1}),
    ("permute", "m", lambda m: ((_t(m, 2, 3),), {"dims": (1, 0)}), 0, {"input": 0, "dims": "dims"}),
    ("permute", "f", lambda m: ((_t(m, 2, 3), (1, 0)), {}), 0, {"input": 0, "dims": 1}),
    ("expand", "m", lambda m: ((_t(m, 3), 2, 3), {}), 0, {"size": "*"}),
    ("expand", "m", lambda m: ((_t(m, 3), (2, 3)), {"implicit": True}), 0,
     {"size": 1, "implicit": "implicit"}),
    ("flatten", "m", lambda m: ((_t(m, 2, 3),), {}), 0, {"input": 0}),
    ("flatten", "m", lambda m: ((_t(m, 2, 3), 0, 1), {}), 0,
     {"input": 0, "start_dim": 1, "end_dim": 2}),
    ("flatten", "m", lambda m: ((_t(m, 2, 3),), {"end_dim": 1}), 0,
     {"input": 0, "end_dim": "end_dim"}),
    ("squeeze", "m", lambda m: ((_t(m, 1, 3),), {}), 0, {"input": 0}),
    ("squeeze", "m", lambda m: ((_t(m, 1, 3), 0), {}), 1, {"input": 0, "dim": 1}),
    ("squeeze", "m", lambda m: ((_t(m, 1, 3), (0,)), {}), 2, {"input": 0, "dim": 1}),
    ("squeeze", "f", lambda m: ((_t(m, 1, 3),), {"dim": [0]}), 2, {"input": 0, "dim": "dim"}),
    ("unsqueeze", "m", lambda m: ((_t(m, 3), 0), {}), 0, {"input": 0, "dim": 1}),
    ("unsqueeze", "m", lambda m: ((_t(m, 3), _s(m, 0)), {}), 0, {"input": 0, "dim": 1}),
    ("narrow", "m", lambda m: ((_t(m, 3), 0, 0, 1), {}), 1,
     {"input": 0, "dim": 1, "start": 2, "length": 3}),
    ("narrow", "m", lambda m: ((_t(m, 3), 0, _s(m, 0), 1), {}), 0,
     {"input": 0, "dim": 1, "start": 2, "length": 3}),
    ("narrow", "m", lambda m: ((_t(m, 3), 0, 0, _s(m, 1)), {}), 1,
     {"input": 0, "dim": 1, "start": 2, "length": 3}),
    ("narrow", "m", lambda m: ((_t(m, 3),), {"dim": 0, "start": 0, "length": 1}), 1,
     {"input": 0, "dim": "dim", "start": "start", "length": "length"}),
    ("index_select", "m", lambda m: ((_t(m, 3), 0, _i(m, 0)), {}), 0,
     {"input": 0, "dim": 1, "index": 2}),
    ("index_select", "f", lambda m: ((_t(m, 3), 0, _i(m, 0)), {"out": _t(m, 1)}), 0,
     {"input": 0, "dim": 1, "index": 2, "out": "out"}),
    ("gather", "m", lambda m: ((_t(m, 3), 0, _i(m, 0)), {"sparse_grad": True}), 0,
     {"input": 0, "dim": 1, "index": 2, "sparse_grad": "sparse_grad"}),
    ("max", "m", lambda m: ((_t(m, 3),), {}), 0, {"input": 0}),
    ("max", "m", lambda m: ((_t(m, 3), _t(m, 3)), {}), 1, {"input": 0, "other": 1}),
    ("max", "m", lambda m: ((_t(m, 3), 0), {}), 2, {"input": 0, "dim": 1}),
    ("max", "m", lambda m: ((_t(m, 3), 0, True), {}), 2, {"input": 0, "dim": 1, "keepdim": 2}),
    ("max", "f", lambda m: ((_t(m, 3),), {"dim": 0, "keepdim": True}), 2,
     {"input": 0, "dim": "dim", "keepdim": "keepdim"}),
    ("max", "f", lambda m: ((_t(m, 3), 0), {"out": (_t(m, 1), _i(m, 0))}), 2,
     {"input": 0, "dim": 1, "out": "out"}),
    ("norm", "f", lambda m: ((_t(m, 3),), {}), 0, {"input": 0}),
    ("norm", "f", lambda m: ((_t(m, 3), 2), {}), 0, {"input": 0, "p": 1}),
    ("norm", "f", lambda m: ((_t(m, 3), None), {"dtype": m.float64}), 1,
     {"input": 0, "dtype": "dtype"}),
    ("norm", "f", lambda m: ((_t(m, 3), 2, 0), {}), 3, {"input": 0, "p": 1, "dim": 2}),
    ("norm", "f", lambda m: ((_t(m, 3), 2, [0], True), {"dtype": m.float64}), 2,
     {"input": 0, "p": 1, "dim": 2, "keepdim": 3, "dtype": "dtype"}),
    ("cat", "f", lambda m: (([_t(m, 2), _t(m, 2)],), {}), 0, {"tensors": 0}),
    ("cat", "f", lambda m: (((_t(m, 2), _t(m, 2)), 0), {}), 0, {"tensors": 0, "dim": 1}),
    ("cat", "f", lambda m: (([_t(m, 2)],), {"axis": 0}), 0, {"tensors": 0, "dim": "axis"}),
    ("to", "m", lambda m: ((_t(m, 2), m.float64), {}), 1, {"dtype": 1}),
    ("to", "m", lambda m: ((_t(m, 2), "cpu"), {}), 0, {"device": 1}),
    ("to", "m", lambda m: ((_t(m, 2), m.device("cpu"), m.float64), {}), 0,
     {"device": 1, "dtype": 2}),
    ("to", "m", lambda m: ((_t(m, 2), _t(m, 2, dtype=m.float64)), {}), 2, {"tensor": 1}),
    ("to", "m", lambda m: ((_t(m, 2), float), {}), 1, {"dtype": 1}),
    ("to", "m", lambda m: ((_t(m, 2), None), {}), 0, {}),
    ("to", "m", lambda m: ((_t(m, 2), m.float64, True), {}), 1,
     {"dtype": 1, "non_blocking": 2}),
    ("to", "m", lambda m: ((_t(m, 2),), {"memory_format": m.contiguous_format}), 0,
     {"memory_format": "memory_format"}),
    ("to", "m", lambda m: ((_t(m, 2),), {"device": "cpu", "dtype": m.float64, "copy": True}), 0,
     {"device": "device", "dtype": "dtype", "copy": "copy"}),
    ("div", "f", lambda m: ((_t(m, 2), 2), {}), 0, {"input": 0, "other": 1}),
    ("div", "f", lambda m: ((_t(m, 2), 2), {"rounding_mode": "floor"}), 1,
     {"input": 0, "other": 1, "rounding_mode": "rounding_mode"}),
    ("div", "m", lambda m: ((_t(m, 2), _t(m, 2)), {"rounding_mode": None}), 1,
     {"input": 0, "other": 1}),
]


def _case_id(case):
    op, form = case[0], case[1]
    return f"{op}-{'fn' if form == 'f' else 'method'}"


def _expected_error(op, form, build):
    args, kwargs = build(torch)
    return torch_outcome(op, form, args, kwargs)


@pytest.mark.parametrize("op,form,build", CALLS, ids=[_case_id(c) for c in CALLS])
def test_rejected_call_message_matches_torch(op, form, build):
    expected = _expected_error(op, form, build)
    assert expected is not None, "torch accepts this call; move it to GOOD"
    args, kwargs = build(refimpl)
    result, error = refimpl_outcome(op, form, args, kwargs)
    assert error is not None, f"refimpl.argparse accepted it as {result}, torch: {expected!r}"
    assert error == expected


@pytest.mark.parametrize("op,form,build,index,where", GOOD, ids=[_case_id(c) for c in GOOD])
def test_accepted_call_binds_like_torch(op, form, build, index, where):
    expected = _expected_error(op, form, build)
    # torch may still refuse the values (a shape, a device): only not the arguments
    assert expected is None or expected[0] not in (TypeError, ValueError), expected
    args, kwargs = build(refimpl)
    result, error = refimpl_outcome(op, form, args, kwargs)
    assert error is None, error
    got_index, bound = result
    assert got_index == index
    assert set(bound) == set(where)
    start = 1 if form == "m" else 0
    for name, source in where.items():
        if source == "*":
            assert bound[name] == tuple(args[start:])
        elif isinstance(source, int):
            assert bound[name] is args[source]
        else:
            assert bound[name] is kwargs[source]


def _printed_options(op, form):
    """The overloads torch lists for a call that fits none of them."""
    junk = (O,) * 9
    try:
        if form == "f":
            (TORCH_FUNCTIONS.get(op) or getattr(torch, op))(*junk)
        else:
            getattr(torch.Tensor, op)(torch.ones(1), *junk)
    except TypeError as e:
        text = str(e)
    if "expected one of:\n" in text:
        body = text.split("expected one of:\n", 1)[1]
        return [line[3:] for line in body.splitlines() if line.startswith(" * ")]
    return [text.split("but expected ", 1)[1]]


MULTI = [(op, form) for op, sigs in SIGNATURES.items() if len(sigs) > 1
         for form in ("f", "m")
         if not (form == "f" and op in METHOD_ONLY) and not (form == "m" and op in FUNCTION_ONLY)]


@pytest.mark.parametrize("op,form", MULTI, ids=[f"{o}-{f}" for o, f in MULTI])
def test_options_match_torch(op, form):
    assert parser(op, form).options() == _printed_options(op, form)


def _pool(m):
    """Argument values drawn by the random differential test (built for torch or refimpl)."""
    return [
        lambda: m.ones(2, 3), lambda: m.tensor(1.5), lambda: m.tensor(2), lambda: m.tensor([1]),
        lambda: m.tensor(True), lambda: m.tensor([True]), lambda: m.tensor(1.0, requires_grad=True),
        lambda: m.zeros(2, dtype=m.int64), lambda: 0, lambda: 1, lambda: -1, lambda: True,
        lambda: 1.5, lambda: 1j, lambda: "floor", lambda: "cpu", lambda: None, lambda: (0, 1),
        lambda: [1, 0], lambda: (0, 1.5), lambda: [1.5], lambda: (), lambda: [], lambda: [[0]],
        lambda: (True, 0), lambda: [m.tensor(1), 0], lambda: (m.tensor([0]),),
        lambda: m.Size([2, 3]), lambda: m.float64, lambda: m.int32, lambda: float, lambda: int,
        lambda: m.contiguous_format, lambda: m.device("cpu"), lambda: np.int64(1),
        lambda: np.float64(2.0), lambda: np.bool_(True), lambda: [m.ones(2), m.ones(2)],
        lambda: [m.ones(2), 1], lambda: 2 ** 64, lambda: -2 ** 63,
    ]


def _random_calls(seed, count):
    rng = random.Random(seed)
    n_values = len(_pool(torch))
    for _ in range(count):
        op = rng.choice(sorted(SIGNATURES))
        form = rng.choice([f for f in ("f", "m") if not (f == "f" and op in METHOD_ONLY)
                           and not (f == "m" and op in FUNCTION_ONLY)])
        names = sorted({p.name for s in parser(op, form).signatures for p in s.params})
        names += ["foo", "axis", "keepdims", "x", "x2", "input", "out"]
        picks = [rng.randrange(n_values) for _ in range(rng.choice([0, 1, 1, 2, 2, 3, 4]))]
        keywords = {rng.choice(names): rng.randrange(n_values)
                    for _ in range(rng.choice([0, 0, 1, 1, 2, 3]))}

        def build(m, picks=picks, keywords=keywords, form=form):
            pool = _pool(m)
            args = tuple(pool[i]() for i in picks)
            kwargs = {k: pool[i]() for k, i in keywords.items()}
            return ((m.ones(2, 3),) + args if form == "m" else args), kwargs
        yield op, form, build


def _same_outcome(expected, error):
    if expected is None or (expected[0] not in (TypeError, ValueError) and error is None):
        return error is None          # torch parsed the call (it may fail later, in the op)
    if expected[0] is ValueError and "Overflow" not in expected[1]:
        return error is None          # an op-level ValueError (torch.cat of no tensors)
    if error is not None and "Overflow when unpacking long long\nException" in expected[1]:
        return expected[1].startswith(error[1][:-1])   # torch appends a C++ backtrace
    return error == expected


@pytest.mark.parametrize("seed", range(3))
def test_random_calls_match_torch(seed):
    """Random argument lists for every op above: refimpl.argparse accepts what torch's
    parser accepts and words every refusal as torch does."""
    for op, form, build in _random_calls(seed, 500):
        expected = _expected_error(op, form, build)
        args, kwargs = build(refimpl)
        result, error = refimpl_outcome(op, form, args, kwargs)
        assert _same_outcome(expected, error), (op, form, args, kwargs, expected, error or result)


def test_method_signatures_drop_receiver_and_out():
    p = parser("clamp", "m")
    assert [str(s) for s in p.signatures] == ["(Tensor min = None, Tensor max = None)",
                                              "(Number min = None, Number max = None)"]
    assert p.signatures[0].self_name == "input"
    assert [x.name for x in p.signatures[0].params] == ["min", "max"]


def test_params_describe_the_signature():
    sig = Parser(SIGNATURES["sum"]).signatures[1]
    dim, keepdim, dtype, out = sig.params[1:]
    assert (dim.name, dim.type, dim.nullable, dim.default, dim.kwarg_only, dim.size) == \
        ("dim", "int[]", True, NO_DEFAULT, False, 1)
    assert (keepdim.type, keepdim.default, keepdim.kwarg_only) == ("bool", False, False)
    assert (dtype.type, dtype.nullable, dtype.default, dtype.kwarg_only) == \
        ("ScalarType", True, None, True)
    assert out.type == "Tensor" and out.default is None
    p = Parser(["f(Tensor input, IntArrayRef[2] stride=1, int[] pad=[], "
                "MemoryFormat memory_format=contiguous_format, str mode='a\\tb', float eps=1e-5)"])
    stride, pad, fmt, mode, eps = p.signatures[0].params[1:]
    assert stride.default == (1, 1) and pad.default == () and fmt.default == "contiguous_format"
    assert mode.default == "a\tb" and eps.default == 1e-5
    assert str(p.signatures[0]) == (
        "(Tensor input, tuple of ints stride = 1, tuple of ints pad = [], "
        "torch.memory_format memory_format = contiguous_format, str mode = 'a\\tb', "
        "float eps = 1e-5)")


def test_deprecated_overload_warns_once_like_torch():
    import refimpl.argparse as ap
    ap._warned_deprecated = False
    p = parser("add", "m")
    with pytest.warns(UserWarning) as record:
        p.parse((1,), {"other": 2}, self=refimpl.ones(2))
    assert str(record[0].message) == (
        "This overload of add is deprecated:\n\tadd(Number alpha, Tensor other)\n"
        "Consider using one of the following signatures instead:\n"
        "\tadd(Tensor other, *, Number alpha = 1)")


@pytest.mark.parametrize("count", [2, 3, 5, 8, 13, 14, 20, 30])
def test_keyword_order_follows_torchs_unordered_map(count):
    names = [f"k{i}x" for i in range(count)][::-1] + ["min", "max", "out"][:count % 3]
    kwargs = {n: 1.5 for n in names}
    with pytest.raises(TypeError) as expected:
        torch.clamp(torch.ones(1), **kwargs)
    described = str(expected.value).split("got (Tensor, ", 1)[1].split("), but", 1)[0]
    assert described == ", ".join(f"{k}=float" for k in _unordered_map_order(list(kwargs)))
    with pytest.raises(TypeError) as got:
        parser("clamp", "f").parse((refimpl.ones(1),), kwargs)
    assert str(got.value) == str(expected.value)


def test_bad_signatures_are_refused():
    for bad in ("f(Tensor)", "f(Widget w)", "f(Tensor x=1)", "f Tensor x", "f(bool[3] mask)"):
        with pytest.raises(ValueError):
            Parser([bad])


def test_parse_speed():
    """parse() runs on every refimpl op call; keep a typical call well above 50k/s."""
    p = parser("sum", "m")
    t = refimpl.ones(2, 3)
    kwargs = {"keepdim": True}
    n = 20000
    start = time.perf_counter()
    for _ in range(n):
        p.parse((1,), kwargs, self=t)
    rate = n / (time.perf_counter() - start)
    assert rate > 50_000, f"{rate:.0f} parses/s"
