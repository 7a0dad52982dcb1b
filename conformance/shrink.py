"""Shrink a diverging program to a short one that diverges the same way.

Same way = a divergence at a statement of the same op on the same property. Steps:
cut everything after the divergence, delete statements (with the statements that
use what they define, or else with their uses pointed at their input), simplify
tensor literals, then renumber the variables.
"""
from __future__ import annotations

import time

from .program import Program, Statement
from .runner import run_lockstep


def same_divergence(op, prop):
    def check(divergence):
        return (divergence is not None and divergence.op == op
                and any(m.property == prop for m in divergence.mismatches))
    return check


def _without(statements, index):
    """statements minus statements[index] and everything that (transitively) uses its names."""
    removed = set(statements[index].defines())
    kept = []
    for i, s in enumerate(statements):
        if i == index:
            continue
        uses = set(s.uses())
        if uses & removed:
            removed.update(s.defines())
            continue
        kept.append(s)
    return kept


def _bypassed(statements, index):
    """statements minus statements[index], whose result is replaced by its input wherever
    it is used (v1 = v0.view(..); v2 = v1.t() becomes v2 = v0.t()), or None."""
    stmt = statements[index]
    first = stmt.args[0] if stmt.args else None
    if not (stmt.target and not stmt.unpack and isinstance(first, dict) and "var" in first):
        return None

    def rename(v):
        if isinstance(v, dict):
            if v.get("var") == stmt.target:
                return {"var": first["var"]}
            return {k: rename(x) for k, x in v.items()}
        if isinstance(v, list):
            return [rename(x) for x in v]
        return v
    return [s if i < index else Statement(s.op, s.form, rename(s.args), rename(s.kwargs),
                                          s.target, s.call, s.creates, s.unpack)
            for i, s in enumerate(statements) if i != index]


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
            out.append(Statement(stmt.op, stmt.form, [new_data] + stmt.args[1:], dict(stmt.kwargs),
                                 stmt.target, stmt.call, stmt.creates))
    return out


def renumber(program: Program) -> Program:
    """Rename variables v0, v1, ... in order of first definition."""
    mapping, count = {}, 0
    for s in program.statements:
        unpacked = s.unpacked_names()
        for name in s.defines():
            if name not in mapping and name not in unpacked:
                mapping[name], count = f"v{count}", count + 1
        for i, name in enumerate(unpacked):  # split's items follow their tuple: v3 -> v3_0
            mapping[name] = f"{mapping[s.target]}_{i}"

    def rename(v):
        if isinstance(v, dict):
            if "var" in v:
                return {"var": mapping.get(v["var"], v["var"])}
            return {k: rename(x) for k, x in v.items()}
        if isinstance(v, list):
            return [rename(x) for x in v]
        return v
    return Program([Statement(s.op, s.form, rename(s.args), rename(s.kwargs),
                              mapping.get(s.target, s.target) if s.target else None,
                              s.call, s.creates, s.unpack) for s in program.statements])


def shrink(program: Program, index: int, oracle, target, predicate, seconds=10.0):
    """A smaller program for which predicate(divergence) still holds."""
    deadline = time.monotonic() + seconds
    best = Program(list(program.statements[:index + 1]))

    def holds(candidate):
        return predicate(run_lockstep(candidate, oracle, target)[0])

    if not holds(best):  # e.g. nondeterministic target: keep the original
        return renumber(Program(list(program.statements)))
    changed = True
    while changed and time.monotonic() < deadline:
        changed = False
        for i in range(len(best.statements) - 1, -1, -1):
            if i >= len(best.statements) or time.monotonic() > deadline:
                continue
            candidate = Program(_without(best.statements, i))
            if candidate.statements and holds(candidate):
                best, changed = candidate, True
                continue
            bypassed = _bypassed(best.statements, i)
            if bypassed and holds(Program(bypassed)):
                best, changed = Program(bypassed), True
    for i, stmt in enumerate(best.statements):
        for simpler in _simplified_literals(stmt):
            if time.monotonic() > deadline:
                break
            candidate = Program(best.statements[:i] + [simpler] + best.statements[i + 1:])
            if holds(candidate):
                best = candidate
                break
    return renumber(best)
