"""The nodes autograd makes for views written in place (torch/csrc/autograd/functions/
tensor.cpp CopySlices; variable.cpp VariableHooks::grad_fn's AsStridedBackward0)."""
from __future__ import annotations

from .graph import Node, node_class


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


class AsStridedBackward0(Node):
    """The grad_fn a view gets again after its base, or another view of it, was written in
    place: the gradient is scattered back through the view's geometry
    (FunctionsManual.cpp as_strided_backward)."""

    def __init__(self, base, view):
        from .recording import gradient_edge
        super().__init__((gradient_edge(base),), ((base._sizes, base.dtype),))
        self.input_geometry = (base._sizes, base._strides, base._offset)
        self.view_geometry = (view._sizes, view._strides, view._offset)

    def apply(self, grads):
        from .formulas import as_strided_backward
        return [as_strided_backward(grads[0], self.input_geometry, self.view_geometry)]


node_class("AsStridedBackward0", AsStridedBackward0)
