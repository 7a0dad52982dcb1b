"""Rules (autograd ones mostly) that whole-program campaigns found refimpl missing, each
reduced to a case and compared with torch (the cases name the torch source they follow)."""
import pytest

from .autograd_harness import assert_same


def _saved_error(torch, run):
    """The message of a backward that fails on a saved tensor (only its first line is
    observed by the harness, which is the part that names the node)."""
    try:
        run()
    except RuntimeError as e:
        return str(e)
    return None


def _inference_data_leaf(torch):
    """A leaf that requires grad whose data is an inference tensor (x.data = one): ops on it
    alone go below autograd, unless their kernels bring a normal tensor in."""
    with torch.inference_mode():
        data = torch.ones(3)
    x = torch.zeros(2, requires_grad=True)
    x.data = data
    return x


def _outcomes(runs):
    """name -> what run() returned, or the message of the RuntimeError it raised."""
    out = {}
    for name, run in runs.items():
        try:
            out[name] = run()
        except RuntimeError as e:
            out[name] = str(e)
    return out


def c_saved_output_of_inplace_on_view(torch):
    # saved_variable.cpp: an output saved by an in-place op on a view is reported as the
    # output of the view's regenerated AsStridedBackward0 while that node lives
    a = torch.full((4,), -2.0, dtype=torch.float64, requires_grad=True)
    b = (a * a).reshape(4)
    b.relu_()
    b.neg_()
    return {"message": _saved_error(torch, lambda: b.sum().backward(retain_graph=True))}


def c_saved_output_of_inplace_on_dead_view(torch):
    # ... and as the output of the node that unpacks it once that view has died
    a = torch.ones(3, requires_grad=True).clone()
    b = a[1:]
    b.exp_()
    del b
    a.mul_(2)
    return {"message": _saved_error(torch, lambda: a.sum().backward())}


def c_copyslices_freed_after_backward(torch):
    # CopySlices::release_variables drops its fn: a second backward fails even when the
    # in-place op saved nothing
    a = torch.zeros(3, requires_grad=True)
    b = a.clone()
    b[1:] += 1
    b.sum().backward()
    return {"message": _saved_error(torch, lambda: b.sum().backward()), "a": a}


def c_grad_accumulator_is_weak(torch):
    # a leaf's AccumulateGrad lives only while a graph holds it: made again after .data =
    # changed the shape, it expects the new one
    w = torch.zeros(2, 3, requires_grad=True)
    w.sum().backward()
    w.data = torch.zeros(4)
    return {"message": _saved_error(torch, lambda: w.sum().backward())}


def c_sgn_in_abs_double_backward(torch):
    x = torch.tensor([-2.0, 0.0, 3.0], dtype=torch.float64, requires_grad=True)
    g, = torch.autograd.grad(x.abs().sum(), x, create_graph=True)
    return {"g": g}


def c_norm_inf_double_backward(torch):
    x = torch.tensor([11.0, 7.0, 3.0], requires_grad=True)
    g, = torch.autograd.grad(torch.norm(x, float("inf")), x, create_graph=True)
    return {"g": g}


def c_sum_to_scalar_is_plain_sum(torch):
    # at::sum_to to a 0-dim shape is tensor.sum(): SumBackward0, no view
    x = torch.zeros([], dtype=torch.float64, requires_grad=True)
    y = (x * torch.ones(3, 2, dtype=torch.float64)).sin()
    g, = torch.autograd.grad(y.sum(), x, create_graph=True)
    return {"g": g}


def c_cumsum_backward_flips(torch):
    x = torch.linspace(16, -4, 4, requires_grad=True)
    y = torch.cumsum(x, 0)
    g, = torch.autograd.grad(y.cos().sum(), x, create_graph=True)
    return {"g": g}


def c_inference_view_is_no_view(torch):
    # views of inference tensors are made below ADInplaceOrView: no base, no grad
    with torch.inference_mode():
        a = torch.zeros(2, 3)
    b = torch.zeros(2, 3)
    b.requires_grad_()
    b.data = a
    v = b.t()
    return {"v": v, "view": (v._is_view(), v.is_inference())}


