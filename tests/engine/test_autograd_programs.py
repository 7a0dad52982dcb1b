"""Generated programs mixing autograd with the other ops: every autograd statement kind is
drawn, torch conforms to itself, and planted autograd bugs are found on the property they
break (and shrink, and reproduce).

Also the helpers the other autograd test modules share: the ops a torch oracle can draw,
statement builders, and planted targets (TorchFunctionMode-based: the planted module's
tensors are plain torch tensors, so their grad_fn names are torch's; the tensor-subclass
wrappers of tests/planted/ give every result an AliasBackward0 grad_fn).
"""
import collections
import random
import sys
import types

import pytest
import torch
from torch.overrides import TorchFunctionMode
from torch.utils._pytree import tree_flatten

from conformance import repro
from conformance.autograd_statements import AUTOGRAD_P
from conformance.differential.checks import known_entry
from conformance.generate import ARG_KINDS, RandomChooser, generate
from conformance.program import BLOCK, FUNCTION, METHOD, Program, Statement, walk
from conformance.runner import attempt, run_lockstep
from conformance.shrink import same_divergence, shrink
from conformance.specs import load_ledger, load_ops
from conformance.targets import Target, parse_target
from tests.planted._base import FACTORIES

TORCH = parse_target("torch:cpu")
REFIMPL = parse_target("refimpl")
OPS = load_ops(kinds=ARG_KINDS)
# Ops whose argument kinds can draw with torch as the oracle (the others' kinds read
# refimpl's model: dtype.kind, _storage, _undefined_mask()).
TORCH_SAFE_OPS = """tensor ones zeros full arange eye linspace add add_ mul mul_ sub sub_ exp exp_
    sin cos neg neg_ sigmoid tanh relu sqrt log abs true_divide sum mean amax prod cumsum norm
    view t transpose narrow select expand permute unsqueeze squeeze diagonal split unbind chunk
    clone detach contiguous reshape matmul mm cat stack copy_ fill_ zero_ T mT flatten""".split()
TORCH_OPS = {name: OPS[name] for name in TORCH_SAFE_OPS}

# the op names of autograd statements (conformance/autograd_statements.py)
AUTOGRAD_KINDS = {"backward", "autograd.grad", "requires_grad_", "set_requires_grad",
                  "retain_grad", "detach", "detach_", "data", "set_data", "grad_reset",
                  "set_grad", "grad_zero", "no_grad", "enable_grad", "inference_mode",
                  "set_grad_enabled", "sgd_step"}


def torch_programs(n, seed=0, oracle=TORCH, ops=TORCH_OPS, autograd=AUTOGRAD_P, **kwargs):
    # without module statements unless asked (tests/engine/test_module_programs.py has them)
    kwargs.setdefault("modules", 0)
    rng = random.Random(seed)
    return [generate(ops, RandomChooser(rng), oracle, autograd=autograd, **kwargs)
            for _ in range(n)]


# --- statement builders ----------------------------------------------------------------------
def var(name):
    return {"var": name}


def fn(op, *args, target=None, call=None, unpack=None, **kwargs):
    return Statement(op, FUNCTION, list(args), kwargs, target, call=call, unpack=unpack,
                     creates=op in FACTORIES)


def method(receiver, op, *args, target=None, call=None, **kwargs):
    receiver = var(receiver) if isinstance(receiver, str) else receiver
    return Statement(op, METHOD, [receiver, *args], kwargs, target, call=call)


def block(manager, *body, args=(), op=None):
    return Statement(op or manager, BLOCK, list(args), {}, call=manager, body=list(body))


# --- planted targets ----------------------------------------------------------------------
def _mark(result):
    for t in tree_flatten(result)[0]:
        if isinstance(t, torch.Tensor):
            t._planted = True
    return result


class PlantedMode(TorchFunctionMode):
    """patches ({torch function: replacement}) applied to calls involving a tensor the planted
    module made (or computed from one); the oracle's tensors are left alone."""

    def __init__(self, patches):
        super().__init__()
        self.patches = patches

    def __torch_function__(self, func, types_, args=(), kwargs=None):
        kwargs = kwargs or {}
        mine = any(getattr(t, "_planted", False) for t in tree_flatten((args, kwargs))[0]
                   if isinstance(t, torch.Tensor))
        result = (self.patches.get(func, func) if mine else func)(*args, **kwargs)
        return _mark(result) if mine else result


