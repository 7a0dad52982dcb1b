"""What is observed after every statement: a Snapshot of every live variable, and the
statement-level state (grad mode).

Only the public torch API is used on targets (shape, stride(), storage_offset(), dtype,
is_contiguous(), tolist(), _version, untyped_storage(), and for autograd requires_grad,
is_leaf, grad_fn, retains_grad, is_inference(), grad, torch.is_grad_enabled()); refimpl
additionally reports which values it leaves unspecified. Each property is read separately,
so a target that fails to answer one shows up as a divergence on that property, not as a
crash.

A module (where the target has torch.nn) and a state dict are observed through their
parts (container_entries): training flags, parameter and buffer names, state_dict keys,
repr, and each parameter, buffer or state-dict tensor as a tensor of its own.

Autograd is observed where the oracle models it (observes_autograd): a tensor's
requires_grad, is_leaf, grad_fn (its name()), next_functions ((name or None, output_nr) of
each edge of grad_fn), retains_grad, is_inference, and grad, read only where torch fills
it (a leaf, or a tensor that retains its grad) and observed as a nested tensor: its
shape, strides, dtype, values and aliasing, where it is named "<variable>.grad".
"""
from __future__ import annotations

import warnings

# Properties compared for tensors, in report order.
LAYOUT_PROPERTIES = ("shape", "strides", "storage_offset", "dtype", "contiguous",
                     "values", "aliasing", "version")
# A grad is compared on these (reported as grad.values, ...); "grad" itself: present or None.
GRAD_PROPERTIES = ("shape", "strides", "dtype", "values", "aliasing")
AUTOGRAD_TENSOR_PROPERTIES = ("requires_grad", "is_leaf", "grad_fn", "next_functions",
                              "retains_grad", "is_inference", "grad")
TENSOR_PROPERTIES = (LAYOUT_PROPERTIES + AUTOGRAD_TENSOR_PROPERTIES
                     + tuple(f"grad.{p}" for p in GRAD_PROPERTIES))
# Global modes, observed once per statement: property -> the module function that reads it
# (observed where the oracle has that function).
MODES = {"grad_enabled": "is_grad_enabled", "inference_mode": "is_inference_mode_enabled"}
# Properties of a statement (not of a variable).
STATEMENT_PROPERTIES = ("error", "error_message") + tuple(MODES)
ALL_PROPERTIES = TENSOR_PROPERTIES + ("value",) + STATEMENT_PROPERTIES
# The groups the report counts checks and failures by, each property in one of them.
PROPERTY_GROUPS = {
    "values": ("values", "value"),
    "shape": ("shape",),
    "strides": ("strides", "contiguous"),
    "offset": ("storage_offset",),
    "dtype": ("dtype",),
    "aliasing": ("aliasing",),
    "version": ("version",),
    "autograd": AUTOGRAD_TENSOR_PROPERTIES + tuple(f"grad.{p}" for p in GRAD_PROPERTIES)
    + tuple(MODES),
    "errors": ("error", "error_message"),
}
GROUP_OF = {prop: group for group, props in PROPERTY_GROUPS.items() for prop in props}
FAULTS = ("crash", "timeout")   # what a failure's property is where the target died or hung


def group_of(prop):
    """The group a failure's property is counted in (a crash or a timeout: its own kind)."""
    return prop if prop in FAULTS else GROUP_OF.get(prop, prop.split(".")[0])


def observed_groups(oracle):
    """The groups compared after every statement: all of them, autograd where the oracle
    models it."""
    return [g for g in PROPERTY_GROUPS if g != "autograd" or observes_autograd(oracle)]


UNSPECIFIED = "<unspecified>"   # a property refimpl says torch leaves implementation-defined
NOT_SHOWN = "<not shown by the device>"  # values of a device without data (conformance.devices)


class ObservationError:
    """Stands in for a property the target could not report."""

    def __init__(self, exc):
        self.text = f"{type(exc).__name__}: {exc}"

    def __eq__(self, other):
        return isinstance(other, ObservationError) and other.text == self.text

    def __repr__(self):
        return f"<could not observe: {self.text}>"


def _read(fn, *args):
    try:
        return fn(*args)
    except Exception as e:  # noqa: BLE001 - a target failing to answer is itself observed
        return ObservationError(e)


def dtype_name(d):
    return getattr(d, "name", None) or str(d).replace("torch.", "")


def observes_autograd(target):
    """Whether target models autograd (has is_grad_enabled). Autograd is observed, and
    autograd statements are drawn, where the oracle does."""
    return hasattr(target.module, "is_grad_enabled")


