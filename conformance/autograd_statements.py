"""Autograd statements for the generator (conformance/generate.py).

Leaves that require grad (`x.requires_grad_()`, `x.requires_grad = True`, and factories
called with requires_grad=True), `y.retain_grad()`, backward (`out.sum().backward()`,
`out.backward(gradient=g)`, with retain_graph=True sometimes and a second backward through
a freed graph sometimes), `torch.autograd.grad(out, [x], ...)`, `x.grad = None`,
`x.grad.zero_()`, `x.detach()`, `x.detach_()`, `x.data`, `x.data = y`, grad-mode blocks
(no_grad, enable_grad, inference_mode, set_grad_enabled(b)) over a few statements, in-place
writes autograd refuses or checks later (to a leaf, a view of a leaf, a tensor saved for
backward and then backpropagated through), and optimizer-like steps under no_grad (`p -= lr * p.grad`,
`p.add_(p.grad, alpha=-lr)`).

A drawer adds its statements through the generator, which runs each on the oracle as it
is drawn, and returns whether it added any (False: the live state offers it nothing to
work on). Every statement carries an op name the campaign's coverage counts: the Python
name where there is one (backward, retain_grad, detach_, autograd.grad, no_grad, ...),
else grad_reset (x.grad = None), set_grad (x.grad = g), grad_zero (x.grad.zero_()), data
(x.data), set_data (x.data = y), set_requires_grad (x.requires_grad = b), and sgd_step (a
no_grad block updating a leaf from its grad).
"""
from __future__ import annotations

import functools

from .kinds import Ctx
from .kinds.base import INVALID_P
from .kinds.core import dtype_name, made_tensor
from .program import ATTRIBUTE, AUGMENTED, BLOCK, FUNCTION, METHOD, OPERATOR, SETATTR, Statement

AUTOGRAD_P = 0.2          # share of drawn statements that are autograd ones
# the share a generator uses unless told (Generator(autograd=...), the CLI's --autograd)
DEFAULT_AUTOGRAD = AUTOGRAD_P
REQUIRES_GRAD_P = 0.3     # float factory calls given requires_grad=True
FINAL_BACKWARD_P = 0.35   # programs that end in a backward
MAX_DEPTH = 2             # blocks nest at most this deep
BLOCK_REQUIRING_P = 0.75  # a block's statement works on a tensor that requires grad
# block managers: (op, manager function, its arguments)
MANAGERS = [("no_grad", "no_grad", []), ("enable_grad", "enable_grad", []),
            ("inference_mode", "inference_mode", []),
            ("set_grad_enabled", "set_grad_enabled", [False]),
            ("set_grad_enabled", "set_grad_enabled", [True])]
LEARNING_RATES = [0.1, 0.5, 1.0, -2.0]
# the ops of the statements drawn here that are no declared op (what a ledger entry may name)
STATEMENT_OPS = ("set_requires_grad", "requires_grad_", "retain_grad", "backward",
                 "autograd.grad", "set_grad", "grad_reset", "grad_zero", "detach_", "data",
                 "set_data", "sgd_step") + tuple(op for op, _, _ in MANAGERS)


# --- the live state, read through the public torch API ----------------------------------------
def _names(gen, test):
    """Live tensors for which test(tensor) holds, oldest first."""
    return [n for n in gen.tensor_names() if _holds(test, gen.env[n])]


def _holds(test, t):
    try:
        return test(t)
    except Exception:  # noqa: BLE001 - e.g. is_leaf of a view made in inference mode
        return False  # whose base was written to since: torch refuses to answer


def _has_grad(t):
    """Whether t holds a grad (read only where torch fills it: no warning)."""
    return (t.is_leaf or t.retains_grad) and t.grad is not None


def _float_leaf(t):
    """A float leaf that may be made to require grad. Not an inference tensor: torch
    records some ops on inference tensors that require grad (sub) and silently not others
    (sin, whose node would save it), which refimpl does not model (see README)."""
    return t.is_leaf and t.dtype.is_floating_point and not t.is_inference()


def _requires_grad(t):
    return t.requires_grad


def _computed(t):
    """A tensor autograd computed (it requires grad and is no leaf)."""
    return t.requires_grad and not t.is_leaf


def _leaf_requiring_grad(t):
    return t.requires_grad and t.is_leaf


def _pick(gen, names):
    """Mostly the newest of names."""
    return names[-1] if gen.chooser.boolean(0.4) else gen.chooser.choice(names)