def planted_module(name, **overrides):
    """A torch-like module: torch, with factories marking their tensors as the planted
    module's, and with overrides (module attributes) in place of torch's."""
    module = types.ModuleType(name)

    def __getattr__(attr):
        value = getattr(torch, attr)
        if attr in FACTORIES:
            return lambda *args, **kwargs: _mark(value(*args, **kwargs))
        return value
    module.__getattr__ = __getattr__
    vars(module).update(overrides)
    return module


def planted_target(name, **overrides):
    return Target(spec=name, module_name=name, device=None, module=planted_module(name, **overrides))


def _doubled_backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
    """Bug: backward from twice the gradient."""
    if gradient is not None:
        gradient = gradient * 2
    elif self.numel() == 1:
        gradient = torch.full_like(self, 2.0)
    return torch.Tensor.backward(self, gradient, retain_graph, create_graph, inputs)


DOUBLED_BACKWARD = {torch.Tensor.backward: _doubled_backward}
DETACH_COPIES = {torch.Tensor.detach: lambda self: torch.Tensor.detach(self).clone()}


def divergences(programs, oracle, target):
    """(program, Divergence) of each program that diverges."""
    out = []
    for p in programs:
        d, _ = run_lockstep(p, oracle, target)
        if d is not None:
            out.append((p, d))
    return out


# --- the generator -------------------------------------------------------------------------
def _ops_drawn(programs):
    return collections.Counter(s.op for p in programs for _, s in walk(p.statements))


def _oracle_errors(programs, oracle):
    messages = []
    for p in programs:
        env = {}
        for stmt in p.statements:
            exc = attempt(stmt, env, oracle)
            if exc is not None:
                messages.append(str(exc))
    return messages


def _check_every_kind_is_drawn(programs, oracle):
    drawn = _ops_drawn(programs)
    assert AUTOGRAD_KINDS <= set(drawn), f"never drawn: {sorted(AUTOGRAD_KINDS - set(drawn))}"
    statements = [s for p in programs for _, s in walk(p.statements)]
    assert any(s.kwargs.get("requires_grad") is True for s in statements)  # float leaves
    assert any("attr" in str(s.args) for s in statements)                  # p.grad as a value
    assert any(s.form == BLOCK and any(b.form == BLOCK for b in s.body) for s in statements)
    ending = sum(any(s.op == "backward" for s in p.statements[-5:]) for p in programs)
    assert ending >= 0.25 * len(programs), f"only {ending} of {len(programs)} end in a backward"
    errors = _oracle_errors(programs, oracle)
    for expected in ("modified by an inplace operation",             # a saved tensor written to
                     "leaf Variable that requires grad is being used in an in-place operation",
                     "backward through the graph a second time"):
        assert any(expected in m for m in errors), f"no program raised {expected!r}"


def test_generator_draws_every_autograd_statement_kind():
    _check_every_kind_is_drawn(torch_programs(400, seed=1), TORCH)


def test_refimpl_oracle_draws_every_autograd_statement_kind():
    _check_every_kind_is_drawn(torch_programs(400, seed=1, oracle=REFIMPL, ops=OPS), REFIMPL)


def _without_autograd(target):
    """target, on a module that does not model autograd (no is_grad_enabled)."""
    module = types.ModuleType("no_autograd")

    def __getattr__(attr):
        if attr == "is_grad_enabled":
            raise AttributeError(attr)
        return getattr(torch, attr)
    module.__getattr__ = __getattr__
    return Target(spec="no_autograd", module_name="no_autograd", device=None, module=module)


def test_autograd_off_draws_what_it_drew_before():
    """autograd=0: no autograd statement, and the same choices as an oracle without autograd
    makes whatever the share asked (what the generator drew before autograd)."""
    off = torch_programs(60, seed=2, autograd=0)
    without = torch_programs(60, seed=2, oracle=_without_autograd(TORCH))
    assert [p.dumps() for p in off] == [p.dumps() for p in without]
    statements = [s for p in off for _, s in walk(p.statements)]
    assert not (AUTOGRAD_KINDS - {"detach"}) & {s.op for s in statements}
    assert not any(s.form == BLOCK or "requires_grad" in s.kwargs for s in statements)
    on = torch_programs(60, seed=2)
    assert AUTOGRAD_KINDS & set(_ops_drawn(on))