def observed_modes(target):
    """The MODES target can report (the oracle's decide what a run observes)."""
    return tuple(prop for prop, fn in MODES.items() if hasattr(target.module, fn))


def _tensor_values(t, target):
    if target.is_refimpl:
        return t.tolist()
    if not target.capabilities.values:
        return NOT_SHOWN
    return t.detach().cpu().tolist()


def _node_name(fn):
    return None if fn is None else fn.name()


def _edges(fn):
    """grad_fn.next_functions as (name or None, output_nr) pairs, or None without grad_fn."""
    return None if fn is None else tuple((_node_name(f), nr) for f, nr in fn.next_functions)


def observe_tensor(t, target, autograd=False):
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
        if autograd:
            leaf, retains, fn = t.is_leaf, t.retains_grad, t.grad_fn
            obs["requires_grad"] = t.requires_grad
            obs["is_leaf"] = leaf
            obs["grad_fn"] = None if fn is None else fn.name()
            obs["next_functions"] = None if fn is None else _edges(fn)
            obs["retains_grad"] = retains
            obs["is_inference"] = t.is_inference()
            obs["grad"] = _observe_grad(t.grad, target) if leaf or retains else None
    except Exception:  # noqa: BLE001 - some property fails: observe each one on its own
        obs = _read_each(t, target, TENSOR_READS + (AUTOGRAD_READS if autograd else ()))
    if target.is_refimpl:
        _add_undefined(obs, t)
    return obs


def _observe_grad(g, target):
    """A grad as a nested observation (None where there is none)."""
    if g is None:
        return None
    try:
        obs = {"shape": tuple(g.shape), "strides": tuple(g.stride()), "dtype": dtype_name(g.dtype),
               "values": _tensor_values(g, target), "_storage": target.storage_key(g)}
    except Exception:  # noqa: BLE001
        obs = _read_each(g, target, GRAD_READS)
    if target.is_refimpl:
        _add_undefined(obs, g)
    return obs


def _add_undefined(obs, t):
    """What refimpl leaves unspecified: values (a mask) and the version where torch's is
    implementation-defined (UNSPECIFIED, not compared)."""
    mask = t._undefined_mask()
    obs["_undefined"] = None if mask is None else mask.tolist()
    if "version" in obs and t._version_counter.unspecified:
        obs["version"] = UNSPECIFIED


# How each property is read, one at a time (when the one-try fast path fails).
READERS = {
    "shape": lambda t, target: tuple(t.shape),
    "strides": lambda t, target: tuple(t.stride()),
    "storage_offset": lambda t, target: t.storage_offset(),
    "dtype": lambda t, target: dtype_name(t.dtype),
    "contiguous": lambda t, target: bool(t.is_contiguous()),
    "values": _tensor_values,
    "version": lambda t, target: t._version,
    "_storage": lambda t, target: target.storage_key(t),
    "requires_grad": lambda t, target: t.requires_grad,
    "is_leaf": lambda t, target: t.is_leaf,
    "grad_fn": lambda t, target: _node_name(t.grad_fn),
    "next_functions": lambda t, target: _edges(t.grad_fn),
    "retains_grad": lambda t, target: t.retains_grad,
    "is_inference": lambda t, target: t.is_inference(),
    "grad": lambda t, target: _observe_grad(t.grad, target) if t.is_leaf or t.retains_grad else None,
}
TENSOR_READS = ("shape", "strides", "storage_offset", "dtype", "contiguous", "values", "version",
                "_storage")
AUTOGRAD_READS = AUTOGRAD_TENSOR_PROPERTIES
GRAD_READS = ("shape", "strides", "dtype", "values", "_storage")


def _read_each(t, target, names):
    return {name: _read(READERS[name], t, target) for name in names}


def is_tensor(x, target):
    return isinstance(x, target.module.Tensor)


def observe_value(x, target):
    """Python values a statement may produce (sizes, scalars, tuples and lists of them: a
    list is observed as a tuple)."""
    if isinstance(x, (tuple, list)):  # includes torch.Size and load_state_dict's result
        return {"value": tuple(observe_value(v, target)["value"] if not is_tensor(v, target)
                               else "<tensor>" for v in x)}
    if isinstance(x, str) and target.device is not None:
        return {"value": _without_device(x, target)}
    if isinstance(x, (bool, int, float, str, type(None), ObservationError)):
        return {"value": x}
    return {"value": f"<{type(x).__name__}>"}


def _without_device(text, target):
    """A legacy type name without its device part (x.type() on cuda is
    "torch.cuda.FloatTensor"; refimpl models the CPU's "torch.FloatTensor"): the device is
    the target's, not a property compared."""
    kind = target.capabilities.device_type
    return text.replace(f"torch.{kind}.", "torch.", 1) if kind != "cpu" else text


