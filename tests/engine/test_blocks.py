"""Block statements (`with torch.no_grad():` ...) and the other statement forms autograd
needs (attribute assignment, p.grad as a value, torch.autograd.grad): JSON round trip,
rendering that runs like execute(), lockstep runs that observe inside blocks and recover
from errors raised in them, shrinking, and repro scripts."""
import math
import sys

import pytest
import torch

from conformance import repro
from conformance.program import (
    AUGMENTED, BLOCK, OPERATOR, SETATTR, Program, Statement, execute, statement_at, walk,
)
from conformance.runner import attempt, run_lockstep, run_statement
from conformance.shrink import _unwrapped, _without, renumber, same_divergence, shrink
from tests.engine.test_autograd_programs import (
    DETACH_COPIES, REFIMPL, TORCH, PlantedMode, block, fn, method,
    planted_target, torch_programs, var,
)


def _grad(p):
    return {"attr": [p, "grad"]}


# v0 requires grad; blocks nest; an error ends a block (and v8 is never bound)
PROGRAM = Program([
    fn("ones", {"tuple": [2, 3]}, target="v0", requires_grad=True),
    block("no_grad",
          Statement("mul", OPERATOR, [var("v0"), 2], target="v1", call="*"),
          block("enable_grad", method("v0", "mul", 3, target="v2"))),
    method("v2", "sum", target="v3"),
    method("v3", "backward"),
    block("no_grad",
          Statement("mul", OPERATOR, [0.1, _grad("v0")], target="v4", call="*"),
          Statement("sub_", AUGMENTED, [var("v0"), var("v4")], call="-="),
          method("v0", "add_", _grad("v0"), alpha=-0.5), op="sgd_step"),
    method(_grad("v0"), "grad_zero", call="zero_"),
    Statement("grad_reset", SETATTR, [var("v0"), None], call="grad"),
    block("inference_mode", method("v0", "add", 1, target="v5")),
    block("set_grad_enabled",
          method("v0", "exp", target="v6"),
          method("v0", "view", 5, target="v7"),        # raises: the block ends here
          method("v0", "add", 1, target="v8"), args=[False]),
    method("v0", "mul", 4, target="v9"),               # grad mode is back on
    method("v9", "sum", target="v10"),
    fn("autograd.grad", var("v10"), {"list": [var("v0")]}, target="v11", call="autograd.grad",
       unpack=1, retain_graph=True),
    Statement("set_data", SETATTR, [var("v9"), var("v1")], call="data"),
    Statement("set_requires_grad", SETATTR, [var("v1"), True], call="requires_grad"),
])

RENDERED = """\
v0 = torch.ones((2, 3), requires_grad=True)
with torch.no_grad():
    v1 = v0 * 2
    with torch.enable_grad():
        v2 = v0.mul(3)
v3 = v2.sum()
v3.backward()
with torch.no_grad():
    v4 = 0.1 * v0.grad
    v0 -= v4
    v0.add_(v0.grad, alpha=-0.5)
v0.grad.zero_()
v0.grad = None
with torch.inference_mode():
    v5 = v0.add(1)
with torch.set_grad_enabled(False):
    v6 = v0.exp()
    v7 = v0.view(5)
    v8 = v0.add(1)
v9 = v0.mul(4)
v10 = v9.sum()
v11 = torch.autograd.grad(v10, [v0], retain_graph=True)
v11_0, = v11
v9.data = v1
v1.requires_grad = True"""


def test_json_round_trip():
    again = Program.loads(PROGRAM.dumps())
    assert again == PROGRAM
    assert again.dumps() == PROGRAM.dumps()
    d = PROGRAM.to_json()["statements"][1]
    assert (d["form"], d["call"], d["body"][1]["form"]) == ("block", "no_grad", "block")
    assert "body" not in PROGRAM.to_json()["statements"][0]


def test_blocks_render_as_indented_with_statements():
    assert PROGRAM.render() == RENDERED
    assert block("no_grad").render() == "with torch.no_grad():\n    pass"


