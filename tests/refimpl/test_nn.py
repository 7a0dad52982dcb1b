"""refimpl/nn against torch.nn: each case builds modules with `module.nn` for the module it
is given (refimpl or torch) and returns plain Python observations; the two must agree
(floats within tolerance). An error a case expects is recorded with `raised` under a key
starting with "error", and torch must raise it: a case cannot pass by raising nothing on
both sides. Whatever else a case raises fails the test."""
import math
from collections import OrderedDict

import numpy as np
import pytest
import refimpl
import torch

from .autograd_harness import _same
from .harness import outcome

W = [[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]]   # a (2, 3) weight
B = [0.1, -0.2]
X = [[1.0, 2.0, 3.0], [-1.0, 0.5, 4.0], [0.0, -2.0, 1.0], [2.0, 2.0, -3.0]]


def raised(fn, *args, **kwargs):
    """(exception class, full message) of what fn(*args, **kwargs) raises, or None."""
    try:
        fn(*args, **kwargs)
    except Exception as e:  # noqa: BLE001 - the class and message are what is compared
        return (type(e).__name__, str(e))
    return None


def assert_same(case, rtol=1e-5, atol=1e-6):
    theirs = outcome(case, torch)
    assert theirs[0] == "ok", f"the case raised on torch: {theirs}"
    for key, value in theirs[1].items():
        if key.startswith("error"):
            assert value is not None, f"{key}: torch raised nothing"
    ours = outcome(case, refimpl)
    _same(ours, theirs, case.__name__, rtol, atol)
    return theirs[1]


def linear(torch, bias=True, w=W, b=B):
    """A Linear with the given weight and bias."""
    m = torch.nn.Linear(len(w[0]), len(w), bias=bias)
    with torch.no_grad():
        m.weight.copy_(torch.tensor(w))
        if bias:
            m.bias.copy_(torch.tensor(b))
    return m


def storage(t):
    return t.untyped_storage().data_ptr()


# --- Parameter --------------------------------------------------------------------------------
def test_parameter_reprs():
    def case(torch):
        P = torch.nn.Parameter
        return {"float": repr(P(torch.ones(2))), "str": str(P(torch.ones(2))),
                "double": repr(P(torch.ones(2, 3, dtype=torch.float64))),
                "frozen": repr(P(torch.ones(2), requires_grad=False)),
                "int": repr(P(torch.ones(2, dtype=torch.long), requires_grad=False)),
                "empty": repr(P())}
    got = assert_same(case)
    assert got["float"].startswith("Parameter containing:\n")


def test_parameter_is_a_leaf_tensor_on_the_same_storage_and_version():
    def case(torch):
        t = torch.ones(2, 3)
        p = torch.nn.Parameter(t)
        before = p._version
        t.add_(1)
        after_t = p._version
        p.data.add_(1)               # .data has a version counter of its own
        q = torch.nn.Parameter(torch.ones(2, requires_grad=True) * 2)   # from a non-leaf
        return {"is_tensor": isinstance(p, torch.Tensor),
                "is_param": isinstance(p, torch.nn.Parameter),
                "plain_not_param": isinstance(t, torch.nn.Parameter),
                "shares": storage(p) == storage(t), "values": p.tolist(),
                "versions": (before, after_t, p._version, t._version),
                "leaf": (p.is_leaf, p.requires_grad, p.grad_fn is None, t.requires_grad),
                "from_nonleaf": (q.is_leaf, q.requires_grad), "type": p.type(),
                "error_int": raised(torch.nn.Parameter, torch.ones(2, dtype=torch.long))}
    assert_same(case)


def test_operations_on_a_parameter_give_plain_tensors():
    def case(torch):
        p = torch.nn.Parameter(torch.ones(2, 3))
        results = {"mul": p * 2, "add": p + p, "detach": p.detach(), "data": p.data,
                   "t": p.t(), "index": p[0], "clone": p.clone(), "view": p.view(6),
                   "sum": p.sum(), "matmul": p @ torch.ones(3), "float_copy": p.double()}
        return {name: type(r) is torch.Tensor for name, r in results.items()}
    got = assert_same(case)
    assert all(got.values())


