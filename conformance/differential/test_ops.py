"""Per-op differential tests: programs that use the op (at least once, often several
times) must conform on --target. One test per op declared in specs/."""
import pytest
from hypothesis import given, strategies as st

from conformance.differential.checks import assert_conforms
from conformance.generate import ARG_KINDS, HypothesisChooser, generate
from conformance.program import walk
from conformance.specs import load_ops

OPS = load_ops(kinds=ARG_KINDS)


@pytest.mark.parametrize("op", sorted(OPS))
@given(data=st.data())
def test_op_conforms(op, target, oracle, ledger, data):
    program = generate(OPS, HypothesisChooser(data), oracle, focus=op)
    assert any(s.op == op for _, s in walk(program.statements))  # blocks' bodies too
    assert_conforms(program, oracle, target, ledger)
