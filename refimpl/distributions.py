"""The ops that draw from a random stream: uniform_, normal_, bernoulli_, random_'s
from/to form (randint), and the factories built on them (rand, randn, randint, randperm,
rand_like, randn_like, bernoulli), plus torch.manual_seed and get/set_rng_state.

Ported from aten/src/ATen/native/DistributionTemplates.h (uniform_impl_, normal_impl_,
random_from_to_impl, bernoulli_impl_: the checks and their order),
aten/src/ATen/native/cpu/DistributionTemplates.h (the kernels: how many draws each element
takes, and the order elements are drawn in), aten/src/ATen/native/Distributions.cpp
(bernoulli), aten/src/ATen/native/TensorFactories.cpp (rand, randn, randint,
randperm, *_like: empty, then the in-place draw) and torch/random.py. The stream itself is
refimpl/random.py.

A serial CPU kernel visits the elements in TensorIterator's order: the output's dims from
the largest stride to the smallest, so a permuted tensor is drawn in memory order. The
contiguous fast path of normal_ (16 or more elements) fills memory in order too.
"""
from __future__ import annotations

import warnings

import numpy as np

from . import dtypes, random as rng
from .autograd.derivatives import NOT_IMPLEMENTED, derivative
from .creation import _check_device, _factory_requires_grad, _parse_size, check_convertible, empty
from .device_dependence import DATA, depends_on, dtype_not_implemented
from .elementwise import INTERNAL_OVERLAP, check_writable, has_internal_overlap
from .registry import declare
from .storage import to_dtype_array
from .tensor import Tensor
from .views import expand
from .views import memory_format_strides, preserve_format

_GENERATOR = "Generator? generator=None"
# what torch's generated bindings list after the generator (layout, pin_memory: not modelled,
# refused when given)
_FACTORY_KW = ("Tensor out=None, ScalarType? dtype=None, Layout? layout=None, Device? device=None, "
               "bool? pin_memory=False, bool? requires_grad=False")
_LIKE_KW = ("MemoryFormat? memory_format=None, ScalarType? dtype=None, Layout? layout=None, "
            "Device? device=None, bool? pin_memory=False, bool? requires_grad=False")


def _with_and_without_generator(head, rest):
    """torch's two signatures of a factory: the generator (keyword, no default), then none."""
    return (f"{head}, *, Generator? generator, {rest})", f"{head}, *, {rest})")


def _serial_order(t):
    """Logical flat positions of t's elements in the order a serial kernel visits them."""
    order = sorted(range(t.dim()), key=lambda d: -t._strides[d])
    return np.arange(t.numel()).reshape(t._sizes).transpose(order).ravel()


def _write_in_order(t, values):
    """Write values (visit order) into t, element by element as the kernel does."""
    logical = np.empty(t.numel(), dtype=np.asarray(values).dtype)
    logical[_serial_order(t)] = values
    t._write(logical.reshape(t._sizes))


def _check_writable(t):
    """TensorIterator::nullary_op's check of its output."""
    if has_internal_overlap(t):
        raise RuntimeError(INTERNAL_OVERLAP)


def _floating_only(t, kernel):
    if not t.dtype.is_floating_point:
        raise dtype_not_implemented(kernel, t.dtype)


def _done(t):
    t._bump_version()
    return t


# --- uniform_ ----------------------------------------------------------------------------------
@declare(f"uniform_(Tensor input, double from=0, double to=1, *, {_GENERATOR})", forms="method",
         output="inplace", schema="aten::uniform_")
