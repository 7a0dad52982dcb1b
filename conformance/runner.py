"""Run a Program on the oracle and a target in lockstep, comparing after every statement.

After a statement whose results agree (within tolerance), the oracle's floating-point
values (and grads) are set to the target's, so every statement is judged from identical
inputs and rounding differences do not accumulate along a program into false divergences
(refimpl oracles only: it writes through refimpl's private _write).

A block (`with torch.no_grad():`) is entered on both sides, the oracle's first, its body run
statement by statement, each compared as a top-level one is, and left again (the target's
first: with torch as both, they share the global grad mode), after which the state is
compared once more (grad mode restored?). An exception inside the body ends the block, as
in Python: it is recorded on the statement that raised, the enclosing blocks are left with
it, and the run goes on with the next top-level statement.
"""
from __future__ import annotations

import warnings
from contextlib import ExitStack
from dataclasses import dataclass

import numpy as np

from .compare import Mismatch, compare_errors, compare_modes, compare_snapshots
from .observe import (
    observation_of, observe_modes, observed_modes, observes_autograd, snapshot,
    tensor_observations,
)
from .program import BLOCK, Program, block_manager, execute


# Factories whose values PyTorch leaves uninitialized. refimpl marks them unspecified; on
# targets the runner zeroes the new storage (a storage-level write: no version bump), so
# that runs and repro scripts are reproducible instead of depending on leftover memory.
UNINITIALIZED = frozenset({"empty", "empty_like"})


def zero_uninitialized(stmt, env, target):
    result = env.get(stmt.target) if stmt.target else None
    if stmt.op in UNINITIALIZED and not target.is_refimpl and result is not None:
        result.untyped_storage().fill_(0)


def error_of(exc):
    """An exception as it is compared: (class name, message), or None."""
    return None if exc is None else (type(exc).__name__, str(exc))


def attempt(stmt, env, target):
    """Execute one statement (a block: its body inside its manager); the exception it
    raised, or None. Warnings (deprecations such as x.T on 3-d tensors) are not compared
    and not shown."""
    if stmt.form == BLOCK:
        return _attempt_block(stmt, env, target)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            execute(stmt, env, target.module, target.device)
        zero_uninitialized(stmt, env, target)
    except Exception as e:  # noqa: BLE001 - raising is an observed behaviour
        return e
    return None


def run_statement(stmt, env, target):
    """Execute one statement; return the error it raised as (class name, message), or None."""
    return error_of(attempt(stmt, env, target))


