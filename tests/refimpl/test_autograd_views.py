"""Autograd of the view, shape and indexing ops, against torch.

Each case builds its op on leaves that require grad (deterministic values), backpropagates
a gradient of distinct values and returns the tensors to observe: assert_same compares
values, grad_fn names, next_functions, versions and .grad of refimpl and torch (errors as
class and first line). The formulas are also checked against central differences
(numerical_check), and the saved-tensor patterns against torch's version-check errors.
"""
import math

import pytest

import refimpl

from .autograd_harness import assert_same, numerical_check


# --- inputs -------------------------------------------------------------------------------------
def _nested(flat, shape):
    if not shape:
        return flat[0]
    step = math.prod(shape[1:])
    return [_nested(flat[i * step:(i + 1) * step], shape[1:]) for i in range(shape[0])]


def _values(shape, seed=0):
    n = math.prod(shape)
    return _nested([round(((i + 1 + seed) * 0.37) % 2.3 - 1.1, 4) for i in range(n)], tuple(shape))


def leaf(T, *shape, dtype="float32", seed=0, requires_grad=True):
    return T.tensor(_values(shape, seed), dtype=getattr(T, dtype), requires_grad=requires_grad)


def weights(T, shape, dtype=None):
    n = math.prod(shape)
    flat = [float(i + 1) for i in range(n)]
    return T.tensor(_nested(flat, tuple(shape)), dtype=dtype or T.float32)


def backward_all(T, outs, which=None):
    """Backpropagate distinct weights through the outputs that require grad (or the ones
    named by index in `which`)."""
    outs = list(outs) if isinstance(outs, (tuple, list)) else [outs]
    chosen = [o for i, o in enumerate(outs) if (which is None or i in which) and o.requires_grad]
    if chosen:
        T.autograd.backward(chosen, [weights(T, o.shape, o.dtype) for o in chosen])


# --- view ops: graph, gradient ---------------------------------------------------------------------
# id -> (input shape, op); the op's output(s) get a gradient backpropagated
VIEW_OPS = {
    "view": ((3, 4), lambda T, x: x.view(12)),
    "view_varargs": ((3, 4), lambda T, x: x.view(2, 6)),
    "view_infer": ((3, 4), lambda T, x: x.view(-1, 3)),
    "view_0d": ((), lambda T, x: x.view(1, 1)),
    "view_to_0d": ((1,), lambda T, x: x.view(())),
    "view_same_dtype": ((3, 4), lambda T, x: x.view(T.float32)),
    "view_of_transposed": ((3, 4), lambda T, x: x.t().view(4, 3)),
    "view_incompatible": ((3, 4), lambda T, x: x.t().view(12)),
    "view_as": ((3, 4), lambda T, x: x.view_as(T.zeros(6, 2))),
    "reshape_view": ((3, 4), lambda T, x: x.reshape(12)),
    "reshape_same": ((3, 4), lambda T, x: x.reshape(3, 4)),
    "reshape_copy": ((3, 4), lambda T, x: x.t().reshape(12)),
    "reshape_fn": ((3, 4), lambda T, x: T.reshape(x.t(), (2, 6))),
    "reshape_0d": ((), lambda T, x: x.reshape(1)),
    "reshape_as": ((3, 4), lambda T, x: x.reshape_as(T.zeros(4, 3))),
    "reshape_as_copy": ((3, 4), lambda T, x: x.t().reshape_as(T.zeros(12))),
    "flatten": ((2, 3, 2), lambda T, x: x.flatten()),
    "flatten_dims": ((2, 3, 2), lambda T, x: T.flatten(x, 1)),
    "flatten_copy": ((3, 4), lambda T, x: x.t().flatten()),
    "flatten_same_dim": ((3, 4), lambda T, x: x.flatten(1, 1)),
    "flatten_0d": ((), lambda T, x: x.flatten()),
    "flatten_1d": ((4,), lambda T, x: x.flatten()),
    "unflatten": ((3, 4), lambda T, x: x.unflatten(1, (2, 2))),
    "unflatten_fn": ((3, 4), lambda T, x: T.unflatten(x.t(), 0, (2, -1))),
    "expand": ((1, 4), lambda T, x: x.expand(3, 4)),
    "expand_new_dims": ((4,), lambda T, x: x.expand(2, 3, 4)),
    "expand_minus1": ((3, 1), lambda T, x: x.expand(-1, 5)),
    "expand_same": ((3, 4), lambda T, x: x.expand(3, 4)),
    "expand_0d": ((), lambda T, x: x.expand(2, 3)),
    "expand_as": ((3, 1), lambda T, x: x.expand_as(T.zeros(2, 3, 4))),
    "transpose": ((2, 3, 4), lambda T, x: x.transpose(0, 2)),
    "transpose_neg": ((2, 3, 4), lambda T, x: T.transpose(x, -1, 1)),
    "transpose_0d": ((), lambda T, x: x.transpose(0, -1)),
    "swapaxes": ((2, 3, 4), lambda T, x: x.swapaxes(0, 1)),
    "swapaxes_fn": ((2, 3), lambda T, x: T.swapaxes(x, 1, 0)),
    "swapdims": ((2, 3, 4), lambda T, x: T.swapdims(x, 2, 1)),
    "t": ((3, 4), lambda T, x: x.t()),
    "t_fn": ((3, 4), lambda T, x: T.t(x)),
    "t_1d": ((4,), lambda T, x: x.t()),
    "t_0d": ((), lambda T, x: x.t()),
    "T": ((3, 4), lambda T, x: x.T),
    "T_3d": ((2, 3, 4), lambda T, x: x.T),
    "T_0d": ((), lambda T, x: x.T),
    "mT": ((2, 3, 4), lambda T, x: x.mT),
    "mT_0d": ((), lambda T, x: x.mT),
    "permute": ((2, 3, 4), lambda T, x: x.permute(2, 0, 1)),
    "permute_tuple": ((2, 3, 4), lambda T, x: x.permute((1, -1, 0))),
    "permute_fn": ((2, 3, 4), lambda T, x: T.permute(x, (0, 2, 1))),
    "permute_identity": ((3, 4), lambda T, x: x.permute(0, 1)),
    "permute_0d": ((), lambda T, x: x.permute(())),
    "movedim": ((2, 3, 4), lambda T, x: x.movedim(0, 2)),
    "movedim_list": ((2, 3, 4), lambda T, x: T.movedim(x, (0, 1), (2, 0))),
    "movedim_same": ((3, 4), lambda T, x: x.movedim(0, 0)),
    "moveaxis": ((2, 3, 4), lambda T, x: T.moveaxis(x, -1, 0)),
    "movedim_0d": ((), lambda T, x: x.movedim(0, 0)),
    "narrow": ((3, 4), lambda T, x: x.narrow(1, 1, 2)),
    "narrow_fn": ((3, 4), lambda T, x: T.narrow(x, 0, -2, 2)),
    "narrow_tensor_start": ((3, 4), lambda T, x: x.narrow(1, T.tensor(1), 3)),
    "narrow_full": ((3, 4), lambda T, x: x.narrow(0, 0, 3)),
    "narrow_empty": ((3, 4), lambda T, x: x.narrow(0, 1, 0)),
    "select": ((3, 4), lambda T, x: x.select(1, 2)),
    "select_neg": ((2, 3, 4), lambda T, x: T.select(x, -2, -1)),
    "select_1d": ((4,), lambda T, x: x.select(0, 1)),
    "squeeze": ((1, 3, 1, 2), lambda T, x: x.squeeze()),
    "squeeze_dim": ((1, 3, 1, 2), lambda T, x: x.squeeze(2)),
    "squeeze_dim_kw": ((1, 3, 1, 2), lambda T, x: x.squeeze(dim=0)),
    "squeeze_dim_not_one": ((1, 3, 1, 2), lambda T, x: x.squeeze(1)),
    "squeeze_dims": ((1, 3, 1, 2), lambda T, x: x.squeeze((0, 2))),
    "squeeze_dims_list": ((1, 3, 1, 2), lambda T, x: T.squeeze(x, [-2, 1])),
    "squeeze_dims_kw": ((1, 3, 1, 2), lambda T, x: x.squeeze(dim=(0,))),
    "squeeze_fn": ((1, 3, 1, 2), lambda T, x: T.squeeze(x)),
    "squeeze_fn_dim": ((1, 3, 1, 2), lambda T, x: T.squeeze(x, -4)),
    "squeeze_0d": ((), lambda T, x: x.squeeze()),
    "squeeze_0d_dim": ((), lambda T, x: x.squeeze(0)),
    "squeeze_0d_dims": ((), lambda T, x: x.squeeze((0,))),
    "unsqueeze": ((3, 4), lambda T, x: x.unsqueeze(1)),
    "unsqueeze_end": ((3, 4), lambda T, x: T.unsqueeze(x, -1)),
    "unsqueeze_0d": ((), lambda T, x: x.unsqueeze(0)),
    "diagonal": ((3, 4), lambda T, x: x.diagonal()),
    "diagonal_offset": ((3, 4), lambda T, x: x.diagonal(1)),
    "diagonal_neg_offset": ((3, 4), lambda T, x: T.diagonal(x, -1)),
    "diagonal_dims": ((2, 3, 4), lambda T, x: x.diagonal(0, 2, 0)),
    "diagonal_kw": ((2, 3, 4), lambda T, x: x.diagonal(offset=1, dim1=1, dim2=2)),
    "diagonal_empty": ((3, 4), lambda T, x: x.diagonal(5)),
    "as_strided": ((3, 4), lambda T, x: x.as_strided((2, 2), (1, 2))),
    "as_strided_offset": ((3, 4), lambda T, x: T.as_strided(x, (2, 3), (4, 1), 5)),
    "as_strided_overlap": ((3, 4), lambda T, x: x.as_strided((3, 3), (1, 1))),
    "as_strided_stride0": ((3, 4), lambda T, x: x.as_strided((2, 3), (0, 1), 1)),
    "as_strided_of_view": ((3, 4), lambda T, x: x[1:].as_strided((2, 2), (2, 1))),
    "as_strided_of_expanded": ((4,), lambda T, x: x.expand(3, 4).as_strided((2, 2), (0, 1))),
    "split": ((5, 2), lambda T, x: x.split(2)),
    "split_dim": ((2, 5), lambda T, x: T.split(x, 3, 1)),
    "split_big": ((3, 2), lambda T, x: x.split(4)),
    "split_list": ((5, 2), lambda T, x: x.split([1, 4])),
    "split_tuple_dim": ((2, 5), lambda T, x: T.split(x, (2, 0, 3), dim=-1)),
    "split_with_sizes": ((5, 2), lambda T, x: x.split_with_sizes([3, 2])),
    "split_with_sizes_fn": ((2, 5), lambda T, x: T.split_with_sizes(x, [4, 1], 1)),
    "chunk": ((5, 2), lambda T, x: x.chunk(2)),
    "chunk_fn_dim": ((2, 6), lambda T, x: T.chunk(x, 4, 1)),
    "chunk_empty": ((0, 3), lambda T, x: x.chunk(3)),
    "unbind": ((3, 4), lambda T, x: x.unbind()),
    "unbind_dim": ((3, 4), lambda T, x: T.unbind(x, 1)),
    "unbind_neg": ((2, 3), lambda T, x: x.unbind(-1)),
    "clone": ((3, 4), lambda T, x: x.clone()),
    "clone_fn": ((3, 4), lambda T, x: T.clone(x.t())),
    "clone_memory_format": ((3, 4), lambda T, x: x.t().clone(memory_format=T.contiguous_format)),
    "contiguous_same": ((3, 4), lambda T, x: x.contiguous()),
    "contiguous_copy": ((3, 4), lambda T, x: x.t().contiguous()),
    "detach": ((3, 4), lambda T, x: x.detach()),
    "chain": ((2, 3, 4), lambda T, x: x.transpose(0, 1)[1:].unsqueeze(0).select(-1, 2).t()),
}

