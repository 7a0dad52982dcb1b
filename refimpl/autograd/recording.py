"""Recording ops into the backward graph: the layer torch generates for every op
(tools/autograd/gen_variable_type.py, torch/csrc/autograd/VariableTypeManual.cpp,
variable.cpp, FunctionsManual.cpp).

Each declared op is called through `record_op` (refimpl/registry.py wraps it). Whether a
call records is decided here and nowhere else (from grad_mode.py's modes). For an op with a derivative, when grad mode is on and an
input requires grad, a node of the derivative's class is made, with an edge to the
history of each differentiable input and what its formulas use saved (derivatives.yaml
saves only what the formulas of the inputs that need a gradient read). Below that layer
the op's kernel runs with recording off, so ops it calls internally record nothing.
A composite op (torch's CompositeImplicitAutograd) records nothing itself: the ops it is
made of record their own nodes, so its graph is the one torch builds.

In-place ops check torch's rules first (leaves, views of leaves, views made in no_grad
mode or by multi-output ops) and rebase the history of what they wrote: a view's base gets
a CopySlices node (view_nodes.py). The backward rules themselves are in derivatives.py.
"""
from __future__ import annotations

import functools

import inspect
import re
import weakref

from ..storage import IMMUTABLE, NoVersionCounter
from .grad_mode import MODE
from .derivatives import OpNode, SavedNumber, metadata_of, _metadata
from .graph import NotImplementedNode, SavedTensor
from .view_nodes import check_inplace, mark_views, rebase_history



class _Kernel:
    """Depth of kernels running below the autograd layer (AutoDispatchBelowAutograd)."""
    depth = 0
    inplace = False      # the call being made is an in-place twin (set by bindings)
    overload = None      # the Python signature the parser matched (set by bindings)
    out = None           # the out= tensor the bindings write the result into afterwards
    in_backward = 0      # backward formulas running: their calls are C++ calls (no parser
                         # overload: a Python number in them is a Scalar, as in FunctionsManual)
    keyed = None         # the last op called has a tensor with the ADInplaceOrView key (a
                         # normal one), so in inference mode too it bumps what it writes


