"""Observation of autograd: each property is what torch says, a read that fails is an
ObservationError on that property alone, grads are nested observations named "x.grad" in
the aliasing partition, and each property's mismatch is reported under its own name."""
import copy
import types
import warnings

import pytest
import torch

from conformance.compare import compare_modes, compare_snapshots
from conformance.observe import (
    ALL_PROPERTIES, AUTOGRAD_TENSOR_PROPERTIES, PROPERTY_GROUPS, ObservationError,
    observe_modes, observe_tensor, observed_modes, observes_autograd, snapshot,
)
from conformance.program import Program
from conformance.runner import run_lockstep
from tests.engine.test_autograd_programs import (
    REFIMPL, TORCH, PlantedMode, block, fn, method, planted_target, var,
)


def _env():
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * 2
    y.retain_grad()
    z = (y * y).sum()
    z.backward(retain_graph=True)
    u = y * 1                       # computed, grad not retained
    with torch.inference_mode():
        i = torch.ones(2)
    return {"x": x, "y": y, "z": z, "g": x.grad, "u": u, "w": torch.ones(2), "i": i}


def test_each_property_is_what_torch_says():
    env = _env()
    snap = snapshot(env, TORCH, autograd=True)
    for name, t in env.items():
        obs = snap[name]
        assert obs["requires_grad"] is t.requires_grad
        assert obs["is_leaf"] is t.is_leaf
        assert obs["retains_grad"] is t.retains_grad
        assert obs["is_inference"] is t.is_inference()
        assert obs["grad_fn"] == (t.grad_fn.name() if t.grad_fn is not None else None)
    assert snap["y"]["grad_fn"] == "MulBackward0"
    assert snap["y"]["next_functions"] == (("torch::autograd::AccumulateGrad", 0), (None, 0))
    assert snap["z"]["next_functions"] == (("MulBackward0", 0),)
    assert snap["x"]["next_functions"] is None and snap["x"]["grad_fn"] is None
    assert (snap["x"]["requires_grad"], snap["x"]["is_leaf"]) == (True, True)
    assert (snap["y"]["is_leaf"], snap["y"]["retains_grad"]) == (False, True)
    assert snap["i"]["is_inference"] and not snap["w"]["is_inference"]


def test_grads_are_nested_observations():
    snap = snapshot(_env(), TORCH, autograd=True)
    grad = snap["x"]["grad"]                       # z = sum(4 x^2): dz/dx = 8 x
    assert grad["values"] == [8.0, 16.0, 24.0]
    assert (grad["shape"], grad["strides"], grad["dtype"]) == ((3,), (1,), "float32")
    assert snap["y"]["grad"]["values"] == [4.0, 8.0, 12.0]  # retained: dz/dy = 2 y
    assert snap["u"]["grad"] is None and snap["w"]["grad"] is None


def test_grads_take_part_in_the_aliasing_partition():
    snap = snapshot(_env(), TORCH, autograd=True)
    assert snap["x"]["grad"]["aliasing"] == ("g",)
    assert snap["g"]["aliasing"] == ("x.grad",)
    assert snap["y"]["grad"]["aliasing"] == ()


def test_grad_of_a_computed_tensor_is_not_read():
    u = _env()["u"]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        obs = observe_tensor(u, TORCH, autograd=True)
        assert obs["grad"] is None and not caught
        u.grad  # noqa: B018 - what reading it would do
    assert caught and "not a leaf" in str(caught[0].message)


class _Unanswering(torch.Tensor):
    @property
    def retains_grad(self):
        raise RuntimeError("no answer")

    @property
    def grad(self):
        return types.SimpleNamespace(shape=(2,), dtype=torch.float32)  # no stride(), no tolist()


def test_a_failing_read_is_an_observation_error_on_that_property_alone():
    obs = observe_tensor(torch.ones(2).as_subclass(_Unanswering), TORCH, autograd=True)
    assert obs["retains_grad"] == ObservationError(RuntimeError("no answer"))
    assert obs["requires_grad"] is False and obs["values"] == [1.0, 1.0]
    grad = obs["grad"]
    assert grad["shape"] == (2,) and grad["dtype"] == "float32"
    assert isinstance(grad["strides"], ObservationError) and isinstance(grad["values"], ObservationError)


def test_global_modes_are_observed_per_statement():
    modes = observed_modes(TORCH)
    assert set(modes) == {"grad_enabled", "inference_mode"}
    assert observe_modes(TORCH, modes) == {"grad_enabled": True, "inference_mode": False}
    with torch.no_grad():
        assert observe_modes(TORCH, modes)["grad_enabled"] is False
    with torch.inference_mode():
        assert observe_modes(TORCH, modes) == {"grad_enabled": False, "inference_mode": True}
    broken = types.SimpleNamespace(module=types.SimpleNamespace(is_grad_enabled=lambda: 1 / 0))
    assert isinstance(observe_modes(broken, ("grad_enabled",))["grad_enabled"], ObservationError)