def uniform_(self: Tensor, from_=0.0, to=1.0, *, generator=None, **kw):
    """uniform_impl_: the dtype's bounds, from <= to, to - from finite in the dtype."""
    from_ = kw.pop("from", from_)
    _floating_only(self, "check_uniform_bounds")
    d = self.dtype
    for value, name in ((from_, "from"), (to, "to")):
        if not d.min <= value <= d.max:
            raise RuntimeError(f"{name} is out of bounds for {d.typemeta_name}")
    if not from_ <= to:
        raise RuntimeError(f"uniform_ expects to return a [from, to) range, but found "
                           f"from={from_:g} > to={to:g}")
    if to - from_ > d.max:
        raise RuntimeError(f"uniform_ expects to-from <= std::numeric_limits<{d.legacy_name}>"
                           f"::max(), but found to={to:g} and from={from_:g} which result in "
                           f"to-from to exceed the limit")
    if self.numel():
        _check_writable(self)
        _write_in_order(self, rng.uniform_values(self.numel(), d, from_, to, generator))
    return _done(self)


# --- normal_ -----------------------------------------------------------------------------------
@declare(f"normal_(Tensor input, double mean=0, double std=1, *, {_GENERATOR})", forms="method",
         output="inplace", schema="aten::normal_")
def normal_(self: Tensor, mean=0.0, std=1.0, *, generator=None):
    """normal_impl_ and normal_kernel: a contiguous tensor of 16 or more elements is filled
    in blocks of 16 (random.normal_fill); others draw one normal_distribution<double> per
    element, serially, using (and leaving) the generator's cached second sample."""
    if not std >= 0.0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std:g}")
    n = self.numel()
    if n == 0:
        return _done(self)
    _floating_only(self, "normal_kernel_cpu")
    if n >= 16 and self.is_contiguous():
        self._write(rng.normal_fill(n, self.dtype, mean, std, generator).reshape(self._sizes))
    else:
        _check_writable(self)
        gen = rng.generator_or_default(generator)
        values = [rng.normal_double(gen, mean, std) for _ in range(n)]
        _write_in_order(self, np.array(values, dtype=np.float64))
    return _done(self)


# --- bernoulli_ and bernoulli --------------------------------------------------------------
@declare(f"bernoulli_(Tensor input, Tensor p, *, {_GENERATOR})",
         f"bernoulli_(Tensor input, double p=0.5, *, {_GENERATOR})", forms="method",
         output="inplace", schema="aten::bernoulli_.float")
def bernoulli_(self: Tensor, p=0.5, *, generator=None):
    """bernoulli_impl_: a float p draws one uniform double per element (value < p); a
    tensor p (expanded to self) draws one uniform of p's precision (double for a double
    p, else float) per element, each p checked as it is drawn: an element out of [0, 1]
    stops the kernel with the elements before it written."""
    gen = rng.generator_or_default(generator)
    if not isinstance(p, Tensor):
        if not 0 <= p <= 1:
            raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={p:g}")
        if self.numel():
            _check_writable(self)
            draws = [rng.uniform_double(gen) < p for _ in range(self.numel())]
            _write_in_order(self, np.array(draws, dtype=np.float64))
        return _done(self)
    if self.numel() == 0:
        return _done(self)
    _check_writable(self)
    p = expand(p, self._sizes)   # expand_inplace(self, p): its errors
    if not p.dtype.is_floating_point:
        raise dtype_not_implemented("bernoulli_tensor_cpu_p_", p.dtype)
    check_writable(self, [p])   # TensorIterator: out self, input p
    depends_on(DATA, "bernoulli's p in [0, 1]")
    order, drawn = _serial_order(self), []
    probabilities = p._values().ravel()[order]
    for k, prob in enumerate(probabilities):
        if not 0 <= prob <= 1:
            if drawn:   # the elements drawn so far are written; the others keep theirs
                written = self._values().ravel()
                written[order[:k]] = drawn
                mask = self._undefined_mask()
                if mask is not None:
                    mask = mask.ravel()
                    mask[order[:k]] = False
                    mask = mask.reshape(self._sizes)
                self._write(written.reshape(self._sizes), mask)
            raise RuntimeError("Expected p_in >= 0 && p_in <= 1 to be true, but got false.  "
                               "(Could this error message be improved?  If so, please report "
                               "an enhancement request to PyTorch.)")
        u = rng.uniform_double(gen) if p.dtype is dtypes.float64 else _uniform_float(gen)
        drawn.append(float(u < float(prob)))   # compared in float, not in p's dtype
    _write_in_order(self, np.array(drawn, dtype=np.float64))
    return _done(self)


