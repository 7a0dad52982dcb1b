"""The backward graph: nodes, edges, saved tensors (torch/csrc/autograd/function.h,
saved_variable.cpp, functions/accumulate_grad.cpp).

A Node is one function of the backward pass. It knows the edges to the nodes that
produced its inputs (`next_functions`: (node, output_nr) pairs, None where an input needs
no gradient) and the metadata of those inputs (shape, dtype), which the engine uses to
reduce a broadcast gradient and cast it (engine.cpp validate_outputs). Leaves end in an
AccumulateGrad node that adds the arriving gradient into `.grad`.

Every node class is named as torch names it: the classes of ops' backward nodes are made
on first use from the name in the op's derivative (SigmoidBackward0, MeanBackward1, ...).
"""
from __future__ import annotations

import itertools
import re
import weakref

_sequence = itertools.count()

FREED = ("Trying to backward through the graph a second time (or directly access saved "
         "tensors after they have already been freed). Saved intermediate values of the graph "
         "are freed when you call .backward() or autograd.grad(). Specify retain_graph=True if "
         "you need to backward through the graph a second time or if you need to access saved "
         "tensors after calling backward.")


class _Task:
    """The graph task running now (engine.cpp's current_graph_task): the ids of the nodes
    it delivers gradients to, or None outside a backward pass."""
    reached = None


TASK = _Task()


class Node:
    """A backward function. `apply(grads)` maps the gradients of its outputs to those of
    its inputs, one per next edge (None where not needed)."""
    cpp_name = None   # name() of nodes written by hand in torch (torch::autograd::...)

    def __init__(self, next_functions=(), metas=()):
        self.next_functions = tuple(next_functions)
        self.metas = tuple(metas)            # (sizes, dtype) of each input, or None
        self.sequence_nr = next(_sequence)   # later nodes run first (engine.cpp)
        self.retained = {}                   # output_nr -> tensor with retain_grad()
        self.output_metas = ()               # (sizes, dtype) of each output (the forward's)

    def name(self):
        return self.cpp_name or type(self).__name__

    def error_name(self):
        """How autograd's error messages name this node (Node::forward_op_name): a
        generated node by its forward op (MulBackward0 -> Mul, MaxBackward1 -> Max1), a
        hand-written one by its C++ name."""
        if self.cpp_name:
            return self.cpp_name
        return re.sub(r"Backward(\d*)$", lambda m: "" if m.group(1) in ("", "0") else m.group(1),
                      type(self).__name__)

    def needs(self, i):
        """should_compute_output(i): the i-th input leads somewhere (what the forward's
        generated code asks, deciding what to save)."""
        return self.next_functions[i][0] is not None

    def task_needs(self, i):
        """task_should_compute_output(i), what apply() asks: the i-th input leads to a
        node the running backward pass executes or captures (its exec_info:
        autograd.grad(y, [x]) computes no gradient for y's other inputs)."""
        nxt = self.next_functions[i][0]
        return nxt is not None and (TASK.reached is None or id(nxt) in TASK.reached)


    def release(self):
        """Free what was saved for backward (retain_graph=False)."""

    def apply(self, grads):
        raise NotImplementedError

    def __repr__(self):
        return f"<{type(self).__name__} object at {hex(id(self))}>"


class AccumulateGrad(Node):
    """The node at a leaf: adds the gradient into variable.grad (accumulate_grad.h)."""
    cpp_name = "torch::autograd::AccumulateGrad"

    def __init__(self, variable):
        super().__init__()
        self.variable = variable
        self.output_metas = ((variable._sizes, variable.dtype),)
        self.sequence_nr = float("inf")  # UINT64_MAX: run as soon as ready

    def apply(self, grads):
        from .accumulate import accumulate_into_leaf
        if self.variable.grad_fn is not None:  # a view whose base has since required grad
            raise RuntimeError("leaf variable has been moved into the graph interior")
        if self.variable.requires_grad:  # not after detach_() or requires_grad = False
            accumulate_into_leaf(self.variable, grads[0])
        return []


class NotImplementedNode(Node):
    """The grad_fn of ops torch records but cannot differentiate (floor_divide): its
    backward raises (torch/csrc/autograd/functions/basic_ops.h NotImplemented)."""
    cpp_name = "torch::autograd::NotImplemented"

    def __init__(self, op_name, next_functions, metas):
        super().__init__(next_functions, metas)
        self.op_name = op_name
        self.sequence_nr = float("inf")  # Error nodes: UINT64_MAX, run (and fail) asap

    def apply(self, grads):
        raise RuntimeError(f"derivative for aten::{self.op_name} is not implemented")