def test_the_default_share_applies_where_the_oracle_models_autograd():
    from conformance.autograd_statements import DEFAULT_AUTOGRAD
    from conformance.generate import Generator
    assert Generator(TORCH_OPS, RandomChooser(random.Random(0)), TORCH).autograd == DEFAULT_AUTOGRAD
    assert Generator(TORCH_OPS, RandomChooser(random.Random(0)), _without_autograd(TORCH),
                     autograd=0.5).autograd == 0


def test_autograd_share_is_an_option():
    def count(programs):  # (backward and detach end programs, or are ordinary ops)
        drawn = _ops_drawn(programs)
        return sum(drawn[k] for k in AUTOGRAD_KINDS - {"backward", "detach"})
    assert count(torch_programs(80, seed=3, autograd=0.6)) > 2 * count(
        torch_programs(80, seed=3, autograd=0.05))


# --- conformance, and planted bugs --------------------------------------------------------------
def test_torch_conforms_to_itself_on_autograd_programs():
    programs = torch_programs(150, seed=4)
    found = divergences(programs, TORCH, TORCH)
    assert not found, "\n\n".join(f"{p.render()}\n-> {d.first.detail()}" for p, d in found[:3])
    assert torch.is_grad_enabled() and not torch.is_inference_mode_enabled()


def test_planted_machinery_without_a_bug_conforms():
    """The control for the planted targets below."""
    with PlantedMode({}):
        found = divergences(torch_programs(150, seed=4), TORCH, planted_target("clean"))
    assert not found, "\n\n".join(f"{p.render()}\n-> {d.first.detail()}" for p, d in found[:3])


def test_doubled_backward_is_found_on_grad_values_and_shrinks():
    target = planted_target("doubled_backward")
    with PlantedMode(DOUBLED_BACKWARD):
        found = divergences(torch_programs(150, seed=4), TORCH, target)
        assert len(found) >= 5
        assert {(d.op, d.first.property) for _, d in found} == {("backward", "grad.values")}
        program, d = min(found, key=lambda f: len(f[0].statements))
        small = shrink(program, d.index, TORCH, target, same_divergence("backward", "grad.values"),
                       seconds=30, path=d.path)
        final, _ = run_lockstep(small, TORCH, target)
    assert final is not None and final.first.property == "grad.values"
    assert len(small.statements) <= 4, small.render()


def test_detach_sharing_nothing_is_found_on_aliasing():
    with PlantedMode(DETACH_COPIES):
        found = divergences(torch_programs(150, seed=4), TORCH, planted_target("detach_copies"))
    assert found and {d.op for _, d in found} == {"detach"}
    assert any(m.property == "aliasing" for _, d in found for m in d.mismatches)


def test_repro_of_a_grad_divergence_reproduces(monkeypatch, capsys):
    target = planted_target("doubled_backward")
    program = [fn("tensor", [1.0, -2.0], target="v0", requires_grad=True),
               method("v0", "mul", 3.0, target="v1"), method("v1", "sum", target="v2"),
               method("v2", "backward")]
    program = Program(program)
    monkeypatch.setitem(sys.modules, "doubled_backward", target.module)
    with PlantedMode(DOUBLED_BACKWARD):
        d, _ = run_lockstep(program, TORCH, target)
        assert d.first.property == "grad.values" and d.first.variable == "v0"
        script = repro.render(program, d, target, repro.oracle_errors(program, TORCH))
        with pytest.raises(AssertionError, match="values of v0.grad"):
            exec(compile(script, "repro.py", "exec"), {"__name__": "__repro__"})
    fixed = script.replace("import doubled_backward as torch", "import torch")
    exec(compile(fixed, "repro.py", "exec"), {"__name__": "__repro__"})
    assert "does not reproduce" in capsys.readouterr().out


# --- over refimpl --------------------------------------------------------------------------
def test_refimpl_autograd_programs_conform_to_torch():
    ledger = load_ledger()
    programs = torch_programs(150, seed=5, oracle=REFIMPL, ops=OPS)
    found = [(p, d) for p, d in divergences(programs, REFIMPL, TORCH)
             if known_entry(ledger, TORCH, d) is None]
    assert not found, "\n\n".join(f"{p.render()}\n-> {d.first.detail()}" for p, d in found[:3])


def test_doubled_backward_is_found_against_refimpl():
    with PlantedMode(DOUBLED_BACKWARD):
        found = divergences(torch_programs(150, seed=5, oracle=REFIMPL, ops=OPS), REFIMPL,
                            planted_target("doubled_backward"))
    assert {(d.op, d.first.property) for _, d in found} == {("backward", "grad.values")}
