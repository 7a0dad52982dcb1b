"""torch's default CPU random stream: the mt19937 engine and the uniform conversions.

Ported from aten/src/ATen/core/MT19937RNGEngine.h (the engine: seeding as
init_with_uint32, the 624-word twist and the tempering), aten/src/ATen/CPUGeneratorImpl.cpp
(random(): one 32-bit draw; random64(): two, the first as the high half) and
aten/src/ATen/core/TransformationHelper.h uniform_real (a draw masked to 24 bits for float,
half and bfloat16, 53 for double, times 2**-bits, scaled to [from, to) in the dtype's CPU
accumulation type).

This is the groundwork of issue 12: the ops that draw from it (rand, uniform_, ...) are not
declared yet, so the generator does not fuzz them. Where a device's stream differs (CUDA's
Philox), values are not comparable.
"""
from __future__ import annotations

import numpy as np

from . import dtypes
from .storage import to_dtype_array

_N, _M = 624, 397
_MATRIX_A, _UPPER, _LOWER = 0x9908B0DF, 0x80000000, 0x7FFFFFFF


class Generator:
    """A CPU generator: torch.Generator().manual_seed(s) and torch.manual_seed(s) seed
    one of these."""

    def __init__(self, seed=67280421310721):   # default_rng_seed_val (CPUGeneratorImpl.h)
        self.manual_seed(seed)

    def manual_seed(self, seed):
        """mt19937(seed): the state from the low 32 bits of seed (init_with_uint32)."""
        self._seed = int(seed)
        state = [self._seed & 0xFFFFFFFF]
        for i in range(1, _N):
            prev = state[-1]
            state.append((1812433253 * (prev ^ (prev >> 30)) + i) & 0xFFFFFFFF)
        self._state, self._left = state, _N   # _left: words used since the last twist
        return self

    def initial_seed(self):
        return self._seed

    def _twist(self):
        s = self._state
        for k in range(_N):
            y = (s[k] & _UPPER) | (s[(k + 1) % _N] & _LOWER)
            s[k] = s[(k + _M) % _N] ^ (y >> 1) ^ (_MATRIX_A if y & 1 else 0)
        self._left = 0

    def random(self):
        """One 32-bit draw (mt19937's operator(), tempered)."""
        if self._left >= _N:
            self._twist()
        y = self._state[self._left]
        self._left += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9D2C5680
        y ^= (y << 15) & 0xEFC60000
        return y ^ (y >> 18)

    def random64(self):
        """Two 32-bit draws, the first as the high half (make64BitsFrom32Bits)."""
        hi = self.random()
        return (hi << 32) | self.random()


default_generator = Generator()


def manual_seed(seed):
    """torch.manual_seed: seeds the default CPU generator; returns it."""
    return default_generator.manual_seed(seed)


def initial_seed():
    return default_generator.initial_seed()


def uniform_values(n, dtype, low=0.0, high=1.0, generator=None):
    """n values of uniform_(low, high) in dtype, drawn one after another as the CPU's
    serial uniform kernel draws them (element order of a contiguous output), as an array
    in dtype's storage type. float and double are scaled in double (their CPU acc_type),
    half and bfloat16 in float; a value that rounds up to high in dtype is low instead, so
    that the result stays in [low, high) (aten/src/ATen/native/cpu/DistributionTemplates.h
    uniform_kernel)."""
    gen = generator or default_generator
    if dtype is dtypes.float64:
        x = np.array([(gen.random64() & ((1 << 53) - 1)) for _ in range(n)], dtype=np.float64)
        x *= 2.0 ** -53
    else:
        acc = np.float64 if dtype is dtypes.float32 else np.float32
        x = np.array([(gen.random() & ((1 << 24) - 1)) for _ in range(n)], dtype=acc)
        x *= acc(2.0 ** -24)
    acc = x.dtype.type
    values = to_dtype_array(x * acc(high - low) + acc(low), dtype)
    top, bottom = to_dtype_array(np.array(high), dtype), to_dtype_array(np.array(low), dtype)
    return np.where(values == top, bottom, values)
