"""Run a Program on the oracle and a target in lockstep, comparing after every statement.

After a statement whose results agree (within tolerance), the oracle's floating-point
values are set to the target's, so every statement is judged from identical inputs
and rounding differences do not accumulate along a program into false divergences.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from .compare import Mismatch, compare_errors, compare_snapshots
from .observe import snapshot
from .program import Program, execute


# Factories whose values PyTorch leaves uninitialized. refimpl marks them unspecified; on
# targets the runner zeroes the new storage (a storage-level write: no version bump), so
# that runs and repro scripts are reproducible instead of depending on leftover memory.
UNINITIALIZED = frozenset({"empty", "empty_like"})


def zero_uninitialized(stmt, env, target):
    result = env.get(stmt.target) if stmt.target else None
    if stmt.op in UNINITIALIZED and not target.is_refimpl and result is not None:
        result.untyped_storage().fill_(0)


def run_statement(stmt, env, target):
    """Execute one statement; return the error it raised as (class name, message), or None.
    Warnings (deprecations such as x.T on 3-d tensors) are not compared and not shown."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            execute(stmt, env, target.module, target.device)
        zero_uninitialized(stmt, env, target)
    except Exception as e:  # noqa: BLE001 - raising is an observed behaviour
        return (type(e).__name__, str(e))
    return None


@dataclass
class Divergence:
    index: int               # statement index
    op: str
    mismatches: list         # [Mismatch]
    oracle_error: tuple | None = None
    target_error: tuple | None = None
    oracle_snapshot: dict | None = None

    @property
    def first(self) -> Mismatch:
        return self.mismatches[0]

    def dtype_of(self, name):
        return (self.oracle_snapshot or {}).get(name, {}).get("dtype")

    def undefined_of(self, name):
        return (self.oracle_snapshot or {}).get(name, {}).get("_undefined")

    def tensor_names(self):
        return [n for n, obs in (self.oracle_snapshot or {}).items() if "_storage" in obs]


def compare_step(oracle_error, target_error, oracle_snap, target_snap):
    mismatches = compare_errors(oracle_error, target_error)
    if not mismatches or mismatches[0].property == "error_message":
        mismatches += compare_snapshots(oracle_snap, target_snap)
    return mismatches


def sync_float_values(oracle_env, oracle_snap, target_snap):
    """Copy the target's (already judged close) float values into the oracle's tensors,
    and the target's values of elements the oracle leaves unspecified (torch.empty),
    whatever the dtype: later statements are judged from what the target holds."""
    for name, t in oracle_env.items():
        obs = oracle_snap.get(name)
        if obs is None or "values" not in obs or not t.numel():
            continue
        if not t.dtype.is_floating_point and obs.get("_undefined") is None:
            continue
        theirs = target_snap[name]["values"]
        if theirs != obs["values"]:
            t._write(np.asarray(theirs, dtype=np.float64 if t.dtype.is_floating_point else None))


def run_lockstep(program: Program, oracle, target, sync=True):
    """(first Divergence or None, number of statements run)."""
    oenv, tenv = {}, {}
    for i, stmt in enumerate(program.statements):
        oerr = run_statement(stmt, oenv, oracle)
        terr = run_statement(stmt, tenv, target)
        osnap, tsnap = snapshot(oenv, oracle), snapshot(tenv, target)
        mismatches = compare_step(oerr, terr, osnap, tsnap)
        if mismatches:
            return Divergence(i, stmt.op, mismatches, oerr, terr, osnap), i + 1
        if sync:
            sync_float_values(oenv, osnap, tsnap)
    return None, len(program.statements)


def diverges(program: Program, oracle, target):
    """The first Divergence of target from the oracle on program, or None."""
    return run_lockstep(program, oracle, target)[0]


__all__ = ["Divergence", "Mismatch", "run_lockstep", "diverges", "run_statement"]