KERNEL = _Kernel()


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
    """A leaf's AccumulateGrad node, the same one while some graph holds it: the leaf
    keeps only a weak reference (variable.cpp try_get_grad_accumulator), so a node made
    after the last graph died records the leaf's metadata anew."""
    from .graph import AccumulateGrad
    ref = t.__dict__.get("_grad_accumulator")
    acc = ref() if ref is not None else None
    if acc is None:
        acc = AccumulateGrad(t)
        t._grad_accumulator = weakref.ref(acc)
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
        twin, KERNEL.inplace = KERNEL.inplace, False
        overload, KERNEL.overload = KERNEL.overload, None
        written_after, KERNEL.out = KERNEL.out, None
        if KERNEL.depth:
            return impl(*args, **kwargs)
        if decl.composite and not twin and written_after is None:
            return impl(*args, **kwargs)  # its parts record (and mark their views)
        out = kwargs.get("out", written_after)
        # the tensor written in place: self of a twin (f_ runs f with out=self) or of an
        # op that is in-place itself (copy_, zero_, index_add_)
        written = out if twin else (args[0] if writes_self and args else None)
        tensors = _tensor_args(args, kwargs)
        # inference tensors have no autograd dispatch keys: a call on them alone skips the
        # autograd layer (no checks, nothing recorded). A Python number passed for a Tensor
        # parameter is a wrapped tensor that has them.
        wrapped = _wraps_number(signature, args, kwargs, overload)
        below_autograd = bool(tensors) and all(t._is_inference for t in tensors) and not wrapped
        if below_autograd and out is None and decl.derivative and \
                decl.derivative.below_autograd and MODE.grad_enabled and not MODE.inference:
            inner = decl.derivative.below_autograd(**_bound(signature, args, kwargs))
            if inner is not None:  # the kernel's own call, with a normal (wrapped) tensor
                inner_op, inner_args, inner_kwargs, text = inner
                KERNEL.overload = _signature(text) if text else None
                return inner_op(*inner_args, **inner_kwargs)
        # (in inference mode a number's wrapped tensor is an inference tensor too)
        KERNEL.keyed = not all(t._is_inference for t in tensors) or (
            out is not None and hasattr(out, "_is_inference") and not out._is_inference)
        requires = (MODE.grad_enabled and not MODE.inference and decl.derivative is not False
                    and not below_autograd and any(t.requires_grad for t in tensors))
        rule = None  # the node's formulas (None: torch's NotImplemented node)
        if requires and decl.derivative:
            bound = _bound(signature, args, kwargs)
            rule = decl.derivative.rule(bound, overload)
            requires = _differentiable_requires(rule, bound)
        if requires and written is None and decl.derivative and decl.derivative.inplace_only:
            requires = False
        if written is not None:
            if requires and not written.dtype.is_floating_point and decl.derivative is not None \
                    and (decl.derivative.float_self_only or rule is None):
                # nothing is recorded into an integer self by copy_ (VariableTypeManual.cpp),
                # nor by an op torch has no formula for (floor_divide_ of an int tensor
                # that requires grad keeps its grad_fn)
                requires = False
            _check_write(written, requires, decl)
        elif out is not None:
            refuse_out(decl, _bound(signature, args, kwargs), out, overload)
        if requires and written is None and decl.derivative and \
                decl.derivative.integral_untracked:
            # the result's dtype, known from the arguments, decides (_to_copy to an int)
            dtype = _bound(signature, args, kwargs).get("dtype")
            requires = dtype is None or dtype.is_floating_point
        node = None
        if requires and (out is None or written is not None):
            node = _prepare(decl, signature, args, kwargs, overload, written)
        for t in (written, out):
            if t is not None and hasattr(t, "_storage") and t._is_zerotensor():
                # ZeroTensorFallback.cpp refuses a mutable ZeroTensor argument (below the
                # autograd checks; copy_ has its own kernel and words)
                raise RuntimeError(IMMUTABLE if decl.name != "copy_" else
                                   "ZeroTensors are immutable. Please materialize the tensor "
                                   "using `.clone()`, if you want a mutable zero tensor.")
        KERNEL.depth += 1
        try:
            result = impl(*args, **kwargs)
        finally:
            KERNEL.depth -= 1
        if MODE.inference or view_op:
            _mark_inference(result, tensors + ([written] if written is not None else [])
                            + ([out] if out is not None else []))
        elif below_autograd:
            _unspecified_versions(result, tensors)
        if view_op:
            if below_autograd:  # made below ADInplaceOrView too: not a view to autograd
                for r in _outputs(result):
                    r._base = None
            mark_views(result, decl, tensors)
        if node is not None:
            if written is not None:
                rebase_history(written, node)   # then the result is saved, as generated
                _save_result(node, written)
            else:
                _set_history(result, node, decl.derivative)
                _save_result(node, result)
        return result
    op.__name__ = op.__qualname__ = impl.__name__
    op.__doc__ = impl.__doc__
    op.__wrapped__ = impl
    op.__declaration__ = decl
    return op


def _differentiable_requires(rule, bound):
    """Whether an input the op differentiates requires grad: compute_requires_grad of the
    generated code reads only the arguments with a formula (take's index, an integer
    tensor that came to require grad through lt_, is not one of them). Without a rule
    (torch::autograd::NotImplemented) every tensor input counts."""
    if rule is None:
        return True
    return any(t.requires_grad for name in rule.formulas if name in bound
               for t in _tensor_args((), {name: bound[name]}))


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


def copy_from_below(new, src):
    """new.copy_(src) as a CPU kernel makes it (clone's and _to_copy's: at::empty, then
    copy_). Below the autograd layer of its inference-tensor inputs, outside inference mode
    the new tensor is a normal one, so this copy_ goes through its own autograd layer: it
    bumps the version and records CopyBackwards from a src that requires grad (x.data = an
    inference tensor). Otherwise it is the kernel's plain copy."""
    from ..conversions import copy_
    if not (src._is_inference and not MODE.inference):
        new._write(src._values(), src._undefined_mask())
        return new
    depth, KERNEL.depth = KERNEL.depth, 0
    try:
        return copy_(new, src)
    finally:
        KERNEL.depth = depth


