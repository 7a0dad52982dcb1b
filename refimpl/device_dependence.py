"""Results that depend on more than their inputs' metadata: on tensor data, on a kernel
running, on which dtypes the CPU kernels were compiled for, or on the CPU's random stream.

Most of what an op produces (its output's shape, strides, dtype, aliasing, and most of
the errors it raises) follows from its inputs' metadata, on every device. Four kinds of
result do not:

- DATA: a result computed from the data itself. A shape (nonzero, masked_select,
  indexing with a boolean mask), a check of values (an index out of range in
  index_select, gather, scatter or advanced indexing; an integer division by zero), a
  number read from a tensor (a 0-dim integer tensor used as an index).
- KERNEL: a check made as the kernel runs rather than before it: a Scalar converted to
  the dtype (value.to<scalar_t>(), c10::checked_convert), or Python data as torch.tensor
  stores it.
- CPU_DISPATCH: a dtype the CPU kernel was not compiled for (AT_DISPATCH's "not
  implemented for 'Bool'" error). Other devices' kernels are compiled for other dtypes.
- RANDOM_STREAM: values drawn from a CPU generator (mt19937, refimpl/random.py). CUDA
  draws from Philox, with its own offsets: the same seed gives other values.

A device without data (torch's meta device, which torch.compile and FakeTensor trace with)
runs no kernel: it cannot compute the first two kinds. Its ops raise NotImplementedError
(nonzero) or skip the check (an index out of range goes unnoticed). A device with kernels
of its own answers the third kind its own way. The code computing such a result notes it here, so a harness
comparing against another device knows which statements it cannot judge there:

    with noting() as notes:
        run the statement
    notes  # e.g. [("data", "index bounds")]
"""
from __future__ import annotations

from contextlib import contextmanager

DATA = "data"
KERNEL = "kernel"
CPU_DISPATCH = "cpu dispatch"
RANDOM_STREAM = "cpu random stream"

_noted = None   # the list the innermost noting() collects into, or None


def depends_on(kind, what):
    """Note that the result being computed depends on kind (DATA, KERNEL, CPU_DISPATCH,
    RANDOM_STREAM): what it is, in a few words."""
    if _noted is not None:
        _noted.append((kind, what))


def reads_data(what):
    depends_on(DATA, what)


def dtype_not_implemented(kernel, dtype):
    """The error AT_DISPATCH raises for a dtype a CPU kernel was not compiled for
    (aten/src/ATen/Dispatch.h), noted as CPU_DISPATCH-dependent."""
    depends_on(CPU_DISPATCH, f"{kernel} for {dtype.legacy_name}")
    return NotImplementedError(f'"{kernel}" not implemented for \'{dtype.legacy_name}\'')


@contextmanager
def noting():
    """Collect what the code run inside depends on beyond metadata: (kind, what) pairs."""
    global _noted
    outer, _noted = _noted, []
    try:
        yield _noted
    finally:
        _noted = outer
