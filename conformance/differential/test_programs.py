"""Whole-program differential tests: random programs over every declared op."""
from hypothesis import given, settings, strategies as st

from conformance.differential.checks import assert_conforms
from conformance.generate import ARG_KINDS, HypothesisChooser, generate
from conformance.specs import load_ops

OPS = load_ops(kinds=ARG_KINDS)


@settings(max_examples=settings().max_examples * 8)
@given(data=st.data())
def test_programs_conform(target, oracle, ledger, data):
    program = generate(OPS, HypothesisChooser(data), oracle)
    assert_conforms(program, oracle, target, ledger)