def c_wrapped_number_reaches_autograd(torch):
    # a Python number given for a Tensor parameter is a wrapped tensor with autograd keys
    with torch.inference_mode():
        a = torch.zeros(2, 3)
    b = torch.zeros(2, 3)
    b.requires_grad_()
    b.data = a
    return {"mul": b * 2, "exp": b.exp()}


def c_inference_keys_skip_version_bump(torch):
    with torch.inference_mode():
        a = torch.zeros(2)
    b = torch.ones(2)
    b.data = a
    b.add_(1)
    before = b._version
    with torch.inference_mode():
        b.add_(1)
    return {"versions": (before, b._version)}


def c_integer_view_of_base_that_requires_grad(torch):
    # DifferentiableViewMeta::requires_grad follows the base, whatever the view's dtype
    a = torch.zeros(3)
    v = a[1:]
    v.data = torch.zeros(2, dtype=torch.int16)
    a.requires_grad_()
    return {"flags": (v.requires_grad, v.is_leaf)}


def c_integer_input_gradient_asserts(torch):
    # validate_outputs: a gradient cast to a bool input's dtype fails torch's assert
    x = torch.ones(0, 4, 3, requires_grad=True)
    b = x.bool()
    b.less_equal_(x)
    return {"message": _saved_error(torch, lambda: torch.autograd.grad(b.bfloat16().sum(), [x]))}


def c_lone_root_runs_retain_hooks(torch):
    # evaluate_function: a lone root that leads to no input still runs its tensor pre-hooks
    x = torch.ones(2, requires_grad=True)
    s = torch.tensor(0.0, requires_grad=True)
    v = s.expand_as(s)
    v.retain_grad()
    message = _saved_error(torch, lambda: torch.autograd.grad(v, [x]))
    return {"message": message, "v": v}


def c_unpack_order_by_aten_name(torch):
    # generated apply(): saved inputs unpack sorted by name (max before min before self)
    x = torch.arange(-0.75, 3.75, requires_grad=True)
    y = torch.ones_like(x)
    y.clamp_(x, y)
    with torch.no_grad():
        x.rsqrt_()
    return {"message": _saved_error(torch, lambda: torch.autograd.grad(y.sum(), [x]))}


def c_max_other_is_maximum(torch):
    a = torch.zeros(3, 1, 3, 3, dtype=torch.float64).swapaxes(-3, -2).requires_grad_()
    b = torch.zeros(3, 3, 1, 1, dtype=torch.bfloat16, requires_grad=True)
    torch.max(a, b).sum().backward()
    return {"a": a, "b": b}


def c_to_copy_collects_edges_first(torch):
    # _to_copy to a float dtype reads the input's grad_fn before its kernel runs
    a = torch.zeros(3, dtype=torch.bfloat16)
    with torch.no_grad():
        a.requires_grad = True
        v = torch.movedim(a, [0], [0])
        v.rsqrt_()
    errors = []
    for convert in (lambda: v.float(memory_format=torch.channels_last), lambda: v.int()):
        errors.append(_saved_error(torch, convert))
    return {"errors": tuple(e and e.split(".")[0] for e in errors)}


def c_mean_of_inference_data_that_requires_grad(torch):
    # mean's CPU kernel writes with at::sum_out, whose autograd layer refuses the out=
    x = torch.zeros(3, 4, requires_grad=True)
    with torch.inference_mode():
        y = x * 300
    x.data = y
    return {"message": _saved_error(torch, lambda: x.mean())}


def c_half_sigmoid_backward_rounds_each_step(torch):
    g = torch.tensor([0.1666259765625] * 3, dtype=torch.float16)
    y = torch.tensor([0.437744140625] * 3, dtype=torch.float16, requires_grad=True)
    x = torch.tensor([0.2] * 3, dtype=torch.float16, requires_grad=True)
    s = x.sigmoid()
    gx, = torch.autograd.grad(s, x, g)
    return {"gx": gx}


