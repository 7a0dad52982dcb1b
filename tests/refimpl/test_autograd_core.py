"""The autograd core against torch: leaves, grad modes, detach / .data, saved-tensor
version checks, in-place rules on leaves and views, the engine's API (backward,
autograd.grad), accumulation and its layout contract, retain_grad."""
import pytest

from .autograd_harness import assert_same


def leaf(torch, *shape, **kw):
    return torch.arange(1.0, 1.0 + (torch.Size(shape).numel() if shape else 1)).reshape(shape) \
        .requires_grad_(kw.get("requires_grad", True))


def c_leaf_rules(torch):
    x = leaf(torch, 2, 3)
    y = x * 2
    z = torch.ones(2)
    return {"x": x, "y": y, "z": z, "flags": (x.is_leaf, y.is_leaf, z.is_leaf, y.requires_grad)}


def c_requires_grad_setter_on_nonleaf(torch):
    y = leaf(torch, 2) * 2
    y.requires_grad = False
    return {}


def c_requires_grad_on_int(torch):
    return {"x": torch.ones(2, dtype=torch.long).requires_grad_()}


def c_requires_grad_factory_int(torch):
    return {"x": torch.ones(2, dtype=torch.long, requires_grad=True)}


def c_no_grad_blocks(torch):
    x = leaf(torch, 3)
    with torch.no_grad():
        y = x * 2
        with torch.enable_grad():
            z = x * 3
    torch.set_grad_enabled(False)
    w = x + 1
    torch.set_grad_enabled(True)
    with torch.set_grad_enabled(False):
        u = x.exp()
    return {"y": y, "z": z, "w": w, "u": u, "mode": torch.is_grad_enabled()}


def c_no_grad_decorator(torch):
    x = leaf(torch, 3)

    @torch.no_grad()
    def f(t):
        return t * 2
    return {"y": f(x), "mode": torch.is_grad_enabled()}


def c_detach_shares(torch):
    x = leaf(torch, 3)
    out = x.sigmoid()
    c = out.detach()
    c.zero_()
    return {"out": out, "c": c, "versions": (out._version, c._version)}


def c_detach_then_backward_fails(torch):
    x = leaf(torch, 3)
    out = x.sigmoid()
    c = out.detach()
    c.zero_()
    out.sum().backward()
    return {"x": x}


def c_detached_backward(torch):
    x = leaf(torch, 3)
    c = x.sigmoid().detach()
    c.sum().backward()
    return {}


def c_data_write_unseen(torch):
    x = leaf(torch, 3)
    out = x.sigmoid()
    d = out.data
    d.zero_()
    out.sum().backward()
    return {"x": x, "out": out, "d": d}


def c_data_assign(torch):
    x = leaf(torch, 3)
    x.data = torch.zeros(2, 2)
    y = x * 2
    y.sum().backward()
    return {"x": x, "y": y}


def c_detach_inplace(torch):
    x = leaf(torch, 3)
    y = x * 2
    y.detach_()
    return {"y": y}


def c_detach_inplace_view(torch):
    x = leaf(torch, 3)
    v = (x * 2)[:2]
    v.detach_()
    return {}


def c_inplace_leaf(torch):
    x = leaf(torch, 3)
    x.add_(1)
    return {}


def c_inplace_view_of_leaf(torch):
    x = leaf(torch, 2, 3)
    x.t().mul_(2)
    return {}


def c_inplace_leaf_no_grad(torch):
    x = leaf(torch, 3)
    with torch.no_grad():
        x.mul_(2)
    (x * x).sum().backward()
    return {"x": x}


def c_saved_output_modified(torch):
    x = leaf(torch, 3)
    y = x.exp()
    y.add_(1)
    y.sum().backward()
    return {}


def c_saved_input_modified(torch):
    x = leaf(torch, 3)
    a = x * 1
    b = a * a
    a.mul_(2)
    b.sum().backward()
    return {}


def c_saved_leaf_modified(torch):
    x = leaf(torch, 3)
    w = torch.ones(3)
    y = x * w
    w.add_(1)
    y.sum().backward()
    return {}


def c_unsaved_modification_ok(torch):
    x = leaf(torch, 3)
    a = x * 2
    b = a + 1
    a.mul_(3)
    b.sum().backward()
    return {"x": x, "a": a}


def c_copyslices(torch):
    x = leaf(torch, 3, 4)
    y = x.clone()
    v = y.t()
    w = v.exp()
    v.mul_(2)
    (y * 3).sum().backward()
    return {"x": x, "y": y, "v": v, "w": w}


def c_view_under_no_grad_modified(torch):
    x = leaf(torch, 3)
    y = x * 1
    with torch.no_grad():
        v = y.t()
    v.mul_(x)
    return {}


