"""Views and in-place writes (torch/csrc/autograd/variable.cpp, VariableTypeUtils.h,
functions/tensor.cpp): how a view may be written in place (its creation meta), the checks
an in-place write makes, the base's CopySlices node when a view is written, and the
grad_fn a view gets again afterwards (VariableHooks::grad_fn's AsStridedBackward0)."""
from __future__ import annotations

from .grad_mode import MODE
from .graph import FREED, Node

# CreationMeta (torch/csrc/autograd/variable.h): how a view may be written in place
DEFAULT, NO_GRAD_MODE, MULTI_OUTPUT_NODE, INFERENCE_MODE = (
    "default", "no_grad_mode", "multi_output_node", "inference_mode")



class CopySlices(Node):
    """The base's grad_fn after an in-place op on one of its views: the gradient of the
    base is the incoming one with the view's region replaced by what the in-place op's
    node gives for its self; the op's other inputs get theirs from that node."""
    cpp_name = "torch::autograd::CopySlices"

    def __init__(self, base, view, fn):
        from .recording import gradient_edge
        super().__init__((gradient_edge(base),) + tuple(fn.next_functions[1:]),
                         ((base._sizes, base.dtype),) + tuple(fn.metas[1:]))
        self.base_geometry = (base._sizes, base._strides, base._offset)
        self.view_geometry = (view._sizes, view._strides, view._offset - base._offset)
        self.fn = fn

    def release(self):
        """CopySlices::release_variables drops fn itself: a second backward through this
        node fails whether or not fn saved anything."""
        if self.fn is not None:
            self.fn.release()
        self.fn = None

    def apply(self, grads):
        from ..tensor import Tensor
        if grads[0] is None:  # before the freed-graph check, as apply_impl does
            return [None] * len(self.next_functions)
        if self.fn is None:
            raise RuntimeError(FREED)
        from ..shape_ops import as_strided
        from ..conversions import copy_
        from ..views import clone, contiguous_format
        grad = grads[0]
        sizes, strides, _ = self.base_geometry
        result = Tensor._empty(sizes, grad.dtype, strides)
        copy_(result, grad)
        vsizes, vstrides, voffset = self.view_geometry
        grad_slice = as_strided(result, vsizes, vstrides, voffset)
        # fn computes self's part where its own edge (the view's history before the write)
        # leads somewhere and this node's does too (update_exec_info); its other inputs'
        # parts where this node's edges do
        needed = lambda i: self.task_needs(i) and (  # noqa: E731
            i != 0 or self.fn.next_functions[0][0] is not None)
        sliced = clone(grad_slice, memory_format=contiguous_format)  # tensor.cpp apply_impl
        res = self.fn.apply([sliced], needed=needed) if hasattr(self.fn, "rule") \
            else self.fn.apply([sliced])
        out = [None] * len(self.next_functions)
        for i, g in enumerate(res):
            if i >= len(out) or not self.task_needs(i) or g is None:
                continue  # not needed, or undefined (then the base gets nothing either)
            if i == 0:
                copy_(grad_slice, g)
                out[0] = result
            else:
                out[i] = g
        return out


def regenerated_grad_fn(base, view):
    """The grad_fn of a view whose base, or another view of it, was written in place:
    the node of as_strided(base, <the view's geometry>), made by as_strided's own
    derivative (VariableHooks::grad_fn, without view replay: AsStridedBackward0)."""
    from ..shape_ops import as_strided
    from .recording import _make_node, _save_inputs
    decl = as_strided.__declaration__
    bound = {"self": base, "size": list(view._sizes), "stride": list(view._strides),
             "storage_offset": view._offset}
    node = _make_node(decl, decl.derivative, bound, None)
    _save_inputs(node, bound, None)
    node.output_metas = ((view._sizes, view.dtype),)
    return node


def mark_views(result, decl, inputs):
    """as_view (VariableTypeUtils.h): how each view output may be written later."""
    from .recording import _outputs
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
        # DifferentiableViewMeta reads the version: a base made in inference mode that lost
        # its inference keys (x.data = a normal tensor) has none, and this raises
        v._attr_version = v._version_counter.current()
        if meta == MULTI_OUTPUT_NODE:
            v._output_nr = i


def check_inplace(t):
    """check_inplace (VariableTypeUtils.h), for an in-place write that will be recorded."""
    if t._base is not None:
        handle_view_on_rebase(t)
        if t.requires_grad and t._base.is_leaf:
            raise RuntimeError("a view of a leaf Variable that requires grad is being used in "
                               "an in-place operation.")
    if t.requires_grad and t.is_leaf:
        raise RuntimeError("a leaf Variable that requires grad is being used in an in-place "
                           "operation.")


def handle_view_on_rebase(view, indirect=False):
    """The creation meta of a view forbids some in-place writes (variable.cpp
    handle_view_on_rebase, whose messages name a node by its forward op)."""
    meta = view._creation_meta
    if meta == DEFAULT:
        return
    modified = "its base or another view of its base has been" if indirect else "is being"
    fn = view._grad_fn
    if meta in (INFERENCE_MODE, NO_GRAD_MODE) or fn is None:
        prefix = (f"Output {view._output_nr} of {fn.error_name()} is a view of a view which was "
                  "created in" if fn is not None else "A view was created in")
        if meta == INFERENCE_MODE:
            msg = f"{prefix} inference mode and {modified} modified inplace in normal mode."
        else:
            msg = f"{prefix} no_grad mode and {modified} modified inplace with grad mode enabled."
    else:
        msg = f"Output {view._output_nr} of {fn.error_name()} is a view and {modified} modified inplace."
    if meta == MULTI_OUTPUT_NODE:
        msg += (" This view is the output of a function that returns multiple views. Such "
                "functions do not allow the output views to be modified inplace. You should "
                "replace the inplace operation by an out-of-place one.")
    else:
        block = "inference_mode" if meta == INFERENCE_MODE else "no_grad"
        msg += (" Given that this use case is ambiguous and error-prone, it is forbidden. You can "
                "clarify your code by moving both the view and the inplace either both inside the "
                f"{block} block (if you don't want the inplace to be tracked) or both outside (if "
                "you want the inplace to be tracked).")
    raise RuntimeError(msg)


def rebase_history(t, node):
    """variable.cpp rebase_history: a view's base gets a CopySlices node holding the
    in-place op's node; any other tensor just takes the node as its grad_fn."""
    old = t._grad_fn if t._base is None else None
    if t._base is not None:  # any view, an integer one too (its base gets the history)
        base = t._base
        previous, nr = base._grad_fn, base._output_nr
        base._grad_fn = CopySlices(base, t, node)
        base._output_nr = 0
        base._grad_fn.output_metas = ((base._sizes, base.dtype),)
        if previous is not None and nr in previous.retained:  # the base's retains_grad moves
            base._grad_fn.retained[0] = previous.retained.pop(nr)
        t.grad_fn  # regenerate the view's grad_fn (its version changed)
        return
    t._grad_fn, t._output_nr = node, 0
    node.num_outputs = 1
    node.output_metas = ((t._sizes, t.dtype),)
    if old is not None and 0 in old.retained:  # retains_grad moves to the new grad_fn
        node.retained[0] = old.retained.pop(0)