def c_unguarded_saves(torch):
    # gen_variable_type.py saves a single-input op's self unconditionally, a
    # two-input op's value read by one formula only when that input needs it
    x = torch.ones(3, 5)
    v = x.t()
    x.requires_grad_()  # v requires grad through its base but has no history
    s, m = v.sin(), v * v
    g = torch.zeros(5, 3)
    s.backward(g)
    m.backward(g)
    return {"sin": _saved_error(torch, lambda: s.backward(g)),
            "mul": _saved_error(torch, lambda: m.backward(g))}


def c_validate_before_release(torch):
    # validate_outputs fails inside call_function: the node is not released
    x = torch.zeros(2, 0, requires_grad=True)
    b = torch.zeros(2, 0, dtype=torch.bool)
    b.le_(x)
    s = torch.clamp_max(b, x).sum()
    first = _saved_error(torch, s.backward)
    return {"errors": (first, _saved_error(torch, s.backward))}


def c_buffer_accumulates_into_first(torch):
    # InputBuffer::accumulate adds in place only into the gradient that came first
    x = torch.zeros(3, 2, requires_grad=True)
    a = x * 2
    b = x.t()
    g, = torch.autograd.grad(a.sum() + (b * 1).sum(), [x])
    return {"g": g, "layout": (g.stride(), g._version)}


def c_pow_zero_exponent_grad_is_contiguous(torch):
    x = torch.as_strided(torch.linspace(14, 0.75, 3, dtype=torch.float64), [1, 1], [1, 3], 0)
    x.requires_grad_()
    x.pow(0.0).backward(torch.zeros(1, 1, dtype=torch.float64))
    return {"x": x}


def c_detach_in_inference_mode(torch):
    with torch.inference_mode():
        a = torch.zeros(5, 1, dtype=torch.int32).bool()
    b = a.data
    with torch.inference_mode():
        c = b.detach()
    return {"version": _saved_error(torch, lambda: c._version)}


def c_zero_tensor_from_abs_double_backward(torch):
    x = torch.ones(2, 3, requires_grad=True)
    g, = torch.autograd.grad(x.abs().sum(), x, create_graph=True)
    g.sum().backward()
    z = x.grad
    return {"reads": (_saved_error(torch, z.tolist), z.data_ptr(), z._is_zerotensor(),
                      (z * 2)._is_zerotensor(), (z + 1)._is_zerotensor(),
                      z.t()._is_zerotensor(), z.clone()._is_zerotensor()),
            "write": _saved_error(torch, lambda: z.add_(1)),
            "again": _saved_error(torch, lambda: g.sum().backward())}


def c_view_of_base_without_version_counter(torch):
    # a tensor made in inference mode keeps no version counter after .data = a normal
    # tensor; a tracked view of it fails reading one (DifferentiableViewMeta)
    a = torch.zeros(0, dtype=torch.float16)
    with torch.inference_mode():
        b = torch.rsqrt(a)
        b.data = a
    return {"view": _saved_error(torch, lambda: b.view(3, 1, 0)), "inference": b.is_inference()}


def c_grad_of_variable_whose_rank_changed(torch):
    # AccumulateGrad copies a gradient of another rank into the variable's layout (.data =)
    x = torch.arange(1.75, 7.25, 0.5, dtype=torch.float16, requires_grad=True)
    torch.less_equal(torch.full((0, 0), True, dtype=torch.float64), 1.0, out=x)
    flat = x.flatten()
    x.data = flat
    return {"message": _saved_error(torch, flat.sum().backward)}


def c_pow_minus_two_is_a_reciprocal_square(torch):
    # pow_tensor_scalar_optimized_kernel: 1 / (x * x), which underflows to 0 for large x
    x = torch.tensor([1.3407807929942597e+154, 3.0], dtype=torch.float64, requires_grad=True)
    y = x.pow(-1)
    y.backward(torch.tensor([1.3407807929942597e+154, 1.0], dtype=torch.float64))
    return {"x": x, "forward": x.detach().pow(-2)}