_SIGNATURES = {}


def _signature(text):
    """The argparse Signature of an overload's text (the overload an inner call matches)."""
    if text not in _SIGNATURES:
        from ..argparse import Signature
        _SIGNATURES[text] = Signature(text)
    return _SIGNATURES[text]


def _wraps_number(signature, args, kwargs, overload):
    """A Python number given for a Tensor parameter of the matched overload (mul(t, 2)):
    the argument parser wraps it in a 0-dim tensor."""
    types = _overload_types(overload)
    if not types:
        return False
    bound = _bound(signature, args, kwargs)
    return any(types.get(name) in ("Tensor", "Tensor?") and isinstance(v, (bool, int, float))
               for name, v in bound.items())


def _check_write(out, requires, decl):
    """Before an in-place write into `out` that will be recorded: torch's in-place rules
    (an inference tensor refuses the write itself, at its version bump:
    storage.NoVersionCounter)."""
    if requires:
        check_inplace(out)


def refuse_out(decl, bound, out, overload):
    """The autograd layer of an out= call (before the kernel and its own out= checks):
    refused where an argument (or out) requires grad and the op is differentiable."""
    from ..tensor import Tensor
    tensors = _tensor_args((), bound)
    if not MODE.grad_enabled or MODE.inference or decl.derivative is False or (
            decl.derivative and decl.derivative.inplace_only):
        return
    if all(t._is_inference for t in tensors + ([out] if isinstance(out, Tensor) else [])):
        return  # below the autograd keys
    rule = decl.derivative.rule(bound, overload) if decl.derivative else None
    if rule is not None:  # only the arguments with a formula count (compute_requires_grad)
        tensors = [t for name in rule.formulas if name in bound
                   for t in _tensor_args((), {name: bound[name]})]
    if any(t.requires_grad for t in tensors) or (isinstance(out, Tensor) and out.requires_grad):
        raise out_refused(aten_name(decl, rule))


def out_refused(name):
    return RuntimeError(f"{name}(): functions with out=... arguments don't support automatic "
                        "differentiation, but one of the arguments requires grad.")


def aten_name(decl, rule):
    """The aten op torch names when it refuses out=: the one whose node would have been
    recorded (MaximumBackward0 -> maximum, LinalgVectorNormBackward0 ->
    linalg_vector_norm), or the op a composite writes out= with (declared out_op)."""
    if rule is not None and rule.name and "::" not in rule.name:
        stem = re.sub(r"Backward\d*$", "", rule.name)
        return re.sub(r"(?<!^)(?=[A-Z])", "_", stem).lower()
    return decl.out_op or decl.name


def _outputs(result):
    from ..tensor import Tensor
    if isinstance(result, Tensor):
        return [result]
    if isinstance(result, (list, tuple)):
        return [r for r in result if isinstance(r, Tensor)]
    return []


def _unspecified_versions(result, inputs):
    """The version of what an op makes from inference tensors outside inference mode is
    implementation-defined: the kernel runs below the autograd keys, and whether it bumps
    its fresh output depends on how it is written (torch 2.13: clone 1, mean 2, exp 0)."""
    from ..storage import VersionCounter
    for r in _outputs(result):
        if not any(r is t for t in inputs) and r._base is None:
            r._version_counter = VersionCounter(unspecified=True)


def _mark_inference(result, inputs):
    """Tensors made in inference mode are inference tensors, views of them too; a view of
    a normal tensor, an input returned as it is (x.float() on a float x), a tensor written
    through out=, or one sharing a normal tensor's version counter (detach) is not."""
    for r in _outputs(result):
        if any(r is t for t in inputs):
            continue  # an input or out= returned
        if r._base is not None:
            # the view's key set is its source's (the tensor it is a view of), which need
            # not be its base's: x.data = an inference tensor leaves x's older views normal
            source = inputs[0] if inputs else r._base
            r._is_inference = source._is_inference
            if r._is_inference:  # a view of an inference tensor has no version counter
                r._version_counter = NoVersionCounter()
        elif any(r._version_counter is t._version_counter for t in inputs):
            # shares a tensor's version counter (detach, _unsafe_view): as that tensor is;
            # in inference mode one made from an inference tensor skips ADInplaceOrView,
            # which is what shares the counter: it has none
            r._is_inference = next(t for t in inputs
                                   if r._version_counter is t._version_counter)._is_inference
            if r._is_inference and MODE.inference:
                r._version_counter = NoVersionCounter()
        elif MODE.inference:
            r._is_inference = True
            r._version_counter = NoVersionCounter()


