"""Backward rules: what an op's `derivative(...)` declares, and the node that applies it
(tools/autograd/derivatives.yaml, the nodes tools/autograd/gen_autograd_functions.py
generates, torch/csrc/autograd/FunctionsManual.h TypeAndSize)."""
from __future__ import annotations

import inspect

from .graph import Node, SavedTensor, node_class


NOT_IMPLEMENTED = "torch::autograd::NotImplemented"
# what a formula may read of an argument instead of the argument itself, as the generated
# nodes keep `self_sym_sizes`, `self_scalar_type`, `TensorGeometry(self)`, `self_info`:
# kept as values, so an in-place write to the argument later is no version error
_METADATA = ("_sizes", "_strides", "_geometry", "_dtype", "_info")


class TypeAndSize:
    """An argument's sizes and dtype (FunctionsManual.h TypeAndSize, `self_info`)."""

    def __init__(self, sizes, dtype):
        self.sizes, self.dtype = tuple(sizes), dtype

    def zeros(self):
        from ..creation import zeros
        return zeros(self.sizes, dtype=self.dtype)

    def __iter__(self):  # unpacks as (sizes, dtype)
        return iter((self.sizes, self.dtype))


def _metadata(t, kind):
    from ..tensor import Tensor
    if isinstance(t, (list, tuple)):
        return [None if x is None else _metadata(x, kind) for x in t]
    if not isinstance(t, Tensor):
        return None
    if kind == "_sizes":
        return tuple(t._sizes)
    if kind == "_strides":
        return tuple(t._strides)
    if kind == "_geometry":
        return (tuple(t._sizes), tuple(t._strides), t._offset)
    if kind == "_dtype":
        return t.dtype
    return TypeAndSize(t._sizes, t.dtype)


def metadata_of(name):
    """(argument, kind) for a formula parameter like `self_sizes`, else (None, None)."""
    for kind in _METADATA:
        if name.endswith(kind) and len(name) > len(kind):
            return name[:-len(kind)], kind
    return None, None


class Derivative:
    """An op's backward rule (derivatives.yaml): the node's class name and a formula per
    differentiable input. A formula's parameters name what it reads: `grad` (the gradient
    of the output; `grads` for every output of a multi-output op), `result` (the output),
    the op's own arguments by their names in its implementation, and `<argument>_sizes`,
    `_strides`, `_geometry` (sizes, strides, offset), `_dtype`, `_info` (TypeAndSize) for
    what torch keeps of an argument without saving it.

    Where one refimpl op is several aten overloads with nodes of their own (max() saves
    self and result, max(dim) the indices), `variants` maps each node name to its formulas
    and `name(overload, **args)` chooses one; NOT_IMPLEMENTED chooses torch's
    NotImplemented node."""

    def __init__(self, name, formulas, variants=None, inplace_only=False, float_self_only=False,
                 integral_untracked=False, below_autograd=None, aten_names=None):
        self.name = name
        self.below_autograd = below_autograd  # what its kernel calls through autograd (see derivative)
        self.integral_untracked = integral_untracked  # an integer result is just not tracked
        self.inplace_only = inplace_only        # only the in-place twin has it (eq_, not eq)
        self.float_self_only = float_self_only  # nothing is recorded into an integer self
        aten_names = {"input": "self"} if aten_names is None else aten_names
        self.variants = {n: _Rule(n, fs, aten_names) for n, fs in (variants or {}).items()}
        self.default = _Rule(name if isinstance(name, str) else None, formulas, aten_names)

    def rule(self, bound, overload):
        if callable(self.name):
            params = list(inspect.signature(self.name).parameters)[1:]
            chosen = self.name(overload, **{k: bound.get(k) for k in params})
        else:
            chosen = self.name
        if chosen == NOT_IMPLEMENTED:
            return None
        rule = self.variants.get(chosen)
        if rule is None:
            rule = self.default if self.default.name == chosen else self.default.named(chosen)
        return rule


class _Rule:
    """One node class and its formulas."""

    def __init__(self, name, formulas, aten_names):
        self.name = name
        self.formulas = formulas
        self.aten_names = aten_names   # refimpl argument name -> aten's (the unpack order)
        self.reads = {inp: tuple(inspect.signature(fn).parameters) for inp, fn in formulas.items()}
        self._named = {}
        self.node_class = node_class(name, OpNode) if name else None

    def named(self, name):
        """The same formulas under another node name (SumBackward0 / SumBackward1)."""
        rule = self._named.get(name)
        if rule is None:
            rule = self._named[name] = _Rule(name, self.formulas, self.aten_names)
        return rule