# multi-output ops: the outputs that get a gradient (others are zero-filled in backward)
PARTIAL = {"split": {0, 2}, "split_list": {1}, "split_tuple_dim": {0}, "chunk_fn_dim": {2},
           "unbind": {0, 2}, "unbind_dim": {3}, "split_with_sizes_fn": {0}}


def _view_case(name):
    shape, op = VIEW_OPS[name]

    def case(T):
        x = leaf(T, *shape)
        out = op(T, x)
        backward_all(T, out, PARTIAL.get(name))
        return {"x": x, "out": out}
    case.__name__ = name
    return case


@pytest.mark.parametrize("name", list(VIEW_OPS))
def test_view_op(name):
    assert_same(_view_case(name))


@pytest.mark.parametrize("dtype", ["float64", "float16", "bfloat16"])
@pytest.mark.parametrize("name", ["view", "reshape_copy", "select", "expand", "split", "diagonal",
                                  "as_strided_overlap", "unbind"])
def test_view_op_dtypes(name, dtype):
    shape, op = VIEW_OPS[name]

    def case(T):
        x = leaf(T, *shape, dtype=dtype)
        out = op(T, x)
        backward_all(T, out, PARTIAL.get(name))
        return {"x": x, "out": out}
    assert_same(case, rtol=1e-2, atol=1e-2)


@pytest.mark.parametrize("name", ["view", "reshape_copy", "t", "permute", "narrow", "select",
                                  "squeeze", "unsqueeze", "diagonal", "split", "unbind",
                                  "expand", "as_strided"])
def test_view_op_integer_input_records_nothing(name):
    shape, op = VIEW_OPS[name]

    def case(T):
        x = T.tensor(_nested(list(range(math.prod(shape))), shape))
        out = op(T, x)
        return {"x": x, "out": out}
    assert_same(case)


def test_view_of_input_not_requiring_grad():
    def case(T):
        x = leaf(T, 3, 4, requires_grad=False)
        return {"v": x.t(), "s": x[0], "r": x.t().reshape(12), "sp": x.split(2)}
    assert_same(case)


def test_view_dtype_is_not_differentiable():
    def case(T):
        x = leaf(T, 3, 4)
        y = x * 2
        v = y.view(T.float32)
        v.add_(1)          # a non-differentiable view: no autograd checks, shared version
        return {"x": x, "y": y, "v": v, "is_view": v._base is not None}
    assert_same(case)


def test_view_dtype_of_leaf_in_place_allowed():
    def case(T):
        x = leaf(T, 3, 4)
        v = x.view(T.float32)
        v.mul_(2)
        return {"x": x, "v": v}
    assert_same(case)


def test_view_results_are_views():
    """Every view op's result keeps its base (as torch's _base), composites included."""
    names = ["view", "reshape_view", "flatten", "unflatten", "view_as", "expand_as", "transpose",
             "swapaxes", "swapdims", "t", "T", "mT", "permute", "movedim", "narrow", "select",
             "squeeze", "squeeze_dim", "squeeze_dims", "unsqueeze", "diagonal", "as_strided",
             "expand", "movedim_0d"]

    def case(T):
        result = {}
        for n in names:
            shape, op = VIEW_OPS[n]
            x = leaf(T, *shape)
            out = op(T, x)
            result[n] = (out._base is x, out._version)
        for n in ["split", "chunk", "unbind", "split_list"]:
            shape, op = VIEW_OPS[n]
            x = leaf(T, *shape)
            result[n] = [o._base is x for o in op(T, x)]
        x = leaf(T, 3, 4)
        result["reshape_copy"] = x.t().reshape(12)._base is None
        result["contiguous_same"] = x.contiguous() is x
        result["flatten_same_dim"] = x.flatten(1, 1) is x
        return result
    assert_same(case)


# --- in-place writes through views of a non-leaf (CopySlices) ------------------------------------
THROUGH_VIEW = {
    "view": ((3, 4), lambda T, y: y.view(12)),
    "view_as": ((3, 4), lambda T, y: y.view_as(T.zeros(2, 6))),
    "reshape": ((3, 4), lambda T, y: y.reshape(2, 6)),
    "flatten": ((3, 4), lambda T, y: y.flatten()),
    "unflatten": ((3, 4), lambda T, y: y.unflatten(1, (2, 2))),
    "transpose": ((3, 4), lambda T, y: y.transpose(0, 1)),
    "swapaxes": ((3, 4), lambda T, y: y.swapaxes(0, 1)),
    "t": ((3, 4), lambda T, y: y.t()),
    "T": ((3, 4), lambda T, y: y.T),
    "mT": ((2, 3, 4), lambda T, y: y.mT),
    "permute": ((2, 3, 4), lambda T, y: y.permute(2, 0, 1)),
    "movedim": ((2, 3, 4), lambda T, y: y.movedim(0, -1)),
    "narrow": ((3, 4), lambda T, y: y.narrow(1, 1, 2)),
    "select": ((3, 4), lambda T, y: y.select(0, 1)),
    "squeeze": ((1, 3, 1), lambda T, y: y.squeeze()),
    "squeeze_dim": ((1, 3, 1), lambda T, y: y.squeeze(0)),
    "squeeze_dims": ((1, 3, 1), lambda T, y: y.squeeze((0, 2))),
    "unsqueeze": ((3, 4), lambda T, y: y.unsqueeze(0)),
    "diagonal": ((3, 4), lambda T, y: y.diagonal(1)),
    "as_strided": ((3, 4), lambda T, y: y.as_strided((2, 2), (4, 1), 1)),
    "getitem_int": ((3, 4), lambda T, y: y[1]),
    "getitem_slice": ((3, 4), lambda T, y: y[1:]),
    "getitem_step": ((3, 4), lambda T, y: y[:, ::2]),
    "getitem_none": ((3, 4), lambda T, y: y[None]),
    "getitem_ellipsis": ((3, 4), lambda T, y: y[...]),
    "getitem_tuple": ((3, 4), lambda T, y: y[0:2, 1]),
    "view_of_view": ((3, 4), lambda T, y: y.t()[1:].select(1, 0)),
    "expand": ((1, 4), lambda T, y: y.expand(3, 4)),       # internal overlap: refused
    "split": ((4, 2), lambda T, y: y.split(2)[1]),          # multi-output: refused
    "split_with_sizes": ((4, 2), lambda T, y: y.split([1, 3])[0]),
    "chunk": ((4, 2), lambda T, y: y.chunk(2)[0]),
    "unbind": ((3, 4), lambda T, y: y.unbind(1)[2]),
}