def _pick_or_any(gen, names):
    """One of names, or (invalid on purpose, some of the time) any live tensor; None when
    there is none to pick."""
    if gen.chooser.boolean(INVALID_P):
        names = gen.tensor_names()
    return _pick(gen, names) if names else None


def _var(name):
    return {"var": name}


def _add(gen, op, form, args, kwargs=None, call=None, target=False, multiple_outputs=False):
    stmt = Statement(op=op, form=form, args=args, kwargs=kwargs or {}, call=call,
                     target=gen.new_var() if target else None)
    return gen.add_statement(stmt, multiple_outputs)


def _ops(gen, test):
    """The generator's ops taking a tensor self first for which test(op) holds."""
    return [o for o in gen.ops.values() if o.args[:1] == ("self",) and test(o)]


# --- requires_grad on factories -------------------------------------------------------------
@functools.lru_cache(maxsize=None)
def takes_requires_grad(family):
    from refimpl.registry import DECLARATIONS
    d = DECLARATIONS.get(family)
    return d is not None and any("requires_grad" in s for s in d.signatures)


def maybe_requires_grad(gen, op, stmt):
    """Some of the time, give a factory call that made a float tensor requires_grad=True
    (run again on the oracle; as it was if that raises)."""
    if gen.last_error is not None or not takes_requires_grad(op.family) or not stmt.target:
        return
    t = gen.env.get(stmt.target)
    if not _float_leaf(t) or not gen.chooser.boolean(REQUIRES_GRAD_P):
        return
    stmt.kwargs["requires_grad"] = True
    if gen.rerun(stmt) is not None:
        del stmt.kwargs["requires_grad"]
        gen.rerun(stmt)


# --- drawers ------------------------------------------------------------------------------------
def d_requires_grad(gen, depth):
    """x.requires_grad_() (or x.requires_grad = True) on a float leaf."""
    name = _pick_or_any(gen, _names(gen, lambda t: _float_leaf(t) and not t.requires_grad))
    if name is None or gen.env[name].is_inference():  # not modelled (see _float_leaf)
        return False
    flag = not gen.chooser.boolean(0.1)
    if gen.chooser.boolean(0.25):
        _add(gen, "set_requires_grad", SETATTR, [_var(name), flag], call="requires_grad")
    else:
        _add(gen, "requires_grad_", METHOD, [_var(name)] + ([] if flag else [False]))
    return True


def d_retain_grad(gen, depth):
    """y.retain_grad() on a non-leaf that requires grad."""
    name = _pick_or_any(gen, _names(gen, _computed))
    if name is None:
        return False
    _add(gen, "retain_grad", METHOD, [_var(name)])
    return True


def d_backward(gen, depth):
    """A backward from a tensor that requires grad (mostly a computed one)."""
    computed = _names(gen, _computed)
    roots = computed if computed and gen.chooser.boolean(0.8) else _names(gen, _requires_grad)
    name = _pick_or_any(gen, roots)
    if name is None:
        return False
    backward(gen, name)
    return True


def backward(gen, name):
    """name.backward() after a sum or mean, or name.backward(gradient=g); retain_graph=True
    some of the time, and a second backward (through the freed graph) some of the time."""
    c, t = gen.chooser, gen.env[name]
    kwargs = {}
    if t.dim() == 0 and c.boolean(0.7):
        pass
    elif c.boolean(0.6):
        reduce = "mean" if t.dtype.is_floating_point and c.boolean(0.4) else "sum"
        name = _add(gen, reduce, METHOD, [_var(name)], target=True).target
        if gen.last_error is not None:
            return
    else:
        shape = list(t.shape) + ([2] if c.boolean(INVALID_P) else [])
        kwargs["gradient"] = made_tensor(Ctx(gen), shape, dtype_name(t))
    if c.boolean(0.3):
        kwargs["retain_graph"] = True
    stmt = _add(gen, "backward", METHOD, [_var(name)], kwargs)
    if gen.last_error is None and c.boolean(0.2):
        _add(gen, "backward", METHOD, list(stmt.args), dict(stmt.kwargs))