def snapshot(env, target, autograd=None):
    """Observation of every live variable, plus storage-sharing groups. autograd: whether
    to observe the autograd properties (None: where target models autograd)."""
    if autograd is None:
        autograd = observes_autograd(target)
    snap = {}
    with warnings.catch_warnings():  # reading .grad, say, may warn: not an observation
        warnings.simplefilter("ignore")
        for name, x in env.items():
            if is_tensor(x, target):
                snap[name] = observe_tensor(x, target, autograd)
                continue
            entries = container_entries(name, x, target)
            if entries is None:
                snap[name] = observe_value(x, target)
                continue
            for expr, obj in entries:
                snap[expr] = (observe_tensor(obj, target, autograd) if is_tensor(obj, target)
                              else observe_value(obj, target))
    _add_aliasing(snap)
    return snap


def _module_class(target):
    return getattr(getattr(target.module, "nn", None), "Module", None)


def container_entries(name, x, target):
    """What a module or a state dict is observed as, or None for anything else: (Python
    expression, object) pairs, each expression evaluating to its object in a repro script.

    A module: its training flag and each submodule's (m.training, m[0].training), the names
    named_parameters() and named_buffers() give in order, the keys of its state_dict(), its
    repr, then every parameter and buffer as a tensor (m.weight, m[0].running_mean: their
    values, layout, version, aliasing, requires_grad, grad). A dict (state_dict()'s
    OrderedDict): its keys, then each tensor value (sd['0.weight']), so that aliasing shows
    which ones share storage with the module's parameters."""
    module_class = _module_class(target)
    if module_class is not None and isinstance(x, module_class):
        return _module_entries(name, x)
    if isinstance(x, dict):
        return [(f"list({name})", tuple(x))] + [
            (f"{name}[{key!r}]", value) for key, value in x.items()]
    return None


def _module_entries(name, m):
    """Each read on its own: a module that fails to answer one is observed as failing
    there (an ObservationError), not as a crash."""
    from .program import attribute_path

    def names(fn):
        return tuple(n for n, _ in fn())
    modules = _read(lambda: list(m.named_modules()))
    out = [(f"list({name}.named_modules())", modules)] if isinstance(modules, ObservationError) \
        else [(attribute_path(name, path.split(".") if path else []) + ".training",
               _read(lambda sub=sub: sub.training)) for path, sub in modules]
    out += [(f"[n for n, _ in {name}.named_parameters()]", _read(names, m.named_parameters)),
            (f"[n for n, _ in {name}.named_buffers()]", _read(names, m.named_buffers)),
            (f"list({name}.state_dict())", _read(lambda: tuple(m.state_dict()))),
            (f"repr({name})", _read(repr, m))]
    members = _read(lambda: list(m.named_parameters()) + list(m.named_buffers()))
    for path, t in members if not isinstance(members, ObservationError) else ():
        out.append((attribute_path(name, path.split(".")), t))
    return out


def observe_modes(target, modes):
    """The global modes named in modes (see MODES) on target: property -> value."""
    return {prop: _read(_call, target.module, MODES[prop]) for prop in modes}


def _call(module, name):
    return getattr(module, name)()


def tensor_observations(snap):
    """(name, observation) of every observed tensor: the live ones and their grads, which
    are named "<variable>.grad"."""
    for name, obs in snap.items():
        if "_storage" in obs:
            yield name, obs
            grad = obs.get("grad")
            if isinstance(grad, dict):
                yield f"{name}.grad", grad


def observation_of(snap, name):
    """The observation of a live tensor or of a grad ("v1.grad") in snap; {} if none."""
    if name in snap:
        return snap[name]
    base, _, attr = name.rpartition(".")
    grad = snap.get(base, {}).get("grad") if attr == "grad" else None
    return grad if isinstance(grad, dict) else {}


def _add_aliasing(snap):
    """aliasing: the other live tensors and grads sharing storage, as a sorted tuple of names
    (a partition of the observed tensors; never raw addresses)."""
    observed = list(tensor_observations(snap))
    groups = {}
    for name, obs in observed:
        key = obs["_storage"]
        if key is not None and not isinstance(key, ObservationError):
            groups.setdefault(key, []).append(name)
    for name, obs in observed:
        key = obs["_storage"]
        if isinstance(key, ObservationError):
            obs["aliasing"] = key
        else:
            members = groups.get(key, []) if key is not None else []
            obs["aliasing"] = tuple(sorted(n for n in members if n != name))