def test_autograd_properties_are_a_named_group():
    group = set(PROPERTY_GROUPS["autograd"])
    assert set(AUTOGRAD_TENSOR_PROPERTIES) <= group and {"grad_enabled", "inference_mode"} <= group
    assert {"grad.values", "grad.aliasing", "grad.strides"} <= group
    assert group <= set(ALL_PROPERTIES)


def test_oracle_without_autograd_observes_none_of_it():
    module = types.SimpleNamespace(tensor=torch.tensor, Tensor=torch.Tensor)
    assert not observes_autograd(types.SimpleNamespace(module=module))
    assert observes_autograd(TORCH) and observed_modes(types.SimpleNamespace(module=module)) == ()
    snap = snapshot({"x": torch.ones(2, requires_grad=True)}, TORCH, autograd=False)
    assert "requires_grad" not in snap["x"] and "grad" not in snap["x"]
    assert compare_snapshots(snap, snap) == []


# --- comparison -------------------------------------------------------------------------------
def _mismatched(change):
    expected = snapshot(_env(), TORCH, autograd=True)
    actual = copy.deepcopy(expected)
    change(actual)
    return [(m.variable, m.property) for m in compare_snapshots(expected, actual)]


@pytest.mark.parametrize("prop,value", [
    ("requires_grad", False), ("is_leaf", True), ("grad_fn", "AddBackward0"),
    ("next_functions", (("torch::autograd::AccumulateGrad", 0),)), ("retains_grad", False),
    ("is_inference", True)])
def test_each_autograd_property_mismatch_is_reported_by_name(prop, value):
    assert _mismatched(lambda snap: snap["y"].__setitem__(prop, value)) == [("y", prop)]


def test_grad_mismatches_are_reported_as_grad_properties():
    def grad(change):
        return _mismatched(lambda snap: change(snap["x"]["grad"]))
    assert grad(lambda g: g.__setitem__("values", [8.0, 16.0, 24.5])) == [("x", "grad.values")]
    assert grad(lambda g: g.__setitem__("strides", (2,))) == [("x", "grad.strides")]
    assert grad(lambda g: g.__setitem__("aliasing", ())) == [("x", "grad.aliasing")]
    assert _mismatched(lambda snap: snap["x"].__setitem__("grad", None)) == [("x", "grad")]
    assert _mismatched(lambda snap: snap["u"].__setitem__("grad", snap["x"]["grad"])) == [("u", "grad")]


def test_grad_values_are_compared_within_the_dtype_tolerance():
    close = [8.0, 16.0, 24.0 * (1 + 1e-7)]  # float32: rtol 1.3e-6
    assert _mismatched(lambda snap: snap["x"]["grad"].__setitem__("values", close)) == []


def test_unspecified_grad_values_are_not_compared():
    expected = snapshot(_env(), TORCH, autograd=True)
    expected["x"]["grad"]["_undefined"] = [False, False, True]  # as refimpl marks them
    actual = copy.deepcopy(expected)
    actual["x"]["grad"]["values"] = [8.0, 16.0, 99.0]
    assert compare_snapshots(expected, actual) == []
    actual["x"]["grad"]["values"] = [8.0, 17.0, 99.0]
    assert [m.property for m in compare_snapshots(expected, actual)] == ["grad.values"]


def test_mode_mismatches_are_statement_properties():
    [m] = compare_modes({"grad_enabled": True, "inference_mode": False},
                        {"grad_enabled": False, "inference_mode": False})
    assert (m.variable, m.property, m.expected, m.actual) == (None, "grad_enabled", True, False)


# --- in lockstep ---------------------------------------------------------------------------------
OBSERVED = Program([
    fn("tensor", [1.0, 2.0, 3.0], target="v0", requires_grad=True),
    method("v0", "mul", 2, target="v1"),
    method("v1", "retain_grad"),
    method("v1", "sum", target="v2"),
    method("v2", "backward", retain_graph=True),
    method("v0", "detach", target="v3"),
    block("no_grad", method("v0", "mul", 3, target="v4")),
    block("inference_mode", fn("ones", 2, target="v5")),
    method({"attr": ["v0", "grad"]}, "grad_zero", call="zero_"),
    method("v2", "backward"),
    fn("autograd.grad", var("v2"), {"list": [var("v0")]}, target="v6", call="autograd.grad"),
])


def test_runner_compares_autograd_properties():
    assert run_lockstep(OBSERVED, TORCH, TORCH)[0] is None
    ignored = planted_target("retain_grad_ignored")
    with PlantedMode({torch.Tensor.retain_grad: lambda self: None}):
        d, _ = run_lockstep(OBSERVED, TORCH, ignored)
    assert (d.index, d.op, d.first.variable, d.first.property) == (2, "retain_grad", "v1", "retains_grad")


def test_refimpl_observes_autograd_like_torch():
    d, _ = run_lockstep(OBSERVED, REFIMPL, TORCH)
    assert d is None, [m.detail() for m in d.mismatches]