def _uniform_float(gen):
    """at::uniform_real_distribution<float>(0, 1): one 32-bit draw."""
    return (gen.random() & ((1 << 24) - 1)) * 2.0 ** -24


@declare(f"bernoulli(Tensor input, *, {_GENERATOR}, Tensor out=None)",
         f"bernoulli(Tensor input, double p, *, {_GENERATOR})", schema="aten::bernoulli",
         out_via="kernel")
def bernoulli(input: Tensor, p=None, *, generator=None, out=None):
    """Distributions.cpp bernoulli: a contiguous empty_like(input) (or out, resized to
    input's shape), then bernoulli_ with input (or the float p) as the probabilities."""
    result = _output(input._sizes, None, out, input.dtype)
    bernoulli_(result, input if p is None else p, generator=generator)
    return _factory_done(result, False, out)


# --- random_ from/to, randint ------------------------------------------------------------------
_DIGITS = {dtypes.float16: 11, dtypes.bfloat16: 8, dtypes.float32: 24, dtypes.float64: 53}


def _as_dtype_int(value, d):
    """static_cast<int64_t>(static_cast<scalar_t>(value))."""
    return int(to_dtype_array(np.array(value, dtype=np.int64), d).astype(np.float64))


def _update_from(low, d):
    """update_from<scalar_t>: a from that rounds below itself in the float dtype moves up
    to the next value the dtype holds."""
    plus_1 = _as_dtype_int(low + 1, d)
    if plus_1 < low:
        n = abs(low + 1).bit_length() - 1
        low = plus_1 + (1 << (n - _DIGITS[d] + 1))
    return low


def _update_to(high, d):
    """update_to<scalar_t>: a to whose predecessor rounds up to it or beyond moves down."""
    minus_1 = _as_dtype_int(high - 1, d)
    if minus_1 >= high:
        n = abs(high - 1).bit_length() - 1
        high = minus_1 - (1 << (n - _DIGITS[d] + 1))
    return high


def _random_from_to(self, low, high, generator):
    """random_from_to_impl: from < to (in a float dtype, once moved to values it holds),
    both in the dtype's range (float dtypes beyond 2**digits only warn), then
    (draw % (to - from)) + from per element."""
    if not low < high:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} "
                           f">= to={high}")
    d = self.dtype
    if d.is_floating_point:
        low, high = _update_from(low, d), _update_to(high, d)
        if not low < high:
            raise RuntimeError("random_ expects 'from' casted to dtype to be less than 'to' "
                               f"casted to dtype, but got from={low} >= to={high}")
    for value, name in ((low, "from"), (high - 1, "to - 1")):
        if not d.min <= value <= d.max:
            raise RuntimeError(f"{name} is out of bounds for {d.typemeta_name}")
        digits = _DIGITS.get(d)
        if digits and not -2**digits <= value <= 2**digits:
            warnings.warn(f"{name} is out of bounds [-(2^{digits}), 2^{digits}]. Due to "
                          f"precision limitations {d.typemeta_name} can support discrete "
                          "uniform distribution only within this range.")
    if self.numel():
        _check_writable(self)
        gen = rng.generator_or_default(generator)
        span = high - low
        values = [rng.uniform_int_from_to(gen, d, span, low) for _ in range(self.numel())]
        arr = np.array(values, dtype=np.int64 if d.kind != "float" else np.float64)
        _write_in_order(self, arr)
    return _done(self)


@declare(*_with_and_without_generator("randint(SymInt high, SymInt[] size", _FACTORY_KW),
         *_with_and_without_generator("randint(SymInt low, SymInt high, SymInt[] size",
                                      _FACTORY_KW),
         forms="function", creates=True, schema="aten::randint", out_via="kernel")
