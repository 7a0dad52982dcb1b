"""torch's default CPU random stream: the mt19937 engine, its state as get_rng_state() shows
it, and the conversions of its draws into values.

Ported from aten/src/ATen/core/MT19937RNGEngine.h (seeding as init_with_uint32, the
624-word twist, the tempering; the `left`/`next` counters), aten/src/ATen/CPUGeneratorImpl.cpp
(random(): one 32-bit draw; random64(): two, the first as the high half; get_state /
set_state and the byte layout of CPUGeneratorImplState; the cached second normal sample),
aten/src/ATen/core/TransformationHelper.h and DistributionsHelper.h (uniform_real: a draw
masked to 24 bits for float, half and bfloat16, 53 for double, times 2**-bits; the
Box-Muller normal_distribution with its cache; uniform_int_from_to; bernoulli).

The ops that draw (rand, randn, uniform_, normal_, ...) are in distributions.py: they decide
how many draws an op makes and in which element order. CUDA draws from Philox instead:
values are comparable with torch's CPU only.
"""
from __future__ import annotations

import math
import struct

import numpy as np

from . import dtypes
from .storage import to_dtype_array

_N, _M = 624, 397
_MATRIX_A, _UPPER, _LOWER = 0x9908B0DF, 0x80000000, 0x7FFFFFFF
DEFAULT_SEED = 67280421310721          # default_rng_seed_val (c10/core/GeneratorImpl.h)
# CPUGeneratorImplState: the legacy THGeneratorState (seed, left, seeded, next, 624 words as
# uint64, normal_x, normal_y, normal_rho, normal_is_valid), padded to 8 bytes, then the float
# normal sample and its flag, padded: 5056 bytes
_LEGACY = struct.Struct("<QiiQ624QdddI4x")
_STATE = struct.Struct(f"<{_LEGACY.size}sf?3x")
STATE_SIZE = _STATE.size


class Generator:
    """A CPU generator: torch.Generator() (seeded with the default seed), and what
    torch.manual_seed(s) seeds (default_generator)."""

    def __init__(self, device="cpu"):
        from .tensor import device as device_class
        self.device = device_class(device)
        self.device.check_cpu()
        self.manual_seed(DEFAULT_SEED)

    def manual_seed(self, seed):
        """mt19937(seed): the state from the low 32 bits of seed (init_with_uint32). The 624
        words are computed at the first draw (most programs seed and never draw)."""
        seed = int(seed)
        if not -2**63 <= seed < 2**64:
            raise ValueError("Overflow when unpacking long long")
        self._seed = seed % 2**64
        self._state = None
        self._left, self._next = 1, 0
        self.next_double_normal = None     # the cached second value of Box-Muller
        self.next_float_normal = None
        return self

    def initial_seed(self):
        return self._seed

    def _words(self):
        if self._state is None:
            state = [self._seed & 0xFFFFFFFF]
            for i in range(1, _N):
                prev = state[-1]
                state.append((1812433253 * (prev ^ (prev >> 30)) + i) & 0xFFFFFFFF)
            self._state = state
        return self._state

    def _twist(self):
        s = self._words()
        for k in range(_N):
            y = (s[k] & _UPPER) | (s[(k + 1) % _N] & _LOWER)
            s[k] = s[(k + _M) % _N] ^ (y >> 1) ^ (_MATRIX_A if y & 1 else 0)
        self._left, self._next = _N, 0

    def random(self):
        """One 32-bit draw (mt19937's operator(), tempered)."""
        self._left -= 1
        if self._left == 0:
            self._twist()
        y = self._words()[self._next]
        self._next += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9D2C5680
        y ^= (y << 15) & 0xEFC60000
        return y ^ (y >> 18)

    def random64(self):
        """Two 32-bit draws, the first as the high half (make64BitsFrom32Bits)."""
        hi = self.random()
        return (hi << 32) | self.random()

    # --- get_state / set_state (CPUGeneratorImpl.cpp) ---------------------------------------
    def get_state(self):
        """The state as a uint8 tensor of STATE_SIZE bytes, laid out as torch lays it out."""
        from .tensor import Tensor
        double_valid = self.next_double_normal is not None
        legacy = _LEGACY.pack(self._seed, self._left, 1, self._next, *self._words(), 0.0,
                              self.next_double_normal if double_valid else 0.0, 0.0,
                              int(double_valid))
        float_valid = self.next_float_normal is not None
        raw = _STATE.pack(legacy, self.next_float_normal if float_valid else 0.0, float_valid)
        return Tensor._from_array(np.frombuffer(raw, dtype=np.uint8).copy(), dtypes.uint8)

    def set_state(self, new_state):
        from .tensor import Tensor
        if not isinstance(new_state, Tensor):
            raise TypeError(f"expected a torch.ByteTensor, but got {type(new_state).__name__}")
        if new_state.dtype is not dtypes.uint8:
            raise TypeError("RNG state must be a torch.ByteTensor")
        if new_state.numel() != STATE_SIZE:
            raise RuntimeError(f"Expected a CPUGeneratorImplState of size {STATE_SIZE} but found "
                               f"the input RNG state size to be {new_state.numel()}")
        raw = bytes(new_state._values().reshape(-1).astype(np.uint8).tolist())
        legacy, float_sample, float_valid = _STATE.unpack(raw)
        fields = _LEGACY.unpack(legacy)
        self._seed, self._left, self._next = fields[0], fields[1], fields[3]
        self._state = [w & 0xFFFFFFFF for w in fields[4:4 + _N]]
        normal_y, double_valid = fields[4 + _N + 1], fields[4 + _N + 3]
        self.next_double_normal = normal_y if double_valid else None
        self.next_float_normal = float_sample if float_valid else None
        return self