@pytest.mark.parametrize("name", list(THROUGH_VIEW))
def test_in_place_through_view_of_non_leaf(name):
    shape, op = THROUGH_VIEW[name]

    def case(T):
        x = leaf(T, *shape)
        y = x.clone()
        v = op(T, y)
        v.mul_(2)
        y.backward(weights(T, y.shape))
        return {"x": x, "y": y, "v": v}
    case.__name__ = name
    assert_same(case)


@pytest.mark.parametrize("name", ["view", "t", "select", "getitem_slice", "diagonal"])
def test_in_place_through_view_with_other_input(name):
    """The in-place op's other input gets its gradient through CopySlices."""
    shape, op = THROUGH_VIEW[name]

    def case(T):
        x = leaf(T, *shape)
        y = x.clone()
        v = op(T, y)
        z = leaf(T, *v.shape, seed=3)
        v.mul_(z)
        y.backward(weights(T, y.shape))
        return {"x": x, "z": z, "y": y, "v": v}
    assert_same(case)


def test_in_place_on_base_regenerates_view_grad_fn():
    def case(T):
        x = leaf(T, 3, 4)
        y = x.clone()
        v = y[1:].t()
        before = v.grad_fn.name()
        y.add_(1)
        (v * 3).backward(weights(T, v.shape))
        return {"x": x, "y": y, "v": v, "before": before}
    assert_same(case)


@pytest.mark.parametrize("name", [n for n in THROUGH_VIEW if n not in ("expand",)])
def test_in_place_on_view_of_leaf_refused(name):
    shape, op = THROUGH_VIEW[name]

    def case(T):
        x = leaf(T, *shape)
        op(T, x).mul_(2)
        return {"x": x}
    assert_same(case)


@pytest.mark.parametrize("name", ["view", "t", "select", "narrow", "diagonal", "unsqueeze",
                                  "as_strided", "split", "T", "movedim", "squeeze_dims"])
def test_in_place_on_view_made_in_no_grad(name):
    shape, op = THROUGH_VIEW[name]

    def case(T):
        x = leaf(T, *shape)
        y = x.clone()
        with T.no_grad():
            v = op(T, y)
        v.mul_(2)
        return {"y": y, "v": v}
    assert_same(case)


# a composite runs its parts through the autograd layer in no_grad too, so their views are
# marked as made in no_grad mode
@pytest.mark.parametrize("name", ["reshape", "flatten", "getitem_slice", "getitem_int"])
def test_in_place_on_maybe_view_made_in_no_grad(name):
    shape, op = THROUGH_VIEW[name]

    def case(T):
        x = leaf(T, *shape)
        y = x.clone()
        with T.no_grad():
            v = op(T, y)
        v.mul_(2)
        return {"y": y, "v": v}
    assert_same(case)


def test_view_of_multi_output_view_in_place_refused():
    def case(T):
        x = leaf(T, 4, 2)
        y = x.clone()
        a = y.split(2)[0]
        a.t().mul_(2)
        return {"y": y}
    assert_same(case)


def test_split_output_base_written_then_read():
    """Writing the base of split outputs makes their grad_fn regenerate, which refuses."""
    def case(T):
        x = leaf(T, 4, 2)
        y = x.clone()
        a, b = y.split(2)
        y.mul_(2)
        return {"a": a}
    assert_same(case)


# --- basic and advanced indexing -------------------------------------------------------------------
GETITEM = {
    "int": ((3, 4), lambda T: 0),
    "neg_int": ((3, 4), lambda T: -1),
    "int_tuple": ((3, 4), lambda T: (0, 1)),
    "chained": ((3, 4), lambda T: None),
    "slice": ((3, 4), lambda T: slice(1, None)),
    "slice_full": ((3, 4), lambda T: slice(None)),
    "slice_full_stop": ((3, 4), lambda T: slice(0, 3)),
    "slice_step": ((5, 2), lambda T: slice(None, None, 2)),
    "slice_empty": ((3, 4), lambda T: slice(2, 1)),
    "slice_then_int": ((3, 4), lambda T: (slice(None), 1)),
    "slice_stop_past_then_int": ((3, 4), lambda T: (slice(0, 10), 1)),
    "slice_neg_start_then_int": ((3, 4), lambda T: (slice(-3, None), 1)),
    "slices": ((3, 4), lambda T: (slice(0, 2), slice(1, 3))),
    "full_slices": ((3, 4), lambda T: (slice(None), slice(None))),
    "full_slice_past_end": ((3, 4), lambda T: (slice(None), slice(0, 5))),
    "none": ((3, 4), lambda T: None),
    "none_tuple": ((3, 4), lambda T: (None, slice(None), 1)),
    "trailing_none": ((3, 4), lambda T: (slice(None), slice(None), None)),
    "ellipsis": ((3, 4), lambda T: Ellipsis),
    "ellipsis_int": ((2, 3, 4), lambda T: (Ellipsis, 1)),
    "int_ellipsis_int": ((2, 3, 4), lambda T: (1, Ellipsis, 2)),
    "ellipsis_none": ((3, 4), lambda T: (Ellipsis, None)),
    "tensor_0d_int": ((3, 4), lambda T: T.tensor(1)),
    "tensor_0d_pair": ((3, 4), lambda T: (T.tensor(1), T.tensor(2))),
    "true": ((3, 4), lambda T: True),
    "false": ((3, 4), lambda T: False),
    "tensor_0d_bool": ((3, 4), lambda T: T.tensor(True)),
    "index_tensor": ((3, 4), lambda T: T.tensor([0, 2])),
    "index_duplicates": ((3, 4), lambda T: T.tensor([1, 1, -1, 1])),
    "index_2d": ((3, 4), lambda T: T.tensor([[0, 1], [2, 0]])),
    "index_list": ((3, 4), lambda T: [0, 1]),
    "index_bool_list": ((3, 4), lambda T: [True, False, True]),
    "index_second_dim": ((3, 4), lambda T: (slice(None), T.tensor([0, 3, 3]))),
    "index_after_slice": ((3, 4), lambda T: (slice(1, None), T.tensor([0, 1]))),
    "index_then_slice": ((3, 4), lambda T: ([0, 1], slice(1, None))),
    "index_after_int": ((2, 3, 4), lambda T: (0, T.tensor([0, 2]))),
    "index_none": ((3, 4), lambda T: (T.tensor([0, 1]), None)),
    "index_pair": ((3, 4), lambda T: (T.tensor([0, 2, 2]), T.tensor([1, 3, 1]))),
    "index_separated": ((2, 3, 4), lambda T: (T.tensor([0, 1]), slice(None), T.tensor([3, 0]))),
    "mask": ((3, 4), lambda T: T.tensor(_values((3, 4))) > 0),
    "mask_row": ((3, 4), lambda T: (slice(None), T.tensor([True, False, True, True]))),
    "mask_uint8": ((3, 4), lambda T: T.tensor([1, 0, 1], dtype=T.uint8)),
    "mask_0d_row": ((3,), lambda T: T.tensor([False, False, False])),
}


def _getitem_case(name):
    shape, index = GETITEM[name]

    def case(T):
        x = leaf(T, *shape)
        out = x[0][1] if name == "chained" else x[index(T)]
        backward_all(T, out)
        return {"x": x, "out": out, "is_view": out._base is x}
    case.__name__ = name
    return case


@pytest.mark.parametrize("name", list(GETITEM))
def test_getitem(name):
    assert_same(_getitem_case(name))


