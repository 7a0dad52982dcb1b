"""Autograd: torch.autograd's model in small parts.

  grad_mode.py   no_grad, enable_grad, set_grad_enabled, inference_mode (the one place
                 that says whether ops record)
  graph.py       Node, AccumulateGrad, SavedTensor (version checks), node classes
  derivatives.py the backward rules ops declare (`derivative(...)`, beside each op) and
                 the node that applies one
  recording.py   how a declared op call records its node (the VariableType layer)
  view_nodes.py  views and in-place writes: creation metas, the in-place checks,
                 CopySlices, and the grad_fn a view gets again after a write
  engine.py      the backward pass over the graph
  accumulate.py  gradients into .grad (the layout contract) and retain_grad
  formulas.py    helpers the ops' backward formulas share (FunctionsManual.cpp)

Each op's backward formula sits beside its declaration in the op modules.
"""
from __future__ import annotations

from .engine import make_grads, run_backward
from .grad_mode import (  # noqa: F401
    enable_grad, inference_mode, is_grad_enabled, is_inference_mode_enabled, no_grad,
    set_grad_enabled,
)
from .graph import Node  # noqa: F401


def _as_list(x):
    from ..tensor import Tensor
    if x is None:
        return None
    if isinstance(x, Tensor):
        return [x]
    return list(x)


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False,
             grad_variables=None, inputs=None):
    """torch.autograd.backward: accumulate the gradients of `tensors` into the leaves."""
    tensors = _as_list(tensors)
    grads = _as_list(grad_tensors) or [None] * len(tensors)
    if len(grads) != len(tensors):
        raise RuntimeError(f"got {len(tensors)} tensors and {len(grads)} gradients")
    if inputs is not None:
        inputs = _as_list(inputs)
        if not inputs:
            raise RuntimeError("`inputs` argument to `backward()` cannot be empty.")
    if retain_graph is None:
        retain_graph = create_graph
    grads = make_grads(tensors, grads)
    run_backward(tensors, grads, retain_graph, create_graph, inputs=inputs, accumulate=True)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False,
         only_inputs=True, allow_unused=None, is_grads_batched=False, materialize_grads=False):
    """torch.autograd.grad: the gradients of `outputs` with respect to `inputs`, not
    accumulated anywhere."""
    from ..creation import zeros_like
    if materialize_grads and allow_unused is False:
        raise ValueError("Expected allow_unused to be True or not passed when "
                         "materialize_grads=True, but got: allow_unused=False.")
    if allow_unused is None:
        allow_unused = materialize_grads
    outputs = _as_list(outputs)
    inputs = _as_list(inputs)
    grads = _as_list(grad_outputs) or [None] * len(outputs)
    if len(grads) != len(outputs):
        raise RuntimeError(f"got {len(outputs)} tensors and {len(grads)} gradients")
    if retain_graph is None:
        retain_graph = create_graph
    grads = make_grads(outputs, grads)
    result = run_backward(outputs, grads, retain_graph, create_graph, inputs=inputs,
                          accumulate=False, allow_unused=allow_unused)
    if materialize_grads:
        result = tuple(zeros_like(x) if g is None else g for x, g in zip(inputs, result))
    for g in result:
        if g is not None:
            g._version_counter.unspecified = True  # see accumulate.py
    return result