def randint(low=0, high=None, size=None, *, generator=None, dtype=None, layout=None,
            device=None, pin_memory=False, requires_grad=False, out=None):
    """TensorFactories.cpp randint: empty(size, dtype=int64 unless given).random_(low, high)."""
    _check_factory_options(device, layout, pin_memory)
    t = _output(_parse_size((tuple(size),), "randint"), dtype, out, dtypes.int64)
    _random_from_to(t, low, high, generator)
    return _factory_done(t, requires_grad, out)


def _check_factory_options(device, layout, pin_memory):
    """refimpl's tensors are strided, on the cpu, in pageable memory."""
    _check_device(device)
    if layout is not None or pin_memory:
        raise NotImplementedError("refimpl models strided tensors in pageable cpu memory only")


def _output(sizes, dtype, out, default=None):
    """The tensor a factory draws into: a new one (of dtype, or default), or out resized to
    sizes (contiguous strides where its shape changes; its own where it does not: then the
    draws follow its memory order). out keeps its dtype, which a dtype given must be."""
    if out is None:
        return empty(sizes, dtype=dtype or default)
    if dtype is not None and dtype is not out.dtype:
        raise RuntimeError(f"dtype {dtype.legacy_name} does not match dtype of out parameter "
                           f"({out.dtype.legacy_name})")
    from .bindings import resize_to
    if out._sizes != tuple(sizes):
        resize_to(out, sizes)
    return out


def _factory_done(t, requires_grad, out=None):
    """A factory's new tensor: a leaf, at version 0, requiring grad if asked; or out, once
    written (its version bumped once, as an out= call bumps it)."""
    if out is not None:
        return out
    t._version_counter.value = 0
    if requires_grad:
        _factory_requires_grad(t)
    return t


# --- randperm ----------------------------------------------------------------------------------
_RANDPERM_LIMITS = {dtypes.float16: ("2049", 2049), dtypes.float32: ("2^24+1", 2**24 + 1),
                    dtypes.float64: ("2^53+1", 2**53 + 1)}


@declare(*_with_and_without_generator("randperm(SymInt n", _FACTORY_KW), forms="function",
         creates=True, schema="aten::randperm", out_via="kernel")
def randperm(n, *, generator=None, dtype=None, layout=None, device=None, pin_memory=False,
             requires_grad=False, out=None):
    """randperm_cpu (TensorFactories.cpp): 0..n-1, then for i < n - 1 swap element i with
    element i + random() % (n - i) (the path of n below 2**32 / 20)."""
    _check_factory_options(device, layout, pin_memory)
    t = _output(_parse_size((n,), "randperm"), dtype, out, dtypes.int64)
    dtype = t.dtype
    if dtype is dtypes.bool_:
        raise dtype_not_implemented("randperm", dtype)
    if dtype in _RANDPERM_LIMITS and n > _RANDPERM_LIMITS[dtype][1]:
        raise RuntimeError(f"n cannot be greater than {_RANDPERM_LIMITS[dtype][0]} for "
                           f"{dtype.legacy_name} type.")
    if n:
        check_convertible(n - 1, dtype, c_name=True)
    gen = rng.generator_or_default(generator)
    perm = list(range(n))
    for i in range(n - 1):
        z = gen.random() % (n - i)
        perm[i], perm[i + z] = perm[i + z], perm[i]
    t._write(np.array(perm, dtype=np.int64))
    if out is not None:
        out._bump_version()
    return _factory_done(t, requires_grad, out)


# --- rand, randn, *_like -------------------------------------------------------------------
def _drawn_factory(name, size, dtype, device, requires_grad, draw, out=None):
    _check_device(device)
    t = _output(_parse_size(size, name), dtype, out, dtypes.get_default_dtype())
    draw(t)
    return _factory_done(t, requires_grad, out)