def test_getitem_0d():
    def case(T):
        x = leaf(T)
        a, b, c = x[...], x[None], x[True]
        backward_all(T, [a, b, c])
        return {"x": x, "a": a, "b": b, "c": c}
    assert_same(case)


@pytest.mark.parametrize("index", ["slice", "int", "step_zero"])
def test_getitem_0d_errors(index):
    def case(T):
        x = leaf(T)
        return {"out": x[{"slice": slice(None), "int": 0, "step_zero": slice(None, None, 0)}[index]]}
    assert_same(case)


def test_getitem_index_tensor_saved():
    """IndexBackward0 saves the index tensors: writing one in place makes backward fail."""
    def case(T):
        x = leaf(T, 3, 4)
        i = T.tensor([0, 2])
        out = x[:, i]
        i[0] = 1
        out.backward(weights(T, out.shape))
        return {"x": x}
    assert_same(case)


def test_getitem_index_tensor_saved_without_none():
    def case(T):
        x = leaf(T, 3, 4)
        i = T.tensor([0, 2])
        out = x[i]
        i.add_(0)
        out.backward(weights(T, out.shape))
        return {"x": x}
    assert_same(case)


def test_getitem_self_not_saved():
    """IndexBackward0 keeps self's sizes only: writing self in place afterwards is fine."""
    def case(T):
        x = leaf(T, 3, 4)
        y = x.clone()
        out = y[T.tensor([0, 0, 2])]
        y.mul_(2)
        out.backward(weights(T, out.shape))
        return {"x": x, "y": y}
    assert_same(case)


SETITEM = {
    "int_scalar": ((3, 4), lambda T: 0, lambda T: 2.0),
    "int_tensor": ((3, 4), lambda T: 1, lambda T: leaf(T, 4, seed=5)),
    "int_tensor_prefix_ones": ((3, 4), lambda T: 1, lambda T: leaf(T, 1, 4, seed=5)),
    "int_tensor_broadcast": ((3, 4), lambda T: 1, lambda T: leaf(T, 1, seed=5)),
    "int_tensor_0d": ((3, 4), lambda T: 2, lambda T: leaf(T, seed=5)),
    "int_tensor_no_grad": ((3, 4), lambda T: 2, lambda T: leaf(T, 4, seed=5, requires_grad=False)),
    "slice_scalar": ((3, 4), lambda T: slice(1, None), lambda T: -1.0),
    "slice_full_scalar": ((3, 4), lambda T: slice(None), lambda T: 3.0),
    "slice_full_tensor": ((3, 4), lambda T: slice(None), lambda T: leaf(T, 3, 4, seed=2)),
    "slice_step_tensor": ((4, 2), lambda T: slice(None, None, 2), lambda T: leaf(T, 2, 2, seed=2)),
    "tuple": ((3, 4), lambda T: (slice(0, 2), 1), lambda T: leaf(T, 2, seed=4)),
    "full_tuple": ((3, 4), lambda T: (slice(None), slice(None)), lambda T: 1.5),
    "ellipsis_scalar": ((3, 4), lambda T: Ellipsis, lambda T: 1.0),
    "ellipsis_tensor": ((3, 4), lambda T: Ellipsis, lambda T: leaf(T, 3, 4, seed=1)),
    "ellipsis_broadcast": ((3, 4), lambda T: Ellipsis, lambda T: leaf(T, 4, seed=1)),
    "none": ((3, 4), lambda T: None, lambda T: leaf(T, 3, 4, seed=1)),
    "true": ((3, 4), lambda T: True, lambda T: 1.0),
    "false": ((3, 4), lambda T: False, lambda T: 1.0),
    "index_scalar": ((3, 4), lambda T: T.tensor([0, 2]), lambda T: 1.0),
    "index_tensor": ((3, 4), lambda T: T.tensor([0, 2]), lambda T: leaf(T, 2, 4, seed=3)),
    "index_broadcast": ((3, 4), lambda T: T.tensor([0, 2]), lambda T: leaf(T, 4, seed=3)),
    "index_prefix_ones": ((3, 4), lambda T: T.tensor([2, 0]), lambda T: leaf(T, 1, 1, 4, seed=3)),
    "index_duplicates": ((3, 4), lambda T: T.tensor([1, 1]), lambda T: leaf(T, 2, 4, seed=3)),
    "index_after_slice": ((3, 4), lambda T: (slice(1, None), T.tensor([0, 3])),
                          lambda T: leaf(T, 2, 2, seed=3)),
    "mask_scalar": ((3, 4), lambda T: T.tensor(_values((3, 4))) > 0, lambda T: 0.0),
    "mask_0d_tensor": ((3, 4), lambda T: T.tensor(_values((3, 4))) > 0, lambda T: leaf(T, seed=1)),
    "mask_tensor": ((3, 4), lambda T: T.tensor([True, False, True]), lambda T: leaf(T, 2, 4)),
    "list": ((3, 4), lambda T: [0, 2], lambda T: leaf(T, 2, 4, seed=3)),
}


@pytest.mark.parametrize("name", list(SETITEM))
def test_setitem(name):
    shape, index, value = SETITEM[name]

    def case(T):
        x = leaf(T, *shape)
        y = x.clone()
        v = value(T)
        y[index(T)] = v
        y.backward(weights(T, y.shape))
        got = {"x": x, "y": y}
        if isinstance(v, T.Tensor):
            got["v"] = v
        return got
    case.__name__ = name
    assert_same(case)


@pytest.mark.parametrize("name", ["int_scalar", "slice_scalar", "slice_full_scalar", "index_scalar",
                                  "mask_scalar", "ellipsis_scalar", "false"])
def test_setitem_on_leaf(name):
    shape, index, value = SETITEM[name]

    def case(T):
        x = leaf(T, *shape)
        x[index(T)] = value(T)
        return {"x": x}
    assert_same(case)


def test_setitem_leaf_value_into_plain_tensor():
    def case(T):
        x = leaf(T, 3, 4)
        y = T.zeros(3, 4)
        y[0] = x[1]
        y[1:, 2] = x[0, :2]
        y.backward(weights(T, y.shape))
        return {"x": x, "y": y}
    assert_same(case)


def test_setitem_through_view():
    def case(T):
        x = leaf(T, 3, 4)
        y = x.clone()
        v = y.t()
        v[1] = 5.0
        v[T.tensor([0, 3])] = leaf(T, 2, 3, seed=9, requires_grad=False)
        y.backward(weights(T, y.shape))
        return {"x": x, "y": y, "v": v}
    assert_same(case)


# --- index_put, index_select, take, gather, scatter ------------------------------------------------
def _i(T, *values):
    return T.tensor(list(values))