def c_view_under_no_grad_flags(torch):
    x = leaf(torch, 2, 2)
    with torch.no_grad():
        v = x.t()
    return {"v": v}


def c_backward_twice(torch):
    x = leaf(torch, 3)
    y = x.exp()
    y.sum().backward()
    y.sum().backward()
    return {}


def c_backward_twice_retained(torch):
    x = leaf(torch, 3)
    y = x.exp()
    y.sum().backward(retain_graph=True)
    y.sum().backward()
    return {"x": x}


def c_backward_twice_no_saved(torch):
    x = leaf(torch, 3)
    y = x + 1
    y.sum().backward()
    y.sum().backward()
    return {"x": x}


def c_nonscalar_backward(torch):
    x = leaf(torch, 3)
    (x * 2).backward()
    return {}


def c_gradient_argument(torch):
    x = leaf(torch, 2, 3)
    (x * 2).backward(torch.full((2, 3), 0.5))
    return {"x": x}


def c_gradient_shape_mismatch(torch):
    x = leaf(torch, 3)
    (x * 2).backward(torch.ones(2))
    return {}


def c_grad_layout_contract(torch):
    x = torch.ones(3, 2).t().requires_grad_()
    (x * 2).sum().backward()
    g1 = x.grad
    (x * 2).sum().backward()
    return {"x": x, "same": g1 is x.grad, "version": x.grad._version}


def c_grad_reset(torch):
    x = leaf(torch, 3)
    (x * 2).sum().backward()
    x.grad.zero_()
    (x * 3).sum().backward()
    g = x.grad
    x.grad = None
    (x * 4).sum().backward()
    return {"x": x, "g": g}


def c_grad_assign_checks(torch):
    x = leaf(torch, 3)
    x.grad = torch.ones(2)
    return {}


def c_retain_grad(torch):
    x = leaf(torch, 3)
    y = x * 2
    y.retain_grad()
    z = y * y
    z.sum().backward()
    return {"x": x, "y": y, "flags": (y.retains_grad, x.retains_grad)}


def c_retain_grad_then_inplace(torch):
    x = leaf(torch, 3)
    y = x * 2
    y.retain_grad()
    y.add_(1)
    (y * y).sum().backward()
    return {"x": x, "y": y}


def c_autograd_grad(torch):
    x = leaf(torch, 3)
    w = leaf(torch, 3)
    y = (x * w).sum()
    gx, gw = torch.autograd.grad(y, [x, w])
    return {"gx": gx, "gw": gw, "x": x}


def c_autograd_grad_unused(torch):
    x = leaf(torch, 3)
    u = leaf(torch, 2)
    return {"g": torch.autograd.grad((x * 2).sum(), [x, u])}


def c_autograd_grad_allow_unused(torch):
    x = leaf(torch, 3)
    u = leaf(torch, 2)
    return {"g": torch.autograd.grad((x * 2).sum(), [x, u], allow_unused=True)}


def c_autograd_grad_materialize(torch):
    x = leaf(torch, 3)
    u = leaf(torch, 2)
    return {"g": torch.autograd.grad((x * 2).sum(), [x, u], materialize_grads=True)}


def c_autograd_grad_nonleaf_input(torch):
    x = leaf(torch, 3)
    y = x * 2
    z = (y * y).sum()
    return {"g": torch.autograd.grad(z, y)}


def c_create_graph(torch):
    x = leaf(torch, 3)
    y = (x * x * x).sum()
    (g,) = torch.autograd.grad(y, x, create_graph=True)
    g.sum().backward()
    return {"x": x, "g": g}


def c_autograd_backward_fn(torch):
    x = leaf(torch, 3)
    torch.autograd.backward([(x * 2).sum(), (x * 3).sum()])
    return {"x": x}


def c_backward_inputs(torch):
    x = leaf(torch, 3)
    w = leaf(torch, 3)
    (x * w).sum().backward(inputs=[x])
    return {"x": x, "w": w}


def c_multi_output_view_inplace(torch):
    x = leaf(torch, 2, 3)
    parts = x.clone().unbind()
    parts[0].add_(1)
    return {}


def c_inference_mode(torch):
    x = leaf(torch, 3)
    with torch.inference_mode():
        y = x * 2
        z = torch.ones(2)
    return {"y": y, "flags": (y.is_inference(), z.is_inference(), x.is_inference(),
                              torch.is_inference_mode_enabled())}


def c_inference_inplace_outside(torch):
    with torch.inference_mode():
        z = torch.ones(2)
    z.add_(1)
    return {}


