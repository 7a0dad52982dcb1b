"""What each device can show: its capabilities, declared here rather than reported as
divergences.

A target's tensors live on its device; observation copies them to the CPU. Some devices
cannot show everything the oracle computes:

- `meta` tensors have no data. Their values cannot be read, every storage's data_ptr() is
  0, and a result that depends on the data (the shape of nonzero(), the Python value of
  item(), an index out of range, an integer division by zero) cannot be computed: meta
  kernels raise NotImplementedError or skip the check. Everything else is compared:
  shape, strides, storage offset, dtype, aliasing, version counter, autograd state and
  the errors that do not depend on values. Meta kernels are what torch.compile and
  FakeTensor trace with, so their strides must match eager's.
- Meta runs no kernel, so the checks a kernel makes as it runs (a Scalar that overflows
  the dtype) are not made there either.
- A device with kernels of its own is compiled for other dtypes than the CPU's: where
  the CPU refuses a dtype ("abs_cpu" not implemented for 'Bool'), it may not.
- Meta kernels are Python (torch/_meta_registrations.py, torch/_refs) with error messages
  of their own wording: on meta the class of an error is compared, not its message. Their
  strides are promised where they are significant (dims of size > 1, in tensors with
  elements): PyTorch's own meta and FakeTensor cross-reference tests compare those
  (torch._prims_common.check_significant_strides), and so does this suite on meta. The
  storage offset of a tensor without elements (unbind of an empty tensor) follows from
  such strides, and addresses nothing: it is not compared there either.
- A device with a generator of its own (CUDA's Philox) draws other values from the same
  seed: what a program draws there (torch.rand, a Dropout in training) is not compared.
- A device whose kernels reduce in another order (CUDA's block reductions accumulate
  float32 in float where the CPU's acc_type is double, aten/src/ATen/AccumulateType.h)
  gets its own tolerance for those dtypes.

Which statement's result depends on data, on a kernel running or on the CPU's dtype
dispatch is known from the oracle: refimpl notes it as it computes
(refimpl/device_dependence.py). Where such a statement's outcome differs on a device that
computes it otherwise, the rest of the program cannot be judged there, so the run stops
without a divergence (conformance.runner).

This module imports nothing beyond the standard library: worker processes, perhaps in
another interpreter, read it too.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Capabilities:
    device_type: str
    values: bool = True          # element values can be read (copied to the CPU)
    # what the device computes as the oracle does, of the results that depend on more than
    # metadata (refimpl.device_dependence: "data", "kernel", "cpu dispatch", "cpu random
    # stream")
    computes: frozenset = frozenset({"data", "kernel"})
    error_messages: bool = True  # its error messages are the CPU kernels' (else: the class)
    strides: str = "all"         # which strides are compared: all, or "significant"
    # how tensors sharing a storage are told apart: by its data_ptr(), or, where there is no
    # data (every data_ptr() is 0), by the StorageImpl the storage wraps
    storage_identity: str = "data_ptr"
    tolerances: dict = field(default_factory=dict)  # dtype -> (rtol, atol), over the oracle's

    def shows(self, prop):
        """Whether a divergence of property prop ("values", "grad.values", "error_message")
        can show on this device."""
        if prop.split(".")[-1] == "values":
            return self.values
        return self.error_messages or prop != "error_message"

    def not_compared(self):
        """What the report lists as not compared on this device (empty: everything is)."""
        out = []
        if not self.values:
            out.append("values")
        if "data" not in self.computes:
            out.append("results that depend on data")
        if "kernel" not in self.computes:
            out.append("checks made as a kernel runs")
        if "cpu dispatch" not in self.computes:
            out.append("the CPU kernels' dtype support")
        if "cpu random stream" not in self.computes and self.values:
            out.append("values drawn from a random stream (its own generator)")
        if not self.error_messages:
            out.append("error messages")
        if self.strides != "all":
            out.append("strides of size-1 dims, strides and offsets of empty tensors")
        return out


# Device types (the part before ":" of a device string) with capabilities of their own.
# Any other device (mps, xpu, a PrivateUse1 backend) is compared on everything but the
# CPU kernels' dtype support.
DECLARED = {
    "cpu": Capabilities("cpu", computes=frozenset({"data", "kernel", "cpu dispatch",
                                                   "cpu random stream"})),
    "meta": Capabilities(
        "meta", values=False, computes=frozenset(), error_messages=False,
        storage_identity="storage", strides="significant"),
    "cuda": Capabilities(
        "cuda",
        # reductions accumulate float32 in float (CPU: double) and in another order; half
        # and bfloat16 accumulate in float on both, in another order
        tolerances={"float32": (1e-5, 1e-5), "float16": (2e-3, 1e-3), "bfloat16": (1.6e-2, 1e-2)}),
}


def device_type(device):
    """The type of a device string ("cuda:1" -> "cuda"); None (the module's default) is cpu."""
    return (device or "cpu").split(":")[0]


@functools.lru_cache(maxsize=None)
def capabilities(device):
    """The capabilities of a device string."""
    kind = device_type(device)
    return DECLARED.get(kind) or Capabilities(kind)
