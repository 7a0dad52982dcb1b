"""What is observed after every statement: a Snapshot of every live variable.

Only the public torch API is used on targets (shape, stride(), storage_offset(), dtype,
is_contiguous(), tolist(), _version, untyped_storage()); refimpl additionally reports
which values it leaves unspecified. Each property is read separately, so a target that
fails to answer one shows up as a divergence on that property, not as a crash.
"""
from __future__ import annotations

# Properties compared for tensors, in report order.
TENSOR_PROPERTIES = ("shape", "strides", "storage_offset", "dtype", "contiguous",
                     "values", "aliasing", "version")
# Properties of a statement (not of a variable).
STATEMENT_PROPERTIES = ("error", "error_message")
ALL_PROPERTIES = TENSOR_PROPERTIES + ("value",) + STATEMENT_PROPERTIES


class ObservationError:
    """Stands in for a property the target could not report."""

    def __init__(self, exc):
        self.text = f"{type(exc).__name__}: {exc}"

    def __eq__(self, other):
        return isinstance(other, ObservationError) and other.text == self.text

    def __repr__(self):
        return f"<could not observe: {self.text}>"


def _read(fn):
    try:
        return fn()
    except Exception as e:  # noqa: BLE001 - a target failing to answer is itself observed
        return ObservationError(e)


def dtype_name(d):
    return getattr(d, "name", None) or str(d).replace("torch.", "")


def _tensor_values(t, target):
    if target.is_refimpl:
        return t.tolist()
    return t.detach().cpu().tolist()


def observe_tensor(t, target):
    try:  # the common case: every property answers (one try, no closures)
        obs = {
            "shape": tuple(t.shape),
            "strides": tuple(t.stride()),
            "storage_offset": t.storage_offset(),
            "dtype": dtype_name(t.dtype),
            "contiguous": bool(t.is_contiguous()),
            "values": _tensor_values(t, target),
            "version": t._version,
            "_storage": target.storage_key(t),
        }
    except Exception:  # noqa: BLE001 - some property fails: observe each one on its own
        obs = _observe_each(t, target)
    if target.is_refimpl:
        mask = t._undefined_mask()
        obs["_undefined"] = None if mask is None else mask.tolist()
    return obs


def _observe_each(t, target):
    return {
        "shape": _read(lambda: tuple(t.shape)),
        "strides": _read(lambda: tuple(t.stride())),
        "storage_offset": _read(lambda: t.storage_offset()),
        "dtype": _read(lambda: dtype_name(t.dtype)),
        "contiguous": _read(lambda: bool(t.is_contiguous())),
        "values": _read(lambda: _tensor_values(t, target)),
        "version": _read(lambda: t._version),
        "_storage": _read(lambda: target.storage_key(t)),
    }


def is_tensor(x, target):
    return isinstance(x, target.module.Tensor)


def observe_value(x, target):
    """Python values a statement may produce (sizes, scalars, tuples)."""
    if isinstance(x, tuple):  # includes torch.Size
        return {"value": tuple(observe_value(v, target)["value"] if not is_tensor(v, target)
                               else "<tensor>" for v in x)}
    if isinstance(x, (bool, int, float, str, type(None))):
        return {"value": x}
    return {"value": f"<{type(x).__name__}>"}


def snapshot(env, target):
    """Observation of every live variable, plus storage-sharing groups."""
    snap = {}
    for name, x in env.items():
        snap[name] = observe_tensor(x, target) if is_tensor(x, target) else observe_value(x, target)
    _add_aliasing(snap)
    return snap


def _add_aliasing(snap):
    """aliasing: the other live tensors sharing storage, as a sorted tuple of names
    (a partition of the live tensors; never raw addresses)."""
    groups = {}
    for name, obs in snap.items():
        key = obs.get("_storage")
        if key is not None and not isinstance(key, ObservationError):
            groups.setdefault(key, []).append(name)
    for name, obs in snap.items():
        if "_storage" not in obs:
            continue
        key = obs["_storage"]
        if isinstance(key, ObservationError):
            obs["aliasing"] = key
        else:
            members = groups.get(key, []) if key is not None else []
            obs["aliasing"] = tuple(sorted(n for n in members if n != name))