def c_saved_output_holds_no_cycle(torch):
    # a saved output keeps its node only weakly: once detach_() drops the node, the
    # leaf's accumulator dies with it and a new one records the leaf's new shape
    x = torch.eye(2, 3, requires_grad=True)
    y = x.tanh()
    y.detach_()
    x.data = torch.zeros(2, 3, 2)
    x.sum().backward()
    return {"x": x}


def c_norm_backward_unsqueezes_one_dim_by_the_grad(torch):
    # unsqueeze_multiple's one-dim shortcut wraps against the gradient, not self
    x = torch.eye(4, 0, requires_grad=True)
    n = x.norm(1.0, dim=(1,))
    x.data = n
    return {"message": _saved_error(torch, lambda: torch.autograd.grad(n.sum(), [x]))}


def c_grad_of_lower_rank_is_kept(torch):
    x = torch.linspace(-19, -1, 50).select(0, -8)
    x.requires_grad_()
    y = x.unsqueeze(0)
    x.data = y
    y.backward()
    return {"x": x}


def c_sum_to_a_0dim_shape_is_a_new_tensor(torch):
    # at::sum_to to () is tensor.sum() even for a 0-dim gradient: .grad shares nothing
    x = torch.zeros((), requires_grad=True)
    g = torch.tensor(0.0)
    x.t().expand_as(x).backward(gradient=g)
    return {"x": x, "shares": x.grad.data_ptr() == g.data_ptr()}


def c_requires_grad_setter_reads_the_raw_grad_fn(torch):
    # the setters ask C++ is_leaf(), which does not regenerate a view's grad_fn
    x = torch.ones(4, 0, 2, requires_grad=True)
    with torch.inference_mode():
        v = x.movedim([1, -1, 0], [2, 0, 1])
        torch.trunc_(v)
    v.requires_grad_()
    return {"is_leaf": _saved_error(torch, lambda: v.is_leaf)}


def c_grad_of_a_variable_made_0dim(torch):
    x = torch.linspace(0, -18, 33, requires_grad=True)
    view = x.view(3, 1, 1, 11)
    s = x.sum(-1)
    x.data = s
    torch.true_divide(s, view).mean().backward()
    return {"x": x}


def c_copy_inside_kernels_of_inference_inputs(torch):
    # clone and _to_copy fill a new normal tensor with copy_, whose autograd layer runs
    # even though theirs was skipped (x.data = an inference tensor that requires grad)
    x = torch.empty(2, requires_grad=True)
    with torch.inference_mode():
        x.data = torch.zeros(3, 3, 2)
    d, c = x.double(), x.clone()
    # (their versions are left unspecified: how many writes a kernel makes is its own)
    return {"graph": [(t.requires_grad, t.grad_fn.name(), t.is_inference(),
                       [f and f.name() for f, _ in t.grad_fn.next_functions]) for t in (d, c)]}


def c_grad_of_higher_rank_with_size_one_dims(torch):
    # the layout contract reads no variable stride for a size-1 dim of the gradient
    x = torch.ones(5, 1, requires_grad=True)
    m = x.mean(0)
    x.data = m
    m.backward(torch.tensor([0.0]))
    return {"x": x}


def c_only_differentiable_inputs_decide_requires_grad(torch):
    # gen_variable_type.py: compute_requires_grad reads only the arguments with a formula;
    # an integer index that came to require grad through lt_ makes no node
    i = torch.tensor([0, 1])
    i.lt_(torch.ones(2, requires_grad=True))
    x = torch.ones(3, 4, dtype=torch.int8)
    taken = torch.take(x, i)
    m = torch.ones(2, 3, dtype=torch.bool)
    m[i, 1:] += torch.tensor([False])
    return {"taken": taken, "m": m, "gathered": torch.ones(3).gather(0, i),
            "out": torch.take(torch.ones(3), i, out=torch.zeros(2))}


