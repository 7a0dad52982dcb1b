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
    reverse = tuple(slice(None, None, -1) if d in wrapped else slice(None)
                    for d in range(self.dim()))
    values, mask = self._values(), self._undefined_mask()
    if self.dim():
        values = values[reverse]
        mask = None if mask is None else mask[reverse]
    strides = memory_format_strides(self._sizes, self._strides, preserve_format)
    return Tensor._from_array(values.copy(), self.dtype, strides, mask)


# --- backward rules (tools/autograd/derivatives.yaml) ----------------------------------------
from .autograd.derivatives import derivative  # noqa: E402


def _flip_backward(grad, dims):
    from .views import _shape_arg
    return flip(grad, list(_shape_arg(dims or ())))


derivative(flip, "FlipBackward0", self=_flip_backward)