def _prepare(decl, signature, args, kwargs, overload, inplace_self):
    """Before the kernel runs (as the generated code does): the node, its edges, and the
    inputs its formulas read saved; for an in-place op, self's old value is saved as a
    clone where a formula reads it (original_self)."""
    bound = _bound(signature, args, kwargs)
    node = _make_node(decl, decl.derivative, bound, overload, inplace=inplace_self is not None)
    if isinstance(node, OpNode) and inplace_self is not None:
        first = next(iter(bound))
        if bound[first] is inplace_self and first in _needed_reads(node, bound, overload):
            from ..views import clone
            bound[first] = clone(inplace_self)  # recorded: create_graph reaches self through it
    if isinstance(node, OpNode):
        _save_inputs(node, bound, overload)
    return node


def _bound(signature, args, kwargs):
    """The call's arguments by the implementation's parameter names, defaults filled in."""
    bound = signature.bind(*args, **kwargs)
    bound.apply_defaults()
    arguments = dict(bound.arguments)
    arguments.pop("out", None)
    return arguments


def _make_node(decl, derivative, bound, overload, inplace=False):
    """The node for one call with its edges (no saved values yet)."""
    from ..tensor import Tensor
    rule = derivative.rule(bound, overload) if derivative is not None else None
    edges, next_functions, metas = {}, [], []
    types = _overload_types(overload or _sole_signature(decl))
    for name in _differentiable_inputs(rule, bound):
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
        elif not isinstance(value, (list, tuple)) and types.get(name) in (
                "Tensor", "Tensor?" if value is None else "Tensor"):
            # a Python number passed for a Tensor parameter is a wrapped 0-dim tensor; an
            # optional tensor (Tensor?) left None has an edge to nowhere too
            edges[name] = [len(next_functions)]
            next_functions.append((None, 0))
            metas.append(None)
    if rule is None:
        # torch::autograd::NotImplemented: edges to the inputs that require grad only
        keep = [i for i, t in enumerate(_edge_tensors(bound, edges)) if t is not None
                and t.requires_grad]
        return NotImplementedNode(decl.name + ("_" if inplace else ""),
                                  [next_functions[i] for i in keep],
                                  [metas[i] for i in keep])
    return rule.node_class(rule, edges, next_functions, metas)


def _edge_tensors(bound, edges):
    """The tensor behind each edge position (None for a wrapped number or a None)."""
    from ..tensor import Tensor
    found = {}
    for name, positions in edges.items():
        value = bound[name]
        values = value if isinstance(value, (list, tuple)) else [value]
        for p, v in zip(positions, values):
            found[p] = v if isinstance(v, Tensor) else None
    return [found.get(p) for p in range(max(found, default=-1) + 1)]


def _differentiable_inputs(rule, bound):
    from ..tensor import Tensor
    if rule is not None:
        return [n for n in bound if n in rule.formulas]
    return [n for n, v in bound.items() if isinstance(v, Tensor) or (
        isinstance(v, (list, tuple)) and v and all(isinstance(x, Tensor) for x in v))]


def _sole_signature(decl):
    """The signature of an op declared with one, for a call that did not go through the
    parser (an op calling another: nn.functional.batch_norm's native_batch_norm)."""
    return _sole_signature_of(decl.signatures)


@functools.lru_cache(maxsize=None)
def _sole_signature_of(signatures):
    if len(signatures) != 1:
        return None
    from ..argparse import Parser
    try:
        return Parser(list(signatures)).signatures[0]
    except ValueError:   # a signature written for a parser refimpl does not run (parsed=False)
        return None


def _overload_types(overload):
    """The matched signature's parameter types by name ("Tensor?" for an optional one)."""
    if overload is None:
        return {}
    return {p.name: p.type + ("?" if p.nullable else "") for p in overload.params}


