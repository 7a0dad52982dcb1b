"""nn.Module and random-stream statements for the generator (conformance/generate.py).

Where the oracle models torch.nn (refimpl.nn), a share of the statements (`modules`:
MODULES_P unless given; $CONFORMANCE_MODULES; 0 turns them off) build and use modules:

- construct: `m = torch.nn.Linear(3, 2)`, BatchNorm1d (momentum=None, affine=False,
  track_running_stats=False some of the time), Dropout(p), ReLU(), Identity(),
  Sequential(...) of live or new modules; weights set under no_grad (`m.weight.copy_(t)`,
  `m.bias.fill_(v)`) some of the time, drawn from the seeded stream otherwise;
- forward: `y = m(x)` on a live tensor of a fitting shape, or a new `torch.randn(...)`;
  `torch.nn.functional.dropout(x, p, training=b)`;
- modes: `m.train()`, `m.eval()`, `m.train(False)`, and on a child (`c = m[0]`);
- freezing: `m.weight.requires_grad = False`, `m.requires_grad_(False)`;
- training steps: `m.zero_grad()` (set_to_none or not), a backward from a module's output,
  manual SGD under no_grad (`m.weight.add_(m.weight.grad, alpha=-lr)`);
- state: `sd = m.state_dict()` (keep_vars sometimes), `m2.load_state_dict(sd)` (strict or
  not, between modules of matching or mismatching shapes), `m.register_buffer(...)`
  (persistent or not), conversions (`m.double()`, `m.float()`, `m.to(torch.float64)`);
- the random stream: `torch.manual_seed(s)`, `s = torch.get_rng_state()`,
  `torch.set_rng_state(s)`, `g.manual_seed(s)` on a live generator.

Modules, state dicts and their tensors are observed as conformance.observe
container_entries says. Every statement carries an op name the campaign's coverage counts
(STATEMENT_OPS).
"""
from __future__ import annotations

import os

from .autograd_statements import backward
from .kinds.random import SEEDS, generator_names
from .observe import dtype_name
from .program import BLOCK, CALL, FUNCTION, GETITEM, METHOD, SETATTR, Statement

MODULES_P = 0.12
DEFAULT_MODULES = float(os.environ.get("CONFORMANCE_MODULES", MODULES_P))
SET_WEIGHTS_P = 0.3
LEARNING_RATES = [0.1, 0.5, -1.0]
# op names of the statements drawn here (what a ledger entry may name)
STATEMENT_OPS = ("nn.Linear", "nn.BatchNorm1d", "nn.Dropout", "nn.ReLU", "nn.Identity",
                 "nn.Sequential", "nn.functional.dropout", "module_call", "train", "eval",
                 "submodule", "set_requires_grad", "requires_grad_", "zero_grad", "sgd_step",
                 "state_dict", "load_state_dict", "register_buffer", "double", "float", "to",
                 "manual_seed", "get_rng_state", "set_rng_state", "generator_manual_seed",
                 "Generator", "set_weight")


def models_modules(oracle):
    """Whether the oracle models torch.nn."""
    return hasattr(getattr(oracle.module, "nn", None), "Module")


# --- the live state ----------------------------------------------------------------------------
def module_names(gen, kind=None):
    """Live modules (of the class named kind, if given), oldest first."""
    nn = gen.oracle.module.nn
    cls = getattr(nn, kind) if kind else nn.Module
    return [n for n, v in gen.env.items() if isinstance(v, cls)]


def _var(name):
    return {"var": name}


def _attr(name, *path):
    return {"attr": [name, *path]}


def _add(gen, op, form, args, kwargs=None, call=None, target=False):
    stmt = Statement(op=op, form=form, args=args, kwargs=kwargs or {}, call=call,
                     target=gen.new_var() if target else None)
    return gen.add_statement(stmt)


def _float_tensors(gen, test=lambda t: True):
    return [n for n in gen.tensor_names()
            if gen.env[n].dtype.is_floating_point and _holds(test, gen.env[n])]


def _holds(test, t):
    try:
        return test(t)
    except Exception:  # noqa: BLE001
        return False


def _features(gen):
    """A feature count: the last size of a live float tensor, often; else 1 to 4."""
    c = gen.chooser
    sizes = [gen.env[n].shape[-1] for n in _float_tensors(gen, lambda t: t.dim() >= 1)]
    sizes = [s for s in sizes if 0 < s <= 6]
    return c.choice(sizes) if sizes and c.boolean(0.6) else c.integer(1, 4)


