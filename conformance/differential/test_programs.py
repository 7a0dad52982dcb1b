"""Whole-program differential tests: random programs over every declared op."""
from hypothesis import given, settings

from conformance.differential.checks import assert_conforms
from conformance.generate import ARG_KINDS, programs
from conformance.specs import load_ops
from conformance.targets import parse_target

OPS = load_ops(kinds=ARG_KINDS)
ORACLE = parse_target("refimpl")


@settings(max_examples=settings().max_examples * 8)
@given(program=programs(OPS, ORACLE))
def test_programs_conform(target, oracle, ledger, program):
    assert_conforms(program, oracle, target, ledger)