def test_uses_and_defines_cover_the_body():
    sgd = PROGRAM.statements[4]
    assert sgd.uses() == ["v0", "v0", "v4", "v0", "v0"]
    assert sgd.defines() == ["v4", "v0"]
    assert PROGRAM.statements[1].defines() == ["v1", "v2"]
    assert [path for path, _ in walk(PROGRAM.statements)][:4] == [(0,), (1,), (1, 0), (1, 1)]
    assert statement_at(PROGRAM.statements, (1, 1, 0)).target == "v2"


def _read(read):
    try:
        return read()
    except Exception as e:  # noqa: BLE001 - e.g. is_leaf of some views made in no_grad
        return repr(e)


def _state(env):
    """What a variable holds, comparably: tensors by value and autograd state."""
    def one(x):
        if isinstance(x, torch.Tensor):
            return tuple(_read(read) for read in (
                lambda: x.detach().nan_to_num(0.5).tolist(), lambda: x.requires_grad,
                lambda: x.is_leaf, lambda: x.grad_fn.name() if x.grad_fn else None,
                lambda: x.grad.nan_to_num(0.5).tolist() if x.is_leaf and x.grad is not None else None,
                lambda: x.is_inference()))
        if isinstance(x, tuple):
            return tuple(map(one, x))
        return x
    return {k: one(v) for k, v in env.items() if not k.startswith("__") and k != "torch"}


def _run_both_ways(program):
    """(state, errors) after execute() and after exec() of the rendered script, per
    top-level statement."""
    env_exec, env_script = {}, {"torch": torch}
    errors_exec, errors_script = [], []
    for stmt in program.statements:
        for run, errors in ((lambda: execute(stmt, env_exec, torch), errors_exec),
                            (lambda: exec(stmt.render(), env_script), errors_script)):
            try:
                run()
                errors.append(None)
            except Exception as e:  # noqa: BLE001
                errors.append(type(e).__name__)
        assert torch.is_grad_enabled() and not torch.is_inference_mode_enabled()
    return (_state(env_exec), errors_exec), (_state(env_script), errors_script)


def test_rendered_script_runs_like_execute():
    by_execute, by_script = _run_both_ways(PROGRAM)
    assert by_execute == by_script
    state, errors = by_execute
    assert errors == [None] * 8 + ["RuntimeError"] + [None] * 5
    assert "v6" in state and "v8" not in state  # the block ended at v7
    assert state["v9"][1:3] == (True, False)     # computed with grad mode back on
    assert state["v5"][5] is True                # an inference tensor


def test_rendered_generated_programs_run_like_execute():
    for program in torch_programs(60, seed=6):
        if any(s.op in ("empty", "empty_like") for _, s in walk(program.statements)):
            continue  # torch.empty's values vary per run
        by_execute, by_script = _run_both_ways(program)
        assert by_execute == by_script, program.render()


# --- lockstep ------------------------------------------------------------------------------
def test_an_error_in_a_block_ends_it_and_the_run_goes_on():
    assert run_lockstep(PROGRAM, TORCH, TORCH) == (None, len(PROGRAM.statements))
    env = {}
    for stmt in PROGRAM.statements[:8]:
        assert run_statement(stmt, env, TORCH) is None
    exc = attempt(PROGRAM.statements[8], env, TORCH)
    assert isinstance(exc, RuntimeError) and "invalid for input of size 6" in str(exc)
    assert "v6" in env and "v8" not in env and torch.is_grad_enabled()


def test_divergence_inside_a_block_points_at_the_inner_statement():
    program = Program([
        fn("ones", 3, target="v0", requires_grad=True),
        block("no_grad", method("v0", "mul", 2, target="v1"), method("v0", "detach", target="v2"),
              method("v1", "add", 1, target="v3")),
        method("v0", "sum", target="v4"),
    ])
    with PlantedMode(DETACH_COPIES):
        d, ran = run_lockstep(program, TORCH, planted_target("detach_copies"))
    assert (d.index, d.path, d.op, ran) == (1, (1, 1), "detach", 2)
    assert any(m.property == "aliasing" for m in d.mismatches)
    assert torch.is_grad_enabled()  # both sides left their blocks