NotImplementedNode.__name__ = "NotImplemented"


class SavedTensor:
    """A tensor saved for backward and the version it had then (saved_variable.cpp).
    Unpacking after an in-place write to it raises torch's error; after release, the
    'backward through the graph a second time' one.

    An input is kept as it is. An output is kept as a shallow copy (same storage and
    version counter) without history, and the node it is an output of only weakly, as
    torch does to avoid a cycle node -> saved output -> node: unpacked, it becomes a new
    tensor connected to the graph again."""
    __slots__ = ("tensor", "version", "_output_of", "output_nr", "freed", "was_leaf", "view_fn")

    def __init__(self, tensor, output_of=None, output_nr=0):
        from ..tensor import Tensor
        if tensor._is_inference and not _inference_mode():
            raise RuntimeError(
                "Inference tensors cannot be saved for backward. Please do not use Tensors created "
                "in inference mode in computation tracked by autograd. To work around this, you "
                "can make a clone to get a normal tensor and use it in autograd, or use "
                "`torch.no_grad()` instead of `torch.inference_mode()`.")
        self.version = tensor._version_counter.current()  # saved_variable.cpp: _version()
        self.was_leaf = tensor._grad_fn is None
        self._output_of = weakref.ref(output_of) if output_of is not None else None
        self.view_fn = None
        if output_of is not None:
            # the output of an in-place op on a view: torch keeps a weak reference to the
            # view's grad_fn as it is right after the write (the AsStridedBackward0 it is
            # regenerated with), and unpacks the tensor with that node while it lives
            # (saved_variable.cpp, is_inplace_on_view)
            if tensor._base is not None and tensor.dtype.is_floating_point:
                self.view_fn = weakref.ref(tensor.grad_fn)
            tensor = Tensor(tensor._storage, tensor._offset, tensor._sizes, tensor._strides,
                            tensor.dtype, tensor._version_counter)
            self.output_nr = output_nr
        else:
            self.output_nr = tensor._output_nr
        self.tensor = tensor
        self.freed = False

    @property
    def output_of(self):
        return self._output_of() if self._output_of is not None else None

    def unpack(self, node=None):
        if self.freed:
            raise RuntimeError(FREED)
        t = self.tensor
        if self._output_of is not None:
            from ..tensor import Tensor
            t = Tensor(t._storage, t._offset, t._sizes, t._strides, t.dtype, t._version_counter)
            if self.view_fn is not None:
                # once the view's node has died, the node unpacking stands in (saved_for)
                t._grad_fn, t._output_nr = self.view_fn() or node, 0
            elif t.dtype.is_floating_point:
                t._grad_fn, t._output_nr = self.output_of or node, self.output_nr
        if self._output_of is None and not self.was_leaf and t.grad_fn is None:
            raise RuntimeError(
                "Trying to use a saved tensor that has been detached in-place, i.e. with "
                ".detach_().This is not supported, please use out-of-place `.detach()` instead")
        current = t._version_counter.value
        if current != self.version:
            # an output is named with its node where it is differentiable (the indices of
            # max.dim are not part of the graph)
            fn = t.grad_fn if self._output_of is None or t.dtype.is_floating_point else None
            sizes = "[" + ", ".join(str(s) for s in t._sizes) + "]"
            which = f", which is output {self.output_nr} of {fn.error_name()}," if fn else ""
            raise RuntimeError(
                "one of the variables needed for gradient computation has been modified by an "
                f"inplace operation: [{t._type_string()} {sizes}]{which} is at version {current}; "
                f"expected version {self.version} instead. Hint: enable anomaly detection to find "
                "the operation that failed to compute its gradient, with "
                "torch.autograd.set_detect_anomaly(True, check_nan=False).")
        return t


def _inference_mode():
    from .grad_mode import MODE
    return MODE.inference


_NODE_CLASSES = {}


def node_class(name, base):
    """The node class called `name` (one per name, like torch's generated classes); a
    C++-qualified name (torch::autograd::CopyBackwards) names a hand-written node: its
    class is the last part, name() the whole."""
    cls = _NODE_CLASSES.get(name)
    if cls is None:
        short = name.rsplit("::", 1)[-1]
        attrs = {"cpp_name": name} if "::" in name else {}
        cls = _NODE_CLASSES[name] = type(short, (base,), attrs)
    return cls