# --- attribute rules and registration ---------------------------------------------------------
def test_setattr_registers_parameters_modules_and_buffers():
    def case(torch):
        m = torch.nn.Module()
        m.w = torch.nn.Parameter(torch.ones(2))
        m.child = torch.nn.ReLU()
        m.register_buffer("buf", torch.zeros(2))
        m.buf = torch.ones(3)           # a tensor assigned to a buffer name replaces it
        m.plain = torch.ones(1)          # a plain tensor elsewhere is a plain attribute
        m.w = None                       # None is allowed for a parameter
        m.v = torch.nn.Parameter(torch.ones(1))
        m.register_buffer("moved", torch.ones(1))
        m.moved = torch.nn.Parameter(torch.zeros(1))   # a Parameter takes the name over
        return {"params": list(m._parameters), "buffers": list(m._buffers),
                "modules": list(m._modules), "buf": m.buf.tolist(),
                "plain_in_dict": "plain" in m.__dict__, "w": m.w,
                "moved_is_param": isinstance(m.moved, torch.nn.Parameter)}
    assert_same(case)


def test_setattr_errors():
    def case(torch):
        m = linear(torch)
        m.register_buffer("buf", torch.zeros(2))
        m.child = torch.nn.ReLU()

        def assign(name, value):
            setattr(m, name, value)
        return {"error_tensor_as_param": raised(assign, "weight", torch.ones(2, 3)),
                "error_double_as_param": raised(assign, "bias", torch.ones(2, dtype=torch.float64)),
                "error_number_as_param": raised(assign, "weight", 3),
                "error_tensor_as_module": raised(assign, "child", torch.ones(2)),
                "error_number_as_buffer": raised(assign, "buf", 1.5),
                "error_missing": raised(getattr, m, "nope"),
                "error_del_missing": raised(delattr, m, "nope")}
    got = assert_same(case)
    assert got["error_tensor_as_param"] == (
        "TypeError", "cannot assign 'torch.FloatTensor' as parameter 'weight' "
        "(torch.nn.Parameter or None expected)")


def test_register_errors():
    def case(torch):
        m = torch.nn.Module()
        m.attr = 1
        p = torch.nn.Parameter(torch.ones(1))
        t = torch.ones(1)
        return {"error_param_dot": raised(m.register_parameter, "a.b", p),
                "error_param_empty": raised(m.register_parameter, "", p),
                "error_param_exists": raised(m.register_parameter, "attr", p),
                "error_param_not_param": raised(m.register_parameter, "x", t),
                "error_param_name": raised(m.register_parameter, 3, p),
                "error_buffer_dot": raised(m.register_buffer, "a.b", t),
                "error_buffer_empty": raised(m.register_buffer, "", t),
                "error_buffer_exists": raised(m.register_buffer, "attr", t),
                "error_buffer_not_tensor": raised(m.register_buffer, "x", [1.0]),
                "error_module_dot": raised(m.add_module, "a.b", torch.nn.ReLU()),
                "error_module_empty": raised(m.register_module, "", torch.nn.ReLU()),
                "error_module_exists": raised(m.add_module, "attr", torch.nn.ReLU()),
                "error_module_not_module": raised(m.add_module, "x", 3),
                "error_no_forward": raised(m, t),
                "none_ok": (m.register_parameter("np", None), m.register_buffer("nb", None),
                            m.add_module("nm", None), m.np, m.nb, m.nm)}
    assert_same(case)


def test_delattr_unregisters():
    def case(torch):
        m = linear(torch)
        m.register_buffer("buf", torch.zeros(1), persistent=False)
        m.child = torch.nn.ReLU()
        del m.bias, m.buf, m.child
        m.buf = torch.ones(1)            # no longer a buffer name: a plain attribute
        return {"params": list(m._parameters), "buffers": list(m._buffers),
                "non_persistent": sorted(m._non_persistent_buffers_set),
                "modules": list(m._modules), "keys": list(m.state_dict())}
    assert_same(case)


# --- iteration --------------------------------------------------------------------------------
def net(torch):
    """Sequential(Linear, ReLU, Sequential(Linear, BatchNorm1d)), a buffer of its own."""
    inner = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.BatchNorm1d(2))
    model = torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.ReLU(), inner)
    model.register_buffer("scale", torch.ones(1))
    model.register_buffer("scratch", torch.zeros(1), persistent=False)
    return model


