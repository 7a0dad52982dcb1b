"""Compare an oracle snapshot with a target's, property by property."""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from refimpl.dtypes import TOLERANCE

from .observe import (
    AUTOGRAD_TENSOR_PROPERTIES, GRAD_PROPERTIES, LAYOUT_PROPERTIES, NOT_SHOWN, UNSPECIFIED,
    ObservationError,
)

# rtol, atol per dtype: the oracle's own table (torch.testing.assert_close defaults); a
# device may loosen some (conformance.devices)
TOLERANCES = TOLERANCE


class Judging(NamedTuple):
    """How a target's observations are judged, from its device's capabilities
    (conformance.devices): the values' tolerances, whether error messages are compared, and
    which strides (all, or the significant ones: of dims of size > 1 in tensors with
    elements, as torch._prims_common.check_significant_strides compares meta to eager; the
    storage offset of a tensor without elements is then not compared either)."""
    tolerances: dict = TOLERANCES
    messages: bool = True
    significant_strides: bool = False

    @classmethod
    def of(cls, capabilities):
        return cls({**TOLERANCES, **capabilities.tolerances} if capabilities.tolerances
                   else TOLERANCES, capabilities.error_messages,
                   capabilities.strides == "significant")


EXACT = Judging()   # every property, within the oracle's own tolerances


@dataclass
class Mismatch:
    variable: str | None
    property: str
    expected: object
    actual: object

    def detail(self):
        who = f"{self.property} of {self.variable}" if self.variable else self.property
        return f"{who}: oracle {_short(self.expected)} != target {_short(self.actual)}"

    def as_record(self):
        """For results.jsonl: the values as their (shortened) reprs."""
        return {"variable": self.variable, "property": self.property,
                "oracle": _short(self.expected), "target": _short(self.actual)}


def _short(v, limit=300):
    s = repr(v)
    return s if len(s) <= limit else s[:limit] + "..."


def normalize_message(msg: str) -> str:
    """First line of an exception message, without addresses and trailing spaces."""
    line = (msg or "").strip().splitlines()[0] if (msg or "").strip() else ""
    line = re.sub(r"0x[0-9a-fA-F]+", "0x?", line)
    return line.strip()


def compare_errors(expected, actual, messages=True):
    """expected/actual: None or (class name, message); messages: whether the messages are
    compared too (not on a device whose kernels word their own, conformance.devices)."""
    if expected is None and actual is None:
        return []
    if expected is None or actual is None or expected[0] != actual[0]:
        return [Mismatch(None, "error", expected and expected[0], actual and actual[0])]
    if messages and normalize_message(expected[1]) != normalize_message(actual[1]):
        return [Mismatch(None, "error_message", normalize_message(expected[1]),
                         normalize_message(actual[1]))]
    return []


def values_equal(expected, actual, dtype, undefined=None, tolerances=TOLERANCES):
    """NaN-aware comparison with the dtype's tolerance (the sign of a zero exact);
    unspecified positions skipped."""
    if isinstance(expected, ObservationError) or isinstance(actual, ObservationError):
        return expected == actual
    try:
        e = np.asarray(expected, dtype=object if dtype in ("int64", "uint8") else None)
        a = np.asarray(actual, dtype=e.dtype if e.dtype == object else None)
    except (ValueError, TypeError):
        return False
    if e.shape != a.shape:
        return False
    if undefined is not None:
        keep = ~np.asarray(undefined, dtype=bool)
        e, a = e[keep], a[keep]
    if dtype not in tolerances:
        return bool(np.all(e == a))
    rtol, atol = tolerances[dtype]
    e = e.astype(np.float64)
    a = a.astype(np.float64)
    with np.errstate(invalid="ignore"):
        both_nan = np.isnan(e) & np.isnan(a)
        exact = e == a  # also covers equal infinities
        close = np.abs(e - a) <= atol + rtol * np.abs(e)
        # two zeros are the same value only with the same sign (1 / -0.0 is -inf):
        # a lost sign of zero is a divergence, whatever the tolerance
        zeros_differ = (e == 0) & (a == 0) & (np.signbit(e) != np.signbit(a))
    return bool(np.all((both_nan | exact | (close & np.isfinite(e) & np.isfinite(a)))
                       & ~zeros_differ))


def identical(expected, actual):
    """expected == actual, except that floats are the same value only when their zeros
    have the same sign (-0.0 == 0.0 in Python) and NaN is the same as NaN; applied
    through nested lists and tuples."""
    if expected == actual and "-0.0" not in repr(expected) and "-0.0" not in repr(actual):
        return True  # the common case, at C speed: equal, and no negative zero either side
    return _identical(expected, actual)


