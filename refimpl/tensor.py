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
from .storage import NoVersionCounter, Storage, VersionCounter, ZeroStorage, to_dtype_array


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

    # autograd state (torch/csrc/autograd/variable.h AutogradMeta, DifferentiableViewMeta)
    _requires_grad = False        # a leaf's own flag
    _grad_fn = None
    _output_nr = 0
    _grad = None
    _retains_grad = False
    _is_inference = False
    _creation_meta = "default"    # how a view may be written in place (autograd/view_nodes.py)
    _attr_version = 0             # the version when a view's grad_fn was last set

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
        if base is not None:  # a view: may be written in place as its creation allows
            self._attr_version = self._version_counter.value

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
        from .autograd.grad_mode import MODE
        if MODE.inference:  # memory allocated in inference mode is an inference tensor's
            t = cls(Storage(data, dtype), 0, sizes, strides, dtype, NoVersionCounter())
            t._is_inference = True
        else:
            t = cls(Storage(data, dtype), 0, sizes, strides, dtype)
        if n:
            t._write(values, undefined)
        return t

    @classmethod
    def _efficient_zeros(cls, sizes, dtype) -> "Tensor":
        """at::_efficientzerotensor: a contiguous ZeroTensor (storage.ZeroStorage)."""
        sizes = tuple(sizes)
        data = np.zeros(prod(sizes), dtype=dtype.np_storage)
        return cls(ZeroStorage(data, dtype), 0, sizes, layout.contiguous_strides(sizes), dtype)

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

    # ---- autograd (torch/csrc/autograd/python_variable.cpp, variable.cpp) ------------
    @property
    def requires_grad(self):
        if self._requires_grad or self._grad_fn is not None:
            return True
        base = self._base
        # a view of a tensor that requires grad does, whatever its own dtype (an integer
        # one is possible through .data =): DifferentiableViewMeta::requires_grad
        return base is not None and base.requires_grad

    # the setters ask the C++ is_leaf(), which reads the grad_fn field as it is (no
    # regeneration of a view's grad_fn, as the is_leaf attribute does)
    @requires_grad.setter
    def requires_grad(self, value):
        if self._grad_fn is not None:
            raise RuntimeError(_requires_grad_leaf_error(value))
        self._set_requires_grad(bool(value), "only Tensors of floating point and complex dtype "
                                "can require gradients")

    def requires_grad_(self, requires_grad=True):
        if self._grad_fn is not None and not requires_grad:
            raise RuntimeError(_requires_grad_leaf_error(requires_grad))
        self._set_requires_grad(bool(requires_grad),
                                "only Tensors of floating point dtype can require gradients")
        return self

    def _set_requires_grad(self, value, dtype_error):
        from .autograd.grad_mode import MODE
        if value and not self.dtype.is_floating_point:
            raise RuntimeError(dtype_error)
        if value and self._is_inference and not MODE.inference:
            raise RuntimeError("Setting requires_grad=True on inference tensor outside "
                               "InferenceMode is not allowed.")
        if self._grad_fn is None:
            self._requires_grad = value

    @property
    def grad_fn(self):
        """A view written in place (or whose base was) gets an AsStridedBackward0 node
        the next time its grad_fn is read (VariableHooks::grad_fn)."""
        fn = self._grad_fn
        base = self._base
        if base is None:
            return fn
        if fn is None and not base.requires_grad:
            return None
        if self._attr_version != self._version_counter.value:
            from .autograd.view_nodes import handle_view_on_rebase
            from .autograd.view_nodes import regenerated_grad_fn
            handle_view_on_rebase(self, indirect=True)
            new = regenerated_grad_fn(base, self)
            if fn is not None and self._output_nr in fn.retained:
                new.retained[0] = fn.retained.pop(self._output_nr)
            self._grad_fn, self._output_nr = new, 0
            self._attr_version = self._version_counter.value
            return new
        return fn

    @property
    def is_leaf(self):
        return self.grad_fn is None

    @property
    def output_nr(self):
        return self._output_nr

    @property
    def grad(self):
        if not self.is_leaf and not self._retains_grad:
            import warnings
            warnings.warn(
                "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its "
                ".grad attribute won't be populated during autograd.backward(). If you indeed want "
                "the .grad field to be populated for a non-leaf Tensor, use .retain_grad() on the "
                "non-leaf Tensor. If you access the non-leaf Tensor by mistake, make sure you "
                "access the leaf Tensor instead. See github.com/pytorch/pytorch/pull/30531 for "
                "more information.", UserWarning, stacklevel=2)
        return self._grad

    @grad.setter
    def grad(self, value):
        """THPVariable_set_grad's checks."""
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError("assigned grad expected to be a Tensor or None but got grad of "
                                f"type {type(value).__name__}")
            if value is self:
                raise RuntimeError("can't assign Variable as its own grad")
            if value.dtype is not self.dtype:
                raise RuntimeError(
                    f"attempting to assign a gradient with dtype '{value.dtype.typemeta_name}' to "
                    f"a tensor with grad_dtype '{self.dtype.legacy_name}'. The gradient must match "
                    "the tensor's grad_dtype (defaults to the tensor's dtype). You can set the "
                    "tensor's grad_dtype attribute with a specific dtype, or None to allow any "
                    "dtype. Set grad_dtype with caution. Diverging the dtypes of a tensor and its "
                    "gradient may break downstream systems that assume they match.")
            if value._sizes != self._sizes:
                raise RuntimeError(
                    f"attempting to assign a gradient of size '[{', '.join(map(str, value._sizes))}]' "
                    f"to a tensor of size '[{', '.join(map(str, self._sizes))}]'. Please ensure "
                    "that the gradient and the tensor are the same size")
        self._grad = value

    @property
    def retains_grad(self):
        return self._retains_grad  # set by retain_grad() on a non-leaf only

    def retain_grad(self):
        if not self.requires_grad:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        if self._grad_fn is None or self._retains_grad:
            # C++ is_leaf() reads the raw grad_fn_: a view made under no_grad whose base
            # was then written is a leaf here, though its Python grad_fn raises
            return
        fn = self.grad_fn
        fn.retained[self._output_nr] = self
        self._retains_grad = True

    def is_inference(self):
        return self._is_inference

    @property
    def data(self):
        """The same storage, a new version counter, no history (variable_data()); an
        inference tensor's is one too, which has a version counter outside inference mode."""
        from .autograd.grad_mode import MODE
        t = Tensor(self._storage, self._offset, self._sizes, self._strides, self.dtype,
                   NoVersionCounter() if self._is_inference and MODE.inference else None)
        t._is_inference = self._is_inference
        return t

    @data.setter
    def data(self, new):
        """set_data: this tensor takes the other's storage and geometry, keeping its own
        version counter, history and grad."""
        if not isinstance(new, Tensor):
            raise TypeError(f"Variable data has to be a tensor, but got {type(new).__name__}")
        if self.requires_grad and not new.dtype.is_floating_point:
            raise RuntimeError("data set to a tensor that requires gradients must be floating "
                               "point or complex dtype")
        if new.dtype is not self.dtype:
            self.__dict__.pop("_grad_accumulator", None)
        self._storage, self._offset = new._storage, new._offset
        self._sizes, self._strides, self.dtype = new._sizes, new._strides, new.dtype
        self._is_inference = new._is_inference  # the other's key set comes along

    def detach_(self):
        from .autograd.grad_mode import MODE
        if MODE.inference or self._is_inference:
            return self  # below the autograd layer (no autograd keys): the history stays
        if self._base is not None:
            raise RuntimeError(
                "Can't detach views in-place. Use detach() instead. If you are using "
                "DistributedDataParallel (DDP) for training, and gradient_as_bucket_view is set "
                "as True, gradients are views of DDP buckets, and hence detach_() cannot be called "
                "on these gradients. To fix this error, please refer to the Optimizer.zero_grad() "
                "function in torch/optim/optimizer.py as the solution.")
        self._grad_fn, self._output_nr, self._requires_grad = None, 0, False
        return self

    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        from . import autograd
        autograd.backward(self, gradient, retain_graph, create_graph, inputs=inputs)

    def _type_string(self):
        """TensorBase::toString: torch.<X>Tensor, or CPU<X>Type for bool and bfloat16."""
        if self.dtype.name in ("bool", "bfloat16"):
            return f"CPU{self.dtype.legacy_name}Type"
        return f"torch.{self.dtype.legacy_name}Tensor"

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
    def _version(self):
        if isinstance(self._version_counter, NoVersionCounter):
            raise RuntimeError("Inference tensors do not track version counter.")
        return self._version_counter.value

    def _bump_version(self):
        """After an in-place write (the ADInplaceOrView kernel's increment_version). In
        inference mode that kernel runs only for an op with a normal tensor among its
        arguments (the mode drops the key from the always-included set), so a real counter
        an inference tensor carries (x.data = one; x.detach() outside the mode) is left as
        it is by an op of inference tensors alone."""
        if self._is_inference and not isinstance(self._version_counter, NoVersionCounter):
            from .autograd.grad_mode import MODE
            from .autograd.recording import KERNEL
            if MODE.inference and not KERNEL.keyed:
                return
        self._version_counter.bump()

    def _is_view(self):
        return self._base is not None

    def _is_zerotensor(self):
        return isinstance(self._storage, ZeroStorage)

    def data_ptr(self):
        if self._storage.nbytes() == 0 or self.numel() == 0 or self._is_zerotensor():
            return 0
        return self._storage.address + self._offset * self.dtype.itemsize

    def untyped_storage(self):
        return UntypedStorage(self._storage)

    def tolist(self):
        if self._is_zerotensor():
            raise RuntimeError("tolist() shouldn't be called on a tensor with unallocated storage")
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


def _requires_grad_leaf_error(requires_grad):
    message = "you can only change requires_grad flags of leaf variables."
    if not requires_grad:
        message += (" If you want to use a computed variable in a subgraph that doesn't require "
                    "differentiation use var_no_grad = var.detach().")
    return message


def _to_python(arr: np.ndarray, dtype):
    """numpy values -> nested Python bool/int/float, as Tensor.tolist() returns."""
    if dtype is dtypes.bool_:
        return arr.astype(bool).tolist()
    if dtype.kind == "int":
        return arr.astype(np.int64).tolist()
    return arr.astype(np.float64).tolist()
