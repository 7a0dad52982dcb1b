"""refimpl.layout's pure (sizes, strides) rules against the layouts real torch tensors have."""

from math import prod

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from refimpl import layout

shapes = st.lists(st.integers(0, 5), min_size=0, max_size=4).map(tuple)
shapes4 = st.lists(st.integers(0, 5), min_size=4, max_size=4).map(tuple)


def torch_non_overlapping_and_dense(t):
    """torch's own flag: Tensor.is_non_overlapping_and_dense() where it exists (not in
    torch 2.13), else the ATen op that returns TensorImpl's flag, else _prims_common."""
    if hasattr(t, "is_non_overlapping_and_dense"):
        return t.is_non_overlapping_and_dense()
    op = getattr(torch.ops.aten, "is_non_overlapping_and_dense", None)
    if op is not None:
        return op(t)
    import torch._prims_common as pc
    fn = getattr(pc, "is_non_overlapping_and_dense", None) or pc.is_non_overlapping_and_dense_or_false
    return fn(t)


def _inverse(perm):
    inv = [0] * len(perm)
    for i, p in enumerate(perm):
        inv[p] = i
    return inv


@st.composite
def strided(draw, shape, allow_as_strided=True):
    """A real torch tensor of exactly `shape` with a random layout: a permuted,
    narrowed and/or expanded view of a contiguous tensor, a channels-last tensor, or an
    arbitrary as_strided window (overlapping, gappy, zero strides)."""
    shape = tuple(shape)
    nd = len(shape)
    modes = ["chain", "chain", "contiguous"]
    if allow_as_strided:
        modes.append("as_strided")
    if nd == 4:
        modes.append("channels_last")
    mode = draw(st.sampled_from(modes))
    if mode == "contiguous":
        return torch.empty(shape)
    if mode == "channels_last":
        return torch.empty(shape, memory_format=torch.channels_last)
    if mode == "as_strided":
        strides = [draw(st.integers(0, 8)) for _ in shape]
        offset = draw(st.integers(0, 2))
        n = 1 + sum((s - 1) * stv for s, stv in zip(shape, strides)) if prod(shape) else 0
        return torch.zeros(n + offset).as_strided(shape, strides, offset)
    expanded = [draw(st.booleans()) if s != 1 else False for s in shape]
    pre = [1 if e else s for s, e in zip(shape, expanded)]
    extra = [draw(st.integers(0, 2)) for _ in shape]
    perm = draw(st.permutations(range(nd)))
    big = [p + e for p, e in zip(pre, extra)]
    t = torch.zeros([big[p] for p in perm]).permute(_inverse(perm)) if nd else torch.zeros(())
    for d in range(nd):
        t = t.narrow(d, draw(st.integers(0, extra[d])), pre[d])
    if any(expanded):
        t = t.expand(shape)
    assert tuple(t.shape) == shape
    return t


any_tensor = shapes.flatmap(strided)


def geom(t):
    return tuple(t.shape), tuple(t.stride())


# --- contiguity flags -------------------------------------------------------------------
@settings(max_examples=150)
@given(shapes)
def test_contiguous_strides(shape):
    assert layout.contiguous_strides(shape) == torch.empty(shape).stride()


@settings(max_examples=300)
@given(any_tensor)
def test_is_contiguous(t):
    assert layout.is_contiguous(*geom(t)) == t.is_contiguous()


@settings(max_examples=300)
@given(st.one_of(shapes4.flatmap(strided), any_tensor))
def test_is_channels_last_contiguous(t):
    assert (layout.is_channels_last_contiguous(*geom(t))
            == t.is_contiguous(memory_format=torch.channels_last))


@settings(max_examples=300)
@given(st.one_of(shapes4.flatmap(strided), any_tensor))
def test_is_non_overlapping_and_dense(t):
    assert layout.is_non_overlapping_and_dense(*geom(t)) == torch_non_overlapping_and_dense(t)


def test_is_non_overlapping_and_dense_known_cases():
    base = torch.empty(3, 4)
    cases = [base, base.t(), base.expand(2, 3, 4), base.narrow(1, 0, 2),
             torch.empty(2, 3, 4).permute(2, 0, 1), torch.empty(0, 3).t(),
             torch.empty(4).as_strided((2, 2), (1, 2)), torch.empty(4).as_strided((2, 2), (1, 1))]
    expected = [True, True, False, False, True, True, True, False]
    for t, e in zip(cases, expected):
        assert torch_non_overlapping_and_dense(t) == e
        assert layout.is_non_overlapping_and_dense(*geom(t)) == e