def enter_block(stmt, env, target, stack):
    """Make a block's manager on target and enter it (its exit goes on stack); the exception
    that raised, or None."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            stack.enter_context(block_manager(stmt, env, target.module))
    except Exception as e:  # noqa: BLE001
        return e
    return None


def exit_block(stack, exc=None):
    """Leave the blocks on stack, telling their managers the exception that ended the body
    (None: it ran to its end); the exception an exit raised, or None."""
    try:
        stack.__exit__(type(exc) if exc is not None else None, exc,
                       exc.__traceback__ if exc is not None else None)
    except Exception as e:  # noqa: BLE001
        return e
    return None


def _attempt_block(stmt, env, target):
    stack = ExitStack()
    exc = enter_block(stmt, env, target, stack)
    if exc is not None:
        return exc
    for inner in stmt.body:
        exc = attempt(inner, env, target)
        if exc is not None:
            break
    return exit_block(stack, exc) or exc


@dataclass
class Divergence:
    index: int               # top-level statement index
    op: str                  # op of the statement at path
    mismatches: list         # [Mismatch]
    oracle_error: tuple | None = None
    target_error: tuple | None = None
    oracle_snapshot: dict | None = None
    path: tuple = ()         # the statement, inside blocks: (index, body index, ...)

    def __post_init__(self):
        self.path = tuple(self.path) or (self.index,)

    @property
    def first(self) -> Mismatch:
        return self.mismatches[0]

    def dtype_of(self, name):
        """dtype of a live tensor or grad ("v1.grad") as the oracle observed it."""
        return observation_of(self.oracle_snapshot or {}, name).get("dtype")

    def undefined_of(self, name):
        return observation_of(self.oracle_snapshot or {}, name).get("_undefined")

    def tensor_names(self):
        """The observed tensors: live tensors and their grads ("v1.grad")."""
        return [n for n, _ in tensor_observations(self.oracle_snapshot or {})]


def compare_step(oracle_error, target_error, oracle_snap, target_snap, oracle_modes=None,
                 target_modes=None):
    mismatches = compare_errors(oracle_error, target_error)
    if not mismatches or mismatches[0].property == "error_message":
        mismatches += compare_modes(oracle_modes or {}, target_modes or {})
        mismatches += compare_snapshots(oracle_snap, target_snap)
    return mismatches


def sync_float_values(oracle_env, oracle_snap, target_snap):
    """Copy the target's (already judged close) float values into the oracle's tensors and
    grads, and the target's values of elements the oracle leaves unspecified (torch.empty),
    whatever the dtype: later statements are judged from what the target holds."""
    for name, t in oracle_env.items():
        obs = oracle_snap.get(name)
        if obs is None or "values" not in obs:
            continue
        theirs = target_snap[name]
        _sync_tensor(t, obs, theirs)
        if isinstance(obs.get("grad"), dict) and isinstance(theirs.get("grad"), dict):
            _sync_tensor(t.grad, obs["grad"], theirs["grad"])


def _sync_tensor(t, obs, theirs):
    if not t.numel() or (not t.dtype.is_floating_point and obs.get("_undefined") is None):
        return
    values = theirs["values"]
    if values != obs["values"]:
        t._write(np.asarray(values, dtype=np.float64 if t.dtype.is_floating_point else None))


class _Lockstep:
    """The oracle and the target, running the same statements side by side."""

    def __init__(self, oracle, target, sync):
        self.oracle, self.target = oracle, target
        self.oenv, self.tenv = {}, {}
        self.sync = sync and oracle.is_refimpl
        self.autograd = observes_autograd(oracle)   # observed as far as the oracle models it
        self.modes = observed_modes(oracle)
        self.raised = (None, None)                  # what the last statement raised, each side

    def run(self, stmt, path):
        """Run the statement at path on both sides and compare; the Divergence, or None."""
        if stmt.form == BLOCK:
            return self._block(stmt, path)
        self.raised = (attempt(stmt, self.oenv, self.oracle), attempt(stmt, self.tenv, self.target))
        return self._check(stmt, path)

    def _block(self, stmt, path):
        ostack, tstack = ExitStack(), ExitStack()
        self.raised = (enter_block(stmt, self.oenv, self.oracle, ostack),
                       enter_block(stmt, self.tenv, self.target, tstack))
        if self.raised != (None, None):  # the manager could not be made or entered
            exit_block(tstack)
            exit_block(ostack)
            return self._check(stmt, path)
        try:
            divergence = self._body(stmt.body, path)
        finally:
            ended = self.raised  # the exception that ended each body, or None
            left = exit_block(tstack, ended[1]), exit_block(ostack, ended[0])
        if divergence is not None:
            return divergence
        self.raised = (left[1], left[0])  # compared after leaving: what __exit__ raised
        divergence = self._check(stmt, path)
        self.raised = (left[1] or ended[0], left[0] or ended[1])  # ends the enclosing blocks too
        return divergence

    def _body(self, statements, prefix):
        self.raised = (None, None)
        for j, stmt in enumerate(statements):
            divergence = self.run(stmt, prefix + (j,))
            if divergence is not None or self.raised != (None, None):
                return divergence
        return None

    def _check(self, stmt, path):
        oerr, terr = error_of(self.raised[0]), error_of(self.raised[1])
        osnap = snapshot(self.oenv, self.oracle, self.autograd)
        tsnap = snapshot(self.tenv, self.target, self.autograd)
        mismatches = compare_step(oerr, terr, osnap, tsnap, observe_modes(self.oracle, self.modes),
                                  observe_modes(self.target, self.modes))
        if mismatches:
            return Divergence(path[0], stmt.op, mismatches, oerr, terr, osnap, path)
        if self.sync:
            sync_float_values(self.oenv, osnap, tsnap)
        return None


def run_lockstep(program: Program, oracle, target, sync=True):
    """(first Divergence or None, number of top-level statements run)."""
    lockstep = _Lockstep(oracle, target, sync)
    for i, stmt in enumerate(program.statements):
        divergence = lockstep.run(stmt, (i,))
        if divergence is not None:
            return divergence, i + 1
    return None, len(program.statements)


def diverges(program: Program, oracle, target):
    """The first Divergence of target from the oracle on program, or None."""
    return run_lockstep(program, oracle, target)[0]


__all__ = ["Divergence", "Mismatch", "run_lockstep", "diverges", "run_statement"]
