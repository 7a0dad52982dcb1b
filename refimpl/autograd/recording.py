"""Recording ops into the backward graph: the layer torch generates for every op
(tools/autograd/gen_variable_type.py, torch/csrc/autograd/VariableTypeManual.cpp,
variable.cpp, FunctionsManual.cpp).

Each declared op is called through `record_op` (refimpl/registry.py wraps it). Grad mode
is read here and nowhere else. For an op with a derivative, when grad mode is on and an
input requires grad, a node of the derivative's class is made, with an edge to the
history of each differentiable input and what its formulas use saved (derivatives.yaml
saves only what the formulas of the inputs that need a gradient read). Below that layer
the op's kernel runs with recording off, so ops it calls internally record nothing.
A composite op (torch's CompositeImplicitAutograd) records nothing itself: the ops it is
made of record their own nodes, so its graph is the one torch builds.

In-place ops check torch's rules first (leaves, views of leaves, views made in no_grad
mode or by multi-output ops, inference tensors) and rebase the history of what they
wrote: a view's base gets a CopySlices node (rebase_history in variable.cpp).
"""
from __future__ import annotations

import inspect

from .grad_mode import MODE
from .graph import Node, NotImplementedNode, SavedTensor, node_class

# CreationMeta (torch/csrc/autograd/variable.h): how a view may be written in place
DEFAULT, NO_GRAD_MODE, MULTI_OUTPUT_NODE, INFERENCE_MODE = (
    "default", "no_grad_mode", "multi_output_node", "inference_mode")


class _Kernel:
    """Depth of kernels running below the autograd layer (AutoDispatchBelowAutograd)."""
    depth = 0
    inplace = False      # the call being made is an in-place twin (set by bindings)
    overload = None      # the Python signature the parser matched (set by bindings)


KERNEL = _Kernel()


# --- derivatives ---------------------------------------------------------------------------
class Derivative:
    """An op's backward rule: the node's class name and a formula per differentiable input
    (derivatives.yaml). A formula's parameters name what it reads: `grad` (the gradient of
    the output; `grads` for every output of a multi-output op), `result` (the output) and
    the op's own arguments by their names in its implementation."""

    def __init__(self, name, formulas, not_implemented=False):
        self.name = name
        self.formulas = formulas
        self.not_implemented = not_implemented
        self.reads = {inp: tuple(inspect.signature(fn).parameters) for inp, fn in formulas.items()}
        self._classes = {}

    def node_name(self, bound, overload):
        if callable(self.name):
            return self.name(overload, **{k: bound.get(k) for k in
                                          list(inspect.signature(self.name).parameters)[1:]})
        return self.name

    def node_class(self, name):
        cls = self._classes.get(name)
        if cls is None:
            cls = self._classes[name] = node_class(name, OpNode)
        return cls


def derivative(op, name, not_implemented=False, **formulas):
    """Declare op's backward rule beside its declaration:

        derivative(sigmoid, "SigmoidBackward0",
                   input=lambda grad, result: grad * result * (1 - result))

    `name` may be a function (overload, **args) -> name where the node's class depends on
    the overload torch matched (MeanBackward0 for mean(), MeanBackward1 for mean(dim))."""
    op.__declaration__.derivative = Derivative(name, formulas, not_implemented)


class OpNode(Node):
    """The node of an op with a derivative: its formulas, what they read saved."""

    def __init__(self, derivative, edges, next_functions, metas, saved):
        super().__init__(next_functions, metas)
        self.derivative = derivative
        self.edges = edges          # input name -> edge positions (one, or one per list item)
        self.saved = saved          # name -> SavedTensor | [SavedTensor] | value
        self.num_outputs = 1

    def release(self):
        for v in self.saved.values():
            for s in (v if isinstance(v, list) else (v,)):
                if isinstance(s, SavedTensor):
                    s.freed = True

    def _read(self, name, grads):
        if name == "grad":
            return grads[0]
        if name == "grads":
            return grads
        v = self.saved[name]
        if isinstance(v, SavedTensor):
            return v.unpack(self)
        if isinstance(v, list) and v and isinstance(v[0], SavedTensor):
            return [s.unpack(self) for s in v]
        return v

    def apply(self, grads, needed=None):
        out = [None] * len(self.next_functions)
        for inp, formula in self.derivative.formulas.items():
            positions = self.edges.get(inp)
            if positions is None:
                continue
            wanted = [p for p in positions if (needed or self.needs)(p)]
            if not wanted:
                continue
            value = formula(**{n: self._read(n, grads) for n in self.derivative.reads[inp]})
            if isinstance(value, (list, tuple)):
                for p, g in zip(positions, value):
                    out[p] = g
            else:
                out[positions[0]] = value
        return out