def d_autograd_grad(gen, depth):
    """torch.autograd.grad(out, [x, ...]) of a scalar out, with retain_graph, create_graph
    and allow_unused some of the time; its grads are bound as out_0, out_1, ..."""
    c = gen.chooser
    computed = _names(gen, _computed)
    if not computed:
        return False
    out = _pick(gen, computed)
    if gen.env[out].dim() != 0 or c.boolean(0.1):
        out = _add(gen, "sum", METHOD, [_var(out)], target=True).target
        if gen.last_error is not None:
            return True
    leaves = _names(gen, _leaf_requiring_grad) or _names(gen, _requires_grad)
    inputs = sorted({_pick(gen, leaves) for _ in range(c.integer(1, 2))})
    kwargs = {key: True for key in ("retain_graph", "create_graph", "allow_unused")
              if c.boolean(0.25)}
    _add(gen, "autograd.grad", FUNCTION, [_var(out), {"list": [_var(n) for n in inputs]}],
         kwargs, call="autograd.grad", target=True, multiple_outputs=True)
    return True


def d_grad_reset(gen, depth):
    """x.grad = None, or x.grad = g with g of x's shape."""
    name = _pick_or_any(gen, _names(gen, _has_grad))
    if name is None:
        return False
    t = gen.env[name]
    if gen.chooser.boolean(0.25) and t.dtype.is_floating_point:
        g = made_tensor(Ctx(gen), list(t.shape), dtype_name(t))
        _add(gen, "set_grad", SETATTR, [_var(name), g], call="grad")
    else:
        _add(gen, "grad_reset", SETATTR, [_var(name), None], call="grad")
    return True


def d_grad_zero(gen, depth):
    """x.grad.zero_()."""
    names = _names(gen, _has_grad)
    if not names:
        return False
    _add(gen, "grad_zero", METHOD, [{"attr": [_pick(gen, names), "grad"]}], call="zero_")
    return True


def d_detach(gen, depth):
    """y = x.detach(), or x.detach_() (refused on views), mostly of a tensor requiring grad."""
    name = _pick_or_any(gen, _names(gen, _requires_grad))
    if name is None:
        return False
    if gen.chooser.boolean(0.7):
        _add(gen, "detach", METHOD, [_var(name)], target=True)
    else:
        _add(gen, "detach_", METHOD, [_var(name)])
    return True


def d_data(gen, depth):
    """y = x.data, or x.data = y (y of x's dtype, mostly), of a tensor requiring grad."""
    name = _pick_or_any(gen, _names(gen, _requires_grad))
    if name is None:
        return False
    dtype = gen.env[name].dtype
    # not an inference tensor: x.data = an inference tensor is not modelled (README)
    other = None if gen.chooser.boolean(0.6) else _pick_or_any(
        gen, [n for n in gen.tensor_names() if n != name and gen.env[n].dtype == dtype
              and not _holds(lambda t: t.is_inference(), gen.env[n])])
    if other is not None and _holds(lambda t: t.is_inference(), gen.env[other]):
        other = None   # (the invalid-on-purpose pick: any tensor)
    if other is None:
        _add(gen, "data", ATTRIBUTE, [_var(name)], target=True)
    else:
        _add(gen, "set_data", SETATTR, [_var(name), _var(other)], call="data")
    return True


def d_block(gen, depth):
    """with torch.no_grad() / enable_grad() / inference_mode() / set_grad_enabled(b): over a
    few statements (ordinary ones, autograd ones, blocks)."""
    op, manager, args = gen.chooser.choice(MANAGERS)
    stmt = Statement(op=op, form=BLOCK, args=list(args), call=manager, body=[])
    # a grad mode shows only on tensors that require grad: mostly, the program has one
    # before the block, and the block's statements work on one of them (where the ops are
    # drawn from many, a statement on any tensor rarely meets both the op and such a tensor)
    if gen.chooser.boolean(BLOCK_REQUIRING_P):
        _requiring(gen)
        if gen.last_error is not None:
            return True

    def fill():
        for _ in range(gen.chooser.integer(1, 3)):
            requiring = _names(gen, _requires_grad)
            if requiring and gen.chooser.boolean(BLOCK_REQUIRING_P):
                gen.prefer = _pick(gen, requiring)
            try:
                gen.draw(depth + 1)
            finally:
                gen.prefer = None
            if gen.last_error is not None:  # it ended the block
                return
    gen.add_block(stmt, fill)
    return True


def d_inplace(gen, depth):
    """An in-place op on a tensor autograd guards: a leaf that requires grad, a fresh view of
    one, or a computed tensor (which a later backward may find modified)."""
    c = gen.chooser
    inplace = _ops(gen, lambda o: o.output == "inplace")
    requiring = _names(gen, _requires_grad)
    if not inplace or not requiring:
        return False
    name = _pick(gen, requiring)
    views = _ops(gen, lambda o: o.output == "view")
    if name in _names(gen, _leaf_requiring_grad) and views and c.boolean(0.5):
        view = gen.add_with_self(c.choice(views), name)
        if gen.last_error is None and view.target and view.target in gen.tensor_names():
            name = view.target
    gen.add_with_self(c.choice(inplace), name)
    return True