# --- construction ------------------------------------------------------------------------------
def _new_linear(gen):
    c = gen.chooser
    kwargs = {"bias": False} if c.boolean(0.2) else {}
    args = [_features(gen), c.integer(1, 4)]
    return _add(gen, "nn.Linear", FUNCTION, args, kwargs, target=True)


def _new_batchnorm(gen):
    c = gen.chooser
    kwargs = {}
    roll = c.integer(0, 9)
    if roll == 0:
        kwargs["momentum"] = None
    elif roll == 1:
        kwargs["affine"] = False
    elif roll == 2:
        kwargs["track_running_stats"] = False
    elif roll == 3:
        kwargs["momentum"] = 0.5
    return _add(gen, "nn.BatchNorm1d", FUNCTION, [_features(gen)], kwargs, target=True)


def _new_dropout(gen):
    c = gen.chooser
    p = c.choice([0.0, 0.2, 0.5, 0.5, 0.9, 1.0]) if not c.boolean(0.04) else 1.5
    kwargs = {"inplace": True} if c.boolean(0.15) else {}
    return _add(gen, "nn.Dropout", FUNCTION, [p], kwargs, target=True)


def _new_plain(gen, kind):
    return _add(gen, f"nn.{kind}", FUNCTION, [], target=True)


def _new_sequential(gen):
    c = gen.chooser
    parts = []
    width = c.integer(1, 4)
    for i in range(c.integer(1, 3)):
        stage = c.integer(0, 5)
        if stage <= 2:
            stmt = _add(gen, "nn.Linear", FUNCTION, [width, c.integer(1, 4)], target=True)
            width = gen.env[stmt.target].out_features if gen.last_error is None else width
        elif stage == 3:
            stmt = _add(gen, "nn.BatchNorm1d", FUNCTION, [width], target=True)
        elif stage == 4:
            stmt = _new_plain(gen, "ReLU")
        else:
            stmt = _new_dropout(gen)
        if gen.last_error is None:
            parts.append(_var(stmt.target))
    return _add(gen, "nn.Sequential", FUNCTION, parts, target=True)


CONSTRUCTORS = ([_new_linear] * 3 + [_new_batchnorm] * 2 + [_new_dropout, _new_sequential] * 2
                + [lambda gen: _new_plain(gen, "ReLU"), lambda gen: _new_plain(gen, "Identity")])


def _in_inference_mode(gen):
    """Whether the oracle is inside an inference_mode block: modules built there have
    inference parameters that require grad, and a tensor made there that requires grad is
    an inference tensor too, which refimpl does not model (see README)."""
    return getattr(gen.oracle.module, "is_inference_mode_enabled", lambda: False)()


def d_construct(gen, depth):
    if _in_inference_mode(gen):
        return False
    stmt = gen.chooser.choice(CONSTRUCTORS)(gen)
    if gen.last_error is None and gen.chooser.boolean(SET_WEIGHTS_P):
        _set_weights(gen, stmt.target)
    return True


def _set_weights(gen, name):
    """Given weights, under no_grad: m.weight.copy_(torch.tensor(...)), m.bias.fill_(v)."""
    from .kinds import Ctx
    from .kinds.base import tensor_literal
    m = gen.env[name]
    params = [(path, p) for path, p in m.named_parameters()]
    if not params:
        return

    def body():
        for path, p in params:
            target = _attr(name, *path.split("."))
            if gen.chooser.boolean(0.3):
                _add(gen, "set_weight", METHOD, [target, gen.chooser.integer(-4, 4) / 2.0],
                     call="fill_")
            else:
                values = [gen.chooser.integer(-8, 8) / 4.0 for _ in range(p.numel())]
                source = tensor_literal(Ctx(gen), values, list(p.shape), "float32")
                _add(gen, "set_weight", METHOD, [target, source], call="copy_")
    gen.add_block(Statement(op="set_weight", form=BLOCK, call="no_grad", body=[]), body)


# --- forward -----------------------------------------------------------------------------------
def _input_for(gen, m):
    """A live float tensor the module takes, often; else a new torch.randn of a fitting
    shape (a batch of 1 to 4; 3-d now and then for BatchNorm1d)."""
    c = gen.chooser
    nn = gen.oracle.module.nn
    first = _first_layer(m, nn)
    want = None
    if isinstance(first, nn.Linear):
        want = lambda t: t.dim() >= 1 and t.shape[-1] == first.in_features   # noqa: E731
    elif isinstance(first, nn.BatchNorm1d):
        want = lambda t: t.dim() in (2, 3) and t.shape[1] == first.num_features   # noqa: E731
    live = _float_tensors(gen, want or (lambda t: t.dim() >= 1))
    if live and c.boolean(0.5):
        return live[-1] if c.boolean(0.5) else c.choice(live)
    features = getattr(first, "in_features", None) or getattr(first, "num_features", None) \
        or c.integer(1, 4)
    shape = [c.integer(1, 4), features]
    if isinstance(first, nn.BatchNorm1d) and c.boolean(0.2):
        shape.append(c.integer(1, 3))
    kwargs = {"requires_grad": True} if c.boolean(0.3) and not _in_inference_mode(gen) else {}
    return gen.add_setup("randn", [{"tuple": shape}], kwargs)["var"]