INDEX_OPS = {
    # id -> (input shapes (first is self), op(T, x, *others)); inputs require grad
    "index_put": ([(3, 4), (2, 4)], lambda T, x, v: x.index_put((_i(T, 0, 2),), v)),
    "index_put_fn": ([(3, 4), (2,)], lambda T, x, v: T.index_put(x, (_i(T, 1, 1), _i(T, 0, 3)), v)),
    "index_put_accumulate": ([(3, 4), (2,)],
                             lambda T, x, v: x.index_put((_i(T, 1, 1), _i(T, 3, 3)), v, accumulate=True)),
    "index_put_duplicates": ([(3, 4), (3, 4)],
                             lambda T, x, v: x.index_put((_i(T, 1, 1, 2),), v[:3])),
    "index_put_broadcast": ([(3, 4), (4,)], lambda T, x, v: x.index_put((_i(T, 0, 2),), v)),
    "index_put_none": ([(3, 4), (3, 2)], lambda T, x, v: x.index_put((None, _i(T, 0, 2)), v)),
    "index_put_mask": ([(3, 4), ()], lambda T, x, v: x.index_put((T.tensor(_values((3, 4))) > 0,), v)),
    "index_put_mask_values": ([(3,), (2,)], lambda T, x, v: x.index_put((T.tensor([True, False, True]),), v)),
    "index_put_": ([(3, 4), (2, 4)], lambda T, x, v: x.clone().index_put_((_i(T, 0, 2),), v)),
    "index_put_fn_": ([(3, 4), (2, 4)], lambda T, x, v: T.index_put_(x.clone(), [_i(T, 0, 2)], v, True)),
    "index_select": ([(3, 4)], lambda T, x: x.index_select(0, _i(T, 2, 0, 2))),
    "index_select_fn": ([(3, 4)], lambda T, x: T.index_select(x, -1, _i(T, 3, 3, 1))),
    "index_select_int32": ([(3, 4)], lambda T, x: x.index_select(1, T.tensor([1, 0], dtype=T.int32))),
    "index_select_0d": ([()], lambda T, x: x.index_select(0, _i(T, 0))),
    "index_select_empty": ([(3, 4)], lambda T, x: x.index_select(0, T.tensor([], dtype=T.int64))),
    "take": ([(3, 4)], lambda T, x: x.take(_i(T, 0, 5, -1, 5))),
    "take_fn_2d": ([(3, 4)], lambda T, x: T.take(x.t(), T.tensor([[1, 2], [11, 0]]))),
    "take_0d": ([()], lambda T, x: x.take(_i(T, 0, 0))),
    "gather": ([(3, 4)], lambda T, x: x.gather(1, T.tensor([[0, 0], [1, 3], [2, 2]]))),
    "gather_fn": ([(3, 4)], lambda T, x: T.gather(x, 0, T.tensor([[0, 1, 2, 0], [2, 2, 2, 2]]))),
    "gather_smaller": ([(3, 4)], lambda T, x: x.gather(-1, T.tensor([[1], [0]]))),
    "gather_0d": ([()], lambda T, x: x.gather(0, T.tensor(0))),
    "scatter": ([(3, 4), (2, 4)], lambda T, x, s: x.scatter(0, T.tensor([[0, 1, 2, 0], [2, 2, 1, 1]]), s)),
    "scatter_fn": ([(3, 4), (3, 2)], lambda T, x, s: T.scatter(x, 1, T.tensor([[0], [1], [3]]), s)),
    "scatter_value": ([(3, 4)], lambda T, x: x.scatter(1, T.tensor([[0], [1], [3]]), 2.5)),
    "scatter_value_fn": ([(3, 4)], lambda T, x: T.scatter(x, 0, T.tensor([[2, 0]]), -1.0)),
    "scatter_": ([(3, 4), (2, 4)],
                 lambda T, x, s: x.clone().scatter_(0, T.tensor([[0, 1, 2, 0], [2, 0, 1, 1]]), s)),
    "scatter_value_": ([(3, 4)], lambda T, x: x.clone().scatter_(1, T.tensor([[0], [1], [3]]), 2.5)),
    "scatter_reduce_add": ([(3, 4), (3, 2)],
                           lambda T, x, s: x.scatter(1, T.tensor([[0, 0], [1, 1], [2, 0]]), s, reduce="add")),
    "scatter_reduce_multiply": ([(3, 4), (3, 2)],
                                lambda T, x, s: x.scatter(1, T.tensor([[0, 0], [1, 1], [2, 0]]), s,
                                                          reduce="multiply")),
    "scatter_value_reduce": ([(3, 4)], lambda T, x: x.scatter(1, T.tensor([[0], [1], [2]]), 3.0,
                                                             reduce="multiply")),
    "scatter_reduce_": ([(3, 4), (3, 2)],
                        lambda T, x, s: x.clone().scatter_(1, T.tensor([[0, 0], [1, 1], [2, 0]]), s,
                                                           reduce="add")),
    "scatter_value_reduce_": ([(3, 4)], lambda T, x: x.clone().scatter_(1, T.tensor([[0], [1], [2]]), 3.0,
                                                                       reduce="add")),
    "scatter_add": ([(3, 4), (2, 4)],
                    lambda T, x, s: x.scatter_add(0, T.tensor([[0, 1, 2, 0], [0, 0, 1, 1]]), s)),
    "scatter_add_fn": ([(3, 4), (3, 3)],
                       lambda T, x, s: T.scatter_add(x, 1, T.tensor([[0, 0], [1, 3], [2, 2]]), s)),
    "scatter_add_": ([(3, 4), (2, 4)],
                     lambda T, x, s: x.clone().scatter_add_(0, T.tensor([[0, 1, 2, 0], [0, 0, 1, 1]]), s)),
    "index_add_": ([(3, 4), (3, 4)], lambda T, x, s: x.clone().index_add_(0, _i(T, 0, 2, 0), s)),
    "index_add_alpha": ([(3, 4), (3, 2)],
                        lambda T, x, s: x.clone().index_add_(1, _i(T, 3, 1), s[:, :2], alpha=-2.0)),
    "index_add_dim1_3d": ([(2, 3, 2), (2, 2, 2)], lambda T, x, s: x.clone().index_add_(1, _i(T, 2, 0), s)),
    "index_add_0d": ([(), ()], lambda T, x, s: x.clone().index_add_(0, _i(T, 0), s)),
    "index_copy_": ([(3, 4), (2, 4)], lambda T, x, s: x.clone().index_copy_(0, _i(T, 2, 0), s)),
    "index_copy_dim1": ([(3, 4), (3, 2)], lambda T, x, s: x.clone().index_copy_(-1, _i(T, 1, 3), s)),
    "index_copy_0d": ([(), ()], lambda T, x, s: x.clone().index_copy_(0, _i(T, 0), s)),
    "index_fill_": ([(3, 4)], lambda T, x: x.clone().index_fill_(1, _i(T, 0, 2), -1.0)),
    "index_fill_tensor": ([(3, 4), ()], lambda T, x, v: x.clone().index_fill_(0, _i(T, 2, 0, 2), v)),
    "index_fill_neg": ([(3, 4), ()], lambda T, x, v: x.clone().index_fill_(1, _i(T, -1, 0), v)),
    "index_fill_0d": ([()], lambda T, x: x.clone().index_fill_(0, _i(T, 0), 2.0)),
}

def _table_case(table, name, second_requires_grad=True):
    """The case of a (shapes, op) table row: leaves of those shapes (the first requiring
    grad, the others as asked), the op on them, then a backward from its output."""
    shapes, op = table[name]

    def case(T):
        inputs = [leaf(T, *s, seed=i, requires_grad=(i == 0 or second_requires_grad))
                  for i, s in enumerate(shapes)]
        out = op(T, *inputs)
        backward_all(T, out)
        return {**{f"in{i}": t for i, t in enumerate(inputs)}, "out": out}
    case.__name__ = name
    return case


@pytest.mark.parametrize("name", list(INDEX_OPS))
def test_index_op(name):
    assert_same(_table_case(INDEX_OPS, name))


@pytest.mark.parametrize("name", [n for n, (s, _) in INDEX_OPS.items() if len(s) > 1])
def test_index_op_second_input_without_grad(name):
    assert_same(_table_case(INDEX_OPS, name, second_requires_grad=False))


@pytest.mark.parametrize("name", ["index_select", "take", "gather", "scatter", "scatter_add",
                                  "index_put"])
def test_index_op_integer_input(name):
    shapes, op = INDEX_OPS[name]

    def case(T):
        inputs = [T.tensor(_nested(list(range(math.prod(s))), s)) for s in shapes]
        return {"out": op(T, *inputs)}
    assert_same(case)


def test_index_ops_on_leaf_in_place_refused():
    def case(T):
        x = leaf(T, 3, 4)
        x.index_fill_(0, _i(T, 0), 1.0)
        return {"x": x}
    assert_same(case)


# --- masked ops, where, nonzero --------------------------------------------------------------------
def _mask(T, *shape, seed=0):
    return T.tensor(_values(shape, seed)) > 0


MASKED = {
    "masked_fill": ([(3, 4)], lambda T, x: x.masked_fill(_mask(T, 3, 4, seed=1), 2.0)),
    "masked_fill_fn": ([(3, 4)], lambda T, x: T.masked_fill(x, _mask(T, 4, seed=1), -1)),
    "masked_fill_tensor": ([(3, 4), ()], lambda T, x, v: x.masked_fill(_mask(T, 3, 4, seed=1), v)),
    "masked_fill_broadcast_self": ([(4,), ()], lambda T, x, v: x.masked_fill(_mask(T, 3, 4, seed=1), v)),
    "masked_fill_": ([(3, 4)], lambda T, x: x.clone().masked_fill_(_mask(T, 3, 4, seed=2), 0.5)),
    "masked_fill_tensor_": ([(3, 4), ()], lambda T, x, v: x.clone().masked_fill_(_mask(T, 3, 1, seed=2), v)),
    "masked_select": ([(3, 4)], lambda T, x: x.masked_select(_mask(T, 3, 4, seed=1))),
    "masked_select_fn_broadcast": ([(4,)], lambda T, x: T.masked_select(x, _mask(T, 3, 4, seed=1))),
    "masked_select_broadcast_mask": ([(3, 4)], lambda T, x: x.masked_select(_mask(T, 4, seed=1))),
    "masked_scatter_": ([(3, 4), (3, 4)],
                        lambda T, x, s: x.clone().masked_scatter_(_mask(T, 3, 4, seed=1), s)),
    "masked_scatter_small_source": ([(3, 4), (10,)],
                                    lambda T, x, s: x.clone().masked_scatter_(_mask(T, 3, 4, seed=1), s)),
    "masked_scatter_broadcast_mask": ([(3, 4), (2, 5)],
                                      lambda T, x, s: x.clone().masked_scatter_(_mask(T, 4, seed=3), s)),
    "where": ([(3, 4), (3, 4)], lambda T, x, y: T.where(_mask(T, 3, 4, seed=1), x, y)),
    "where_broadcast": ([(3, 1), (4,)], lambda T, x, y: T.where(_mask(T, 3, 4, seed=1), x, y)),
    "where_method": ([(3, 4), (3, 4)], lambda T, x, y: x.where(_mask(T, 3, 4, seed=1), y)),
    "where_scalar_other": ([(3, 4)], lambda T, x: T.where(_mask(T, 3, 4, seed=1), x, 0.0)),
    "where_scalar_self": ([(3, 4)], lambda T, x: T.where(_mask(T, 3, 4, seed=1), 2, x)),
    "where_method_scalar": ([(3, 4)], lambda T, x: x.where(_mask(T, 3, 4, seed=1), -1.5)),
    "where_uint8_condition": ([(3,), (3,)],
                              lambda T, x, y: T.where(T.tensor([1, 0, 1], dtype=T.uint8), x, y)),
    "where_0d": ([(), ()], lambda T, x, y: T.where(T.tensor(True), x, y)),
    "where_float64_and_scalar": ([(3,)], lambda T, x: T.where(T.tensor([True, False, True]), x.double(), 1)),
}