# --- edges ---------------------------------------------------------------------------------
def gradient_edge(t):
    """Where the gradient of t goes (variable.cpp impl::gradient_edge): its grad_fn, or
    the accumulator of a leaf that requires grad, or nowhere."""
    fn = t.grad_fn
    if fn is not None:
        return (fn, t._output_nr)
    if t._requires_grad:
        return (grad_accumulator(t), 0)
    return (None, 0)


def grad_accumulator(t):
    """A leaf's AccumulateGrad node, the same one while it lives (variable.cpp)."""
    from .graph import AccumulateGrad
    acc = t.__dict__.get("_grad_accumulator")
    if acc is None:
        acc = t._grad_accumulator = AccumulateGrad(t)
    return acc


def _meta(t):
    return (t._sizes, t.dtype)


# --- the op wrapper --------------------------------------------------------------------------
def record_op(decl):
    """The function called for op `decl`: the autograd layer around its kernel."""
    impl = decl.impl
    signature = inspect.signature(impl)
    view_op = decl.output == "view"
    writes_self = decl.output == "inplace"

    def op(*args, **kwargs):
        if KERNEL.depth:
            return impl(*args, **kwargs)
        twin, KERNEL.inplace = KERNEL.inplace, False
        overload, KERNEL.overload = KERNEL.overload, None
        if decl.composite and not twin and MODE.grad_enabled:
            return impl(*args, **kwargs)
        out = kwargs.get("out")
        # the tensor written in place: self of a twin (f_ runs f with out=self) or of an
        # op that is in-place itself (copy_, zero_, index_add_)
        written = out if twin else (args[0] if writes_self and args else None)
        tensors = _tensor_args(args, kwargs)
        requires = (MODE.grad_enabled and decl.derivative is not False
                    and any(t.requires_grad for t in tensors))
        if written is not None:
            _check_write(written, True, requires, decl)
        elif out is not None:
            _check_write(out, False, requires, decl)
        node = None
        if requires and (out is None or written is not None):
            node = _prepare(decl, signature, args, kwargs, overload, written)
        KERNEL.depth += 1
        try:
            result = impl(*args, **kwargs)
        finally:
            KERNEL.depth -= 1
        if MODE.inference:
            _mark_inference(result)
        if view_op:
            _mark_views(result, decl, tensors)
        if node is not None:
            if written is not None:
                _save_result(node, written)
                rebase_history(written, node)
            elif any(r.dtype.is_floating_point for r in _outputs(result)):
                _save_result(node, result)
                _set_history(result, node)
        return result
    op.__name__ = op.__qualname__ = impl.__name__
    op.__doc__ = impl.__doc__
    op.__wrapped__ = impl
    op.__declaration__ = decl
    return op


def _tensor_args(args, kwargs):
    """The tensors an op reads (its out= is written, not read)."""
    from ..tensor import Tensor
    found = []
    for k, v in (*enumerate(args), *kwargs.items()):
        if k == "out":
            continue
        if isinstance(v, Tensor):
            found.append(v)
        elif isinstance(v, (list, tuple)):
            found.extend(x for x in v if isinstance(x, Tensor))
    return found


def _check_write(out, inplace, requires, decl):
    """Before a write into `out`: inference tensors, then the in-place rules of a recorded
    write, or the refusal of out= where autograd would be needed."""
    from ..tensor import Tensor
    for o in (out if isinstance(out, (list, tuple)) else (out,)):
        if isinstance(o, Tensor) and o._is_inference and not MODE.inference:
            raise RuntimeError(
                "Inplace update to inference tensor outside InferenceMode is not allowed.You "
                "can make a clone to get a normal tensor before doing inplace update.See "
                "https://github.com/pytorch/rfcs/pull/17 for more details.")
    if inplace:
        if requires or (MODE.grad_enabled and out.requires_grad):
            check_inplace(out)
    elif requires or (MODE.grad_enabled and isinstance(out, Tensor) and out.requires_grad):
        raise RuntimeError(f"{decl.name}(): functions with out=... arguments don't support "
                           "automatic differentiation, but one of the arguments requires grad.")