default_generator = Generator()


def generator_or_default(generator):
    """The generator an op draws from (noted: its values are the CPU stream's)."""
    from .device_dependence import RANDOM_STREAM, depends_on
    depends_on(RANDOM_STREAM, "values drawn from the CPU generator")
    return default_generator if generator is None else generator


# --- values from draws ---------------------------------------------------------------------
_MANTISSA_BITS = {dtypes.float64: 53}   # std::numeric_limits<T>::digits as uniform_real masks
_ACC = {dtypes.float64: np.float64, dtypes.float32: np.float64}  # the CPU's acc_type


def fused_multiply_add(x, y, z, acc):
    """x * y + z rounded once, elementwise, in acc (float64 or float32): what the CPU
    kernels compute, built with contraction into FMA instructions (GCC's default
    -ffp-contract=fast on AVX2/AVX512 kernels). Exact through fractions, then rounded to
    acc (through double for float32, which rounds twice in rare ties)."""
    from fractions import Fraction
    y, z = Fraction(float(y)), Fraction(float(z))
    return np.array([float(Fraction(float(v)) * y + z) for v in np.ravel(x)],
                    dtype=np.float64).astype(acc).reshape(np.shape(x))


def uniform_values(n, dtype, low=0.0, high=1.0, generator=None):
    """n values of uniform_(low, high) in dtype, drawn one after another as the CPU's
    serial uniform kernel draws them, as an array in dtype's storage type. The bounds are
    cast to dtype first; float and double are scaled in double (their CPU acc_type), half
    and bfloat16 in float, as x * (to - from) + from fused; a value that rounds up to high
    in dtype is low instead, so that the result stays in [low, high)
    (aten/src/ATen/native/cpu/DistributionTemplates.h uniform_kernel). Half and bfloat16
    with bounds other than 0 and 1 and not integral can differ from torch in the last bit
    (c10's Half arithmetic rounds in places not ported): within the dtype's tolerance,
    which is how values are compared."""
    gen = generator_or_default(generator)
    acc = _ACC.get(dtype, np.float32)
    low_d = to_dtype_array(np.array(low), dtype)
    high_d = to_dtype_array(np.array(high), dtype)
    span = acc((high_d - low_d) if dtype in _ACC else np.float32(high_d) - np.float32(low_d))
    if dtype is dtypes.float64:
        bits = np.array([gen.random64() & ((1 << 53) - 1) for _ in range(n)], dtype=np.float64)
        x = bits * 2.0 ** -53
    else:
        bits = np.array([gen.random() & ((1 << 24) - 1) for _ in range(n)], dtype=acc)
        x = bits * acc(2.0 ** -24)
    if span == 1 and low_d == 0:
        scaled = x
    else:
        scaled = fused_multiply_add(x, span, acc(low_d), acc)
    values = to_dtype_array(scaled, dtype)
    return np.where(values == high_d, low_d, values)


