"""What the indexing argument kinds draw: never an index that torch answers from memory
past a tensor's sizes (two Ellipses, pytorch/pytorch#59787)."""
import json
import random

from conformance.generate import ARG_KINDS, RandomChooser, generate
from conformance.specs import load_ops
from conformance.targets import parse_target


def _ellipses(value):
    if isinstance(value, dict):
        return int(value.get("ellipsis") is True) if "ellipsis" in value else sum(
            _ellipses(v) for v in value.values())
    if isinstance(value, list):
        return sum(_ellipses(v) for v in value)
    return 0


def test_an_index_holds_one_ellipsis_at_most():
    ops, oracle, rng = load_ops(kinds=ARG_KINDS), parse_target("refimpl"), random.Random(5)
    seen_one = 0
    for _ in range(1500):
        program = generate(ops, RandomChooser(rng), oracle, reported_ops={"getitem", "setitem"},
                           autograd=0)
        for stmt in json.loads(json.dumps(program.to_json()))["statements"]:
            if stmt["op"].startswith(("getitem", "setitem")):
                for arg in stmt["args"][1:2]:
                    n = _ellipses(arg)
                    assert n <= 1, stmt
                    seen_one += n == 1
    assert seen_one > 20  # the kind still draws one