def test_an_error_on_one_side_inside_a_block_is_the_divergence():
    def refuse(self, *args, **kwargs):
        raise RuntimeError("planted refusal")
    program = Program([fn("ones", 3, target="v0"),
                       block("inference_mode", block("no_grad", method("v0", "exp", target="v1")))])
    with PlantedMode({torch.Tensor.exp: refuse}):
        d, _ = run_lockstep(program, TORCH, planted_target("refuses_exp"))
    assert (d.path, d.op, d.first.property) == ((1, 0, 0), "exp", "error")
    assert d.target_error == ("RuntimeError", "planted refusal")
    assert torch.is_grad_enabled() and not torch.is_inference_mode_enabled()


def _lying_target():
    """Bug: is_grad_enabled() always says True."""
    return planted_target("grad_mode_lies", is_grad_enabled=lambda: True)


def _sticky_target():
    """Bug: leaving no_grad leaves grad mode off (a grad mode of its own: with torch as both
    oracle and target, torch's global one is the oracle's)."""
    state = {"enabled": True}

    class no_grad:
        def __enter__(self):
            state["enabled"] = False

        def __exit__(self, *exc):
            return False
    return planted_target("no_grad_sticks", no_grad=no_grad, is_grad_enabled=lambda: state["enabled"])


def test_grad_mode_is_observed_inside_blocks_and_after_them():
    program = Program([fn("ones", 3, target="v0"),
                       block("no_grad", method("v0", "add", 1, target="v1"),
                             method("v1", "mul", 2, target="v2")),
                       method("v0", "add", 2, target="v3")])
    d, _ = run_lockstep(program, TORCH, _lying_target())
    assert (d.path, d.op, d.first.property, d.first.expected) == ((1, 0), "add", "grad_enabled", False)
    d, _ = run_lockstep(program, TORCH, _sticky_target())  # right inside, wrong once left
    assert (d.path, d.op, d.first.property, d.first.expected) == ((1,), "no_grad", "grad_enabled", True)


def test_a_manager_the_target_lacks_is_an_error_on_the_block():
    program = Program([fn("ones", 3, target="v0"), block("inference_mode", fn("ones", 2, target="v1"))])
    lacking = planted_target("no_inference_mode", inference_mode=None)
    d, _ = run_lockstep(program, TORCH, lacking)
    assert (d.path, d.op, d.first.property, d.target_error[0]) == ((1,), "inference_mode", "error",
                                                                   "TypeError")


# --- shrinking -------------------------------------------------------------------------------
def test_shrink_drops_body_statements_and_unwraps_a_block_not_needed():
    program = Program([
        fn("ones", 3, target="v0", requires_grad=True),
        fn("zeros", 2, target="v1"),
        block("no_grad", method("v1", "add", 1, target="v2"), method("v0", "exp", target="v3"),
              block("enable_grad", method("v3", "detach", target="v4")),
              method("v2", "mul", 2, target="v5")),
        method("v4", "sum", target="v6"),
    ])
    target = planted_target("detach_copies")
    with PlantedMode(DETACH_COPIES):
        d, _ = run_lockstep(program, TORCH, target)
        assert d.path == (2, 2, 0)
        small = shrink(program, d.index, TORCH, target, same_divergence("detach", "aliasing"),
                       path=d.path)
        assert run_lockstep(small, TORCH, target)[0].op == "detach"
    assert not any(s.form == BLOCK for _, s in walk(small.statements)), small.render()
    assert len(small.statements) <= 3, small.render()


def test_shrink_keeps_a_block_the_divergence_needs():
    program = Program([fn("ones", 3, target="v4"), fn("zeros", 2, target="v7"),
                       block("no_grad", method("v7", "neg", target="v8"),
                             method("v4", "add", 1, target="v9"), method("v9", "mul", 2, target="v10")),
                       method("v4", "add", 2, target="v11")])
    target = _lying_target()
    d, _ = run_lockstep(program, TORCH, target)
    small = shrink(program, d.index, TORCH, target, same_divergence(d.op, "grad_enabled"), path=d.path)
    assert small.render() == "v0 = torch.zeros(2)\nwith torch.no_grad():\n    v1 = v0.neg()"


