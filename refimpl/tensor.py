"""The Tensor: a strided window (offset, sizes, strides) onto a shared Storage.

Modelled on c10/core/TensorImpl.h: element (i0, i1, ...) lives at
storage[offset + i0*stride0 + i1*stride1 + ...]. Views share the Storage and the
version counter. Ops live in their own modules, declared with @declare (registry.py) and
bound as methods by bindings.py.
"""
from __future__ import annotations

from math import prod

import numpy as np

from . import dtypes, layout
from .storage import Storage, VersionCounter, to_dtype_array


class Size(tuple):
    """torch.Size: a tuple of ints that prints as torch.Size([...])."""

    def __repr__(self):
        return f"torch.Size([{', '.join(str(s) for s in self)}])"

    __str__ = __repr__

    def numel(self):
        return prod(self)


# c10/core/DeviceType.cpp: the device types a device string may name, in torch's order
DEVICE_TYPES = ("cpu", "cuda", "ipu", "xpu", "mkldnn", "opengl", "opencl", "ideep", "hip", "ve",
                "fpga", "maia", "xla", "lazy", "vulkan", "mps", "meta", "hpu", "mtia",
                "privateuseone")


def _parse_device_string(spec):
    """c10::Device(const std::string&) (c10/core/Device.cpp): `type` or `type:index`, the
    index a non-negative decimal without leading zeros."""
    kind, sep, index = spec.partition(":")
    if kind not in DEVICE_TYPES:
        if not kind or not kind.replace("_", "").isalnum():
            raise RuntimeError(f"Invalid device string: '{spec}'")
        raise RuntimeError(f"Expected one of {', '.join(DEVICE_TYPES)} device type at start of "
                           f"device string: {kind}")
    if not sep:
        return kind, None
    if not index.isdigit() or (len(index) > 1 and index[0] == "0"):
        raise RuntimeError(f"Invalid device string: '{spec}'")
    return kind, int(index)


class device:
    """torch.device: a type and an optional index. Any device torch names can be described;
    refimpl's tensors live on the cpu only (check_cpu)."""

    def __init__(self, spec="cpu", index=None):
        if isinstance(spec, device):
            self.type, self.index = spec.type, spec.index
            return
        if isinstance(spec, int) and not isinstance(spec, bool):
            raise RuntimeError("refimpl only models the cpu device, got an accelerator index")
        self.type, self.index = _parse_device_string(str(spec))
        if index is not None:
            self.index = index

    def check_cpu(self):
        if self.type != "cpu":
            raise RuntimeError(f"refimpl only models the cpu device, got {str(self)!r}")
        return self

    def __repr__(self):
        if self.index is None:
            return f"device(type='{self.type}')"
        return f"device(type='{self.type}', index={self.index})"

    def __str__(self):
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other):
        if isinstance(other, str):
            other = device(other)
        return isinstance(other, device) and (self.type, self.index) == (other.type, other.index)

    def __hash__(self):
        return hash((self.type, self.index))


class UntypedStorage:
    """What Tensor.untyped_storage() returns: a handle on the shared Storage."""

    def __init__(self, storage: Storage):
        self._storage = storage

    def data_ptr(self):
        return self._storage.data_ptr()

    def nbytes(self):
        return self._storage.nbytes()

    def size(self):
        return self._storage.nbytes()

    def __len__(self):
        return self._storage.nbytes()


