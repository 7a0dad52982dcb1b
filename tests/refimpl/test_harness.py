"""The shared test harness (tests/refimpl/harness.py) itself."""
import math

import refimpl
from conformance.compare import TOLERANCES
from tests.refimpl.harness import close, outcome, specified, tolerance


def test_outcome_captures_result_or_error():
    assert outcome(lambda m: m.zeros(2).tolist(), refimpl) == ("ok", [0.0, 0.0])
    assert outcome(lambda m: m.zeros(2), refimpl, observe=lambda r: r.shape) == ("ok", (2,))
    assert outcome(lambda m: m.zeros(2).view(3), refimpl) == (
        "error", "RuntimeError", "shape '[3]' is invalid for input of size 2")


def test_one_tolerance_table():
    assert tolerance("torch.float64") == TOLERANCES["float64"]
    assert tolerance(refimpl.float16) == TOLERANCES["float16"]
    assert tolerance("int64") == (0.0, 0.0)


def test_close():
    assert close([1.0, math.nan], [1.0 + 1e-8, math.nan], "float64")
    assert not close([1.0], [1.0 + 1e-6], "float64")
    assert close([1.0], [1.0 + 1e-6], "float32")
    assert not close([1], [2], "int64")
    assert not close([math.inf], [-math.inf], "float32")
    assert close([None, 2.0], [5.0, 2.0], "float32")   # None: unspecified in refimpl
    assert not close([1.0, 2.0], [1.0], "float32")


def test_specified():
    assert specified([[1, 2], [3, 4]], [[False, True], [False, False]]) == [[1, None], [3, 4]]
    assert specified(5, None) == 5