def c_retain_grad_of_a_raw_leaf(torch):
    # VariableHooks::retain_grad asks C++ is_leaf() (the raw grad_fn_): a view made under
    # no_grad whose base was then written is a leaf there, though its grad_fn raises
    w = torch.ones(2, 3, requires_grad=True)
    with torch.no_grad():
        v = w.mT
        v.index_fill_(0, torch.tensor([1]), 5.0)
    v.retain_grad()
    return {"retains": v.retains_grad, "w": w}


def c_copyslices_grad_made_in_inference_mode(torch):
    # CopySlices allocates its result with new_empty_strided: in inference mode an
    # inference tensor, as every allocation there is
    a = torch.ones(2, requires_grad=True)
    b = a.sum()
    b.view(()).tanh_()
    with torch.inference_mode():
        g, = torch.autograd.grad(b, [a])
    return {"g": g, "inference": g.is_inference()}


def c_copyslices_clones_the_slice_contiguous(torch):
    # tensor.cpp CopySlices::apply_impl: fn gets grad_slice.clone(MemoryFormat::Contiguous),
    # so a gradient it passes through keeps that layout whatever the view's strides
    a = torch.ones(2, 3, dtype=torch.float64, requires_grad=True)
    b = a.abs().t()
    b.mul_(a.t())
    g, = torch.autograd.grad(b.sum(), [a])
    return {"g": g, "strides": g.stride()}


def c_integer_round_copies_into_the_resized_out(torch):
    # UnaryOps.cpp trunc_out: an integer input is result.copy_(self), whose TensorIterator
    # checks overlap with out's new strides (the op's own build saw the old ones)
    x = torch.tensor([[[3], [-5]], [[7], [-2]]], dtype=torch.int32)
    result = {}
    for name in ("trunc", "floor", "round"):
        y = x.clone()
        try:
            getattr(torch, name)(y.permute(0, 2, 1), out=y)
        except RuntimeError as e:
            result[name] = str(e)
    return result


def c_index_fill_reads_an_index_it_writes(torch):
    # IndexKernel.cpp index_fill_kernel reads each index when it visits it: filling an
    # expand of the index overwrites indices still to be read
    i = torch.arange(4)
    try:
        i.expand(2, 1, 4).index_fill_(-1, i, -9)
    except IndexError as e:
        return {"i": i, "error": str(e)}
    return {"i": i}


def c_prod_of_several_zeros_has_a_contiguous_grad(torch):
    # FunctionsManual.cpp prod_backward: zeros_like(input, LEGACY_CONTIGUOUS_MEMORY_FORMAT)
    # when several inputs are zero and no graph is being built
    v = torch.zeros(3, 3).view(1, -1).t().requires_grad_()
    v.prod().backward()
    return {"v": v, "strides": v.grad.stride()}


def c_mask_in_selfs_memory_is_read_as_written(torch):
    # IndexKernel.cpp masked_scatter: enforce_linear_iteration, each mask element read when
    # the walk reaches it (here it is self's own memory, transposed)
    x = torch.ones(3, 3, dtype=torch.bool)
    x.t().masked_scatter_(x, torch.tensor([True, False, False, True, False, False, False,
                                           False, True]))
    return {"x": x}


def c_inference_mode_bumps_what_an_op_of_normal_tensors_writes(torch):
    # InferenceMode drops ADInplaceOrView from the always-included keys: an op with a normal
    # tensor among its arguments still bumps the version of the inference tensor it writes
    with torch.inference_mode():
        i = torch.zeros(2, dtype=torch.int64)
    out = i.detach()  # outside the mode: an inference tensor with a version counter
    x = torch.ones(2, requires_grad=True)
    versions = []
    with torch.inference_mode():
        torch.lt(x, 0.5, out=out)
        versions.append(out._version)
        out.add_(1)
        versions.append(out._version)
    return {"versions": versions}