def derivative(op, name, variants=None, inplace_only=False, float_self_only=False,
               integral_untracked=False, below_autograd=None, aten_names=None, **formulas):
    """Declare op's backward rule beside its declaration:

        derivative(sigmoid, "SigmoidBackward0",
                   input=lambda grad, result: grad * result * (1 - result))

    `name` may be a function (overload, **args) -> name where the node's class depends on
    the overload torch matched (MeanBackward0 for mean(), MeanBackward1 for mean(dim)):
    `overload` is the argparse Signature the call matched, or None for an internal call.
    NOT_IMPLEMENTED as the name gives torch's NotImplemented node (floor_divide).
    `inplace_only`: torch differentiates only the in-place twin (eq_; eq itself returns
    bool, and its out= is not refused). `float_self_only`: an in-place write into a
    self that cannot require grad records nothing (copy_, VariableTypeManual.cpp).
    `integral_untracked`: a result whose dtype argument is an integer one is not tracked
    (_to_copy, decided before the kernel runs); otherwise an integer result is
    torch's "Autograd not support dtype" error.
    `below_autograd(**args)`: for an op whose kernel makes a normal tensor and calls an op
    with it, what that call does when the op's own call went below autograd (its tensors
    all inference tensors, outside inference mode): the new tensor brings autograd back.
    Scalar overloads wrap the number (BinaryOps.cpp wrapped_scalar_tensor) and call the
    Tensor op: returned as (op, args, kwargs, the signature it matches, or None: an
    internal function, as stack's cat then view); abs and
    nan_to_num call their out= variant with a fresh result, which autograd refuses where
    the input requires grad: raised. None: nothing more to do.
    `aten_names`: refimpl's argument names that aten spells otherwise, which decides the
    order saved values are unpacked (and version-checked) in; {"input": "self"} unless
    given (native_batch_norm's first argument is aten's `input`: {})."""
    op.__declaration__.derivative = Derivative(name, formulas, variants, inplace_only,
                                               float_self_only, integral_untracked,
                                               below_autograd, aten_names)


class OpNode(Node):
    """The node of an op with a derivative: its formulas, what they read saved."""

    def __init__(self, rule, edges, next_functions, metas):
        super().__init__(next_functions, metas)
        self.rule = rule
        self.edges = edges          # input name -> edge positions (one, or one per list item)
        self.saved = {}             # name -> SavedTensor | [SavedTensor | None] | value
        self.num_outputs = 1
        self.forced = ()            # edge positions computed even without a next node

    def release(self):
        for v in self.saved.values():
            for s in (v if isinstance(v, (list, tuple)) else (v,)):
                if isinstance(s, (SavedTensor, SavedNumber)):
                    s.freed = True

    def _read(self, name, grads):
        if name == "grad":
            return grads[0]
        if name == "grads":
            return grads
        return _unpack(self.saved[name], self)

    def apply(self, grads, needed=None):
        # every saved value is unpacked first, needed or not: the version checks and the
        # freed-graph error come before any formula (the generated apply() functions), in
        # the generated order: inputs, then outputs, each sorted by aten's argument name
        for _, v in sorted(self.saved.items(),
                           key=lambda item: _unpack_order(item, self.rule.aten_names)):
            _unpack(v, self)
        out = [None] * len(self.next_functions)
        if all(g is None for g in grads):
            # a node is run though no gradient reached it (norm's p = 0 gives none): after
            # the unpacking, every output is undefined (any_grad_defined)
            return out
        for inp, formula in self.rule.formulas.items():
            positions = self.edges.get(inp)
            if positions is None:
                continue
            if not any((needed or self.task_needs)(p) for p in positions):
                continue
            value = formula(**{n: self._read(n, grads) for n in self.rule.reads[inp]})
            if isinstance(value, (list, tuple)):
                for p, g in zip(positions, value):
                    out[p] = g
            else:
                out[positions[0]] = value
        return out


class SavedNumber:
    """A Python number passed for a Tensor parameter: torch saves the wrapped 0-dim tensor
    as a SavedVariable, freed with the graph; formulas get that tensor (double, long or
    bool, as wrapped numbers are), so `grad * other` is mul.Tensor as in torch."""
    __slots__ = ("value", "freed")

    def __init__(self, value):
        self.value, self.freed = value, False

    def unpack(self, node=None):
        if self.freed:
            from .graph import FREED
            raise RuntimeError(FREED)
        from .. import dtypes
        from ..creation import tensor
        kind = (dtypes.bool_ if isinstance(self.value, bool) else
                dtypes.int64 if isinstance(self.value, int) else dtypes.float64)
        return tensor(self.value, dtype=kind)


def _unpack_order(item, aten_names):
    """gen_autograd_functions.py saves (and unpacks) a node's inputs sorted by aten's
    names, then its outputs."""
    name = item[0]
    return (name.startswith("result"), aten_names.get(name, name))


def _unpack(v, node):
    if isinstance(v, (SavedTensor, SavedNumber)):
        return v.unpack(node)
    if isinstance(v, (list, tuple)) and any(isinstance(s, (SavedTensor, SavedNumber)) for s in v):
        return type(v)(s.unpack(node) if isinstance(s, (SavedTensor, SavedNumber)) else s
                       for s in v)
    return v