def check_inplace(t):
    """check_inplace (VariableTypeUtils.h), for an in-place write that will be recorded."""
    if t._base is not None and t._differentiable_view:
        handle_view_on_rebase(t)
        if t.requires_grad and t._base.is_leaf:
            raise RuntimeError("a view of a leaf Variable that requires grad is being used in "
                               "an in-place operation.")
    if t.requires_grad and t.is_leaf:
        raise RuntimeError("a leaf Variable that requires grad is being used in an in-place "
                           "operation.")


def handle_view_on_rebase(view, indirect=False):
    """The creation meta of a view forbids some in-place writes (variable.cpp)."""
    meta = view._creation_meta
    if meta == DEFAULT:
        return
    modified = ("its base or another view of its base has been" if indirect else "is being")
    fn = view._grad_fn
    if fn is not None:
        prefix = f"Output {view._output_nr} of {fn.error_name()} is a view and {modified} modified inplace."
    else:
        prefix = f"A view was created in no_grad mode and {modified} modified inplace with grad mode enabled."
    if meta == MULTI_OUTPUT_NODE:
        raise RuntimeError(
            prefix + " This view is the output of a function that returns multiple views. Such "
            "functions do not allow the output views to be modified inplace. You should replace "
            "the inplace operation by an out-of-place one.")
    if meta == NO_GRAD_MODE:
        raise RuntimeError(
            prefix + " Given that this use case is ambiguous and error-prone, it is forbidden. "
            "You can clarify your code by moving both the view and the inplace either both inside "
            "the no_grad block (if you don't want the inplace to be tracked) or both outside (if "
            "you want the inplace to be tracked).")
    if meta == INFERENCE_MODE:
        raise RuntimeError(
            prefix.replace("no_grad mode", "inference mode") + " Given that this use case is "
            "ambiguous and error-prone, it is forbidden. You can clarify your code by moving both "
            "the view and the inplace either both inside the inference_mode block (if you don't "
            "want the inplace to be tracked) or both outside (if you want the inplace to be "
            "tracked).")


def _outputs(result):
    from ..tensor import Tensor
    if isinstance(result, Tensor):
        return [result]
    if isinstance(result, (list, tuple)):
        return [r for r in result if isinstance(r, Tensor)]
    return []


def _mark_views(result, decl, inputs):
    """as_view (VariableTypeUtils.h): how each view output may be written later."""
    outs = _outputs(result)
    if MODE.inference:
        meta = INFERENCE_MODE
    elif not MODE.grad_enabled:
        meta = NO_GRAD_MODE
    elif decl.multiple_outputs:
        meta = MULTI_OUTPUT_NODE
    else:
        meta = DEFAULT
    for i, v in enumerate(outs):
        if v._base is None:
            continue
        base = v._base
        source = inputs[0] if inputs else base
        inherited = source._creation_meta if source._base is not None else DEFAULT
        # propagate_creation_meta: a default view keeps its source view's meta
        v._creation_meta = inherited if meta == DEFAULT else (
            inherited if inherited == INFERENCE_MODE else meta)
        v._attr_version = v._version_counter.value
        v._differentiable_view = base.dtype.is_floating_point
        if meta == MULTI_OUTPUT_NODE:
            v._output_nr = i


def _mark_inference(result):
    for r in _outputs(result):
        if r._base is None or r._base._is_inference:
            r._is_inference = True


def _prepare(decl, signature, args, kwargs, overload, inplace_self):
    """Before the kernel runs (as the generated code does): the node, its edges, and the
    inputs its formulas read saved; for an in-place op, self's old value is saved as a
    clone where a formula reads it (original_self)."""
    bound = dict(signature.bind(*args, **kwargs).arguments)
    bound.pop("out", None)
    node = _make_node(decl, decl.derivative, bound, overload)
    if isinstance(node, OpNode) and inplace_self is not None:
        first = next(iter(bound))
        if bound[first] is inplace_self and _reads(node, first):
            from ..views import clone
            KERNEL.depth += 1
            try:
                bound[first] = clone(inplace_self)
            finally:
                KERNEL.depth -= 1
    if isinstance(node, OpNode):
        _save_inputs(node, bound)
    return node


