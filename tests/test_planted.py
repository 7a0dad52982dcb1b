"""The suite tests itself: every planted bug must be detected by a short campaign,
on the property the bug breaks; the bug-free wrapper and plain torch must conform."""
import pytest

from conformance.campaign import Campaign, Config

# module, op pattern to fuzz, (op, property) the campaign must report; where the bug is
# in several ops, op is the tuple of them and any one will do
PLANTED = [
    ("view_copies", "view", ("view", "aliasing")),
    ("view_no_error", "view", ("view", "error")),
    ("transpose_contiguous", "transpose", ("transpose", "aliasing")),
    ("add_alpha_ignored", "add", ("add", "values")),
    ("inplace_version_lost", "add_,mul_", ("add_", "version")),
    ("mul_scalar_keeps_int", "mul", ("mul", "dtype")),
    ("sum_keepdim_ignored", "sum", ("sum", "shape")),
    ("narrow_offset_lost", "narrow", ("narrow", "storage_offset")),
    ("contiguous_always_copies", "contiguous", ("contiguous", "aliasing")),
    ("clamp_accepts_unknown_keyword", "clamp", ("clamp", "error")),
    ("neg_zero_sign_lost", "neg", ("neg", "values")),
    # autograd (None: every op, the autograd statements among them)
    ("grad_accumulation_overwrites", None, ("backward", "grad.values")),
    ("sigmoid_grad_scaled", "sigmoid", ("backward", "grad.values")),
    ("mul_ignores_no_grad", "mul", ("mul", "requires_grad")),
    ("retain_grad_ignored", None, ("retain_grad", "retains_grad")),
    ("inplace_on_leaf_allowed", None, (("add_", "mul_", "sub_", "zero_"), "error")),
    ("exp_version_check_skipped", "exp,mul_,add_", ("backward", "error")),
    # in-place ops give versions to share; transposes give leaves a layout to keep
    ("data_shares_version", "add_,mul_", ("data", "version")),
    ("detach_fresh_version", "add_,mul_", ("detach", "version")),
    ("grad_ignores_layout", "transpose,permute,mul", ("backward", "grad.strides")),
    ("transpose_drops_history", "transpose", ("transpose", "requires_grad")),
]


# nn modules and the random stream: drawn with a large share of module statements (the
# construction of a module with buffers, train/eval, freezing, Dropout in eval, reseeding)
PLANTED_MODULES = [
    ("buffer_missing_from_state_dict",
     (("nn.BatchNorm1d", "nn.Sequential", "state_dict", "load_state_dict"), "value")),
    ("eval_not_propagated", (("eval", "train"), "value")),
    ("frozen_parameter_updated", ("requires_grad_", "requires_grad")),
    # an eval Dropout returns its input itself: the planted one a new tensor of other values
    # (or, in place, writes its input: a version bump)
    ("dropout_active_in_eval", ("module_call", ("values", "aliasing", "version"))),
    ("rng_off_by_one", (("rand", "randn", "randint", "randperm", "rand_like", "randn_like",
                         "uniform_", "normal_", "bernoulli", "bernoulli_", "nn.Linear",
                         "nn.Sequential", "module_call", "nn.functional.dropout"), "values")),
]


def reports(expected, op, prop):
    """Whether a failure of (op, prop) is the planted bug's expected one (either may be a
    tuple of the ones that will do)."""
    ops = expected[0] if isinstance(expected[0], tuple) else (expected[0],)
    props = expected[1] if isinstance(expected[1], tuple) else (expected[1],)
    return op in ops and prop in props


def campaign(target, ops=None, examples=300, seed=1234, report_dir=None, modules=None):
    return Campaign(Config(targets=[target], examples=examples, seed=seed, ops=ops,
                           report_dir=report_dir, shrink_seconds=5.0, modules=modules)).run()


@pytest.mark.parametrize("module,ops,expected", PLANTED, ids=[p[0] for p in PLANTED])
def test_planted_bug_is_detected(module, ops, expected):
    summary = campaign(f"tests.planted.{module}", ops=ops)
    found = {(f["op"], f["property"]) for f in summary["failures"] if f["status"] == "new"}
    assert any(reports(expected, *key) for key in found), \
        f"{module}: planted bug not detected; found {sorted(found)}"


@pytest.mark.parametrize("module,expected", PLANTED_MODULES, ids=[p[0] for p in PLANTED_MODULES])
def test_planted_module_bug_is_detected(module, expected):
    summary = campaign(f"tests.planted.{module}", examples=400, modules=0.5)
    found = {(f["op"], f["property"]) for f in summary["failures"] if f["status"] == "new"}
    assert any(reports(expected, *key) for key in found), \
        f"{module}: planted bug not detected; found {sorted(found)}"


def test_bug_free_wrapper_conforms():
    summary = campaign("tests.planted.clean_wrapper", examples=300)
    assert summary["failures"] == [], summary["failures"]


def test_torch_cpu_has_nothing_unexpected():
    summary = campaign("torch:cpu", examples=1500, seed=99)
    new = [f for f in summary["failures"] if f["status"] == "new"]
    assert new == [], "\n".join(f"{f['op']}.{f['property']}: {f['detail']}" for f in new)
    assert summary["statements"] > 1500 * 3
    # every declared op was exercised
    from conformance.generate import ARG_KINDS
    from conformance.specs import load_ops
    assert set(load_ops(kinds=ARG_KINDS)) <= set(summary["coverage"])
