"""What autograd makes for views written in place (torch/csrc/autograd/functions/
tensor.cpp CopySlices; variable.cpp VariableHooks::grad_fn's AsStridedBackward0)."""
from __future__ import annotations

from .graph import Node


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
        self.fn.release()

    def apply(self, grads):
        from ..tensor import Tensor
        from ..shape_ops import as_strided
        from ..conversions import copy_
        from ..views import clone
        grad = grads[0]
        sizes, strides, _ = self.base_geometry
        result = Tensor._empty(sizes, grad.dtype, strides)
        copy_(result, grad)
        vsizes, vstrides, voffset = self.view_geometry
        grad_slice = as_strided(result, vsizes, vstrides, voffset)
        needed = lambda i: i == 0 or self.needs(i)  # noqa: E731
        res = self.fn.apply([clone(grad_slice)], needed=needed) if hasattr(self.fn, "rule") \
            else self.fn.apply([clone(grad_slice)])
        out = [None] * len(self.next_functions)
        for i, g in enumerate(res):
            if i == 0:
                if g is not None:
                    copy_(grad_slice, g)
                out[0] = result
            elif i < len(out) and self.needs(i):
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