def d_saved_write(gen, depth):
    """y = f(x), an in-place write to x or y (which f may have saved for backward), then a
    backward from y: torch's version check refuses it where f saved what was written."""
    c = gen.chooser
    computing = _ops(gen, lambda o: o.output == "new" and not o.creates)
    inplace = _ops(gen, lambda o: o.output == "inplace")
    requiring = _names(gen, _requires_grad)
    if not (computing and inplace and requiring):
        return False
    x = _pick(gen, _names(gen, _computed) or requiring)
    y = gen.add_with_self(c.choice(computing), x).target
    if gen.last_error is not None or y not in _names(gen, _requires_grad):
        return True
    written = x if x in _names(gen, _computed) and c.boolean(0.5) else y
    gen.add_with_self(c.choice(inplace), written)
    backward(gen, y)
    return True


def d_sgd_step(gen, depth):
    """Under no_grad, p -= lr * p.grad (two statements) or p.add_(p.grad, alpha=-lr)."""
    names = _names(gen, lambda t: _leaf_requiring_grad(t) and t.grad is not None)
    if not names:
        return False
    c, name = gen.chooser, _pick(gen, names)
    lr = c.choice(LEARNING_RATES)
    grad = {"attr": [name, "grad"]}

    def fill():
        if c.boolean(0.5):
            step = _add(gen, "mul", OPERATOR, [lr, grad], call="*", target=True)
            if gen.last_error is None:
                _add(gen, "sub_", AUGMENTED, [_var(name), _var(step.target)], call="-=")
        else:
            _add(gen, "add_", METHOD, [_var(name), grad], {"alpha": -lr})
    gen.add_block(Statement(op="sgd_step", form=BLOCK, call="no_grad", body=[]), fill)
    return True


# drawers, repeated by weight
DRAWERS = ([d_backward] * 3 + [d_requires_grad, d_block, d_inplace, d_autograd_grad] * 2
           + [d_saved_write, d_retain_grad, d_grad_reset, d_grad_zero, d_detach, d_data,
              d_sgd_step])
NESTING = (d_block, d_sgd_step)
# what may follow a program's final backward (drawers that need grads)
AFTER_BACKWARD = [d_sgd_step, d_grad_zero, d_grad_reset, d_backward]
AFTER_BACKWARD_P = 0.4


def draw(gen, depth=0):
    """Add one autograd statement (or block) the live state allows; whether one was added."""
    drawers = DRAWERS if depth < MAX_DEPTH else [d for d in DRAWERS if d not in NESTING]
    for _ in range(3):  # a drawer may find nothing to work on: another may
        if gen.chooser.choice(drawers)(gen, depth):
            return True
    return False


def final_backward(gen):
    """End the program in a backward whose grads the runner compares: from a computed
    tensor that requires grad, made from a float leaf that requires grad (set up here
    where the program has none)."""
    requiring = _requiring(gen)
    backward(gen, _pick(gen, _names(gen, _computed) or requiring))
    if gen.chooser.boolean(AFTER_BACKWARD_P):
        gen.chooser.choice(AFTER_BACKWARD)(gen, 0)


def _requiring(gen):
    """The live tensors that require grad; where there is none, a float leaf made to
    (x.requires_grad_()) and a tensor computed from it are set up first."""
    requiring = _names(gen, _requires_grad)
    if requiring:
        return requiring
    leaves = _names(gen, lambda t: _float_leaf(t) and not t.is_inference())
    leaf = _pick(gen, leaves) if leaves else _float_literal(gen)
    _add(gen, "requires_grad_", METHOD, [_var(leaf)])
    computing = _ops(gen, lambda o: o.output in ("new", "view") and not o.creates)
    if computing and gen.last_error is None:
        gen.add_with_self(gen.chooser.choice(computing), leaf)
    return _names(gen, _requires_grad) or [leaf]


def _float_literal(gen):
    """vN = torch.tensor(data, dtype=float32 or float64) of a small shape; its name."""
    c = gen.chooser
    shape = [c.integer(1, 3) for _ in range(c.integer(0, 2))]
    return made_tensor(Ctx(gen), shape, c.choice(["float32", "float64"]))["var"]