def test_named_members_order_and_names():
    def case(torch):
        m = net(torch)
        return {"params": [n for n, _ in m.named_parameters()],
                "prefixed": [n for n, _ in m.named_parameters(prefix="model")],
                "own": [n for n, _ in m.named_parameters(recurse=False)],
                "inner_own": [n for n, _ in m[2].named_parameters(recurse=False)],
                "buffers": [n for n, _ in m.named_buffers()],
                "children": [type(c).__name__ for c in m.children()],
                "named_children": [n for n, _ in m.named_children()],
                "modules": [(n, type(x).__name__) for n, x in m.named_modules()],
                "count": (len(list(m.parameters())), len(list(m.buffers())),
                          len(list(m.modules()))),
                "same_objects": [p is q for p, (_, q) in zip(m.parameters(),
                                                             m.named_parameters())]}
    assert_same(case)


def test_shared_parameters_and_modules_are_listed_once():
    def case(torch):
        shared = torch.nn.Linear(2, 2)
        m = torch.nn.Sequential(shared, torch.nn.ReLU(), shared, torch.nn.Linear(2, 2))
        m[3].weight = m[0].weight        # tied weights
        return {"params": [n for n, _ in m.named_parameters()],
                "all": [n for n, _ in m.named_parameters(remove_duplicate=False)],
                "modules": [n for n, _ in m.named_modules()],
                "all_modules": [n for n, _ in m.named_modules(remove_duplicate=False)],
                "children": [n for n, _ in m.named_children()],
                "state_dict": list(m.state_dict())}
    got = assert_same(case)
    assert got["params"] == ["0.weight", "0.bias", "3.bias"]


# --- state_dict -------------------------------------------------------------------------------
def test_state_dict_keys_values_and_metadata():
    def case(torch):
        m = net(torch)
        m[0].register_parameter("unused", None)
        sd = m.state_dict()
        kept = m.state_dict(keep_vars=True)
        return {"type": type(sd).__name__, "keys": list(sd),
                "metadata": dict(sd._metadata),
                "shares": [storage(sd[k]) == storage(p) for k, p in m.named_parameters()],
                "new_objects": [sd[k] is not p for k, p in m.named_parameters()],
                "requires_grad": [sd[k].requires_grad for k in sd],
                "plain": [type(sd[k]) is torch.Tensor for k in sd],
                "kept_same": [kept[k] is p for k, p in m.named_parameters()],
                "kept_param": [isinstance(kept[k], torch.nn.Parameter) for k in kept],
                "prefixed": list(m[2].state_dict(prefix="inner."))}
    got = assert_same(case)
    assert "scratch" not in got["keys"] and all(got["shares"])


def test_load_state_dict_copies_into_the_parameters():
    def case(torch):
        src, dst = linear(torch), linear(torch, w=[[0.0] * 3] * 2, b=[0.0, 0.0])
        weight = dst.weight
        result = dst.load_state_dict(src.state_dict())
        return {"repr": repr(result), "str": str(result), "fields": tuple(result),
                "weight": dst.weight.tolist(), "bias": dst.bias.tolist(),
                "same_param": dst.weight is weight, "requires_grad": dst.weight.requires_grad,
                "version": dst.weight._version}
    assert_same(case)


def test_load_state_dict_non_strict_and_assign():
    def case(torch):
        m = linear(torch)
        partial = m.load_state_dict({"weight": torch.zeros(2, 3), "extra": torch.ones(1)},
                                    strict=False)
        weight = m.weight
        assigned = m.load_state_dict(OrderedDict(weight=torch.ones(2, 3), bias=torch.ones(2)),
                                     assign=True)
        return {"partial": repr(partial), "missing": partial.missing_keys,
                "unexpected": partial.unexpected_keys, "assigned": repr(assigned),
                "replaced": m.weight is not weight,
                "is_param": isinstance(m.weight, torch.nn.Parameter),
                "requires_grad": m.weight.requires_grad, "weight": m.weight.tolist()}
    assert_same(case)


