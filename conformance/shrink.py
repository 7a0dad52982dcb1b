"""Shrink a diverging program to a short one that diverges the same way.

Same way = a divergence at a statement of the same op on the same property. Steps:
cut everything after the divergence, delete statements (with the statements that
use what they define, or else with their uses pointed at their input), unwrap blocks
(a block replaced by its body), simplify tensor literals, then renumber the variables.
Statements inside blocks are deleted and bypassed like top-level ones.
"""
from __future__ import annotations

import dataclasses
import time

from .program import BLOCK, Program, replace_at, statement_at, truncated, walk
from .runner import run_lockstep


def same_divergence(op, prop):
    def check(divergence):
        return (divergence is not None and divergence.op == op
                and any(m.property == prop for m in divergence.mismatches))
    return check


def _transform(statements, fn):
    """statements with fn(statement) in place of each (None drops it), blocks first and then
    the statements of their bodies, in execution order."""
    out = []
    for stmt in statements:
        new = fn(stmt)
        if new is None:
            continue
        if new.form == BLOCK:
            new = dataclasses.replace(new, body=_transform(new.body, fn))
        out.append(new)
    return out


def _without(statements, path):
    """statements minus the one at path and everything that (transitively) uses its names."""
    removed_stmt = statement_at(statements, path)
    removed = set(removed_stmt.defines())

    def keep(s):
        if s is removed_stmt or set(s.own_uses()) & removed:
            removed.update(s.defines())
            return None
        return s
    return _transform(statements, keep)


def _bypassed(statements, path):
    """statements minus the one at path, whose result is replaced by its input wherever it
    is used after it (v1 = v0.view(..); v2 = v1.t() becomes v2 = v0.t()), or None."""
    stmt = statement_at(statements, path)
    first = stmt.args[0] if stmt.args else None
    if not (stmt.target and not stmt.unpack and isinstance(first, dict) and "var" in first):
        return None
    seen = []

    def rename(name):
        return first["var"] if name == stmt.target else name

    def bypass(s):
        if s is stmt:
            seen.append(s)
            return None
        return s.renamed(rename) if seen else s
    return _transform(statements, bypass)


def _unwrapped(statements, path):
    """statements with the block at path replaced by its body, or None (not a block)."""
    stmt = statement_at(statements, path)
    return replace_at(statements, path, stmt.body) if stmt.form == BLOCK else None


def _simplified_literals(stmt):
    """Candidate replacements for a tensor(...) statement with simpler data."""
    if stmt.op != "tensor" or not stmt.args:
        return []

    def fill(data, value):
        if isinstance(data, list):
            return [fill(x, value) for x in data]
        if isinstance(data, bool):
            return data
        return type(data)(value) if isinstance(data, (int, float)) else data
    out = []
    for value in (0, 1):
        new_data = fill(stmt.args[0], value)
        if new_data != stmt.args[0]:
            out.append(dataclasses.replace(stmt, args=[new_data] + stmt.args[1:],
                                           kwargs=dict(stmt.kwargs), spelling=None))
    return out


def renumber(program: Program) -> Program:
    """Rename variables v0, v1, ... in order of first definition."""
    mapping, count = {}, 0
    for _, s in walk(program.statements):
        if s.form == BLOCK:
            continue  # its body's statements define its names
        unpacked = s.unpacked_names()
        for name in s.defines():
            if name not in mapping and name not in unpacked:
                mapping[name], count = f"v{count}", count + 1
        for i, name in enumerate(unpacked):  # split's items follow their tuple: v3 -> v3_0
            mapping[name] = f"{mapping[s.target]}_{i}"

    def rename(name):
        return mapping.get(name, name)
    return Program(_transform(program.statements, lambda s: s.renamed(rename, targets=True)))


def _candidates(statements, path):
    """Smaller programs to try in place of statements, around the statement at path."""
    yield _without(statements, path)
    yield _bypassed(statements, path)
    yield _unwrapped(statements, path)


def same_fault(op, kind):
    """For a crash or a timeout: the same kind, at a statement of the same op."""
    def check(fault):
        return fault is not None and fault.kind == kind and fault.op == op
    return check


def fault_op(program: Program, fault):
    """The op of the statement a fault happened in (the program's last if it ran past it)."""
    try:
        return statement_at(program.statements, fault.path).op
    except IndexError:
        return program.statements[-1].op if program.statements else None


def fault_of(program: Program, oracle, target):
    """The TargetFault (crash, timeout) running program on a worker target raises, with the
    op of the statement it happened at as .op; None if it runs to its end."""
    from .worker import TargetFault
    try:
        run_lockstep(program, oracle, target)
    except TargetFault as fault:
        fault.op = fault_op(program, fault)
        return fault
    return None


def shrink(program: Program, index: int, oracle, target, predicate, seconds=10.0, path=None,
           outcome=None):
    """A smaller program for which predicate(outcome(program)) still holds: by default the
    outcome is the first divergence; fault_of for a crash or a timeout. index (or path, for
    a statement inside blocks) is where the program diverged."""
    deadline = time.monotonic() + seconds
    best = Program(truncated(program.statements, tuple(path or (index,))))
    if outcome is None:
        def outcome(candidate):
            return run_lockstep(candidate, oracle, target)[0]

    def holds(candidate):
        return predicate(outcome(candidate))

    if not holds(best):  # e.g. nondeterministic target: keep the original
        return renumber(Program(list(program.statements)))
    changed = True
    while changed and time.monotonic() < deadline:
        changed = False
        for path_ in reversed([p for p, _ in walk(best.statements)]):
            if time.monotonic() > deadline:
                break
            try:
                statement_at(best.statements, path_)
            except IndexError:  # gone with a statement deleted before
                continue
            for statements in _candidates(best.statements, path_):
                if statements and holds(Program(statements)):
                    best, changed = Program(statements), True
                    break
    for path_, stmt in list(walk(best.statements)):
        for simpler in _simplified_literals(stmt):
            if time.monotonic() > deadline:
                break
            candidate = Program(replace_at(best.statements, path_, [simpler]))
            if holds(candidate):
                best = candidate
                break
    return renumber(best)