def c_copyslices_computes_selfs_part_only_where_needed(torch):
    # the in-place op's node computes self's gradient where its own edge leads somewhere
    # (should_compute_output; it saved other only then): other's gradient alone here, after
    # other was written by a non-differentiable in-place op
    w = torch.tensor(0.0, requires_grad=True)
    base = torch.full((2, 5), 7.0)
    base.select(0, 0).mul_(w)
    w.logical_not_()
    base.sum().backward()
    return {"w": w}


def c_a_node_reached_by_no_gradient_still_runs(torch):
    # engine.cpp: a node runs once its producers have, even when none gave it a gradient
    # (norm with p = 0 gives none): its saved tensors are unpacked, so a version check fails
    x = torch.linspace(-2, 1, 4, requires_grad=True)
    y = torch.prod(x, -1)
    y.logical_or_(y)
    return {"message": _saved_error(torch, lambda: torch.norm(y, 0, dim=[]).backward())}


def c_a_gradient_passed_through_accumulates_in_place(torch):
    # input_buffer.cpp: floor's zeros_like(grad) (an expand's strides), passed on as add's
    # gradient for self, is added to in place (nothing else holds it) and keeps its strides
    x = torch.tensor([-1.0], dtype=torch.float16, requires_grad=True)
    g, = torch.autograd.grad(torch.floor(torch.add(x, x, alpha=0.5)).sum(), [x])
    return {"g": g, "strides": g.stride()}


def c_scalar_overloads_call_the_tensor_overload_with_a_wrapped_number(torch):
    # BinaryOps.cpp: remainder/fmod/rsub.Scalar wrap the number in a (normal) tensor and call
    # the Tensor op, which autograd sees though the tensor argument is an inference tensor;
    # pow.Scalar's kernel calls pow_out, which autograd refuses
    y = _inference_data_leaf(torch)
    return _outcomes({"fmod": lambda: torch.fmod(y, 2), "rem": lambda: y % 2,
                      "rsub": lambda: torch.rsub(y, 2), "rem_self": lambda: 2 % y,
                      "pow": lambda: 2 ** y})


def c_an_error_node_ties_with_accumulate_grad(torch):
    # basic_ops.h: Error nodes (NotImplemented) share AccumulateGrad's UINT64_MAX sequence
    # number; the ready queue's heap then pops the one pushed first: here floor_divide_'s
    # node, whose error ends the backward before w's grad is written
    a = torch.ones(3, 2, requires_grad=True)
    w = torch.zeros(2, requires_grad=True)
    b = a * 1
    b //= 1.0
    b.mul_(w)
    return {"message": _saved_error(torch, lambda: b.mean().backward()), "w": w}


def c_threshold_backward_is_its_own_tensor_iterator(torch):
    # Activation.cpp threshold_backward: the result is laid out from (self, grad), which for a
    # zero-size tensor is not where()'s layout
    x = torch.true_divide(torch.ones(4)[4:].unsqueeze(1), -2.25).requires_grad_()
    torch.relu(x).mean().backward()
    return {"x": x, "strides": x.grad.stride()}


def c_no_formula_records_nothing_into_an_integer_self(torch):
    # floor_divide_ (torch's NotImplemented node) of an int tensor that requires grad (lt_
    # gave it a grad_fn) leaves its history as it was; a float self is recorded
    i = torch.ones(3, dtype=torch.int64)
    i.lt_(torch.ones(3, requires_grad=True))
    i //= 2
    f = torch.ones(3, requires_grad=True) * 1
    f //= 2
    return {"i": i, "f": f}


def c_a_root_gradient_is_never_stolen(torch):
    # engine.cpp: validate_outputs rewrites the vector of root gradients in place, so the
    # one AccumulateGrad gets is held twice and copied into the variable's current sizes:
    # a leaf whose accumulator predates .data = (3 elements now, 1 then) gets 3
    v = torch.zeros(1, requires_grad=True)
    keep = v * 2  # keeps v's grad accumulator, with its metadata of one element
    v.data = torch.zeros(3)
    v.backward(gradient=torch.ones(3))
    return {"v": v, "keep": keep}