def test_load_state_dict_errors():
    def case(torch):
        m = linear(torch)
        seq = torch.nn.Sequential(linear(torch), torch.nn.ReLU())
        return {
            "error_missing": raised(m.load_state_dict, {"weight": torch.ones(2, 3)}),
            "error_unexpected": raised(m.load_state_dict,
                                       {"weight": torch.ones(2, 3), "bias": torch.ones(2),
                                        "extra": torch.ones(1), "sub.x": torch.ones(1)}),
            "error_both": raised(m.load_state_dict, {"weight": torch.ones(2, 3), "x": 1}),
            "error_size": raised(m.load_state_dict,
                                 {"weight": torch.ones(3, 3), "bias": torch.ones(2)}),
            "error_size_non_strict": raised(m.load_state_dict, {"weight": torch.ones(3, 3)},
                                            False),
            "error_not_tensor": raised(m.load_state_dict, {"weight": [1.0], "bias": torch.ones(2)}),
            "error_nested": raised(seq.load_state_dict, {"0.weight": torch.ones(2, 3)}),
            "error_all_missing": raised(torch.nn.BatchNorm1d(2).load_state_dict, {}),
            "error_not_mapping": raised(m.load_state_dict, [("weight", torch.ones(2, 3))]),
            "unchanged": m.weight.tolist()}
    got = assert_same(case)
    assert got["error_missing"] == (
        "RuntimeError", 'Error(s) in loading state_dict for Linear:\n\tMissing key(s) in '
        'state_dict: "bias". ')


def test_load_state_dict_of_a_0d_buffer_and_an_old_batchnorm_version():
    def case(torch):
        m = torch.nn.Module()
        m.register_buffer("count", torch.tensor(0.0))
        m.load_state_dict({"count": torch.tensor([5.0])})   # 1-element 1-d into 0-d
        bn = torch.nn.BatchNorm1d(2)
        sd = {k: v for k, v in bn.state_dict().items() if k != "num_batches_tracked"}
        new = OrderedDict(sd)
        new._metadata = {"": {"version": 2}}    # saved by a BatchNorm of version 2
        return {"count": m.count.tolist(), "old": repr(bn.load_state_dict(sd)),
                "error_new": raised(bn.load_state_dict, new)}
    assert_same(case)


# --- modes and gradients ----------------------------------------------------------------------
def test_train_eval_propagate():
    def case(torch):
        m = net(torch)
        modes = lambda: [x.training for x in m.modules()]  # noqa: E731
        start = modes()
        returned = m.eval() is m
        after_eval = modes()
        m[2].train()
        partial = modes()
        back = m.train() is m
        return {"start": start, "eval": after_eval, "partial": partial, "train": modes(),
                "returns_self": (returned, back), "error": raised(m.train, 1)}
    assert_same(case)


def backward_once(torch, m):
    m(torch.tensor(X)).sum().backward()


def test_zero_grad_both_ways():
    def case(torch):
        m = linear(torch)
        backward_once(torch, m)
        grad = m.weight.grad
        m.zero_grad(set_to_none=False)
        kept = (m.weight.grad is grad, m.weight.grad.tolist(), m.weight.grad.requires_grad)
        backward_once(torch, m)
        m.zero_grad()
        return {"kept": kept, "none": (m.weight.grad, m.bias.grad)}
    assert_same(case)


def test_requires_grad_and_freezing():
    def case(torch):
        m = linear(torch)
        m.weight.requires_grad = False
        backward_once(torch, m)
        frozen = (m.weight.grad, m.bias.grad.tolist())
        m.requires_grad_(False)
        out = m(torch.tensor(X))
        returned = m.requires_grad_() is m
        return {"frozen": frozen, "out_requires_grad": out.requires_grad,
                "flags": [p.requires_grad for p in m.parameters()], "returned": returned}
    assert_same(case)


# --- conversions ------------------------------------------------------------------------------
def test_float_double_half_keep_parameter_identity():
    def case(torch):
        m = torch.nn.Sequential(linear(torch), torch.nn.BatchNorm1d(2))
        backward_once(torch, m[0])
        params = list(m.parameters())
        grad = m[0].weight.grad
        steps = {}
        for name in ("double", "half", "float"):
            returned = getattr(m, name)() is m
            steps[name] = (returned, [p.dtype for p in m.parameters()],
                           [b.dtype for b in m.buffers()], m[0].weight.grad.dtype)
        return {"steps": {k: str(v) for k, v in steps.items()},
                "same": [p is q for p, q in zip(params, m.parameters())],
                "grad_same": m[0].weight.grad is grad, "leaf": m[0].weight.is_leaf,
                "requires_grad": m[0].weight.requires_grad, "values": m[0].weight.tolist(),
                "version": m[0].weight._version}
    got = assert_same(case)
    assert all(got["same"])