def _first_layer(m, nn):
    while isinstance(m, nn.Sequential) and len(m):
        m = m[0]
    return m


def _forward(gen):
    """`y = m(x)` on a live module; the statement, or None without one."""
    names = module_names(gen)
    if not names:
        return None
    name = names[-1] if gen.chooser.boolean(0.5) else gen.chooser.choice(names)
    x = _input_for(gen, gen.env[name])
    return _add(gen, "module_call", CALL, [_var(name), _var(x)], target=True)


def d_forward(gen, depth):
    return _forward(gen) is not None


def d_functional_dropout(gen, depth):
    c = gen.chooser
    names = _float_tensors(gen)
    if not names:
        return False
    kwargs = {"training": c.boolean(0.7)}
    if c.boolean(0.2):
        kwargs["inplace"] = True
    _add(gen, "nn.functional.dropout", FUNCTION,
         [_var(c.choice(names)), c.choice([0.0, 0.3, 0.5, 1.0])], kwargs, target=True)
    return True


# --- modes, freezing, steps --------------------------------------------------------------------
def _pick_module(gen):
    names = module_names(gen)
    if not names:
        return None
    return names[-1] if gen.chooser.boolean(0.4) else gen.chooser.choice(names)


def d_mode(gen, depth):
    c = gen.chooser
    name = _pick_module(gen)
    if name is None:
        return False
    seqs = [n for n in module_names(gen, "Sequential") if len(gen.env[n])]
    if seqs and c.boolean(0.3):   # a child, reached by index (the same object)
        seq = c.choice(seqs)
        stmt = _add(gen, "submodule", GETITEM, [_var(seq), c.integer(-1, len(gen.env[seq]) - 1)],
                    target=True)
        name = stmt.target
    roll = c.integer(0, 5)
    if roll <= 1:
        _add(gen, "eval", METHOD, [_var(name)])
    elif roll <= 3:
        _add(gen, "train", METHOD, [_var(name)])
    elif roll == 4:
        _add(gen, "train", METHOD, [_var(name), c.boolean()])
    else:
        _add(gen, "train", METHOD, [_var(name), c.choice([1, "no"])])   # not a bool: refused
    if c.boolean(0.5):   # a forward in the mode just set (of the whole model, mostly)
        _forward(gen)
    return True


def _parameter_paths(gen, name):
    return [path for path, _ in gen.env[name].named_parameters()]


def d_freeze(gen, depth):
    c = gen.chooser
    name = _pick_module(gen)
    if name is None:
        return False
    paths = _parameter_paths(gen, name)
    if paths and c.boolean(0.6):
        target = _attr(name, *c.choice(paths).split("."))
        _add(gen, "set_requires_grad", SETATTR, [target, c.boolean(0.2)], call="requires_grad")
    else:
        _add(gen, "requires_grad_", METHOD, [_var(name)] + ([False] if c.boolean(0.8) else []))
    return True


def d_zero_grad(gen, depth):
    name = _pick_module(gen)
    if name is None:
        return False
    kwargs = {"set_to_none": False} if gen.chooser.boolean(0.4) else {}
    _add(gen, "zero_grad", METHOD, [_var(name)], kwargs)
    return True


def d_train_step(gen, depth):
    """A forward, a backward from its output, and (some of the time) an SGD step (a
    forward alone where autograd statements are off)."""
    stmt = _forward(gen)
    if not gen.autograd:
        return stmt is not None
    if stmt is None:
        return False
    out = stmt.target
    if gen.last_error is None and _holds(lambda t: t.requires_grad, gen.env.get(out)):
        backward(gen, out)
        if gen.last_error is None and gen.chooser.boolean(0.6):
            d_sgd_step(gen, depth)
    return True


