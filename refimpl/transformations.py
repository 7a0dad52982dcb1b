"""Ops that move elements into a new tensor (aten/src/ATen/native/TensorTransformations.cpp):
flip."""
from __future__ import annotations

from . import layout
from .registry import declare
from .tensor import Tensor


@declare("flip(Tensor input, int[] dims)", schema="aten::flip")
def flip(self: Tensor, *dims):
    """flip: the dims (wrapped, no repeats: dim_list_to_bitset) reversed, into
    empty_like(self, preserve_format)."""
    from .views import _shape_arg, memory_format_strides, preserve_format
    wrapped = layout.dim_list_to_bitset(_shape_arg(dims), self.dim())
    values = self._values()
    if self.dim() and wrapped:
        values = values[tuple(slice(None, None, -1) if d in wrapped else slice(None)
                              for d in range(self.dim()))]
    strides = memory_format_strides(self._sizes, self._strides, preserve_format)
    return Tensor._from_array(values.copy(), self.dtype, strides, _flipped_mask(self, wrapped))


def _flipped_mask(t, wrapped):
    mask = t._undefined_mask()
    if mask is None or not t.dim():
        return mask
    return mask[tuple(slice(None, None, -1) if d in wrapped else slice(None)
                      for d in range(t.dim()))]


# --- backward rules (tools/autograd/derivatives.yaml) ----------------------------------------
from .autograd.derivatives import derivative  # noqa: E402

def _flip_backward(grad, dims):
    from .views import _shape_arg
    return flip(grad, list(_shape_arg(dims or ())))


derivative(flip, "FlipBackward0", self=_flip_backward)
