"""Programs are data: JSON round trip, and the rendered script does what execute() does."""
import math
import random

import torch

from conformance.execution import PROGRAM_SEED
from conformance.generate import ARG_KINDS, RandomChooser, generate
from conformance.program import Program, Statement, execute
from conformance.runner import run_lockstep
from conformance.shrink import renumber
from conformance.specs import load_ops
from conformance.targets import parse_target

OPS = load_ops(kinds=ARG_KINDS)
ORACLE = parse_target("refimpl")


def _programs(n, seed=0):
    rng = random.Random(seed)
    return [generate(OPS, RandomChooser(rng), ORACLE) for _ in range(n)]


def test_json_round_trip():
    for p in _programs(50):
        again = Program.loads(p.dumps())
        assert again.dumps() == p.dumps()  # (NaN literals compare equal as text)
        assert again.render() == p.render()


def _same(a, b):
    if isinstance(a, (tuple, list)):  # split, unbind, chunk, max(dim), ...: item by item
        return type(b) is type(a) and len(a) == len(b) and all(map(_same, a, b))
    if isinstance(a, torch.nn.Module):  # modules: the same state
        return isinstance(b, torch.nn.Module) and repr(a) == repr(b) and \
            _same(a.state_dict(keep_vars=True), b.state_dict(keep_vars=True))
    if isinstance(a, dict):
        return isinstance(b, dict) and list(a) == list(b) and all(map(_same, a.values(), b.values()))
    if isinstance(a, torch.Generator):
        return isinstance(b, torch.Generator) and torch.equal(a.get_state(), b.get_state())
    if isinstance(a, torch.Tensor):
        return (isinstance(b, torch.Tensor) and a.shape == b.shape and a.stride() == b.stride()
                and a.dtype == b.dtype and a.is_inference() == b.is_inference()
                and (a.is_inference() or a._version == b._version)  # no counter to read
                and torch.equal(a.nan_to_num(0.5), b.nan_to_num(0.5)))
    return a == b or (isinstance(a, float) and math.isnan(a) and math.isnan(b))


def test_rendered_script_matches_execute():
    for p in _programs(60, seed=3):
        if any(s.op in ("empty", "empty_like") for s in p.statements):
            continue  # torch.empty's values (and what later statements make of them) vary per run
        env_exec, env_script = {}, {"torch": torch}
        errors_exec, errors_script = [], []
        torch.manual_seed(PROGRAM_SEED)   # each run from the seed programs start from
        for stmt in p.statements:
            try:
                execute(stmt, env_exec, torch)
                errors_exec.append(None)
            except Exception as e:  # noqa: BLE001
                errors_exec.append(type(e).__name__)
        torch.manual_seed(PROGRAM_SEED)
        for stmt in p.statements:
            try:
                exec(stmt.render(), env_script)
                errors_script.append(None)
            except Exception as e:  # noqa: BLE001
                errors_script.append(type(e).__name__)
        assert errors_exec == errors_script, p.render()
        for name, value in env_exec.items():
            assert _same(value, env_script[name]), (name, p.render())


def test_renumber_keeps_meaning():
    p = Program([
        Statement("ones", "function", [{"tuple": [2, 3]}], {}, "v7", creates=True),
        Statement("t", "method", [{"var": "v7"}], {}, "v9"),
        Statement("add_", "augmented", [{"var": "v9"}, 1.5], {}, None, call="+="),
    ])
    r = renumber(p)
    assert r.render() == "v0 = torch.ones((2, 3))\nv1 = v0.t()\nv1 += 1.5"
    assert run_lockstep(r, ORACLE, parse_target("torch:cpu"))[0] is None


def test_renumber_keeps_unpacked_names_with_their_tuple():
    p = Program([
        Statement("ones", "function", [{"tuple": [4]}], {}, "v5", creates=True),
        Statement("split", "method", [{"var": "v5"}, 2], {}, "v7", unpack=2),
        Statement("neg", "method", [{"var": "v7_1"}], {}, "v9"),
    ])
    r = renumber(p)
    assert r.render() == "v0 = torch.ones((4,))\nv1 = v0.split(2)\nv1_0, v1_1 = v1\nv2 = v1_1.neg()"
    assert run_lockstep(r, ORACLE, parse_target("torch:cpu"))[0] is None