def test_to():
    def case(torch):
        m = torch.nn.BatchNorm1d(2)
        weight = m.weight
        results = [m.to(torch.float64) is m, m.to("cpu") is m,
                   m.to(torch.ones(1, dtype=torch.float32)) is m,
                   m.to(device="cpu", dtype=torch.float64) is m]
        return {"results": results, "same": m.weight is weight,
                "dtypes": [str(t.dtype) for t in m.state_dict().values()],
                "error_int": raised(m.to, torch.int64)}
    assert_same(case)


def test_to_another_device_is_refused_by_refimpl():
    """refimpl models the cpu only: moving a module elsewhere raises as its factories do
    (torch would move it)."""
    m = refimpl.nn.Linear(2, 2)
    for device in ("meta", "cuda", refimpl.device("cuda", 0)):
        with pytest.raises(RuntimeError, match="refimpl only models the cpu device"):
            m.to(device)
    assert m.to("cpu") is m and m.weight.device == refimpl.device("cpu")


def test_apply_visits_children_first():
    def case(torch):
        seen = []
        m = net(torch)
        returned = m.apply(lambda mod: seen.append(type(mod).__name__))
        return {"order": seen, "returns_self": returned is m}
    assert_same(case)


# --- reprs ------------------------------------------------------------------------------------
def test_module_reprs():
    def case(torch):
        nn = torch.nn

        class WithExtra(nn.Module):
            def extra_repr(self):
                return "first\nsecond"
        with_child = WithExtra()
        with_child.inner = nn.Linear(2, 2)
        modules = [nn.Linear(3, 2), nn.Linear(3, 2, bias=False), nn.ReLU(), nn.ReLU(True),
                   nn.Identity(54, unused=1), nn.Dropout(), nn.Dropout(0.2, inplace=True),
                   nn.BatchNorm1d(3), nn.BatchNorm1d(4, eps=1e-3, momentum=None, affine=False),
                   nn.BatchNorm1d(3, track_running_stats=False), nn.Sequential(),
                   nn.Sequential(nn.Linear(3, 2), nn.ReLU()),
                   nn.Sequential(OrderedDict(fc=nn.Linear(3, 2),
                                             block=nn.Sequential(nn.ReLU(), nn.Dropout(0.1)))),
                   WithExtra(), with_child, nn.Module()]
        return {"reprs": [repr(m) for m in modules], "strs": [str(m) for m in modules]}
    got = assert_same(case)
    expected = ("Sequential(\n  (0): Linear(in_features=3, out_features=2, bias=True)\n"
                "  (1): ReLU()\n)")
    assert expected in got["reprs"]


# --- Sequential -------------------------------------------------------------------------------
def test_sequential_indexing_and_growth():
    def case(torch):
        nn = torch.nn
        m = nn.Sequential(nn.Linear(3, 2), nn.ReLU(), nn.Identity())
        first, last = m[0], m[-1]
        sliced = m[1:]
        slice_shares = sliced[0] is m[1] and sliced[1] is m[2]
        m.append(nn.Dropout())
        m[1] = nn.Identity()
        del m[0]
        return {"first": repr(first), "last": repr(last), "slice_type": type(sliced).__name__,
                "slice": repr(sliced), "slice_shares": slice_shares,
                "after": repr(m), "len": len(m), "iter": [type(x).__name__ for x in m],
                "names": list(m._modules), "error_index": raised(lambda: m[5]),
                "error_type": raised(lambda: m["a"])}
    assert_same(case)


def test_sequential_forward_chains():
    def case(torch):
        nn = torch.nn
        m = nn.Sequential(linear(torch), nn.ReLU(), nn.Identity())
        return {"out": m(torch.tensor(X)).tolist()}
    assert_same(case)