def uniform_double(gen):
    """at::uniform_real_distribution<double>(0, 1): one random64() draw."""
    return (gen.random64() & ((1 << 53) - 1)) * 2.0 ** -53


def normal_double(gen, mean, std):
    """at::normal_distribution<double>(mean, std) (DistributionsHelper.h): Box-Muller on two
    uniform doubles, r*cos(theta) returned and r*sin(theta) kept for the next call."""
    if gen.next_double_normal is not None:
        value, gen.next_double_normal = gen.next_double_normal, None
    else:
        u1 = uniform_double(gen)
        u2 = uniform_double(gen)
        r = math.sqrt(-2.0 * math.log1p(-u2))
        theta = 2.0 * math.pi * u1
        gen.next_double_normal = r * math.sin(theta)
        value = r * math.cos(theta)
    if std == 1 and mean == 0:
        return value
    return float(fused_multiply_add(np.array([value]), std, mean, np.float64)[0])


def normal_fill(n, dtype, mean, std, generator=None):
    """normal_fill (cpu/DistributionTemplates.h), the path of a contiguous tensor of 16 or
    more elements: Box-Muller on blocks of 16 uniforms in [0, 1) (element j with j + 8:
    u1 = 1 - u[j], u2 = u[j + 8]), and when n is not a multiple of 16, 16 fresh uniforms
    for the last 16 elements, which are transformed again. float and double draw all n
    uniforms into the tensor first; half and bfloat16 draw each block's 16 as floats and
    compute in float (so n = 20 takes 32 draws, not 36). Computed in the working
    precision (float: the AVX2 kernel's log and sincos approximations differ from these in
    the last bits, within float tolerance)."""
    gen = generator_or_default(generator)
    reduced = dtype in (dtypes.float16, dtypes.bfloat16)
    work = np.float64 if dtype is dtypes.float64 else np.float32
    mean, std = work(mean), work(std)

    def fill_16(block):
        u1 = work(1) - block[:8]
        u2 = block[8:]
        with np.errstate(divide="ignore"):
            radius = np.sqrt(work(-2) * np.log(u1))
        theta = work(2.0 * math.pi) * u2
        return np.concatenate([radius * np.cos(theta) * std + mean,
                               radius * np.sin(theta) * std + mean])

    def uniforms(count):
        return uniform_values(count, dtypes.float32 if reduced else dtype, 0.0, 1.0,
                              gen).astype(work)
    data = np.zeros(n, dtype=work) if reduced else uniforms(n)
    for i in range(0, n - 15, 16):
        data[i:i + 16] = fill_16(uniforms(16) if reduced else data[i:i + 16])
    if n % 16:
        data[n - 16:] = fill_16(uniforms(16))
    return to_dtype_array(data, dtype)


def uniform_int_from_to(gen, dtype, span, base):
    """transformation::uniform_int_from_to: (draw % span) + base, the draw a random64() where
    span needs more than 32 bits and dtype is int64, double, float or bfloat16."""
    wide = dtype in (dtypes.int64, dtypes.float64, dtypes.float32, dtypes.bfloat16)
    draw = gen.random64() if wide and span >= 1 << 32 else gen.random()
    return draw % span + base