class Tensor:
    """A strided tensor. Construct through factory functions, views or ops."""

    def __init__(self, storage: Storage, offset: int, sizes, strides, dtype,
                 version: VersionCounter | None = None, base: "Tensor | None" = None):
        self._check_layout(storage, offset, sizes, strides, dtype)
        self._storage = storage
        self._offset = int(offset)
        self._sizes = tuple(int(s) for s in sizes)
        self._strides = tuple(int(s) for s in strides)
        self.dtype = dtype
        self._version_counter = version if version is not None else VersionCounter()
        self._base = base
        self.requires_grad = False
        self.grad_fn = None
        self.grad = None

    @staticmethod
    def _check_layout(storage, offset, sizes, strides, dtype):
        """Every tensor built must fit inside its storage (a private-constructor check,
        not user validation: failing it is a bug in refimpl)."""
        if len(sizes) != len(strides):
            raise AssertionError(f"refimpl bug: sizes {sizes} and strides {strides} differ in rank")
        if storage.dtype is not dtype:
            raise AssertionError("refimpl bug: storage dtype differs from tensor dtype")
        if any(s < 0 for s in sizes) or offset < 0:
            raise AssertionError(f"refimpl bug: negative size or offset {sizes} {offset}")
        if prod(sizes) > 0:
            last = offset + sum((s - 1) * st for s, st in zip(sizes, strides))
            if last >= storage.data.size:
                raise AssertionError(f"refimpl bug: view {sizes}/{strides}+{offset} "
                                     f"exceeds storage of {storage.data.size}")

    # ---- construction helpers ---------------------------------------------------
    @classmethod
    def _from_array(cls, values: np.ndarray, dtype, strides=None, undefined=None) -> "Tensor":
        """A new tensor owning a fresh storage, holding `values` (logical shape) laid
        out with `strides` (contiguous by default); `undefined` marks unspecified values."""
        sizes = tuple(values.shape)
        if strides is None:
            strides = layout.contiguous_strides(sizes)
        n = 0 if prod(sizes) == 0 else 1 + sum((s - 1) * st for s, st in zip(sizes, strides))
        data = np.zeros(n, dtype=dtype.np_storage)
        t = cls(Storage(data, dtype), 0, sizes, strides, dtype)
        if n:
            t._write(values, undefined)
        return t

    @classmethod
    def _empty(cls, sizes, dtype, strides=None) -> "Tensor":
        return cls._from_array(np.zeros(tuple(sizes), dtype=dtype.np_storage), dtype, strides)

    def _view(self, sizes, strides, offset=None) -> "Tensor":
        """A view: same storage and version counter, new geometry."""
        base = self._base if self._base is not None else self
        return Tensor(self._storage, self._offset if offset is None else offset,
                      sizes, strides, self.dtype, self._version_counter, base)

    # ---- element access -----------------------------------------------------------
    def _index_array(self) -> np.ndarray:
        """Storage position of every element: offset + sum(index * stride). Kept for the
        geometry it was computed for (read-only), since tensors are read far more often
        than they are restrided."""
        key = (self._offset, self._sizes, self._strides)
        cached = self.__dict__.get("_index_cache")
        if cached is not None and cached[0] == key:
            return cached[1]
        idx = np.full(self._sizes, self._offset, dtype=np.int64)
        for d, (size, stride) in enumerate(zip(self._sizes, self._strides)):
            shape = [1] * len(self._sizes)
            shape[d] = size
            idx = idx + (np.arange(size, dtype=np.int64) * stride).reshape(shape)
        idx.flags.writeable = False
        self._index_cache = (key, idx)
        return idx

    def _values(self) -> np.ndarray:
        """The elements in logical order, as a numpy array (a copy)."""
        if self.numel() == 0:
            return np.zeros(self._sizes, dtype=self.dtype.np_storage)
        return self._storage.data[self._index_array()]

    def _write(self, values, undefined=None) -> None:
        """Write values (broadcast to this tensor's shape) into the storage; `undefined`
        (a bool mask broadcastable to the shape, or None) marks unspecified values."""
        if self.numel() == 0:
            return
        idx = self._index_array()
        arr = np.broadcast_to(to_dtype_array(np.asarray(values), self.dtype), self._sizes)
        self._storage.data[idx] = arr
        storage = self._storage
        if undefined is not None and np.any(undefined):
            if storage.undefined is None:
                storage.undefined = np.zeros(storage.data.shape, dtype=bool)
            storage.undefined[idx] = np.broadcast_to(undefined, self._sizes)
        elif storage.undefined is not None:
            storage.undefined[idx] = False

    def _undefined_mask(self):
        """Which elements hold unspecified values (logical shape), or None if none do."""
        if self._storage.undefined is None or self.numel() == 0:
            return None
        mask = self._storage.undefined[self._index_array()]
        return mask if mask.any() else None

    def requires_grad_(self, requires_grad=True):
        if requires_grad and not self.dtype.is_floating_point:
            raise RuntimeError("only Tensors of floating point dtype can require gradients")
        self.requires_grad = bool(requires_grad)
        return self

    # ---- introspection --------------------------------------------------------------
    @property
    def shape(self):
        return Size(self._sizes)

    def size(self, dim=None):
        if dim is None:
            return Size(self._sizes)
        return self._sizes[layout.wrap_dim(dim, self.dim(), scalar_ok=False)]

    def stride(self, dim=None):
        if dim is None:
            return self._strides
        return self._strides[layout.wrap_dim(dim, self.dim(), scalar_ok=False)]

    def dim(self):
        return len(self._sizes)

    ndim = property(dim)

    def ndimension(self):
        return self.dim()

    def numel(self):
        return prod(self._sizes)

    def nelement(self):
        return self.numel()

    def storage_offset(self):
        return self._offset

    def is_contiguous(self, memory_format=None):
        if memory_format is not None and getattr(memory_format, "name", "") == "channels_last":
            return layout.is_channels_last_contiguous(self._sizes, self._strides)
        return layout.is_contiguous(self._sizes, self._strides)

    def is_floating_point(self):
        return self.dtype.is_floating_point

    def element_size(self):
        return self.dtype.itemsize

    @property
    def device(self):
        return device("cpu")

    @property
    def is_cuda(self):
        return False

    @property
    def is_leaf(self):
        return self.grad_fn is None

    @property
    def _version(self):
        return self._version_counter.value

    def _is_view(self):
        return self._base is not None

    def data_ptr(self):
        if self._storage.nbytes() == 0 or self.numel() == 0:
            return 0
        return self._storage.address + self._offset * self.dtype.itemsize

    def untyped_storage(self):
        return UntypedStorage(self._storage)

    def tolist(self):
        return _to_python(self._values(), self.dtype)

    def item(self):
        if self.numel() != 1:
            raise RuntimeError(
                f"a Tensor with {self.numel()} elements cannot be converted to Scalar")
        return _to_python(self._values().reshape(()), self.dtype)

    def __len__(self):
        if self.dim() == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._sizes[0]

    def __bool__(self):
        if self.numel() != 1:
            raise RuntimeError(
                "Boolean value of Tensor with more than one value is ambiguous"
                if self.numel() > 1 else "Boolean value of Tensor with no values is ambiguous")
        return bool(self.item())

    def __float__(self):
        return float(self.item())

    def __int__(self):
        return int(self.item())

    def __iter__(self):
        if self.dim() == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self.select(0, i) for i in range(self._sizes[0]))

    def __repr__(self):
        from .printing import tensor_repr
        return tensor_repr(self, dtypes.get_default_dtype().name)

    __str__ = __repr__

    __hash__ = object.__hash__


def _to_python(arr: np.ndarray, dtype):
    """numpy values -> nested Python bool/int/float, as Tensor.tolist() returns."""
    if dtype is dtypes.bool_:
        return arr.astype(bool).tolist()
    if dtype.kind == "int":
        return arr.astype(np.int64).tolist()
    return arr.astype(np.float64).tolist()
