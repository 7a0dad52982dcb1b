"""What the planted autograd bugs share: the leaves a backward reaches, and autograd
Functions whose backward nodes are named like torch's own (so only the planted rule
differs from torch)."""
from __future__ import annotations


def leaves_of(t):
    """The leaves whose AccumulateGrad nodes a backward from t reaches."""
    if t.grad_fn is None:
        return [t] if t.requires_grad else []
    seen, found, stack = set(), [], [t.grad_fn]
    while stack:
        fn = stack.pop()
        if fn is None or id(fn) in seen:
            continue
        seen.add(id(fn))
        if hasattr(fn, "variable"):
            found.append(fn.variable)
        stack.extend(f for f, _ in fn.next_functions)
    return found


def named_function(cls, node_name):
    """Name the backward node of an autograd.Function as torch names the real op's."""
    cls._backward_cls.__name__ = node_name
    return cls