@pytest.mark.parametrize("name", list(MASKED))
def test_masked_op(name):
    assert_same(_table_case(MASKED, name))


@pytest.mark.parametrize("name", [n for n, (s, _) in MASKED.items() if len(s) > 1])
def test_masked_op_second_input_without_grad(name):
    assert_same(_table_case(MASKED, name, second_requires_grad=False))


def test_where_scalars_only_and_integer():
    def case(T):
        c = _mask(T, 3, 4)
        return {"a": T.where(c, 1.0, 0.0), "b": T.where(c, T.tensor(_nested(list(range(12)), (3, 4))), 2.5),
                "c": T.where(c)}
    assert_same(case)


def test_nonzero_never_recorded():
    def case(T):
        x = leaf(T, 3, 4)
        return {"a": x.nonzero(), "b": T.nonzero(x, as_tuple=True), "c": T.nonzero(x.t())}
    assert_same(case)


# --- saved tensors: what an in-place write afterwards breaks (version checks) ------------------
def _write(T, t):
    """An in-place write that bumps t's version."""
    t[..., 0] = t[..., 0] if t.dim() else t


SAVED = {
    # id -> (build(T, x) -> (output, tensor to write in place afterwards))
    # views keep only sizes: writing their input later does not break backward
    "view_input": lambda T, x: (lambda y: (y.view(12) * 2, y))(x.clone()),
    "reshape_copy_input": lambda T, x: (lambda y: (y.t().reshape(12) * 2, y))(x.clone()),
    "select_input": lambda T, x: (lambda y: (y.select(0, 1) * 2, y))(x.clone()),
    "slice_input": lambda T, x: (lambda y: (y[1:] * 2, y))(x.clone()),
    "expand_input": lambda T, x: (lambda y: (y[:1].expand(3, 4) * 2, y))(x.clone()),
    "squeeze_input": lambda T, x: (lambda y: (y[:1].squeeze(0) * 2, y))(x.clone()),
    "diagonal_input": lambda T, x: (lambda y: (y.diagonal() * 2, y))(x.clone()),
    "as_strided_input": lambda T, x: (lambda y: (y.as_strided((2, 2), (1, 1)) * 2, y))(x.clone()),
    "split_input": lambda T, x: (lambda y: (y.split(2)[0] * 2, y))(x.clone()),
    "unbind_input": lambda T, x: (lambda y: (y.unbind()[1] * 2, y))(x.clone()),
    "index_select_input": lambda T, x: (lambda y: (y.index_select(0, _i(T, 1)), y))(x.clone()),
    "index_put_values": lambda T, x: (lambda v: (x.index_put((_i(T, 0),), v), v))(x[0].clone()),
    "masked_scatter_source_sizes": lambda T, x: (
        lambda s: (x.clone().masked_scatter_(_mask(T, 3, 4), s), s))(x.clone()),
    # saved tensors: writing them later makes backward raise
    "index_select_index": lambda T, x: (lambda i: (x.index_select(0, i), i))(_i(T, 1, 2)),
    "take_self": lambda T, x: (lambda y: (y.take(_i(T, 1, 2)), y))(x.clone()),
    "take_index": lambda T, x: (lambda i: (x.take(i), i))(_i(T, 1, 2)),
    "gather_self": lambda T, x: (lambda y: (y.gather(1, T.tensor([[0], [1], [2]])), y))(x.clone()),
    "gather_index": lambda T, x: (lambda i: (x.gather(1, i), i))(T.tensor([[0], [1], [2]])),
    "scatter_index": lambda T, x: (lambda i: (x.scatter(1, i, 1.0), i))(T.tensor([[0], [1], [2]])),
    "scatter_add_index": lambda T, x: (lambda i: (x.scatter_add(1, i, leaf(T, 3, 1)), i))(
        T.tensor([[0], [1], [2]])),
    "index_put_indices": lambda T, x: (lambda i: (x.index_put((i,), T.tensor(1.0)), i))(_i(T, 0, 1)),
    "index_put_none_indices": lambda T, x: (lambda i: (x.index_put((None, i), T.tensor(1.0)), i))(_i(T, 0)),
    "getitem_index": lambda T, x: (lambda i: (x[i], i))(_i(T, 0, 1)),
    "index_add_source": lambda T, x: (lambda s: (x.clone().index_add_(0, _i(T, 0), s), s))(
        leaf(T, 1, 4, seed=2).clone()),
    "index_add_index": lambda T, x: (lambda i: (x.clone().index_add_(0, i, leaf(T, 1, 4)), i))(_i(T, 0)),
    "index_copy_source": lambda T, x: (lambda s: (x.clone().index_copy_(0, _i(T, 0), s), s))(
        leaf(T, 1, 4, seed=2).clone()),
    "index_fill_index": lambda T, x: (lambda i: (x.clone().index_fill_(0, i, 1.0), i))(_i(T, 0)),
    "masked_fill_mask": lambda T, x: (lambda m: (x.masked_fill(m, 1.0), m))(_mask(T, 3, 4)),
    "masked_select_self": lambda T, x: (lambda y: (y.masked_select(_mask(T, 3, 4)), y))(x.clone()),
    "masked_select_mask": lambda T, x: (lambda m: (x.masked_select(m), m))(_mask(T, 3, 4)),
    "masked_scatter_mask": lambda T, x: (lambda m: (x.clone().masked_scatter_(m, leaf(T, 12)), m))(
        _mask(T, 3, 4)),
    "where_condition": lambda T, x: (lambda c: (T.where(c, x, 0.0), c))(_mask(T, 3, 4)),
}


@pytest.mark.parametrize("name", list(SAVED))
def test_saved_tensor_version_check(name):
    build = SAVED[name]

    def case(T):
        x = leaf(T, 3, 4)
        out, written = build(T, x)
        _write(T, written)
        out.backward(weights(T, out.shape))
        return {"x": x}
    case.__name__ = name
    assert_same(case)


def test_saved_result_free_and_retain():
    def case(T):
        x = leaf(T, 3, 4)
        out = x.gather(1, T.tensor([[0], [1], [2]]))
        out.backward(weights(T, out.shape))
        try:
            out.backward(weights(T, out.shape))
        except RuntimeError as e:
            return {"x": x, "error": str(e).splitlines()[0]}
        return {"x": x}
    assert_same(case)


