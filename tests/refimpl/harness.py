"""What the refimpl tests share: run one case on a module (refimpl or torch) and capture
what it returned or raised, and compare values within the tolerance table the conformance
engine compares with (conformance/compare.py TOLERANCES, refimpl's own table).

A case is built twice through the same code, once with `refimpl` and once with `torch`
as the module; the two outcomes must agree.
"""
import math
import warnings

from conformance.compare import TOLERANCES

__all__ = ["TOLERANCES", "close", "first_line", "outcome", "specified", "tolerance"]


def first_line(exc):
    """The first line of an exception's message, stripped (what the engine compares)."""
    text = str(exc).strip()
    return text.splitlines()[0].strip() if text else ""


def outcome(fn, *args, observe=None):
    """Run fn(*args) with warnings silenced. Returns ("ok", observe(result)) -- the
    result itself without observe -- or ("error", exception class name, first line of
    its message)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = fn(*args)
    except Exception as e:  # noqa: BLE001 - the class and message are what is compared
        return ("error", type(e).__name__, first_line(e))
    return ("ok", result if observe is None else observe(result))


def tolerance(dtype):
    """(rtol, atol) of a dtype (a dtype object or name, "torch." prefix allowed); exact
    (0, 0) for the integral dtypes."""
    name = str(dtype).replace("torch.", "")
    return TOLERANCES.get(name, (0.0, 0.0))


def close(expected, actual, dtype):
    """Values (nested lists or scalars) equal within dtype's tolerance: NaN matches NaN,
    infinities only themselves, and None in `expected` (a value refimpl leaves
    unspecified) matches anything."""
    if isinstance(expected, (list, tuple)):
        return (isinstance(actual, (list, tuple)) and len(expected) == len(actual)
                and all(close(e, a, dtype) for e, a in zip(expected, actual)))
    if expected is None:
        return True
    if isinstance(expected, float) and math.isnan(expected):
        return isinstance(actual, float) and math.isnan(actual)
    if expected == actual:
        return True
    rtol, atol = tolerance(dtype)
    return (isinstance(expected, float) and isinstance(actual, (int, float))
            and math.isfinite(expected) and math.isfinite(actual)
            and abs(expected - actual) <= atol + rtol * abs(expected))


def specified(values, mask):
    """values (t.tolist()) with None where mask (refimpl's _undefined_mask().tolist(), or
    None) marks the value unspecified."""
    if mask is None:
        return values
    if isinstance(values, list):
        return [specified(v, m) for v, m in zip(values, mask)]
    return None if mask else values