# --- Linear -----------------------------------------------------------------------------------
def test_linear_init_after_manual_seed():
    """kaiming_uniform_(a=sqrt(5)) then the bias uniform: the same draws as torch's (a
    skipped or extra draw changes every value; float64's may differ in the last bit, which
    refimpl's uniform_ leaves to the comparison's tolerance)."""
    def case(torch):
        torch.manual_seed(0)
        m = torch.nn.Linear(5, 3)
        big = torch.nn.Linear(70, 20, dtype=torch.float64)
        return {"weight": m.weight.tolist(), "bias": m.bias.tolist(),
                "big": (big.weight.tolist(), big.bias.tolist()),
                "bias_free": torch.nn.Linear(4, 2, bias=False).weight.tolist(),
                "after": torch.rand(3).tolist(),
                "grad": (m.weight.requires_grad, m.weight.is_leaf, m.weight._version)}
    assert_same(case)


def test_init_helpers():
    def case(torch):
        init = torch.nn.init
        gains = [init.calculate_gain(n) for n in ("linear", "conv2d", "sigmoid", "tanh", "relu",
                                                  "leaky_relu", "selu")]
        return {"gains": gains, "leaky": init.calculate_gain("leaky_relu", math.sqrt(5)),
                "fans": [init._calculate_fan_in_and_fan_out(torch.empty(*s))
                         for s in ((3, 4), (2, 3, 5), (4, 2, 3, 3))],
                "error_fan": raised(init._calculate_fan_in_and_fan_out, torch.empty(3)),
                "error_gain": raised(init.calculate_gain, "nope"),
                "error_slope": raised(init.calculate_gain, "leaky_relu", True),
                "error_mode": raised(init.kaiming_uniform_, torch.empty(2, 2), 0, "fan_x"),
                "fills": (init.ones_(torch.empty(2)).tolist(), init.zeros_(torch.empty(2)).tolist(),
                          init.constant_(torch.empty(2), 3.5).tolist())}
    assert_same(case)


@pytest.mark.parametrize("shape", [(3,), (4, 3), (2, 4, 3), (2, 2, 2, 3)])
@pytest.mark.parametrize("bias", [True, False])
def test_linear_forward_and_backward(shape, bias):
    def case(torch):
        m = linear(torch, bias=bias)
        n = math.prod(shape)
        x = (torch.arange(n, dtype=torch.float32).reshape(shape) * 0.25 - 1).requires_grad_()
        out = m(x)
        (out * torch.arange(out.numel(), dtype=torch.float32).reshape(out.shape)).sum().backward()
        return {"out": out.tolist(), "shape": tuple(out.shape),
                "grads": [p.grad.tolist() for p in m.parameters()], "x_grad": x.grad.tolist()}
    assert_same(case)


def test_linear_forward_of_a_noncontiguous_input():
    def case(torch):
        m = linear(torch)
        x = torch.arange(24, dtype=torch.float32).reshape(4, 2, 3).transpose(0, 1)
        out = m(x)
        out.sum().backward()
        return {"out": out.tolist(), "grads": [p.grad.tolist() for p in m.parameters()],
                "grad_fn": out.grad_fn.name()}
    assert_same(case)


def test_linear_grad_fn_names_refimpl_matches():
    """Where F.linear takes matmul (no bias) or flattens a 1-d input, the graph is the
    same; a 2-d input with a bias is AddmmBackward0 in torch, which refimpl composes
    (see test_linear_grad_fn_names_addmm)."""
    def case(torch):
        w = torch.nn.Parameter(torch.tensor(W))
        b = torch.nn.Parameter(torch.tensor(B))
        F = torch.nn.functional
        names = {}
        for shape in ((3,), (4, 3), (2, 4, 3)):
            names[f"nobias{shape}"] = F.linear(torch.ones(shape), w).grad_fn.name()
        names["vector_bias"] = F.linear(torch.ones(3), w, b).grad_fn.name()
        names["3d_bias"] = F.linear(torch.ones(2, 4, 3), w, b).grad_fn.name()
        with torch.no_grad():
            names["no_grad"] = F.linear(torch.ones(4, 3), w, b).grad_fn
        names["error_0d"] = raised(F.linear, torch.tensor(1.0), w)
        return names
    assert_same(case)


def test_linear_grad_fn_names_addmm():
    def case(torch):
        x = torch.ones(4, 3)
        out = torch.nn.functional.linear(x, torch.nn.Parameter(torch.tensor(W)),
                                         torch.nn.Parameter(torch.tensor(B)))
        return {"grad_fn": out.grad_fn.name(),
                "next": [f.name() if f is not None else None
                         for f, _ in out.grad_fn.next_functions]}
    assert_same(case)