def _identical(expected, actual):
    if isinstance(expected, float) and isinstance(actual, float):
        if expected != expected:
            return actual != actual
        return expected == actual and math.copysign(1.0, expected) == math.copysign(1.0, actual)
    if isinstance(expected, (list, tuple)) and isinstance(actual, (list, tuple)):
        return (type(expected) is type(actual) and len(expected) == len(actual)
                and all(_identical(e, a) for e, a in zip(expected, actual)))
    return expected == actual


def _zero_signs_match(expected, actual):
    """Given expected == actual (tolist() values), whether their zeros' signs match too.
    Fast where it matters: a row without zeros is skipped by one `in` test."""
    if isinstance(expected, float):
        return expected != 0 or math.copysign(1.0, expected) == math.copysign(1.0, actual)
    if not isinstance(expected, list) or not expected:
        return True
    if isinstance(expected[0], list):
        return all(_zero_signs_match(e, a) for e, a in zip(expected, actual))
    if 0.0 not in expected:  # -0.0 == 0.0, so this finds zeros of either sign
        return True
    return all(_zero_signs_match(e, a) for e, a in zip(expected, actual)
               if isinstance(e, float))


def compare_snapshots(expected: dict, actual: dict, judging=EXACT):
    """Mismatches between two snapshots of the same program point (values within
    tolerances; values the target's device does not show, NOT_SHOWN, are not compared)."""
    out = []
    for name, eobs in expected.items():
        aobs = actual.get(name)
        if aobs is None:
            out.append(Mismatch(name, "value", "<defined>", "<undefined>"))
            continue
        if "value" in eobs or "value" in aobs:
            if not identical(eobs.get("value", "<tensor>"), aobs.get("value", "<tensor>")):
                out.append(Mismatch(name, "value", eobs.get("value", "<tensor>"),
                                    aobs.get("value", "<tensor>")))
            continue
        _compare_tensor(out, name, eobs, aobs, LAYOUT_PROPERTIES, judging)
        if "requires_grad" in eobs:  # autograd observed
            _compare_autograd(out, name, eobs, aobs, judging)
    return out


def _compare_tensor(out, name, eobs, aobs, props, judging, prefix=""):
    """Append the mismatches of two tensor observations on props (named prefix + prop)."""
    for prop in props:
        ev, av = eobs[prop], aobs[prop]
        if prop == "values":
            if eobs.get("_undefined") is None and ev == av and _zero_signs_match(ev, av):
                continue  # the common case, without numpy (NaN never takes it)
            if av == NOT_SHOWN:
                continue
            if eobs["shape"] != aobs["shape"] or eobs["dtype"] != aobs["dtype"]:
                same = _values_loose(ev, av)
            else:
                same = values_equal(ev, av, eobs["dtype"], eobs.get("_undefined"),
                                    judging.tolerances)
            if not same:
                out.append(Mismatch(name, prefix + prop, ev, av))
        elif ev != av and ev != UNSPECIFIED:
            if judging.significant_strides and (
                    (prop == "strides" and _significant_equal(eobs["shape"], ev, aobs["shape"], av))
                    or (prop == "storage_offset" and 0 in eobs["shape"]
                        and eobs["shape"] == aobs["shape"])):
                continue  # a layout difference that addresses no element differently
            out.append(Mismatch(name, prefix + prop, ev, av))


def _significant_equal(eshape, estrides, ashape, astrides):
    """Whether two layouts have the same significant strides: those of dims of size > 1,
    in tensors with elements (torch/_prims_common/__init__.py check_significant_strides)."""
    if eshape != ashape or isinstance(estrides, ObservationError) or \
            isinstance(astrides, ObservationError) or len(estrides) != len(astrides):
        return False
    if 0 in eshape:
        return True
    return all(e == a for size, e, a in zip(eshape, estrides, astrides) if size > 1)


def _compare_autograd(out, name, eobs, aobs, judging):
    for prop in AUTOGRAD_TENSOR_PROPERTIES:
        ev, av = eobs[prop], aobs[prop]
        if prop != "grad":
            if ev != av:
                out.append(Mismatch(name, prop, ev, av))
        elif isinstance(ev, dict) and isinstance(av, dict):
            _compare_tensor(out, name, ev, av, GRAD_PROPERTIES, judging, "grad.")
        elif _grad_summary(ev) != _grad_summary(av):
            out.append(Mismatch(name, prop, _grad_summary(ev), _grad_summary(av)))


def _grad_summary(grad):
    """A grad where only its presence is compared: None, "<tensor>" or the ObservationError."""
    return "<tensor>" if isinstance(grad, dict) else grad


def compare_modes(expected: dict, actual: dict):
    """Mismatches of the global modes (grad_enabled, ...) observed after a statement."""
    return [Mismatch(None, prop, value, actual.get(prop)) for prop, value in expected.items()
            if actual.get(prop) != value]


def _values_loose(ev, av):
    """Values of tensors whose shape or dtype already differ: compare what can be."""
    try:
        return values_equal(ev, av, "float64")
    except Exception:  # noqa: BLE001
        return False
