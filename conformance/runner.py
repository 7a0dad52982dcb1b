"""Run a Program on the oracle and a target in lockstep, comparing after every statement.

Each side is a conformance.execution.Side: the oracle's runs here; the target's runs here
too, or in a worker process (conformance.worker) that streams its events. The runner
pulls one event from each side and compares their CHECKs; a block's ENTERED and LEAVING
events keep the two sides' managers nested (the oracle's entered first, the target's left
first), which matters where both are torch in one process and share the grad mode.

After a statement whose results agree (within tolerance), the oracle's floating-point
values (and grads) are set to the target's, so every statement is judged from identical
inputs and rounding differences do not accumulate along a program into false divergences
(refimpl oracles only: it writes through refimpl's private _write).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .compare import (
    EXACT, Judging, Mismatch, compare_errors, compare_modes, compare_snapshots,
)
from .execution import (  # noqa: F401 - re-exported: the runner's public helpers
    CHECK, ENTERED, LEAVING, LEFT, UNINITIALIZED, Side, attempt, attempt_noting, enter_block,
    error_of, exit_block, run_statement, zero_uninitialized,
)
from .observe import (
    container_entries, observation_of, observed_modes, observes_autograd, tensor_observations,
)
from .program import Program


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
                 target_modes=None, judging=EXACT):
    mismatches = compare_errors(oracle_error, target_error, judging.messages)
    if not mismatches or mismatches[0].property == "error_message":
        mismatches += compare_modes(oracle_modes or {}, target_modes or {})
        mismatches += compare_snapshots(oracle_snap, target_snap, judging)
    return mismatches


def undecidable(ours, target):
    """Whether a statement whose results differ cannot be judged on target: the oracle's
    result depends on something (ours.depends_on: tensor data, a check its kernel makes as
    it runs, the CPU kernels' dtypes) that target's device computes otherwise
    (conformance.devices). The states differ from
    there on, so the run stops without a divergence."""
    computes = target.capabilities.computes
    return any(kind not in computes for kind, _ in ours.depends_on)


def sync_float_values(oracle_env, oracle_snap, target_snap, oracle=None):
    """Copy the target's (already judged close) float values into the oracle's tensors and
    grads (a module's parameters and buffers too, given the oracle), and the target's values
    of elements the oracle leaves unspecified (torch.empty), whatever the dtype: later
    statements are judged from what the target holds."""
    tensors = list(oracle_env.items())
    if oracle is not None:
        for name, x in oracle_env.items():
            tensors += [entry for entry in container_entries(name, x, oracle) or ()
                        if isinstance(entry[1], oracle.module.Tensor)]
    for name, t in tensors:
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


def target_events(program, target, autograd, modes):
    """The target's events: streamed from its worker process, or run here."""
    if hasattr(target, "events"):
        return target.events(program, autograd, modes)
    return Side(target, autograd, modes).events(program)


def _agrees_with_recorded(program, target, autograd, modes, judging):
    """The number of top-level statements judged if the target's events match the oracle's
    recorded while the program was drawn, None if not (no value synced between
    statements: any mismatch, rounding included, means "run the lockstep to see")."""
    theirs = target_events(program, target, autograd, modes)
    try:
        for ours in program.oracle_events:
            event = next(theirs, None)
            if event is None or event.kind != ours.kind or event.path != ours.path:
                return None
            if ours.kind == CHECK and compare_step(ours.error, event.error, ours.snapshot,
                                                   event.snapshot, ours.modes, event.modes,
                                                   judging):
                return ours.path[0] + 1 if undecidable(ours, target) else None
        return len(program.statements) if next(theirs, None) is None else None
    finally:
        theirs.close()


def run_lockstep(program: Program, oracle, target, sync=True):
    """(first Divergence or None, number of top-level statements run).

    A program whose oracle events were recorded while it was drawn (oracle_events, which
    the oracle's own run would yield again) is first compared against those: one oracle
    run instead of two. Only where that finds a mismatch does the lockstep run, in which
    the target's float values are synced into the oracle's after each statement, decide.
    The target is judged as its device allows (compare.Judging, conformance.devices)."""
    autograd, modes = observes_autograd(oracle), observed_modes(oracle)
    judging = Judging.of(target.capabilities)
    if program.oracle_events is not None and oracle.is_refimpl:
        judged = _agrees_with_recorded(program, target, autograd, modes, judging)
        if judged is not None:
            return None, judged
    return _lockstep(program, oracle, target, sync, autograd, modes, judging)


def _lockstep(program, oracle, target, sync, autograd, modes, judging):
    sync = sync and oracle.is_refimpl and target.capabilities.values
    side = Side(oracle, autograd, modes)
    mine, theirs = side.events(program), target_events(program, target, autograd, modes)
    target_first = False  # after LEAVING: the target's manager is left first
    try:
        while True:
            if target_first:
                event, ours = next(theirs, None), next(mine, None)
            else:
                ours = next(mine, None)
                event = next(theirs, None) if ours is not None else None
            if ours is None:
                break
            if event is None or event.kind != ours.kind:
                return _misaligned(side, ours, event), ours.path[0] + 1
            target_first = ours.kind == LEAVING
            if ours.kind != CHECK:
                continue
            mismatches = compare_step(ours.error, event.error, ours.snapshot, event.snapshot,
                                      ours.modes, event.modes, judging)
            if mismatches and undecidable(ours, target):
                return None, ours.path[0] + 1
            if mismatches:
                return (Divergence(ours.path[0], ours.op, mismatches, ours.error, event.error,
                                   ours.snapshot, ours.path), ours.path[0] + 1)
            if sync:
                sync_float_values(side.env, ours.snapshot, event.snapshot, oracle)
    finally:  # a run that stopped inside blocks leaves them: the target's first
        theirs.close()
        mine.close()
    return None, len(program.statements)


def _misaligned(side, ours, event):
    """One side entered a block's manager where the other's raised: their errors differ."""
    oracle_error = ours.error if ours.kind == CHECK else None
    target_error = event.error if event is not None and event.kind == CHECK else None
    snap = ours.snapshot if ours.kind == CHECK else side.check(ours.path, ours.op).snapshot
    mismatches = compare_errors(oracle_error, target_error) or [
        Mismatch(None, "error", oracle_error and oracle_error[0], target_error and target_error[0])]
    return Divergence(ours.path[0], ours.op, mismatches, oracle_error, target_error, snap,
                      ours.path)


def diverges(program: Program, oracle, target):
    """The first Divergence of target from the oracle on program, or None."""
    return run_lockstep(program, oracle, target)[0]


__all__ = ["Divergence", "Mismatch", "run_lockstep", "diverges", "run_statement"]