def _needed_reads(node, bound=None, overload=None):
    """The names a node saves (gen_variable_type.py save_variables): what the formulas of
    the inputs that need a gradient read, and what is saved unguarded whether needed or
    not. A value gets a should_compute_output guard only where one check decides: the op
    has more than one differentiable input and no tensor list, is not itself a backward
    op, and the value is a plain Tensor argument read by one input's formula."""
    from ..tensor import Tensor
    rule = node.rule
    readers = {}
    for inp, reads in rule.reads.items():
        for n in reads:
            readers.setdefault(n, []).append(inp)
    types = _overload_types(overload)
    bound = bound or {}
    guards = (len([i for i in rule.formulas if i in bound]) > 1
              and not re.search(r"Backward.*Backward", rule.name or "")
              and not any(isinstance(v, (list, tuple)) and any(isinstance(x, Tensor) for x in v)
                          for v in bound.values()))
    names = []
    for inp, reads in rule.reads.items():
        needed = any(node.needs(p) for p in node.edges.get(inp, ()))
        for n in reads:
            value = bound.get(n)
            plain_tensor = (isinstance(value, Tensor) or isinstance(value, (bool, int, float))
                            and n in types) and types.get(n, "Tensor") == "Tensor"
            guarded = guards and plain_tensor and len(readers[n]) == 1
            if (needed or (not guarded and n in bound)) and n not in names:
                names.append(n)
    return names


def _save_inputs(node, bound, overload):
    from ..tensor import Tensor
    types = _overload_types(overload)
    for name in _needed_reads(node, bound, overload):
        if name in ("grad", "grads") or name.startswith("result"):
            continue
        arg, kind = metadata_of(name)
        if name not in bound and arg in bound:
            node.saved[name] = _metadata(bound[arg], kind)
            continue
        value = bound.get(name)
        if isinstance(value, Tensor):
            node.saved[name] = SavedTensor(value)
        elif isinstance(value, (list, tuple)) and any(isinstance(v, Tensor) for v in value):
            node.saved[name] = [SavedTensor(v) if isinstance(v, Tensor) else v for v in value]
        elif types.get(name, "").startswith("Tensor") and isinstance(value, (bool, int, float, complex)):
            node.saved[name] = SavedNumber(value)
        else:
            node.saved[name] = value


def _save_result(node, result):
    """Save the outputs the formulas read: `result` (all of them), or `result0`,
    `result1`, ... (one output of a multi-output op, as max.dim keeps only its indices)."""
    from ..tensor import Tensor
    if not isinstance(node, OpNode):
        return
    # outputs are saved for the formulas of every input the node has an edge for, needed or
    # not (the generated code saves them unconditionally; inputs only for the formulas
    # that will run)
    reads = {n for inp, r in node.rule.reads.items() if inp in node.edges for n in r}
    for name in sorted(reads):
        if name == "result":
            if isinstance(result, Tensor):
                node.saved[name] = SavedTensor(result, output_of=node)
            else:
                node.saved[name] = tuple(
                    SavedTensor(r, output_of=node, output_nr=i) if isinstance(r, Tensor) else r
                    for i, r in enumerate(result))
        elif name.startswith("result") and name[6:].isdigit():
            i = int(name[6:])
            node.saved[name] = SavedTensor(result[i], output_of=node, output_nr=i)


def _set_history(result, node, derivative):
    outs = _outputs(result)
    node.num_outputs = len(outs)
    node.output_metas = tuple((r._sizes, r.dtype) for r in outs)
    if outs and not outs[0].dtype.is_floating_point and isinstance(node, OpNode) \
            and not derivative.integral_untracked:
        # set_history (VariableTypeUtils.h): a differentiable output must be of a dtype
        # autograd supports (sum(x, dtype=torch.int16) of an x that requires grad)
        raise RuntimeError(f"Autograd not support dtype: {outs[0].dtype.legacy_name}")
    for i, r in enumerate(outs):
        if r.dtype.is_floating_point:
            r._grad_fn, r._output_nr = node, i
            if r._base is not None:
                r._attr_version = r._version_counter.value