def _make_node(decl, derivative, bound, overload):
    """The node for one call with its edges (no saved values yet)."""
    from ..tensor import Tensor
    if derivative is None:
        derivative = Derivative("NotImplemented", {}, not_implemented=True)
    edges, next_functions, metas = {}, [], []
    types = _overload_types(overload)
    for name in _differentiable_inputs(derivative, bound):
        value = bound[name]
        if isinstance(value, Tensor):
            edges[name] = [len(next_functions)]
            next_functions.append(gradient_edge(value))
            metas.append(_meta(value))
        elif isinstance(value, (list, tuple)) and value and all(isinstance(v, Tensor) for v in value):
            edges[name] = list(range(len(next_functions), len(next_functions) + len(value)))
            for v in value:
                next_functions.append(gradient_edge(v))
                metas.append(_meta(v))
        elif value is not None and types.get(name) == "Tensor" and not isinstance(value, (list, tuple)):
            # a Python number passed for a Tensor parameter is a wrapped 0-dim tensor
            edges[name] = [len(next_functions)]
            next_functions.append((None, 0))
            metas.append(None)
    if derivative.not_implemented:
        return NotImplementedNode(decl.name, next_functions, metas)
    cls = derivative.node_class(derivative.node_name(bound, overload))
    return cls(derivative, edges, next_functions, metas, {})


def _differentiable_inputs(derivative, bound):
    from ..tensor import Tensor
    if derivative.formulas:
        return [n for n in bound if n in derivative.formulas]
    return [n for n, v in bound.items() if isinstance(v, Tensor) or (
        isinstance(v, (list, tuple)) and v and all(isinstance(x, Tensor) for x in v))]


def _overload_types(overload):
    if overload is None:
        return {}
    return {p.name: p.type for p in overload.params}


def _needed_reads(node):
    """The names read by the formulas of the inputs that need a gradient."""
    names = []
    for inp, reads in node.derivative.reads.items():
        if any(node.needs(p) for p in node.edges.get(inp, ())):
            names.extend(n for n in reads if n not in names)
    return names


def _reads(node, name):
    return name in _needed_reads(node)


def _save_inputs(node, bound):
    from ..tensor import Tensor
    for name in _needed_reads(node):
        if name in ("grad", "grads", "result"):
            continue
        value = bound.get(name)
        if isinstance(value, Tensor):
            node.saved[name] = SavedTensor(value)
        elif isinstance(value, (list, tuple)) and value and all(isinstance(v, Tensor) for v in value):
            node.saved[name] = [SavedTensor(v) for v in value]
        else:
            node.saved[name] = value


def _save_result(node, result):
    from ..tensor import Tensor
    if not isinstance(node, OpNode) or "result" not in _needed_reads(node):
        return
    if isinstance(result, Tensor):
        node.saved["result"] = SavedTensor(result, output_of=node)
    else:
        node.saved["result"] = tuple(
            SavedTensor(r, output_of=node) if isinstance(r, Tensor) and r.dtype.is_floating_point
            else r for r in result)


def _set_history(result, node):
    outs = _outputs(result)
    node.num_outputs = len(outs)
    for i, r in enumerate(outs):
        if r.dtype.is_floating_point:
            r._grad_fn, r._output_nr = node, i
            if r._base is not None:
                r._attr_version = r._version_counter.value


def rebase_history(t, node):
    """variable.cpp rebase_history: a view's base gets a CopySlices node holding the
    in-place op's node; any other tensor just takes the node as its grad_fn."""
    from .view_nodes import CopySlices
    old = t._grad_fn if t._base is None else None
    if t._base is not None and t._differentiable_view:
        base = t._base
        base._grad_fn = CopySlices(base, t, node)
        base._output_nr = 0
        t.grad_fn  # regenerate the view's grad_fn (its version changed)
        return
    t._grad_fn, t._output_nr = node, 0
    node.num_outputs = 1
    if old is not None and 0 in old.retained:  # retains_grad moves to the new grad_fn
        node.retained[0] = old.retained.pop(0)
