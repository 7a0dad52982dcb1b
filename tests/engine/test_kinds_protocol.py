"""The argument-kind protocol: a kind passes values to later kinds only through what it
declares (@kind(shares=..., reads=...)), and reads earlier arguments by name."""
import ast
import random
from pathlib import Path

import pytest

import conformance.kinds as kinds_pkg
from conformance.generate import RandomChooser, generate
from conformance.kinds import ARG_KINDS, Ctx, KindProtocolError, kind
from conformance.specs import load_ops
from conformance.targets import parse_target


class _Gen:
    class current_op:  # noqa: N801 - stands in for an OpSpec
        name, params = "div", ("input", "other")


def test_undeclared_sharing_and_reading_are_refused():
    @kind(shares=("a",))
    def k_sharer(ctx):
        ctx.share("a", 1)
        ctx.share("b", 2)

    @kind(reads=("a",))
    def k_reader(ctx):
        return ctx.take("a"), ctx.arg("other")

    ctx = Ctx(_Gen(), args=[{"var": "v0"}, 3])
    ctx.current = k_sharer
    with pytest.raises(KindProtocolError, match="'b'"):
        k_sharer(ctx)
    ctx.current = k_reader
    with pytest.raises(KindProtocolError, match="argument 'other'"):
        k_reader(ctx)
    k_reader.reads = frozenset({"a", "other"})
    assert k_reader(ctx) == (1, 3)


def _reads_by_kind(path):
    """For each k_ function of a module: the names it (or a helper it calls) passes to
    ctx.arg / ctx.take, and what its @kind declares."""
    tree = ast.parse(path.read_text())
    funcs = {f.name: f for f in tree.body if isinstance(f, ast.FunctionDef)}

    def direct(f):
        names, calls = set(), set()
        for n in ast.walk(f):
            if isinstance(n, ast.Call):
                if (isinstance(n.func, ast.Attribute) and n.func.attr in ("arg", "take")
                        and n.args and isinstance(n.args[0], ast.Constant)):
                    names.add(n.args[0].value)
                if isinstance(n.func, ast.Name) and n.func.id in funcs:
                    calls.add(n.func.id)
        return names, calls

    info = {k: direct(f) for k, f in funcs.items()}

    def reads(k, seen=()):
        names, calls = info[k]
        return set(names).union(*(reads(c, seen + (k,)) for c in calls if c not in seen))

    for name, f in funcs.items():
        if name.startswith("k_"):
            yield name, reads(name)


@pytest.mark.parametrize("path", sorted(Path(kinds_pkg.__file__).parent.glob("*.py")),
                         ids=lambda p: p.name)
def test_every_kind_declares_what_it_reads(path):
    for name, needed in _reads_by_kind(path):
        fn = ARG_KINDS[name[2:]]
        declared = getattr(fn, "reads", frozenset())
        assert needed <= declared, f"{name} reads {sorted(needed - declared)} undeclared"


def test_generation_keeps_the_protocol():
    ops, oracle = load_ops(kinds=ARG_KINDS), parse_target("refimpl")
    rng = random.Random(0)
    for _ in range(300):
        generate(ops, RandomChooser(rng), oracle)  # a KindProtocolError would propagate
