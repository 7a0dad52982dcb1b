"""The oracle's events recorded while a program is drawn are what the oracle yields when it
runs the program again, so run_lockstep may compare against them instead of running it."""
import math
import random

from conformance.execution import Side
from conformance.generate import ARG_KINDS, RandomChooser, generate
from conformance.observe import observed_modes, observes_autograd
from conformance.runner import run_lockstep
from conformance.specs import load_ops
from conformance.targets import parse_target

OPS = load_ops(kinds=ARG_KINDS)
ORACLE = parse_target("refimpl")


def _plain(x):
    """An event's content without storage addresses (aliasing keeps what they say)."""
    if isinstance(x, dict):
        return {k: _plain(v) for k, v in x.items() if k != "_storage"}
    if isinstance(x, (list, tuple)):
        return tuple(_plain(v) for v in x)
    if isinstance(x, float) and math.isnan(x):
        return "nan"
    return x


def test_recorded_events_are_the_oracle_run():
    rng = random.Random(21)
    compared = 0
    for _ in range(300):
        program = generate(OPS, RandomChooser(rng), ORACLE, record=True, autograd=0.4)
        if program.oracle_events is None:
            continue
        side = Side(ORACLE, observes_autograd(ORACLE), observed_modes(ORACLE))
        again = list(side.events(program))
        assert [_plain(e) for e in program.oracle_events] == [_plain(e) for e in again], \
            program.render()
        compared += 1
    assert compared > 180  # the others leave values unspecified, or raise in a block


def test_a_recorded_mismatch_is_judged_by_the_lockstep_run():
    """A planted bug is found with recorded events as without; and a program whose recording
    disagrees with the target for a reason the synced lockstep run forgives is not reported."""
    from tests.test_planted import PLANTED  # noqa: F401 - the planted modules register
    target = parse_target("tests.planted.add_alpha_ignored")
    rng = random.Random(22)
    found = 0
    for _ in range(200):
        program = generate(OPS, RandomChooser(rng), ORACLE, record=True, reported_ops={"add": 1})
        with_events = run_lockstep(program, ORACLE, target)[0]
        program.oracle_events = None
        without = run_lockstep(program, ORACLE, target)[0]
        assert (with_events is None) == (without is None)
        found += without is not None
    assert found
    torch_target = parse_target("torch:cpu")
    program = generate(OPS, RandomChooser(random.Random(3)), ORACLE, record=True)
    program.oracle_events[-1] = program.oracle_events[-1]._replace(error=("RuntimeError", "x"))
    assert run_lockstep(program, ORACLE, torch_target)[0] is None  # the lockstep run decides