@declare(*_with_and_without_generator("rand(SymInt[] size", _FACTORY_KW), forms="function",
         creates=True, parsed=False, schema="aten::rand")
def rand(*size, generator=None, dtype=None, device=None, requires_grad=False, out=None):
    """empty(size).uniform_(0, 1)."""
    return _drawn_factory("rand", size, dtype, device, requires_grad,
                          lambda t: uniform_(t, 0.0, 1.0, generator=generator), out)


@declare(*_with_and_without_generator("randn(SymInt[] size", _FACTORY_KW), forms="function",
         creates=True, parsed=False, schema="aten::randn")
def randn(*size, generator=None, dtype=None, device=None, requires_grad=False, out=None):
    """empty(size).normal_(0, 1)."""
    return _drawn_factory("randn", size, dtype, device, requires_grad,
                          lambda t: normal_(t, 0.0, 1.0, generator=generator), out)


def _drawn_like(input, dtype, device, requires_grad, memory_format, draw, layout=None,
                pin_memory=False):
    _check_factory_options(device, layout, pin_memory)
    dtype = dtype or input.dtype
    strides = memory_format_strides(input._sizes, input._strides,
                                    memory_format or preserve_format)
    t = Tensor._from_array(np.zeros(input._sizes), dtype, strides)
    draw(t)
    return _factory_done(t, requires_grad)


@declare(*_with_and_without_generator("rand_like(Tensor input", _LIKE_KW), forms="function",
         schema="aten::rand_like")
def rand_like(input, *, generator=None, dtype=None, layout=None, device=None, pin_memory=False,
              requires_grad=False, memory_format=None):
    """empty_like(input).uniform_(0, 1)."""
    return _drawn_like(input, dtype, device, requires_grad, memory_format,
                       lambda t: uniform_(t, 0.0, 1.0, generator=generator), layout, pin_memory)


@declare(*_with_and_without_generator("randn_like(Tensor input", _LIKE_KW), forms="function",
         schema="aten::randn_like")
def randn_like(input, *, generator=None, dtype=None, layout=None, device=None, pin_memory=False,
               requires_grad=False, memory_format=None):
    """empty_like(input).normal_(0, 1)."""
    return _drawn_like(input, dtype, device, requires_grad, memory_format,
                       lambda t: normal_(t, 0.0, 1.0, generator=generator), layout, pin_memory)


# --- the default generator (torch/random.py) ---------------------------------------------
def manual_seed(seed):
    """torch.manual_seed: seeds the default CPU generator (int(seed) first); returns it."""
    return rng.default_generator.manual_seed(int(seed))


def initial_seed():
    return rng.default_generator.initial_seed()


def get_rng_state():
    return rng.default_generator.get_state()


def set_rng_state(new_state):
    rng.default_generator.set_state(new_state)


# --- backward rules (tools/autograd/derivatives.yaml) -----------------------------------------
def _zeros_like(grad):
    from .creation import zeros_like
    return zeros_like(grad)


def _bernoulli_name(overload, input, p=None, **_):
    """bernoulli(self) has a derivatives.yaml entry (BernoulliBackward0); bernoulli.p has
    none: a NotImplemented node."""
    return "BernoulliBackward0" if p is None else NOT_IMPLEMENTED


def _bernoulli__name(overload, self, p=0.5, **_):
    return "BernoulliBackward1" if isinstance(p, Tensor) else "BernoulliBackward2"


# factories of new values: never recorded, whatever their input
for _op in (rand_like, randn_like):
    _op.__declaration__.derivative = False
derivative(uniform_, "UniformBackward0", self=lambda grad: _zeros_like(grad))
derivative(normal_, "NormalBackward0", self=lambda grad: _zeros_like(grad))
derivative(bernoulli_, _bernoulli__name, self=lambda grad: _zeros_like(grad),
           p=lambda grad, p_info: p_info.zeros())
derivative(bernoulli, _bernoulli_name, input=lambda grad: _zeros_like(grad))