def d_sgd_step(gen, depth):
    """with torch.no_grad(): p.add_(p.grad, alpha=-lr) for a module's parameters that have
    a grad (and one that may not, now and then: add_ refuses None)."""
    c = gen.chooser
    name = _pick_module(gen)
    if name is None:
        return False
    m = gen.env[name]
    paths = [path for path, p in m.named_parameters() if p.grad is not None]
    if c.boolean(0.1):
        paths = _parameter_paths(gen, name)[:1]
    if not paths:
        return False
    lr = c.choice(LEARNING_RATES)

    def body():
        for path in paths:
            p = _attr(name, *path.split("."))
            _add(gen, "sgd_step", METHOD, [p, _attr(name, *path.split("."), "grad")],
                 {"alpha": -lr}, call="add_")
    gen.add_block(Statement(op="sgd_step", form=BLOCK, call="no_grad", body=[]), body)
    return True


# --- state -----------------------------------------------------------------------------------
def d_state_dict(gen, depth):
    c = gen.chooser
    name = _pick_module(gen)
    if name is None:
        return False
    kwargs = {"keep_vars": True} if c.boolean(0.2) else {}
    sd = _add(gen, "state_dict", METHOD, [_var(name)], kwargs, target=True).target
    if gen.last_error is None and c.boolean(0.6):
        _load_into(gen, sd)
    return True


def _load_into(gen, sd):
    """load_state_dict into a module: the one it came from, another live one (whose keys
    or shapes may not match), or a new one built like it."""
    c = gen.chooser
    names = module_names(gen)
    into = c.choice(names)
    kwargs = {"strict": False} if c.boolean(0.3) else {}
    _add(gen, "load_state_dict", METHOD, [_var(into), _var(sd)], kwargs, target=True)


def d_load_state_dict(gen, depth):
    sds = [n for n, v in gen.env.items() if isinstance(v, dict)]
    if not sds or not module_names(gen):
        return False
    _load_into(gen, gen.chooser.choice(sds))
    return True


def d_register_buffer(gen, depth):
    c = gen.chooser
    name = _pick_module(gen)
    if name is None or not gen.tensor_names():
        return False
    kwargs = {"persistent": False} if c.boolean(0.4) else {}
    buffer = c.choice(["extra", "stats", "running_mean" if c.boolean(0.2) else "extra"])
    _add(gen, "register_buffer", METHOD, [_var(name), buffer, _var(gen.pick_tensor())], kwargs)
    return True


def d_convert(gen, depth):
    c = gen.chooser
    name = _pick_module(gen)
    if name is None:
        return False
    roll = c.integer(0, 2)
    if roll == 0:
        _add(gen, "double", METHOD, [_var(name)])
    elif roll == 1:
        _add(gen, "float", METHOD, [_var(name)])
    else:
        _add(gen, "to", METHOD, [_var(name), {"dtype": c.choice(["float64", "float32"])}])
    return True


# --- the random stream -------------------------------------------------------------------------
def d_seed(gen, depth):
    c = gen.chooser
    roll = c.integer(0, 5)
    if roll <= 2:
        _add(gen, "manual_seed", FUNCTION, [c.choice(SEEDS)])
        return True
    states = [n for n, v in gen.env.items() if isinstance(v, gen.oracle.module.Tensor)
              and dtype_name(v.dtype) == "uint8" and v.dim() == 1 and v.numel() > 1000]
    if roll == 3:
        _add(gen, "get_rng_state", FUNCTION, [], target=True)
        return True
    if roll == 4:
        if not states:   # a state to go back to, and something drawn after it
            states = [_add(gen, "get_rng_state", FUNCTION, [], target=True).target]
            gen.add_setup("rand", [c.integer(1, 3)], {})
        _add(gen, "set_rng_state", FUNCTION, [_var(c.choice(states))])
        return True
    generators = generator_names(gen)
    if not generators:
        return False
    _add(gen, "generator_manual_seed", METHOD, [_var(c.choice(generators)), c.choice(SEEDS)],
         call="manual_seed")
    return True


DRAWERS = ([d_construct] * 3 + [d_forward] * 4 + [d_train_step] * 3
           + [d_mode, d_freeze, d_zero_grad, d_sgd_step, d_state_dict] * 2
           + [d_load_state_dict, d_register_buffer, d_convert, d_seed, d_functional_dropout])


AUTOGRAD_DRAWERS = (d_sgd_step, d_freeze, d_zero_grad)   # off where autograd statements are


def draw(gen, depth=0):
    """Add one module or random-stream statement the live state allows; whether one was."""
    if not module_names(gen) and gen.chooser.boolean(0.8) and not _in_inference_mode(gen):
        return d_construct(gen, depth)
    drawers = DRAWERS if gen.autograd else [d for d in DRAWERS if d not in AUTOGRAD_DRAWERS]
    for _ in range(3):
        if gen.chooser.choice(drawers)(gen, depth):
            return True
    return False
