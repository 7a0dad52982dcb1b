"""One side of a differential run: a program executed statement by statement on one
target, observed at every checkpoint.

`Side.events(program)` yields what the runner compares, in execution order:

- CHECK after every statement (and after a block has been left): the error it raised,
  the snapshot of every live variable, the global modes;
- ENTERED once a block's manager has been entered, LEAVING once its body has ended and
  before its manager is left, LEFT once it has been left (and before the state is
  observed). They carry nothing to compare; they let a runner that drives two sides in
  one process keep their managers properly nested (the oracle's entered first, the
  target's left first, both left before either is observed: with torch on both sides
  they share the global grad mode).

A block's body stops at the first statement that raises, as in Python; the exception is
handed to the manager's __exit__, and the enclosing blocks end with it too.

The worker process (conformance.worker) runs a Side on its target and streams the
events to the campaign, so this module imports nothing beyond the program and the
observation code: it must run in another interpreter that has torch but perhaps not
numpy.
"""
from __future__ import annotations

import warnings
from contextlib import ExitStack
from typing import NamedTuple

from .observe import observe_modes, snapshot
from .program import BLOCK, block_manager, execute

CHECK, ENTERED, LEAVING, LEFT = "check", "entered", "leaving", "left"

# Factories whose values PyTorch leaves uninitialized. refimpl marks them unspecified; on
# targets the new storage is zeroed (a storage-level write: no version bump), so that
# runs and repro scripts are reproducible instead of depending on leftover memory.
UNINITIALIZED = frozenset({"empty", "empty_like"})

# Every program starts from this seed of the target's default generator, so that what it
# draws (torch.rand, a Dropout in training mode) is the same on every side and in its repro
# script, whatever ran before it in the process. Programs may seed again.
PROGRAM_SEED = 0


def start_program(target):
    """Seed target's default generator with PROGRAM_SEED (a module without one: nothing)."""
    seed = getattr(target.module, "manual_seed", None)
    if seed is not None:
        seed(PROGRAM_SEED)


class Event(NamedTuple):
    kind: str                   # CHECK, ENTERED or LEAVING
    path: tuple                 # the statement: (index, body index, ...)
    op: str
    error: tuple | None = None  # CHECK: (class name, message) of what it raised, or None
    snapshot: dict | None = None
    modes: dict | None = None
    depends_on: tuple = ()      # CHECK on the oracle: (kind, what) its result depends on
                                # beyond metadata (refimpl.device_dependence)


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
        stack = ExitStack()
        exc = enter_block(stmt, env, target, stack)
        if exc is not None:
            return exc
        for inner in stmt.body:
            exc = attempt(inner, env, target)
            if exc is not None:
                break
        return exit_block(stack, exc) or exc
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            execute(stmt, env, target.module, target.device)
        zero_uninitialized(stmt, env, target)
    except Exception as e:  # noqa: BLE001 - raising is an observed behaviour
        return _released(e)
    return None


def _released(exc):
    """exc without its traceback. A traceback holds the frames the error passed through,
    and a Python kernel that keeps its error in a local (`error = ...; raise error`) makes
    a cycle that only the garbage collector breaks: until it runs, the frames keep what the
    statement made alive (a leaf's grad accumulator, which torch holds weakly), so the
    next statements would depend on when the collector ran. Dropped here, it all goes at
    once, as it does where torch raises from C++."""
    exc.__traceback__ = None
    return exc


def run_statement(stmt, env, target):
    """Execute one statement; return the error it raised as (class name, message), or None."""
    return error_of(attempt(stmt, env, target))


def attempt_noting(stmt, env, target):
    """attempt(), and what the statement's result depends on beyond metadata: its data, the
    CPU kernels' dtypes. The oracle notes it (refimpl.device_dependence); () elsewhere."""
    if not target.is_refimpl:
        return attempt(stmt, env, target), ()
    with target.module.device_dependence.noting() as notes:
        exc = attempt(stmt, env, target)
    return exc, tuple(dict.fromkeys(notes))


def enter_block(stmt, env, target, stack):
    """Make a block's manager on target and enter it (its exit goes on stack); the exception
    that raised, or None."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            stack.enter_context(block_manager(stmt, env, target.module))
    except Exception as e:  # noqa: BLE001
        return _released(e)
    return None


def exit_block(stack, exc=None):
    """Leave the blocks on stack, telling their managers the exception that ended the body
    (None: it ran to its end); the exception an exit raised, or None."""
    try:
        stack.__exit__(type(exc) if exc is not None else None, exc,
                       exc.__traceback__ if exc is not None else None)
    except Exception as e:  # noqa: BLE001
        return _released(e)
    return None


class Side:
    """A target running a program, observed as the oracle decides (autograd, modes)."""

    def __init__(self, target, autograd, modes):
        self.target, self.autograd, self.modes = target, autograd, modes
        self.env = {}
        self.raised = None   # what the last statement (or block) raised, or None
        self.depends_on = ()  # what the last statement's result depends on (the oracle)

    def events(self, program):
        start_program(self.target)
        for i, stmt in enumerate(program.statements):
            yield from self._run(stmt, (i,))

    def check(self, path, op):
        """The CHECK event of the current state."""
        return Event(CHECK, path, op, error_of(self.raised),
                     snapshot(self.env, self.target, self.autograd),
                     observe_modes(self.target, self.modes), self.depends_on)

    def _run(self, stmt, path):
        if stmt.form != BLOCK:
            self.raised, self.depends_on = attempt_noting(stmt, self.env, self.target)
            yield self.check(path, stmt.op)
            self.depends_on = ()
            return
        stack = ExitStack()
        self.raised = enter_block(stmt, self.env, self.target, stack)
        if self.raised is not None:  # the manager could not be made or entered
            yield self.check(path, stmt.op)
            return
        try:
            yield Event(ENTERED, path, stmt.op)
            self.raised = None
            for j, inner in enumerate(stmt.body):
                yield from self._run(inner, path + (j,))
                if self.raised is not None:
                    break
            ended = self.raised  # the exception that ended the body, or None
            yield Event(LEAVING, path, stmt.op)
        except GeneratorExit:  # the run stopped inside the block (a divergence): leave it
            exit_block(stack, self.raised)
            raise
        self.raised = exit_block(stack, ended)
        yield Event(LEFT, path, stmt.op)
        yield self.check(path, stmt.op)   # compared after leaving: what __exit__ raised
        self.raised = self.raised or ended  # ends the enclosing blocks too
