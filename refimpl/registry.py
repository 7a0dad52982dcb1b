"""Op declarations: one per op family, written next to its function, and everything derived.

A declaration says what PyTorch's `native_functions.yaml` and its generated Python bindings
say of an op: its Python signatures (in the notation of torch's argument parser,
torch/csrc/utils/python_arg_parser.cpp), the forms torch offers (torch.f, Tensor.f, a
property, an operator), its aliases, whether an in-place twin `f_` exists, whether it
returns a view or writes in place, and its aten schema. From it come:

  - the torch-level functions, Tensor methods, properties and operators (bind()),
  - the in-place twin (f_(self, ...) runs f(self, ..., out=self): every op that has a twin
    writes into `out` with in-place rules, as TensorIterator does when an output is given),
  - the aliases (clip for clamp, and clip_ for clamp_),
  - `out=` for the signatures that have it (write_out below),
  - the argument checks and TypeErrors of torch's parser (refimpl.argparse),
  - the op variants the conformance generator draws (variants()),
  - the autograd layer each call goes through (autograd/recording.py record_op): the
    function a declaration gives its module is that layer around the kernel written.

    @declare("clamp(Tensor input, Tensor? min=None, Tensor? max=None, *, Tensor out=None)",
             "clamp(Tensor input, Scalar? min=None, Scalar? max=None, *, Tensor out=None)",
             inplace=True, aliases=("clip",), schema="aten::clamp")
    def clamp(input, min=None, max=None, *, out=None): ...
"""
from __future__ import annotations

import inspect
from dataclasses import dataclass

from .argparse import split_params
from .autograd.recording import record_op

FUNCTION, METHOD, ATTRIBUTE, OPERATOR, AUGMENTED = (
    "function", "method", "attribute", "operator", "augmented")
GETITEM, SETITEM = "getitem", "setitem"

# Python operator symbol -> (dunder, reflected dunder or None, augmented symbol or None)
OPERATOR_DUNDERS = {
    "+": ("__add__", "__radd__", "+="), "-": ("__sub__", "__rsub__", "-="),
    "*": ("__mul__", "__rmul__", "*="), "/": ("__truediv__", "__rtruediv__", "/="),
    "//": ("__floordiv__", "__rfloordiv__", "//="), "%": ("__mod__", "__rmod__", "%="),
    "**": ("__pow__", "__rpow__", "**="), "@": ("__matmul__", "__rmatmul__", "@="),
    "==": ("__eq__", None, None), "!=": ("__ne__", None, None), "<": ("__lt__", None, None),
    "<=": ("__le__", None, None), ">": ("__gt__", None, None), ">=": ("__ge__", None, None),
    "&": ("__and__", "__rand__", "&="), "|": ("__or__", "__ror__", "|="),
    "^": ("__xor__", "__rxor__", "^="),
    "neg": ("__neg__", None, None), "abs": ("__abs__", None, None), "~": ("__invert__", None, None),
}
AUGMENTED_DUNDERS = {"+=": "__iadd__", "-=": "__isub__", "*=": "__imul__", "/=": "__itruediv__",
                     "//=": "__ifloordiv__", "%=": "__imod__", "**=": "__ipow__",
                     "@=": "__imatmul__", "&=": "__iand__", "|=": "__ior__", "^=": "__ixor__"}
OUTPUTS = ("new", "view", "inplace", "maybe_view")


@dataclass
class Declaration:
    """One op family as torch exposes it."""
    name: str
    impl: object
    signatures: tuple             # torch.<name> signatures (function form)
    method_signatures: tuple      # Tensor.<name> signatures (derived unless given)
    forms: tuple                  # of FUNCTION, METHOD, ATTRIBUTE, OPERATOR
    output: str = "new"
    schema: str | None = None
    aliases: tuple = ()
    inplace: bool = False         # an in-place twin name_ exists (a method)
    inplace_function: bool = False  # ... and torch.name_ too
    operator: str | None = None   # "+": a + b calls the method; a += b the twin
    reflected: object = None      # the reflected operator (2 - a): its implementation, or
                                  # True for the op with its operands swapped (2 % a)
    creates: bool = False         # a factory: device= is accepted
    multiple_outputs: bool = False
    parsed: bool = True           # torch checks the arguments with its C++ parser
    inplace_schema: str | None = None  # the twin's aten schema, where not name_.overload
    out_via: str = "copy"         # "kernel": out= is the kernel's output (TensorIterator's
                                  # rules); "copy": the result is written into it (write_out)
    out_check: object = None      # the op's own check of an out= tensor (dtype rules)
    out_check_first: bool = False  # ... made before the op's other checks (kernel-level ones)
    composite: bool = False       # CompositeImplicitAutograd: the ops it calls record its graph
    derivative: object = None     # its backward rule (autograd.derivatives.derivative), or
                                  # False for ops autograd never records (detach)
    op: object = None             # the function called: the kernel behind the autograd layer
    out_op: str | None = None     # a composite's op torch writes out= with (concatenate: cat)

    @property
    def positional_names(self):
        """The names of the arguments passed by position, in order, as torch.f takes them
        (Tensor.f's with `self` first where there is no function form)."""
        if (self.signatures and FUNCTION in self.forms) or not self.method_signatures:
            sig = self.signatures[0] if self.signatures else f"{self.name}()"
            names = []
        else:
            sig, names = self.method_signatures[0], ["self"]
        for p in _params_of(sig):
            if p == "*":
                break
            names.append(param_name(p))
        return tuple(names)