# --- second order: the backward ops record their own graph (create_graph) ----------------------
DOUBLE = {
    "select": ((3, 4), lambda T, x: x.select(1, 2)),
    "slice": ((3, 4), lambda T, x: x[1:, ::2]),
    "narrow": ((3, 4), lambda T, x: x.narrow(0, 1, 1)),
    "diagonal": ((3, 4), lambda T, x: x.diagonal(1)),
    "view": ((3, 4), lambda T, x: x.view(2, 6)),
    "reshape_copy": ((3, 4), lambda T, x: x.t().reshape(12)),
    "transpose": ((3, 4), lambda T, x: x.transpose(0, 1)),
    "permute": ((2, 3, 4), lambda T, x: x.permute(1, 2, 0)),
    "squeeze": ((1, 3, 1), lambda T, x: x.squeeze()),
    "squeeze_dim": ((1, 3, 1), lambda T, x: x.squeeze(2)),
    "unsqueeze": ((3,), lambda T, x: x.unsqueeze(0)),
    "expand": ((3, 1), lambda T, x: x.expand(3, 4)),
    "as_strided": ((3, 4), lambda T, x: x.as_strided((2, 2), (1, 2))),
    "index": ((3, 4), lambda T, x: x[T.tensor([0, 2, 0])]),
    "index_select": ((3, 4), lambda T, x: x.index_select(1, _i(T, 0, 0, 3))),
    "gather": ((3, 4), lambda T, x: x.gather(1, T.tensor([[0], [1], [2]]))),
    "masked_select": ((3, 4), lambda T, x: x.masked_select(_mask(T, 3, 4))),
    "where": ((3, 4), lambda T, x: T.where(_mask(T, 3, 4), x, 0.0)),
    "masked_fill": ((3, 4), lambda T, x: x.masked_fill(_mask(T, 3, 4), 0.0)),
    "scatter": ((3, 4), lambda T, x: x.scatter(1, T.tensor([[0], [1], [2]]), 0.5)),
    "take": ((3, 4), lambda T, x: x.take(_i(T, 0, 0, 7))),
    "split": ((5, 2), lambda T, x: x.split(2)[1]),
    "split_with_sizes": ((5, 2), lambda T, x: x.split([1, 4])[0]),
    "unbind": ((3, 2), lambda T, x: x.unbind(1)[0]),
    "as_strided_overlap": ((3, 4), lambda T, x: x.as_strided((3, 3), (1, 1))),
    "as_strided_of_expanded": ((4,), lambda T, x: x.expand(3, 4).as_strided((2, 2), (0, 1))),
    "index_put": ((3, 4), lambda T, x: x.index_put((_i(T, 0, 0),), T.tensor(1.0))),
    "scatter_add": ((3, 4), lambda T, x: x.scatter_add(1, T.tensor([[0], [1], [2]]), T.ones(3, 1))),
    "setitem": ((3, 4), lambda T, x: _setitem_copy(x, 1)),
}


def _setitem_copy(x, i):
    y = x * 1
    y[i] = 0.5
    return y


@pytest.mark.parametrize("name", list(DOUBLE))
def test_create_graph(name):
    shape, op = DOUBLE[name]

    def case(T):
        x = leaf(T, *shape)
        out = op(T, x)
        g_out = leaf(T, *out.shape, seed=7)
        g, = T.autograd.grad(out, x, g_out, create_graph=True)
        g.backward(weights(T, g.shape))
        return {"x": x, "g_out": g_out, "g": g}
    case.__name__ = name
    assert_same(case)


# --- gradients against central differences ------------------------------------------------------
def R(*shape, seed=0):
    return _values(shape, seed)


NUMERIC = {
    "view": (lambda x: x.view(2, 6), [R(3, 4)]),
    "reshape_copy": (lambda x: x.t().reshape(12), [R(3, 4)]),
    "flatten": (lambda x: x.t().flatten(), [R(3, 4)]),
    "transpose": (lambda x: x.transpose(0, 2), [R(2, 3, 2)]),
    "t": (lambda x: x.t(), [R(3, 4)]),
    "permute": (lambda x: x.permute(2, 0, 1), [R(2, 3, 2)]),
    "movedim": (lambda x: x.movedim((0, 1), (2, 0)), [R(2, 3, 2)]),
    "narrow": (lambda x: x.narrow(1, 1, 2), [R(3, 4)]),
    "slice_step": (lambda x: x[1:, ::3], [R(3, 5)]),
    "select": (lambda x: x.select(1, -1), [R(3, 4)]),
    "expand": (lambda x: x.expand(2, 3, 4), [R(3, 1)]),
    "squeeze": (lambda x: x.squeeze(), [R(1, 3, 1)]),
    "squeeze_dims": (lambda x: x.squeeze((0, 1)), [R(1, 3, 1)]),
    "unsqueeze": (lambda x: x.unsqueeze(-1), [R(3, 2)]),
    "diagonal": (lambda x: x.diagonal(-1, 1, 0), [R(3, 4)]),
    "as_strided": (lambda x: x.as_strided((3, 3), (1, 2), 1), [R(3, 4)]),
    "as_strided_of_expanded": (lambda x: x.expand(3, 4).as_strided((2, 3), (1, 1)), [R(4)]),
    "split": (lambda x: x.split(2)[1], [R(5, 2)]),
    "split_with_sizes": (lambda x: x.split([2, 3])[1], [R(5, 2)]),
    "chunk": (lambda x: x.chunk(3, 1)[2], [R(2, 5)]),
    "unbind": (lambda x: x.unbind(1)[2], [R(2, 3)]),
    "getitem_mixed": (lambda x: x[1:, refimpl.tensor([0, 0, 2])], [R(3, 4)]),
    "getitem_mask": (lambda x: x[x > 0], [R(3, 4)]),
    "getitem_pair": (lambda x: x[refimpl.tensor([0, 2, 2]), refimpl.tensor([1, 1, 3])], [R(3, 4)]),
    "index_put": (lambda x, v: x.index_put((refimpl.tensor([1, 0]),), v), [R(3, 4), R(2, 4, seed=1)]),
    "index_put_accumulate": (lambda x, v: x.index_put((refimpl.tensor([1, 1]),), v, accumulate=True),
                             [R(3, 4), R(4, seed=1)]),
    "index_select": (lambda x: x.index_select(1, refimpl.tensor([3, 0, 3])), [R(3, 4)]),
    "take": (lambda x: x.take(refimpl.tensor([[0, 11], [11, 4]])), [R(3, 4)]),
    "gather": (lambda x: x.gather(0, refimpl.tensor([[2, 0, 1, 1]])), [R(3, 4)]),
    "scatter": (lambda x, s: x.scatter(1, refimpl.tensor([[1, 0], [3, 2], [0, 2]]), s),
                [R(3, 4), R(3, 2, seed=2)]),
    "scatter_value": (lambda x: x.scatter(1, refimpl.tensor([[1], [3], [0]]), 5.0), [R(3, 4)]),
    "scatter_add": (lambda x, s: x.scatter_add(0, refimpl.tensor([[2, 0, 2, 1]]), s),
                    [R(3, 4), R(1, 4, seed=2)]),
    "index_add_": (lambda x, s: x.clone().index_add_(0, refimpl.tensor([2, 2]), s, alpha=3),
                   [R(3, 4), R(2, 4, seed=2)]),
    "index_copy_": (lambda x, s: x.clone().index_copy_(1, refimpl.tensor([3, 0]), s),
                    [R(3, 4), R(3, 2, seed=2)]),
    "index_fill_tensor": (lambda x, v: x.clone().index_fill_(1, refimpl.tensor([3, 0, 3]), v),
                          [R(3, 4), 0.5]),
    "masked_fill_tensor": (lambda x, v: x.masked_fill(refimpl.tensor(R(3, 4, seed=4)) > 0, v),
                           [R(4), 0.25]),
    "masked_select": (lambda x: x.masked_select(refimpl.tensor(R(3, 4, seed=4)) > 0), [R(4)]),
    "masked_scatter_": (lambda x, s: x.clone().masked_scatter_(refimpl.tensor(R(3, 4, seed=4)) > 0, s),
                        [R(3, 4), R(9, seed=3)]),
    "where": (lambda x, y: refimpl.where(refimpl.tensor(R(3, 4, seed=4)) > 0, x, y), [R(3, 1), R(4)]),
    "setitem": (lambda x, v: _setitem(x, v), [R(3, 4), R(2, seed=3)]),
    "in_place_through_view": (lambda x, v: _through_view(x, v), [R(3, 4), R(4, 3, seed=3)]),
    "view_as": (lambda x: x.view_as(refimpl.zeros(4, 3)), [R(3, 4)]),
    "reshape_as": (lambda x: x.t().reshape_as(refimpl.zeros(12)), [R(3, 4)]),
    "unflatten": (lambda x: x.t().unflatten(0, (2, 2)), [R(3, 4)]),
    "expand_as": (lambda x: x.expand_as(refimpl.zeros(2, 3, 4)), [R(4)]),
    "swapaxes": (lambda x: x.swapaxes(0, -1), [R(2, 3, 2)]),
    "T": (lambda x: x.T, [R(2, 3, 2)]),
    "mT": (lambda x: x.mT, [R(2, 3, 2)]),
    "squeeze_dim": (lambda x: x.squeeze(-1), [R(1, 3, 1)]),
    "clone": (lambda x: x.t().clone(), [R(3, 4)]),
    "contiguous": (lambda x: x.t().contiguous(), [R(3, 4)]),
    "alias": (lambda x: x[...], [R(3, 4)]),
    "getitem_none_step": (lambda x: x[None, ::2, 1], [R(3, 4)]),
    "take_negative": (lambda x: x.take(refimpl.tensor([-1, -12, 5])), [R(3, 4)]),
    "index_put_": (lambda x, v: x.clone().index_put_((refimpl.tensor([2]), refimpl.tensor([1])), v),
                   [R(3, 4), R(1, seed=1)]),
    "scatter_add_": (lambda x, s: x.clone().scatter_add_(1, refimpl.tensor([[0, 0], [3, 2], [1, 1]]), s),
                     [R(3, 4), R(3, 2, seed=2)]),
    "index_fill_scalar": (lambda x: x.clone().index_fill_(0, refimpl.tensor([1]), 2.0), [R(3, 4)]),
    "masked_fill_scalar": (lambda x: x.masked_fill(refimpl.tensor(R(3, 4, seed=4)) > 0, 2.0), [R(3, 4)]),
    "where_scalar": (lambda x: refimpl.where(refimpl.tensor(R(3, 4, seed=4)) > 0, 1.0, x), [R(3, 4)]),
}