def test_sgd_step_under_no_grad():
    def case(torch):
        m = torch.nn.Sequential(linear(torch), torch.nn.ReLU(), torch.nn.Linear(2, 1))
        with torch.no_grad():
            m[2].weight.copy_(torch.tensor([[1.0, -0.5]]))
            m[2].bias.fill_(0.3)
        losses = []
        for _ in range(3):
            m.zero_grad()
            loss = m(torch.tensor(X)).pow(2).mean()
            loss.backward()
            with torch.no_grad():
                for p in m.parameters():
                    p.add_(p.grad, alpha=-0.1)
            losses.append(loss.item())
        return {"losses": losses, "params": [p.tolist() for p in m.parameters()],
                "leaves": [p.is_leaf for p in m.parameters()],
                "versions": [p._version for p in m.parameters()]}
    assert_same(case)


# --- Dropout ----------------------------------------------------------------------------------
def test_dropout_returns_its_input_when_nothing_is_dropped():
    def case(torch):
        F = torch.nn.functional
        x = torch.ones(2, 3, requires_grad=True)
        d = torch.nn.Dropout(0.5)
        d.eval()
        empty = torch.ones(0)
        return {"eval": d(x) is x, "p0": F.dropout(x, 0.0) is x,
                "not_training": F.dropout(x, 0.7, training=False) is x,
                "inplace_eval": F.dropout(x, 0.5, False, True) is x,
                "empty": F.dropout(empty, 0.5) is empty}
    got = assert_same(case)
    assert all(got.values())


def test_dropout_p1_and_probability_checks():
    def case(torch):
        F = torch.nn.functional
        x = torch.tensor([1.0, -2.0, 3.0], requires_grad=True)
        y = F.dropout(x, 1.0)
        z = torch.tensor([1.0, 2.0])
        w = F.dropout(z, 1.0, inplace=True)
        return {"p1": y.tolist(), "grad_fn": y.grad_fn.name(), "inplace": (w is z, z.tolist()),
                "error_high": raised(F.dropout, x, 1.5), "error_low": raised(F.dropout, x, -0.1),
                "error_nan": raised(F.dropout, x, float("nan")),
                "error_module": raised(torch.nn.Dropout, 1.5)}
    assert_same(case)


@pytest.mark.parametrize("inplace", [False, True])
def test_dropout_in_training_after_manual_seed(inplace):
    """bernoulli_(1 - p) then div_(1 - p): the same mask as torch's after the same seed."""
    def case(torch):
        torch.manual_seed(3)
        x = torch.arange(1.0, 41.0).reshape(5, 8)
        out = torch.nn.Dropout(0.3, inplace=inplace)(x)
        y = torch.ones(10, requires_grad=True)
        z = torch.nn.functional.dropout(y, 0.5)
        z.sum().backward()
        return {"out": out.tolist(), "same": out is x, "grad_fn": z.grad_fn.name(),
                "grad": y.grad.tolist()}
    assert_same(case)


# --- BatchNorm1d ------------------------------------------------------------------------------
BATCH = [[1.0, 2.0, -1.0], [3.0, 0.5, 0.0], [-2.0, 1.0, 4.0], [0.5, -1.5, 2.0]]


def bn_state(bn):
    return {k: v.tolist() for k, v in bn.state_dict().items()}


def test_batchnorm_state():
    def case(torch):
        bn = torch.nn.BatchNorm1d(3)
        return {"params": [n for n, _ in bn.named_parameters()],
                "buffers": [(n, str(b.dtype)) for n, b in bn.named_buffers()],
                "state": bn_state(bn), "metadata": dict(bn.state_dict()._metadata),
                "versions": [t._version for t in bn.state_dict().values()],
                "no_affine": list(torch.nn.BatchNorm1d(3, affine=False).state_dict()),
                "untracked": list(torch.nn.BatchNorm1d(3, track_running_stats=False).state_dict())}
    assert_same(case)