@dataclass(frozen=True)
class Variant:
    """One callable name of a family, with the forms it is called in."""
    name: str                     # "clamp", "clamp_", "clip", "clip_"
    family: str                   # "clamp"
    forms: tuple
    output: str
    schema: str | None
    operator: str | None = None   # the symbol for operator / augmented forms
    creates: bool = False
    multiple_outputs: bool = False
    inplace_twin: bool = False    # derived from the family (writes into self)


DECLARATIONS: dict = {}


def declare(*signatures, forms=(FUNCTION, METHOD), method=None, output="new", schema=None,
            aliases=(), inplace=False, inplace_function=False, operator=None, reflected=None,
            creates=False, multiple_outputs=False, parsed=True, name=None, inplace_schema=None,
            out_via=None, out_check=None, out_check_first=False, composite=False, out_op=None):
    """Register the decorated function as the implementation of an op family."""
    forms = tuple(forms.split()) if isinstance(forms, str) else tuple(forms)
    aliases = (aliases,) if isinstance(aliases, str) else tuple(aliases)

    def register(fn):
        op_name = name or (_name_of(signatures[0]) if signatures else fn.__name__)
        if op_name in DECLARATIONS:
            raise ValueError(f"op {op_name!r} declared twice")
        if output not in OUTPUTS:
            raise ValueError(f"{op_name}: output must be one of {OUTPUTS}")
        if inplace and "out" not in inspect.signature(fn).parameters:
            raise ValueError(f"{op_name}: an in-place twin needs an `out` parameter to write into")
        method_sigs = tuple(method) if method is not None else tuple(
            _method_signature(s) for s in signatures)
        DECLARATIONS[op_name] = Declaration(
            name=op_name, impl=fn, signatures=tuple(signatures), method_signatures=method_sigs,
            forms=forms, output=output, schema=schema, aliases=aliases, inplace=inplace,
            inplace_function=inplace_function, operator=operator, reflected=reflected,
            creates=creates, multiple_outputs=multiple_outputs, parsed=parsed,
            inplace_schema=inplace_schema,
            out_via=out_via or ("kernel" if inplace else "copy"), out_check=out_check,
            out_check_first=out_check_first, composite=composite, out_op=out_op)
        d = DECLARATIONS[op_name]
        d.op = record_op(d)
        return d.op
    return register


# --- signature text ---------------------------------------------------------------------------
def _name_of(signature):
    return signature.split("(", 1)[0].strip()


def _params_of(signature):
    inner = signature[signature.index("(") + 1:signature.rindex(")")]
    return [p for p in split_params(inner) if p]


def param_name(param):
    return param.split("=", 1)[0].split()[-1]


def self_param(signature):
    """The parameter a method is called on: `input` or `self` (torch.where's is second)."""
    for p in _params_of(signature):
        if p != "*" and param_name(p) in ("input", "self") and p.startswith("Tensor"):
            return param_name(p)
    return None


def _method_signature(signature):
    """Tensor.f's signature from torch.f's: without the tensor it is called on and `out`."""
    me = self_param(signature)
    params = [p for p in _params_of(signature) if p == "*" or param_name(p) not in (me, "out")]
    if params and params[-1] == "*":
        params.pop()
    marker = signature[signature.rindex(")") + 1:]  # |deprecated, |hidden
    return f"{_name_of(signature)}({', '.join(params)}){marker}"


def renamed(signature, new_name):
    return new_name + signature[signature.index("("):]


# --- variants ---------------------------------------------------------------------------------
def variants():
    """Every callable name the declarations give, with the forms it is called in."""
    out = []
    for d in DECLARATIONS.values():
        for name in (d.name,) + d.aliases:
            forms = d.forms
            if name != d.name:
                forms = tuple(f for f in forms if f in (FUNCTION, METHOD))
            out.append(Variant(name=name, family=d.name, forms=forms, output=d.output,
                               schema=_alias_schema(d, name),
                               operator=d.operator if name == d.name else None,
                               creates=d.creates, multiple_outputs=d.multiple_outputs))
            if d.inplace:
                twin_forms = (METHOD,) + ((FUNCTION,) if d.inplace_function else ())
                aug = OPERATOR_DUNDERS[d.operator][2] if d.operator and name == d.name else None
                if aug:
                    twin_forms += (AUGMENTED,)
                out.append(Variant(name=name + "_", family=d.name, forms=twin_forms,
                                   output="inplace", schema=_inplace_schema(d, name),
                                   operator=aug, inplace_twin=True))
    return out


def _alias_schema(d, name):
    """The family's aten schema under another of its names (clip for clamp)."""
    if name == d.name or not d.schema or not d.schema.startswith("aten::"):
        return d.schema
    return "aten::" + name + d.schema[len("aten::" + d.name):]


def _inplace_schema(d, name):
    if d.inplace_schema and name == d.name:
        return d.inplace_schema
    base = _alias_schema(d, name)
    if not base:
        return None
    op, _, overload = base.partition(".")
    return op + "_" + ("." + overload if overload else "")
