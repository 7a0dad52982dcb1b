"""The call surface users type, derived from an op's declared signatures (refimpl.registry):
arguments by keyword instead of by position, `out=` where torch.f has it, and malformed
calls on purpose (unknown or repeated keywords, a missing, extra or wrongly typed
argument), which torch's Python argument parser refuses with a TypeError that refimpl's
port (refimpl/argparse.py) must word the same.

respell() takes a statement's arguments as the argument kinds drew them and returns them
respelled, with the name of the spelling (counted in the campaign's coverage).
"""
from __future__ import annotations

import functools

from .program import FUNCTION, METHOD, decode_value

# out= is drawn for the ops whose out is a TensorIterator output (declared out_via="kernel":
# the elementwise ops; refimpl/elementwise.py models its overlap, resize and dtype rules).
# The other ops' out= (refimpl/bindings.py write_out and each op's out_check, tested in
# tests/refimpl/test_out.py) is not drawn yet: where their meta checks, out's checks and
# their kernels' errors interleave is not modelled, so a call wrong in two ways could
# raise a different error first.
KEYWORDS_P, OUT_P, MALFORMED_P = 0.18, 0.07, 0.04
MALFORMED = ("unknown_keyword", "repeated_keyword", "missing_argument", "extra_argument",
             "wrong_type")


@functools.lru_cache(maxsize=None)
def _parser(family, name, method):
    from refimpl.argparse import Parser
    from refimpl.registry import DECLARATIONS, renamed
    d = DECLARATIONS.get(family)
    if d is None or not d.parsed:
        return None
    sigs = d.method_signatures if method else d.signatures
    return Parser([renamed(s, name) for s in sigs], method=method) if sigs else None


def _positional(sig):
    return [p for p in sig.params if not p.kwarg_only]


def respell(gen, op, form, args, kwargs):
    """(args, kwargs, spelling) for the statement about to be built."""
    if form not in (FUNCTION, METHOD) or op.call or op.inplace_of and form == FUNCTION:
        return args, kwargs, None
    c = gen.chooser
    roll = c.integer(0, 999)
    if roll >= 1000 * (MALFORMED_P + OUT_P + KEYWORDS_P):
        return args, kwargs, "positional" if len(args) > (form == METHOD) else None
    parser = _parser(op.family, op.name, form == METHOD)
    if parser is None:
        return args, kwargs, None
    module, env = gen.oracle.module, gen.env
    receiver = decode_value(args[0], env, module) if form == METHOD and args else None
    given = args[1:] if form == METHOD else args
    try:
        index, _ = parser.parse([decode_value(a, env, module) for a in given],
                                {k: decode_value(v, env, module) for k, v in kwargs.items()},
                                self=receiver)
    except Exception:  # noqa: BLE001 - already invalid on purpose: leave it
        return args, kwargs, None
    sig = parser.signatures[index]
    positional = _positional(sig)
    head = args[:1] if form == METHOD else []
    if roll < 1000 * MALFORMED_P:
        if op.creates:   # on a device target the call also gets device=, which torch's
            return args, kwargs, None   # "got (...)" lists and the oracle's cannot
        return _malformed(c, head, list(given), dict(kwargs), positional)
    if roll < 1000 * (MALFORMED_P + OUT_P):
        has_out = any(p.name == "out" for p in sig.params)
        out = _out_tensor(gen, op, given) if has_out and form == FUNCTION and _out_via_kernel(op) else None
        if out is not None:
            return args, {**kwargs, "out": {"var": out}}, "out"
    elif c.boolean(0.3):
        defaulted = _defaults_not_given(sig, len(given), kwargs)
        if defaulted:
            p = c.choice(defaulted)
            return args, {**kwargs, p.name: p.default}, "defaults"
    elif len(given) <= len(positional) and given:
        start = c.integer(0, len(given) - 1)
        named = {p.name: v for p, v in zip(positional[start:], given[start:])}
        if not set(named) & set(kwargs):
            return head + list(given[:start]), {**named, **kwargs}, "keywords"
    return args, kwargs, "positional" if given else None


def _defaults_not_given(sig, n_positional, kwargs):
    """Parameters left to their defaults whose default is a plain value, to pass explicitly
    (alpha=1, keepdim=False, dtype=None)."""
    from refimpl.argparse import NO_DEFAULT
    positional = _positional(sig)
    taken = {p.name for p in positional[:n_positional]} | set(kwargs)
    return [p for p in sig.params
            if p.name not in taken and p.name != "out" and p.default is not NO_DEFAULT
            and (p.default is None or type(p.default) in (bool, int, float))]


def _malformed(c, head, given, kwargs, positional):
    how = c.choice(MALFORMED)
    if how == "unknown_keyword":
        kwargs["colour"] = 1
    elif how == "repeated_keyword" and given and len(given) <= len(positional):
        i = c.integer(0, len(given) - 1)
        kwargs[positional[i].name] = given[i]
    elif how == "missing_argument" and given:
        given = given[:-1]
    elif how == "wrong_type" and given:
        given[c.integer(0, len(given) - 1)] = "x"
    else:
        how = "extra_argument"
        given = given + [c.choice([0, 1.5, "x", None])]
    return head + given, kwargs, "malformed:" + how


def _out_via_kernel(op):
    """Whether op's out= is drawn: a TensorIterator output (the ops with in-place twins), or
    what a random op draws into (bernoulli). Not a factory's: where autograd refuses its
    out=, or it is given requires_grad= or dtype= too, torch's factories have rules of
    their own (aten::rand(): ..., "dtype Byte does not match dtype of out parameter"),
    tested in tests/refimpl/test_out.py and not drawn."""
    from refimpl.registry import DECLARATIONS
    d = DECLARATIONS[op.family]
    return d.out_via == "kernel" and not d.creates


def _out_tensor(gen, op, given):
    """A live tensor to write into (torch resizes it when its shape differs), often one of
    the first input's dtype, or None. An op whose out= is not a TensorIterator output gets
    one that shares no memory with its inputs: its meta function resizes out before its
    kernel reads the inputs, an order refimpl does not model (tests/refimpl/test_out.py)."""
    from refimpl.registry import DECLARATIONS
    c, env = gen.chooser, gen.env
    names = gen.tensor_names()
    inputs = [env[v["var"]] for v in _vars(given) if v["var"] in env]
    if DECLARATIONS[op.family].out_via != "kernel":
        names = [n for n in names
                 if not any(getattr(x, "_storage", None) is env[n]._storage for x in inputs)]
    tensors = [x for x in inputs if hasattr(x, "dtype")]
    if tensors and c.boolean(0.5):
        alike = [n for n in names if env[n].dtype is tensors[0].dtype]
        names = alike or names
    return c.choice(names) if names else None


def _vars(values):
    for v in values:
        if isinstance(v, dict) and "var" in v:
            yield v
        elif isinstance(v, dict):
            yield from _vars(v.values())
        elif isinstance(v, list):
            yield from _vars(v)