def c_inference_saved(torch):
    with torch.inference_mode():
        z = torch.ones(3)
    x = leaf(torch, 3)
    (x * z).sum().backward()
    return {}


def c_out_with_grad(torch):
    x = leaf(torch, 3)
    torch.exp(x, out=torch.empty(3))
    return {}


def c_reprs(torch):
    x = leaf(torch, 3)
    return {"reprs": (repr(x), repr(x * 2), repr(x.detach()), x.grad_fn,
                      (x * 2).grad_fn.name(), (x * 2).grad_fn.next_functions[0][0].name())}


def c_inplace_makes_destination_require_grad(torch):
    x = leaf(torch, 3)
    a = torch.zeros(3)
    a.mul_(x)
    b = torch.zeros(3, 2)
    b.t().add_(x)
    return {"a": a, "b": b}


def c_view_chain_no_grad_meta(torch):
    x = leaf(torch, 2, 3)
    y = x * 1
    with torch.no_grad():
        v = y.t()
    w = v.t()
    w.mul_(x)
    return {}


def c_view_of_nonleaf_inplace_then_base(torch):
    x = leaf(torch, 2, 3)
    y = x * 1
    v = y.t()
    y.mul_(2)
    return {"v": v, "y": y}


def c_data_of_view(torch):
    x = leaf(torch, 2, 3)
    d = x.t().data
    return {"d": d, "flags": (d.is_leaf, d.requires_grad, d._version)}


def c_detach_of_view(torch):
    x = leaf(torch, 2, 3) * 1
    d = x.t().detach()
    d.add_(1)
    return {"d": d, "x": x}


def c_second_order_mul(torch):
    x = leaf(torch, 3)
    y = (x * x).sum()
    (g,) = torch.autograd.grad(y, [x], create_graph=True)
    (h,) = torch.autograd.grad(g.sum(), [x])
    return {"g": g, "h": h}


def c_set_grad_enabled_as_function(torch):
    x = leaf(torch, 3)
    torch.set_grad_enabled(False)
    try:
        y = x * 2
        mode = torch.is_grad_enabled()
    finally:
        torch.set_grad_enabled(True)
    return {"y": y, "mode": mode}


CASES = [v for k, v in sorted(globals().items()) if k.startswith("c_")]


@pytest.mark.parametrize("case", CASES, ids=[c.__name__[2:] for c in CASES])
def test_core_matches_torch(case):
    assert_same(case)


def test_accumulate_grad_node_is_shared():
    import refimpl as torch
    x = leaf(torch, 3)
    a, b = x * 2, x * 3
    assert a.grad_fn.next_functions[0][0] is b.grad_fn.next_functions[0][0]


# where torch sums gradients in place (InputBuffer::accumulate) and keeps the engine's
# gradient as .grad instead of copying it (AccumulateGrad's steal): seen in versions and
# in .grad sharing memory with a gradient passed in
def _versions(torch):
    out = []
    x = leaf(torch, 3); (x * 2 + x * 3).sum().backward(); out.append(x.grad._version)
    x = leaf(torch, 3); (x * 2).sum().backward(); out.append(x.grad._version)
    x = leaf(torch, 3); (x + x).sum().backward(); out.append(x.grad._version)
    x = leaf(torch, 3); (x * x).sum().backward(); out.append(x.grad._version)
    x = leaf(torch, 3); y = x * 2; out.append(torch.autograd.grad((y * y).sum(), y)[0]._version)
    x = leaf(torch, 3); y = x * 2; out.append(torch.autograd.grad((y + y).sum(), y)[0]._version)
    x = leaf(torch, 3); y = x * 2
    out.append(torch.autograd.grad((y * 3 + y * 4).sum(), y)[0]._version)
    x = leaf(torch, 3); (x.sum() + x.sum()).backward(); out.append(x.grad._version)
    x = leaf(torch, 3); (x * 2).sum().backward(); (x * 2).sum().backward()
    out.append(x.grad._version)
    x = leaf(torch, 2, 3); g = torch.ones(6); x.view(6).backward(g)
    out.append((x.grad.data_ptr() == g.data_ptr(), x.grad._version))
    x = leaf(torch, 6); g = torch.ones(6); (x + 0).backward(g)
    out.append((x.grad.data_ptr() == g.data_ptr(), x.grad._version))
    x = leaf(torch, 1, 3); (x * torch.ones(3, 1)).sum().backward(); out.append(x.grad.stride())
    x = leaf(torch, 3); a = x * 2; (a.sin() + a.cos()).sum().backward()
    out.append(x.grad._version)
    return {"versions": out}


def test_in_place_accumulation_and_stolen_grads_match_torch():
    assert_same(_versions)
