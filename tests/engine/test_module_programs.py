"""Generated programs with nn modules and random draws: every module statement kind is
drawn, refimpl conforms to torch on them, what a module and a state dict are observed as,
how their statements render, and the seed every program starts from."""
import random

import pytest
import torch

import refimpl
from conformance import module_statements, repro
from conformance.execution import PROGRAM_SEED, Side
from conformance.generate import ARG_KINDS, RandomChooser, generate
from conformance.observe import snapshot
from conformance.program import CALL, FUNCTION, METHOD, Program, Statement, walk
from conformance.runner import run_lockstep
from conformance.specs import load_ops
from conformance.targets import parse_target

TORCH = parse_target("torch:cpu")
REFIMPL = parse_target("refimpl")
OPS = load_ops(kinds=ARG_KINDS)


def module_programs(n, seed=0, modules=0.6):
    rng = random.Random(seed)
    return [generate(OPS, RandomChooser(rng), REFIMPL, modules=modules, record=True)
            for _ in range(n)]


@pytest.fixture(scope="module")
def programs():
    return module_programs(250)


def test_every_module_statement_kind_is_drawn(programs):
    drawn = {s.op for p in programs for _, s in walk(p.statements)}
    missing = set(module_statements.STATEMENT_OPS) - drawn
    assert not missing, f"never drawn: {sorted(missing)}"


def test_refimpl_conforms_to_torch_on_module_programs(programs):
    found = []
    for program in programs:
        divergence, _ = run_lockstep(program, REFIMPL, TORCH)
        if divergence is not None:
            found.append((program.render(), divergence.first.detail()))
    assert not found, "\n\n".join(f"{p}\n-> {d}" for p, d in found[:3])


def _program(*statements):
    return Program(list(statements))


def var(name):
    return {"var": name}


SEQ = _program(
    Statement(op="nn.Linear", form=FUNCTION, args=[3, 2], target="v0"),
    Statement(op="nn.BatchNorm1d", form=FUNCTION, args=[2], target="v1"),
    Statement(op="nn.Sequential", form=FUNCTION, args=[var("v0"), var("v1")], target="v2"),
    Statement(op="state_dict", form=METHOD, args=[var("v2")], target="v3"),
    Statement(op="randn", form=FUNCTION, args=[{"tuple": [4, 3]}], target="v4"),
    Statement(op="module_call", form=CALL, args=[var("v2"), var("v4")], target="v5"),
)


@pytest.mark.parametrize("side", [REFIMPL, TORCH], ids=["refimpl", "torch"])
def test_what_a_module_and_its_state_dict_are_observed_as(side):
    events = list(Side(side, True, ()).events(SEQ))
    snap = events[-1].snapshot
    assert snap["v2.training"] == {"value": True}
    assert snap["v2[1].training"] == {"value": True}
    assert snap["[n for n, _ in v2.named_parameters()]"]["value"] == (
        "0.weight", "0.bias", "1.weight", "1.bias")
    assert snap["[n for n, _ in v2.named_buffers()]"]["value"] == (
        "1.running_mean", "1.running_var", "1.num_batches_tracked")
    assert snap["list(v3)"]["value"] == ("0.weight", "0.bias", "1.weight", "1.bias",
                                         "1.running_mean", "1.running_var",
                                         "1.num_batches_tracked")
    assert snap["repr(v2)"]["value"].startswith("Sequential(\n  (0): Linear(in_features=3")
    # state_dict's tensors share storage with the parameters and buffers, detached
    assert "v2[0].weight" in snap["v3['0.weight']"]["aliasing"]
    assert snap["v3['0.weight']"]["requires_grad"] is False
    assert snap["v2[0].weight"]["requires_grad"] is True
    # a train-mode forward moved the running statistics: num_batches_tracked is 1
    assert snap["v2[1].num_batches_tracked"]["values"] == 1


def test_module_statements_render_as_python():
    text = SEQ.render()
    assert "v2 = torch.nn.Sequential(v0, v1)" in text
    assert "v5 = v2(v4)" in text
    step = Statement(op="sgd_step", form=METHOD, call="add_",
                     args=[{"attr": ["v2", "0", "weight"]}, {"attr": ["v2", "0", "weight", "grad"]}],
                     kwargs={"alpha": -0.1})
    assert step.render() == "v2[0].weight.add_(v2[0].weight.grad, alpha=-0.1)"


def test_every_program_starts_from_the_same_seed():
    """Whatever the process drew before, a program's first draw is the seed's: on each side,
    and in its repro script."""
    program = _program(Statement(op="rand", form=FUNCTION, args=[3], target="v0", creates=True))
    torch.rand(5)
    refimpl.rand(7)
    ours = list(Side(REFIMPL, True, ()).events(program))[-1].snapshot["v0"]["values"]
    theirs = list(Side(TORCH, True, ()).events(program))[-1].snapshot["v0"]["values"]
    torch.manual_seed(PROGRAM_SEED)
    assert ours == theirs == torch.rand(3).tolist()
    assert f"torch.manual_seed({PROGRAM_SEED})" in repro._header(
        TORCH, "rand", "values", "", "2.13", "", "")


def test_module_statements_are_off_with_a_zero_share():
    programs = module_programs(40, seed=3, modules=0.0)
    drawn = {s.op for p in programs for _, s in walk(p.statements)}
    assert not drawn & {"module_call", "nn.Linear", "state_dict", "train", "eval"}


def test_snapshot_of_a_load_state_dict_result():
    m = torch.nn.Linear(2, 1)
    result = m.load_state_dict({"weight": torch.ones(1, 2)}, strict=False)
    assert snapshot({"r": result}, TORCH)["r"]["value"] == (("bias",), ())
