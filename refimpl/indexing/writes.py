"""What the index, mask, gather and scatter kernels share: the order TensorIterator
visits elements in, writes at storage positions (with the unspecified values that
duplicate positions leave), float accumulation in kernel order and the overlap check
of their operands.

Ported from:
  aten/src/ATen/TensorIterator.cpp  reorder_dimensions (the visiting order)
  aten/src/ATen/native/cpu/IndexKernel.cpp, ScatterGatherKernel.cpp  the write loops
  aten/src/ATen/MemoryOverlap.cpp  assert_no_partial_overlap / assert_no_overlap
"""
from __future__ import annotations

import math

import numpy as np

from .. import dtypes
from ..elementwise import PARTIAL_OVERLAP, overlap_status
from ..storage import to_dtype_array
from ..tensor import Tensor


def sizes_str(sizes):
    """An IntArrayRef as c10 prints it: [1, 2, 3]."""
    return "[" + ", ".join(str(s) for s in sizes) + "]"


def iteration_order(shape, strides):
    """Elements (C-order flat numbers) in the order TensorIterator visits them: by
    position in a dense layout with the given strides."""
    n = math.prod(shape)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    p = np.zeros(shape, dtype=np.int64)
    for d, (s, st) in enumerate(zip(shape, strides)):
        sh = [1] * len(shape)
        sh[d] = s
        p = p + (np.arange(s, dtype=np.int64) * st).reshape(sh)
    return np.argsort(p.reshape(-1), kind="stable")


def write_at(t: Tensor, positions, values, undefined=None):
    """Write values at storage positions of t's storage."""
    storage = t._storage
    storage.data[positions] = values
    if undefined is not None and np.any(undefined):
        if storage.undefined is None:
            storage.undefined = np.zeros(storage.data.shape, dtype=bool)
        storage.undefined[positions] = undefined
    elif storage.undefined is not None:
        storage.undefined[positions] = False


def assert_no_overlap(a, b):
    status = overlap_status(a, b)
    if status in ("partial", "full"):
        raise RuntimeError(PARTIAL_OVERLAP)


def put(self, flat_pos, vals, vund, accumulate):
    """Write vals at flat_pos in order; duplicate positions accumulate (in order, rounding
    each add) or, without accumulate, keep an unspecified one of the values."""
    if flat_pos.size == 0:
        return
    data = self._storage.data
    und_store = self._storage.undefined
    if accumulate:
        cur = {}
        cur_und = {}
        for p, v, i in zip(flat_pos.tolist(), vals, range(len(vals))):
            if p not in cur:
                cur[p] = data[p]
                cur_und[p] = bool(und_store[p]) if und_store is not None else False
            with np.errstate(all="ignore"):
                if self.dtype.kind == "bool":
                    s = np.bool_(cur[p]) | np.bool_(v)
                elif self.dtype.kind == "int":   # wraps, as C++ integer adds do
                    s = to_dtype_array(np.array([cur[p]], dtype=np.int64) + np.array([v], dtype=np.int64),
                                       self.dtype)[0]
                else:
                    s = to_dtype_array(np.array(np.float64(cur[p]) + np.float64(v)), self.dtype)
            cur[p] = s
            cur_und[p] = cur_und[p] or (vund is not None and bool(vund[i]))
        ps = np.array(list(cur), dtype=np.int64)
        write_at(self, ps, np.array([cur[p] for p in cur]).astype(data.dtype),
                  np.array([cur_und[p] for p in cur]))
        return
    last = {}
    conflict = set()
    for i, p in enumerate(flat_pos.tolist()):
        if p in last:
            a, b = vals[last[p]], vals[i]
            if not (a == b or (np.isnan(a) and np.isnan(b))):
                conflict.add(p)
        last[p] = i
    ps = np.array(list(last), dtype=np.int64)
    vs = np.array([vals[last[p]] for p in last]).astype(data.dtype)
    und = np.array([p in conflict or (vund is not None and bool(vund[last[p]])) for p in last])
    write_at(self, ps, vs, und)


def accumulate_float(out, positions, vals, vund, round_once=False):
    """Float accumulation in the kernel's order, each add rounded to the dtype; positions
    where another summation order gives a value not close to it are unspecified."""
    data = out._storage.data
    groups = {}
    for i, p in enumerate(positions.tolist()):
        groups.setdefault(p, []).append(i)
    ps, vs, us = [], [], []
    rtol, atol = dtypes.TOLERANCE[out.dtype.name]
    for p, items in groups.items():
        start = np.float64(data[p])
        acc = start
        # reduced floats accumulated in a float32 buffer are rounded once at the end
        work = dtypes.float32 if (round_once and out.dtype in (dtypes.float16, dtypes.bfloat16)) else out.dtype
        with np.errstate(all="ignore"):
            for i in items:
                acc = to_dtype_array(np.array(np.float64(acc) + np.float64(vals[i])), work).astype(np.float64)
            back = start
            for i in reversed(items):
                back = to_dtype_array(np.array(np.float64(back) + np.float64(vals[i])), work).astype(np.float64)
            acc = to_dtype_array(np.array(acc), out.dtype).astype(np.float64)
            back = to_dtype_array(np.array(back), out.dtype).astype(np.float64)
        a, b = float(acc), float(back)
        close = (a == b) or (math.isnan(a) and math.isnan(b)) or (
            math.isfinite(a) and math.isfinite(b) and abs(a - b) <= atol + rtol * abs(a))
        und = (not close) or (out._storage.undefined is not None and bool(out._storage.undefined[p]))
        if vund is not None:
            und = und or any(bool(vund[i]) for i in items)
        ps.append(p)
        vs.append(acc)
        us.append(und)
    write_at(out, np.array(ps, dtype=np.int64),
              to_dtype_array(np.array(vs, dtype=np.float64), out.dtype), np.array(us))