def _setitem(x, v):
    y = x * 1
    y[1:, 2] = v
    y[0] = 0.5
    y[refimpl.tensor([2])] = v.sum()
    return y


def _through_view(x, v):
    y = x * 1
    y.t().mul_(v)
    return y


@pytest.mark.parametrize("name", list(NUMERIC))
def test_numerical(name):
    f, inputs = NUMERIC[name]
    numerical_check(f, inputs)


def test_duplicate_indices_accumulate():
    def case(T):
        x = leaf(T, 4)
        i = _i(T, 1, 1, 1, 3)
        outs = [x[i], x.index_select(0, i), x.take(i), x.gather(0, i),
                x.unsqueeze(0).expand(2, 4)]
        for o in outs:
            o.backward(weights(T, o.shape))
        return {"x": x}
    assert_same(case)


@pytest.mark.parametrize("name", ["view", "t", "select", "getitem_slice", "swapaxes", "split"])
def test_view_made_in_inference_mode(name):
    shape, op = THROUGH_VIEW[name]

    def case(T):
        x = leaf(T, *shape)
        with T.inference_mode():
            y = x.clone()
            v = op(T, y)
        result = {"v_requires_grad": v.requires_grad, "v_is_inference": v.is_inference()}
        try:
            v.mul_(2)
        except RuntimeError as e:
            result["error"] = str(e).splitlines()[0]
        return result
    assert_same(case)


def test_views_and_getitem_of_integer_tensor():
    def case(T):
        x = T.tensor(_nested(list(range(12)), (3, 4)))
        return {"a": x[1], "b": x[:, T.tensor([0, 2])], "c": x[x > 4], "d": x.T, "e": x.chunk(2)}
    assert_same(case)


def test_refimpl_view_as_other_dtype_not_modelled():
    x = refimpl.ones(3, 4)
    with pytest.raises(NotImplementedError):
        x.view(refimpl.int32)


def test_refimpl_gather_sparse_grad_not_modelled():
    x = refimpl.ones(3, 4, requires_grad=True)
    out = x.gather(1, refimpl.tensor([[0], [1], [2]]), sparse_grad=True)
    assert out.grad_fn.name() == "GatherBackward0"
    with pytest.raises(NotImplementedError):
        out.sum().backward()


def test_scatter_reduce_warns_once_for_tensor_src():
    import warnings
    from refimpl.indexing import scatter_gather
    scatter_gather._WARNED.discard("reduce")
    x = refimpl.zeros(2, 2)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        x.scatter(0, refimpl.tensor([[0, 1]]), refimpl.ones(1, 2), reduce="add")
        x.scatter(0, refimpl.tensor([[0, 1]]), refimpl.ones(1, 2), reduce="add")
        x.scatter(0, refimpl.tensor([[0, 1]]), 2.0, reduce="add")
    assert [str(w.message)[:37] for w in caught] == ["The reduce argument of torch.scatter "]


SCATTER_REDUCE = {
    "add": lambda T, x: x.scatter(1, T.tensor([[0, 0], [1, 1], [2, 0]]), T.full((3, 2), 2.0), reduce="add"),
    "multiply": lambda T, x: x.scatter(1, T.tensor([[0, 0], [1, 1], [2, 0]]), T.full((3, 2), 2.0),
                                       reduce="multiply"),
    "value_add": lambda T, x: x.scatter(1, T.tensor([[0, 0], [1, 1], [2, 0]]), 3.0, reduce="add"),
    "value_multiply": lambda T, x: x.scatter(1, T.tensor([[0, 0], [1, 1], [2, 0]]), 3.0, reduce="multiply"),
    "int_multiply": lambda T, x: x.long().scatter(1, T.tensor([[0, 0], [1, 1], [2, 0]]), 2.5,
                                                  reduce="multiply"),
    "int_add": lambda T, x: x.long().scatter(1, T.tensor([[0, 0], [1, 1], [2, 0]]),
                                             T.full((3, 2), 3, dtype=T.int64), reduce="add"),
    "in_place": lambda T, x: x.clone().scatter_(0, T.tensor([[0, 1, 2, 0]]), 2.0, reduce="multiply"),
    "out": lambda T, x: T.scatter(x, 1, T.tensor([[0], [1], [2]]), T.ones(3, 1), reduce="add",
                                  out=T.zeros(3, 4)),
    "bad_reduce": lambda T, x: x.scatter(1, T.tensor([[0], [1], [2]]), T.ones(3, 1), reduce="mean"),
    "bad_value_reduce": lambda T, x: x.scatter(1, T.tensor([[0], [1], [2]]), 1.0, reduce="sum"),
}


@pytest.mark.parametrize("name", list(SCATTER_REDUCE))
def test_scatter_reduce_forward(name):
    def case(T):
        x = T.tensor(_nested([float(i) for i in range(12)], (3, 4)))
        return {"out": SCATTER_REDUCE[name](T, x)}
    assert_same(case)


IN_PLACE_ON_VIEW = {
    "index_add_": lambda T, v, s: v.index_add_(0, _i(T, 1, 1), s[:2]),
    "index_copy_": lambda T, v, s: v.index_copy_(1, _i(T, 0), s[:, :1]),
    "index_fill_": lambda T, v, s: v.index_fill_(0, _i(T, 0), s[0, 0]),
    "masked_fill_": lambda T, v, s: v.masked_fill_(_mask(T, *v.shape), s[0, 0]),
    "masked_scatter_": lambda T, v, s: v.masked_scatter_(_mask(T, *v.shape), s),
    "scatter_": lambda T, v, s: v.scatter_(0, T.tensor([[1, 0]]), s[:1]),
    "scatter_add_": lambda T, v, s: v.scatter_add_(1, T.tensor([[0, 0], [1, 0]]), s),
    "index_put_": lambda T, v, s: v.index_put_((_i(T, 1),), s[0], accumulate=True),
    "setitem": lambda T, v, s: v.__setitem__((slice(None), _i(T, 1)), s[:, 0]),
}


@pytest.mark.parametrize("view", ["t", "slice", "select_unsqueeze"])
@pytest.mark.parametrize("name", list(IN_PLACE_ON_VIEW))
def test_in_place_index_op_through_view(name, view):
    def case(T):
        x = leaf(T, 3, 4)
        s = leaf(T, 2, 2, seed=4)
        y = x.clone()
        v = {"t": lambda: y.t()[1:3, :2], "slice": lambda: y[1:, 1:3],
             "select_unsqueeze": lambda: y[1, :2].unsqueeze(0).expand(2, 2).clone()}[view]()
        IN_PLACE_ON_VIEW[name](T, v, s)
        y.backward(weights(T, y.shape))
        (v * 1).backward(weights(T, v.shape)) if view == "select_unsqueeze" else None
        return {"x": x, "s": s, "y": y, "v": v}
    assert_same(case)


@pytest.mark.parametrize("op", ["unbind", "chunk", "split", "split_with_sizes"])
def test_multi_output_view_of_tensor_without_grad_written_with_grad(op):
    """The output of a multi-output view op may not be written in place with an input that
    requires grad, even when its base requires none (torch's no-grad-worded message)."""
    def case(T):
        y = T.zeros(4, 2)
        z = leaf(T, 2)
        part = {"unbind": lambda: y.unbind()[0], "chunk": lambda: y.chunk(2)[1][0],
                "split": lambda: y.split(3)[0][0], "split_with_sizes": lambda: y.split([1, 3])[0][0]}[op]()
        part.add_(z)
        return {"y": y}
    assert_same(case)
