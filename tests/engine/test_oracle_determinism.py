"""The oracle's outcome of a statement must not depend on when Python's garbage collector
runs. A refimpl kernel that raises keeps its error in a local (`error = ...; raise
error`); the error's traceback then holds the kernel's frames in a cycle, and with them
whatever the statement made, such as a leaf's grad accumulator, which autograd holds
weakly (torch: a weak_ptr). The harness drops the traceback of every error it records
(execution._released), so such objects go at once, as where torch raises from C++."""
import gc

from conformance.execution import attempt
from conformance.program import Program
from conformance.runner import Side
from conformance.targets import parse_target

ORACLE = parse_target("refimpl")
# a leaf whose accumulator a raising statement made, given other data before a backward
# (a program the differential tests drew, shrunk by hand)
PROGRAM = {"statements": [
    {"op": "ones", "form": "function", "args": [1, 3], "kwargs": {"requires_grad": True},
     "target": "v0", "creates": True},
    {"op": "unsqueeze", "form": "function", "args": [], "kwargs": {"input": {"var": "v0"},
     "dim": -4}, "target": "v1"},
    {"op": "rsqrt_", "form": "method", "args": [{"var": "v0"}], "kwargs": {}, "target": None},
    {"op": "logical_not", "form": "function", "args": [{"var": "v0"}],
     "kwargs": {"out": {"var": "v0"}}, "target": "v2"},
    {"op": "eye", "form": "function", "args": [0], "kwargs": {}, "target": "v3", "creates": True},
    {"op": "set_data", "form": "setattr", "args": [{"var": "v0"}, {"var": "v3"}], "kwargs": {},
     "target": None, "call": "data"},
    {"op": "mean", "form": "method", "args": [{"var": "v2"}], "kwargs": {}, "target": "v4"},
    {"op": "backward", "form": "method", "args": [{"var": "v4"}], "kwargs": {}, "target": None},
]}


def _errors(collect):
    """What each statement raised on the oracle (its class or None), with the collector
    run after every statement (collect) or never."""
    side = Side(ORACLE, autograd=True, modes=())
    out = []
    for event in side.events(Program.from_json(PROGRAM)):
        out.append(event.error and event.error[0])
        if collect:
            gc.collect()
    return out


def test_the_outcome_does_not_wait_for_the_collector():
    enabled = gc.isenabled()
    gc.disable()
    try:
        never, always = _errors(False), _errors(True)
    finally:
        if enabled:
            gc.enable()
    assert never == always
    assert never[1:3] == ["IndexError", "RuntimeError"]   # bad dim; in-place on a leaf


def test_a_recorded_error_holds_no_frames():
    env = {}
    program = Program.from_json(PROGRAM)
    assert attempt(program.statements[0], env, ORACLE) is None
    error = attempt(program.statements[2], env, ORACLE)
    assert isinstance(error, RuntimeError) and error.__traceback__ is None
