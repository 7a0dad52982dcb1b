"""Autograd cases run on refimpl and on torch, observed the same way and compared.

A case is a function `case(torch)` building tensors and graphs with the module it is
given and returning a dict of named tensors (or other values) to observe. For each
tensor the observation holds its values, shape, requires_grad, is_leaf, grad_fn name and
the names of its next_functions, and its .grad (values and strides) where it is a leaf or
retains its grad; an exception ends the case and is observed as (class, first line).
`assert_same(case)` runs both and compares, floats within the dtype's tolerance.

`numerical_check(f, inputs)` compares refimpl's gradients with central differences in
float64 (for refimpl's own tests of each backward formula, without torch).
"""
import math
import warnings

import refimpl
import torch

from .harness import first_line


def close(a, b, rtol, atol):
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return a == b or abs(a - b) <= atol + rtol * abs(b)


def _fn_name(fn):
    return None if fn is None else fn.name()


def _observe_tensor(t):
    obs = {"values": t.detach().tolist(), "shape": tuple(t.shape), "dtype": str(t.dtype),
           "requires_grad": t.requires_grad, "is_leaf": t.is_leaf,
           "grad_fn": _fn_name(t.grad_fn), "version": t._version,
           "next": None if t.grad_fn is None else tuple(
               (_fn_name(f), nr) for f, nr in t.grad_fn.next_functions)}
    if t.is_leaf or t.retains_grad:
        g = t.grad
        obs["grad"] = None if g is None else (g.tolist(), tuple(g.stride()))
    return obs


def observe(module, case):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            got = case(module)
            result = {}
            for name, value in got.items():
                if isinstance(value, module.Tensor):
                    result[name] = _observe_tensor(value)
                elif isinstance(value, (tuple, list)) and value and all(
                        isinstance(v, module.Tensor) or v is None for v in value):
                    result[name] = [None if v is None else _observe_tensor(v) for v in value]
                else:
                    result[name] = value
            return ("ok", result)
    except Exception as e:  # noqa: BLE001 - the class and message are what is compared
        return ("error", type(e).__name__, first_line(e))


def _same(a, b, path="", rtol=1e-5, atol=1e-6):
    if isinstance(a, dict) and isinstance(b, dict):
        assert a.keys() == b.keys(), f"{path}: keys {sorted(a)} != {sorted(b)}"
        for k in a:
            _same(a[k], b[k], f"{path}.{k}", rtol, atol)
    elif isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        assert len(a) == len(b), f"{path}: {a!r} != {b!r}"
        for i, (x, y) in enumerate(zip(a, b)):
            _same(x, y, f"{path}[{i}]", rtol, atol)
    elif isinstance(a, float) and isinstance(b, float):
        assert close(a, b, rtol, atol), f"{path}: {a!r} != {b!r}"
    else:
        assert a == b, f"{path}: refimpl {a!r} != torch {b!r}"


def assert_same(case, rtol=1e-5, atol=1e-6):
    ours, theirs = observe(refimpl, case), observe(torch, case)
    _same(ours, theirs, case.__name__ if hasattr(case, "__name__") else "case", rtol, atol)
    return ours


def numerical_check(f, inputs, eps=1e-6, rtol=1e-4, atol=1e-5):
    """refimpl's gradient of sum(f(*inputs) * weights) against central differences, in
    float64; inputs are lists of floats (nested) or refimpl tensors."""
    leaves = [refimpl.tensor(x, dtype=refimpl.float64, requires_grad=True)
              if not isinstance(x, refimpl.Tensor) else x for x in inputs]
    out = f(*leaves)
    weights = refimpl.arange(1, out.numel() + 1, dtype=refimpl.float64).reshape(out.shape) \
        if out.dim() else refimpl.tensor(1.0, dtype=refimpl.float64)
    (out * weights).sum().backward()
    for i, leaf in enumerate(leaves):
        flat = leaf.detach().reshape(-1)
        expected = []
        for j in range(flat.numel()):
            value = flat[j].item()
            with refimpl.no_grad():
                flat[j] = value + eps
                hi = (f(*leaves) * weights).sum().item()
                flat[j] = value - eps
                lo = (f(*leaves) * weights).sum().item()
                flat[j] = value
            expected.append((hi - lo) / (2 * eps))
        got = leaf.grad.reshape(-1).tolist() if leaf.grad is not None else [0.0] * len(expected)
        for j, (g, e) in enumerate(zip(got, expected)):
            assert close(g, e, rtol, atol), f"input {i} element {j}: analytic {g} != numeric {e}"