# --- view strides ------------------------------------------------------------------------
@st.composite
def shape_with_numel(draw, numel):
    nd = draw(st.integers(0 if numel == 1 else 1, 4))
    if numel == 0:
        sizes = [draw(st.integers(0, 5)) for _ in range(nd)]
        sizes[draw(st.integers(0, nd - 1))] = 0
        return tuple(sizes)
    sizes, rest = [], numel
    for _ in range(nd - 1):
        divisors = [d for d in range(1, rest + 1) if rest % d == 0]
        d = draw(st.sampled_from(divisors))
        sizes.append(d)
        rest //= d
    if nd:
        sizes.append(rest)
    sizes = draw(st.permutations(sizes))
    return tuple(sizes)


@settings(max_examples=400)
@given(any_tensor, st.data())
def test_compute_view_strides(t, data):
    new_shape = data.draw(shape_with_numel(t.numel()))
    try:
        expected = tuple(t.view(new_shape).stride())
    except RuntimeError:
        expected = None
    assert layout.compute_view_strides(*geom(t), new_shape) == expected


# --- clone / empty_like with preserve_format ----------------------------------------------
@settings(max_examples=300)
@given(st.one_of(shapes4.flatmap(strided), any_tensor))
def test_preserve_format_strides(t):
    assert layout.preserve_format_strides(*geom(t)) == t.clone().stride()
    assert layout.preserve_format_strides(*geom(t)) == torch.empty_like(t).stride()


# --- TensorIterator output strides ------------------------------------------------------
@st.composite
def broadcast_operand_shape(draw, out_shape):
    drop = draw(st.integers(0, len(out_shape)))
    return tuple(1 if draw(st.booleans()) else s for s in out_shape[drop:])


@st.composite
def broadcastable_pair(draw):
    out_shape = draw(shapes)
    a_shape = draw(broadcast_operand_shape(out_shape))
    b_shape = draw(broadcast_operand_shape(out_shape))
    # at least one operand carries each non-1 output dim, so the broadcast shape is out_shape
    if draw(st.booleans()):
        a_shape = out_shape
    else:
        b_shape = out_shape
    return draw(strided(a_shape)), draw(strided(b_shape))


@settings(max_examples=500)
@given(broadcastable_pair())
def test_elementwise_output_strides(pair):
    a, b = pair
    out = torch.add(a, b)
    operands = [(tuple(x.shape), tuple(x.stride()), x.element_size()) for x in (a, b)]
    assert layout.elementwise_output_strides(tuple(out.shape), operands) == out.stride()


@settings(max_examples=200)
@given(shapes.flatmap(strided))
def test_elementwise_output_strides_unary(a):
    out = torch.neg(a)
    operands = [(tuple(a.shape), tuple(a.stride()), a.element_size())]
    assert layout.elementwise_output_strides(tuple(out.shape), operands) == out.stride()


# --- channels_last / broadcast_shapes -----------------------------------------------------
@settings(max_examples=150)
@given(shapes4)
def test_channels_last_strides(shape):
    expected = torch.empty(shape, memory_format=torch.channels_last).stride()
    assert layout.channels_last_strides(shape) == expected


@settings(max_examples=300)
@given(st.lists(st.lists(st.integers(0, 5), max_size=4).map(tuple), min_size=1, max_size=3))
def test_broadcast_shapes(shape_list):
    try:
        expected = tuple(torch.broadcast_shapes(*shape_list))
    except RuntimeError:
        with pytest.raises(RuntimeError):
            layout.broadcast_shapes(*shape_list)
        return
    assert layout.broadcast_shapes(*shape_list) == expected


@settings(max_examples=200)
@given(st.lists(st.integers(0, 5), max_size=4).map(tuple),
       st.lists(st.integers(0, 5), max_size=4).map(tuple))
def test_broadcast_all_pair_matches_add(a, b):
    # the two-shape form used by ops: same result and the same message as torch.add
    try:
        expected = tuple(torch.add(torch.zeros(a), torch.zeros(b)).shape)
    except RuntimeError as e:
        with pytest.raises(RuntimeError) as info:
            layout.broadcast_all([a, b])
        assert str(info.value) == str(e).splitlines()[0]
        return
    assert layout.broadcast_all([a, b]) == expected


def test_broadcast_shapes_error_case():
    with pytest.raises(RuntimeError):
        torch.broadcast_shapes((2, 3), (4, 3))
    with pytest.raises(RuntimeError):
        layout.broadcast_shapes((2, 3), (4, 3))