@pytest.mark.parametrize("momentum", [0.1, 0.5, None])
def test_batchnorm_training_updates_running_stats(momentum):
    def case(torch):
        bn = torch.nn.BatchNorm1d(3, momentum=momentum)
        with torch.no_grad():
            bn.weight.copy_(torch.tensor([1.0, 2.0, 0.5]))
            bn.bias.copy_(torch.tensor([0.0, -1.0, 1.0]))
        x = torch.tensor(BATCH, requires_grad=True)
        out = bn(x)
        (out * torch.arange(12.0).reshape(4, 3)).sum().backward()
        second = bn(torch.tensor(BATCH) * 2 + 1)
        return {"out": out.tolist(), "second": second.tolist(), "state": bn_state(bn),
                "grads": (bn.weight.grad.tolist(), bn.bias.grad.tolist(), x.grad.tolist()),
                "buffer_flags": [(b.requires_grad, b.grad_fn is None) for b in bn.buffers()],
                "versions": [b._version for b in bn.buffers()]}
    assert_same(case, rtol=1e-5, atol=1e-5)


def test_batchnorm_3d_input_and_eval_uses_running_stats():
    def case(torch):
        bn = torch.nn.BatchNorm1d(2)
        x = torch.arange(24.0).reshape(3, 2, 4).sin()
        train_out = bn(x)
        bn.eval()
        y = torch.tensor([[0.5, -1.0], [2.0, 3.0]], requires_grad=True)
        eval_out = bn(y)
        eval_out.sum().backward()
        return {"train": train_out.tolist(), "eval": eval_out.tolist(), "state": bn_state(bn),
                "y_grad": y.grad.tolist(), "weight_grad": bn.weight.grad.tolist()}
    assert_same(case, rtol=1e-5, atol=1e-5)


def test_batchnorm_without_running_stats_or_affine():
    def case(torch):
        untracked = torch.nn.BatchNorm1d(3, track_running_stats=False)
        plain = torch.nn.BatchNorm1d(3, affine=False)
        x = torch.tensor(BATCH)
        untracked.eval()   # no running stats: batch statistics even in eval
        return {"untracked": untracked(x).tolist(), "plain": plain(x).tolist(),
                "state": bn_state(plain)}
    assert_same(case, rtol=1e-5, atol=1e-5)


def test_batchnorm_errors():
    def case(torch):
        bn = torch.nn.BatchNorm1d(3)
        F = torch.nn.functional
        return {"error_one_value": raised(bn, torch.ones(1, 3)),
                "error_1d": raised(bn, torch.ones(3)),
                "error_4d": raised(bn, torch.ones(2, 3, 1, 1)),
                "tracked": bn.num_batches_tracked.item(),   # counted before the size check
                "error_eps": raised(F.batch_norm, torch.ones(4, 3), None, None, None, None,
                                    True, 0.1, 0.0),
                "error_eps_eval": raised(F.batch_norm, torch.ones(4, 3), torch.zeros(3),
                                         torch.ones(3), None, None, False, 0.1, -1.0),
                "error_features": raised(F.batch_norm, torch.ones(4, 3), torch.zeros(4),
                                         torch.ones(3), training=True),
                "error_weight": raised(F.batch_norm, torch.ones(4, 3), None, None,
                                       torch.ones(2), training=True),
                "error_eval_without": raised(F.batch_norm, torch.ones(4, 3), None, None)}
    assert_same(case)


@pytest.mark.parametrize("affine", [True, False])
@pytest.mark.parametrize("train", [True, False])
def test_batchnorm_records_native_batch_norm(affine, train):
    """torch's CPU batch_norm records NativeBatchNormBackward0 (edges to input, weight,
    bias), in training and in eval; so does refimpl's, with the same gradients."""
    def case(torch):
        bn = torch.nn.BatchNorm1d(3, affine=affine)
        bn.train(train)
        x = torch.tensor(BATCH, requires_grad=True)
        out = bn(x)
        (out * torch.arange(float(out.numel())).reshape(out.shape)).sum().backward()
        grads = [p.grad.tolist() for p in bn.parameters()]
        return {"grad_fn": out.grad_fn.name(),
                "next": [None if f is None else f.name() for f, _ in out.grad_fn.next_functions],
                "x.grad": np.round(np.array(x.grad.tolist()), 4).tolist(),
                "params": [np.round(np.array(g), 4).tolist() for g in grads],
                "running_var": np.round(np.array(bn.running_var.tolist()), 5).tolist()}
    assert_same(case)