def c_autograd_grad_computes_only_the_inputs_it_asks_for(torch):
    # apply() asks task_should_compute_output (the graph task's exec_info): a gradient for
    # clamp's max alone skips the self part, whose broadcast masks would fail
    hi = torch.arange(1.75, requires_grad=True)
    x = torch.linspace(-8, -0.5, 1, requires_grad=True)
    y = x.clamp(x, hi).sum()
    only_max = torch.autograd.grad(y, [hi], retain_graph=True)
    return {"only_max": only_max[0],
            "both": _saved_error(torch, lambda: torch.autograd.grad(y, [hi, x]))}


def c_abs_calls_its_out_variant_with_a_fresh_result(torch):
    # UnaryOps.cpp: abs and nan_to_num call abs_out / nan_to_num_out with a new (normal)
    # result; on an inference tensor that requires grad autograd refuses it
    x = _inference_data_leaf(torch)
    return _outcomes({"abs": lambda: x.abs(), "nan_to_num": lambda: torch.nan_to_num(x),
                      "isnan": lambda: torch.isnan(x)})


def c_stack_below_autograd_is_a_view_of_cat(torch):
    # TensorShape.cpp stack: at::cat(...).view(sizes); on inference tensors outside inference
    # mode cat's result is a normal tensor, so stack gives an autograd view of it
    with torch.inference_mode():
        t = torch.ones(2, 2, 1, dtype=torch.float64)
    s = torch.stack([t, t], dim=0)
    s.requires_grad_()
    return {"is_view": s._is_view(), "message": _saved_error(torch, lambda: s.clamp_max_(0)),
            "last_dim": torch.stack([t, t], dim=3)._is_view()}


def c_pow_bool_base_is_no_one(torch):
    # Pow.cpp pow_out(Scalar base, ...): only base.equal(1) fills ones; a bool base equals no
    # number (c10::Scalar::equal), so pow(True, x) calls pow_out with a wrapped tensor,
    # which autograd refuses where x requires grad (campaign seed 1, 1800 s)
    with torch.inference_mode():
        x = torch.tensor(0.0, dtype=torch.float64)
        x.requires_grad_()
    runs = {str(base): lambda base=base: torch.pow(base, x) for base in (True, False, 2.0)}
    # 1 ** x fills ones (whose version, made from an inference tensor, is unspecified)
    runs["1"] = lambda: torch.pow(1, x).requires_grad
    return _outcomes(runs)


def c_view_takes_its_sources_key_set(torch):
    # a view's TensorImpl is made from its source's key set, not its base's: after
    # x.data = an inference tensor, a view of x's older (normal) view is normal and shares
    # the base's version counter (DifferentiableViewMeta), while a view of x itself is an
    # inference tensor (1800 s campaign, seed 1)
    x = torch.ones(3, 1)
    old = torch.unsqueeze(x, 2)
    with torch.inference_mode():
        x.data = old.add(old)
    view = old.squeeze([2, 0])
    return {"view": view, "flags": (view.is_inference(), view._is_view()),
            "of_x": x.squeeze().is_inference()}


def c_saving_reads_the_version(torch):
    # saved_variable.cpp saves variable._version(): a tensor made in inference mode that
    # took a normal tensor's data (x.data = y) has keys autograd sees but no version
    # counter, so saving it for backward fails (1800 s campaign, seed 1)
    a = torch.zeros(1, dtype=torch.float64, requires_grad=True).sin()
    with torch.inference_mode():
        w = torch.minimum(a, a)
    w.data = a
    return {"lerp_": _saved_error(torch, lambda: a.lerp_(torch.zeros(1, dtype=torch.float64), w)),
            "mul": _saved_error(torch, lambda: a * w)}


CASES = [v for k, v in sorted(globals().items()) if k.startswith("c_")]


@pytest.mark.parametrize("case", CASES, ids=[c.__name__[2:] for c in CASES])
def test_case(case):
    assert_same(case, rtol=0, atol=0)