def test_deleting_inside_a_block_takes_the_uses_everywhere():
    left = _without(PROGRAM.statements, (1, 1, 0))      # v2 = v0.mul(3), used by v3 = v2.sum()
    assert "v2" not in Program(left).render() and "v3.backward" not in Program(left).render()
    assert Program(left).statements[1].render() == "with torch.no_grad():\n    v1 = v0 * 2\n" \
        "    with torch.enable_grad():\n        pass"
    unwrapped = Program(_unwrapped(PROGRAM.statements, (1,)))
    assert unwrapped.render().startswith("v0 = torch.ones((2, 3), requires_grad=True)\nv1 = v0 * 2\n"
                                         "with torch.enable_grad():\n    v2 = v0.mul(3)\nv3 = v2.sum()")
    assert _unwrapped(PROGRAM.statements, (0,)) is None


def test_renumber_renames_inside_blocks_and_attributes():
    program = Program([fn("ones", 3, target="v5", requires_grad=True),
                       block("no_grad", Statement("mul", OPERATOR, [0.1, _grad("v5")], target="v9",
                                                  call="*"))])
    assert renumber(program).render() == ("v0 = torch.ones(3, requires_grad=True)\n"
                                          "with torch.no_grad():\n    v1 = 0.1 * v0.grad")


# --- repro ------------------------------------------------------------------------------------
def test_repro_of_a_divergence_inside_a_block(monkeypatch, capsys):
    program = Program([fn("ones", 3, target="v0"),
                       block("no_grad", fn("tensor", [1.0, math.inf], target="v1"),
                             method("v1", "mul", 2, target="v2"), method("v2", "add", 1, target="v3")),
                       fn("ones", 2, target="v4")])
    target = _lying_target()
    d, _ = run_lockstep(program, TORCH, target)
    script = repro.render(program, d, target, repro.oracle_errors(program, TORCH))
    assert "with torch.no_grad():\n    try:\n        v1 = torch.tensor([1.0, float('inf')])" in script
    assert "v3 = " not in script and "v4 = " not in script
    monkeypatch.setitem(sys.modules, "grad_mode_lies", target.module)
    with pytest.raises(AssertionError, match="grad_enabled: expected False, got True"):
        exec(compile(script, "repro.py", "exec"), {"__name__": "__repro__"})
    fixed = script.replace("import grad_mode_lies as torch", "import torch")
    exec(compile(fixed, "repro.py", "exec"), {"__name__": "__repro__"})
    assert "does not reproduce" in capsys.readouterr().out
    assert torch.is_grad_enabled()


def test_repro_catches_what_a_block_raised_before_the_divergence(monkeypatch):
    program = Program([fn("ones", 3, target="v0"),
                       block("no_grad", method("v0", "view", 5, target="v1"), fn("ones", 1, target="v2")),
                       method("v0", "exp", target="v3")])
    target = planted_target("exp_refused")

    def refuse(self):
        raise RuntimeError("planted refusal")
    with PlantedMode({torch.Tensor.exp: refuse}):
        d, _ = run_lockstep(program, TORCH, target)
        script = repro.render(program, d, target, repro.oracle_errors(program, TORCH))
        monkeypatch.setitem(sys.modules, "exp_refused", target.module)
        with pytest.raises(AssertionError, match="error: expected None"):
            exec(compile(script, "repro.py", "exec"), {"__name__": "__repro__"})
    assert "try:\n    with torch.no_grad():\n        v1 = v0.view(5)" in script
    assert "except RuntimeError:\n    pass" in script


def test_refimpl_runs_blocks_like_torch():
    d, _ = run_lockstep(PROGRAM, REFIMPL, TORCH)
    assert d is None, [m.detail() for m in d.mismatches]
