"""The program generator.

It keeps the live state in view: every statement is executed on the oracle as soon as
it is drawn, so the next one is built against real shapes, dtypes and layouts, and is
valid most of the time (each argument kind is invalid on purpose some of the time).
It favours the variable made last (a view just made is likely written to next).

All randomness goes through a Chooser, so the same generator runs from a seeded
random.Random (the CLI campaign) or from hypothesis (pytest, which shrinks it).

Where the oracle models autograd, a share of the statements (`autograd`: AUTOGRAD_P is a
reasonable one; DEFAULT_AUTOGRAD, from $CONFORMANCE_AUTOGRAD, unless given; 0 turns them off)
are autograd ones (conformance/autograd_statements.py), float factories are given
requires_grad=True some of the time, and some programs end in a backward. With autograd off,
a program draws exactly the choices it drew before autograd.
"""
from __future__ import annotations

import random
from contextlib import ExitStack

from . import autograd_statements, module_statements
from .autograd_statements import DEFAULT_AUTOGRAD
from .module_statements import DEFAULT_MODULES
from .kinds import ARG_KINDS, OMIT, Ctx, Splat
from .execution import CHECK, ENTERED, LEAVING, LEFT, Event, start_program
from .observe import (
    observe_modes, observed_modes, observes_autograd, snapshot, tensor_observations,
)
from .program import (
    AUGMENTED, FUNCTION, METHOD, OPERATOR, SETITEM_AUGMENTED, Program, Statement,
)
from .runner import attempt_noting, enter_block, error_of, exit_block
from .spelling import respell


class RandomChooser:
    def __init__(self, rng: random.Random):
        self.rng = rng

    def integer(self, lo, hi):
        return self.rng.randint(lo, hi)

    def boolean(self, p=0.5):
        return self.rng.random() < p

    def choice(self, seq):
        return seq[self.integer(0, len(seq) - 1)]


class HypothesisChooser:
    """Draws from hypothesis; every choice shrinks toward the first/simplest option.

    A choice is drawn straight from the test case's ConjectureData (what `data.draw` of an
    integers strategy ends in) where hypothesis exposes it: a program makes some 150
    choices, and this path costs about a ninth of `data.draw` per choice (5 against 43 us,
    measured on hypothesis 6.170). `data.draw` is the fallback."""

    def __init__(self, data):
        from hypothesis import strategies as st
        self._st = st
        self.data = data
        raw = getattr(data, "conjecture_data", None)
        self._raw = raw if hasattr(raw, "draw_integer") and hasattr(raw, "draw_boolean") else None

    def integer(self, lo, hi):
        if self._raw is not None:
            return self._raw.draw_integer(lo, hi)
        return self.data.draw(self._st.integers(lo, hi))

    def boolean(self, p=0.5):
        if self._raw is not None:
            return self._raw.draw_boolean(p)
        return self.data.draw(self._st.integers(0, 999)) >= round(1000 * (1 - p))

    def choice(self, seq):
        return seq[self.integer(0, len(seq) - 1)]


# --- the generator ---------------------------------------------------------------------------
SWARM_SIZES = (3, 6, 12, 24, 0)   # ops a swarm program draws from (0: all of them)
MAX_OPERAND = 1024                # elements of the largest tensor drawn as an operand


class Generator:
    """Builds one program, executing it on the oracle as it goes."""

    def __init__(self, ops: dict, chooser, oracle, focus=None, max_statements=12,
                 reported_ops=None, autograd=None, swarm=False, record=False, modules=None):
        self.ops = ops
        self.chooser = chooser
        self.oracle = oracle
        self.focus = focus
        self.max_statements = max_statements
        # share of autograd statements: none where the oracle does not model autograd
        self.autograd = ((DEFAULT_AUTOGRAD if autograd is None else autograd)
                         if observes_autograd(oracle) else 0.0)
        # share of module and random-stream statements: none where the oracle has no nn
        self.modules = ((DEFAULT_MODULES if modules is None else modules)
                        if module_statements.models_modules(oracle) else 0.0)
        self.env = {}
        start_program(oracle)
        self.statements = []
        self._sink = self.statements   # where statements go: the program, or a block's body
        self.last_error = None         # what the statement added last raised on the oracle
        self._states_before = None     # random states before the last factory (rerun())
        self.prefer = None             # a tensor the next pick_tensor() returns
        self.used_focus = False
        self._next_var = 0
        self.current_op = None
        # the oracle's events (None once the program stops being one a Side runs alike)
        self.events = [] if record else None
        self._prefix = ()               # path of the block whose body is being drawn
        self._raised_in = set()         # paths of blocks whose body has raised
        self._observe_autograd = observes_autograd(oracle)
        self._modes = observed_modes(oracle)
        self._creation = [o for o in ops.values() if o.creates]
        self._other = [o for o in ops.values() if not o.creates]
        # --ops: the selected ops come first, but every op still helps build their
        # inputs (a transpose before a view makes the view interesting)
        self._selected = [o for o in ops.values() if reported_ops is not None and o.name in reported_ops]
        if swarm:
            self._other = self._swarm(self._other)

    def _swarm(self, ops):
        """Swarm testing (Groce et al., ISSTA 2012): this program draws its ops from a
        random few, so the ops it has meet each other often (a view, then writes to it)."""
        size = self.chooser.choice(SWARM_SIZES)
        if not size or size >= len(ops):
            return ops
        pool, chosen = list(ops), []
        for _ in range(size):
            chosen.append(pool.pop(self.chooser.integer(0, len(pool) - 1)))
        return chosen

    def tensor_names(self):
        """The live tensors ops may take, oldest first: not a large one (an RNG state's 5056
        bytes), whose every result would be observed element by element."""
        cls = self.oracle.module.Tensor
        return [n for n, v in self.env.items() if isinstance(v, cls) and v.numel() <= MAX_OPERAND]

    def pick_tensor(self):
        """Mostly the newest tensor; often a non-contiguous one (where layouts matter)."""
        if self.prefer is not None:
            name, self.prefer = self.prefer, None
            return name
        names = self.tensor_names()
        if self.chooser.boolean(0.45):
            return names[-1]
        odd = [n for n in names if not self.env[n].is_contiguous()]
        if odd and self.chooser.boolean(0.4):
            return self.chooser.choice(odd)
        return self.chooser.choice(names)

    def _pick_op(self):
        c = self.chooser
        have_tensors = bool(self.tensor_names())
        focus = self.ops.get(self.focus) if self.focus else None
        if focus is not None and (focus.creates or have_tensors) and c.boolean(0.4):
            return focus
        if self._selected and c.boolean(0.6):
            chosen = c.choice(self._selected)
            if chosen.creates or have_tensors:
                return chosen
        if not have_tensors or not self._other or (
                self.prefer is None and c.boolean(0.45 if len(self.env) < 2 else 0.2)):
            return c.choice(self._creation)  # (a preferred tensor is one to work on)
        return c.choice(self._other)

    def _build_statement(self, op):
        c = self.chooser
        self.current_op = op
        form = c.choice(list(op.forms))
        ctx = Ctx(self, form=form, inplace=op.output == "inplace")
        args = []
        for kind in op.args:
            ctx.current = ARG_KINDS[kind]
            v = ctx.current(ctx)
            if v is OMIT:
                continue
            args.extend(v) if isinstance(v, Splat) else args.append(v)
            ctx.args = args
        if form in (OPERATOR, AUGMENTED) and len(op.args) > 1 and len(args) < 2:
            form = METHOD if METHOD in op.forms else FUNCTION
        kwargs = {}
        if form in (FUNCTION, METHOD):
            for key, kind in op.kwargs.items():
                ctx.current = ARG_KINDS[kind]
                v = ctx.current(ctx)
                if v is not OMIT:
                    kwargs[key] = v
        if form == OPERATOR and len(args) == 2 and not isinstance(args[1], dict) and c.boolean(0.3):
            args = [args[1], args[0]]  # scalar on the left: 2 + t
        args, kwargs, spelling = respell(self, op, form, args, kwargs)
        target = None if op.output == "inplace" else self.new_var()
        call = op.operator if form in (OPERATOR, AUGMENTED, SETITEM_AUGMENTED) else op.call
        return Statement(op=op.name, form=form, args=args, kwargs=kwargs, target=target,
                         call=call, creates=op.creates, spelling=spelling)

    def add_setup(self, op, args, kwargs):
        """Add a factory statement (`vN = torch.op(*args, **kwargs)`) before the one being
        drawn, for an argument kind that needs an operand no live tensor provides; the
        encoded reference to it."""
        stmt = Statement(op=op, form=FUNCTION, args=args, kwargs=kwargs, target=self.new_var(),
                         creates=True)
        self.add_statement(stmt)
        return {"var": stmt.target}

    def new_var(self):
        name = f"v{self._next_var}"
        self._next_var += 1
        return name

    # --- the oracle's events, recorded while it runs the program being drawn ---------------
    def _path(self):
        """The path the next statement added to the current sink will have."""
        return self._prefix + (len(self._sink),)

    def _record(self, kind, path, op, error=None, depends_on=()):
        """What conformance.execution.Side would yield here, so the lockstep run need not run
        the oracle again (see Program.oracle_events). A body statement after one that
        raised is one the Side never runs, and values left unspecified are filled in by
        the synced run: then there is no recording."""
        if self.events is None:
            return
        if len(path) > 1 and path[:-1] in self._raised_in:
            self.events = None
            return
        if kind == CHECK:
            snap = snapshot(self.env, self.oracle, self._observe_autograd)
            if any(obs.get("_undefined") is not None for _, obs in tensor_observations(snap)):
                # values the oracle leaves unspecified: the synced lockstep run fills them
                # with the target's and judges what follows from them; a recording cannot
                self.events = None
                return
            self.events.append(Event(CHECK, path, op, error, snap,
                                     observe_modes(self.oracle, self._modes), depends_on))
            if error is not None and len(path) > 1:
                self._raised_in.add(path[:-1])
        else:
            self.events.append(Event(kind, path, op))

    def _random_states(self, stmt):
        """For a call taking requires_grad= (which rerun() may run again with it), the
        states of the generators it may draw from: the default one, and the one passed as
        generator=."""
        module, op = self.oracle.module, self.ops.get(stmt.op)
        if op is None or not autograd_statements.takes_requires_grad(op.family) \
                or not hasattr(module, "get_rng_state"):
            return None
        generator = stmt.kwargs.get("generator")
        generator = self.env.get(generator["var"]) if isinstance(generator, dict) \
            and "var" in generator else None
        return (module.get_rng_state(),
                (generator, generator.get_state()) if hasattr(generator, "get_state") else None)

    def _restore_random_states(self, states):
        if states is None:
            return
        self.oracle.module.set_rng_state(states[0])
        if states[1] is not None:
            states[1][0].set_state(states[1][1])

    def add_statement(self, stmt, multiple_outputs=False):
        path = self._path()
        self._states_before = self._random_states(stmt)
        exc, reads = attempt_noting(stmt, self.env, self.oracle)
        self.last_error = error_of(exc)
        result = self.env.get(stmt.target) if stmt.target else None
        if multiple_outputs and isinstance(result, (tuple, list)):
            # name each output so later statements can use them
            stmt.unpack = len(result)
            for name, item in zip(stmt.unpacked_names(), result):
                self.env[name] = item
        self._sink.append(stmt)
        self._record(CHECK, path, stmt.op, self.last_error, reads)
        return stmt

    def rerun(self, stmt):
        """Run the statement added last again, as changed since (a factory given
        requires_grad=True); what raised, or None. Its recorded CHECK is made again. What it
        drew is drawn again: the stream is where it was before the first run."""
        self._restore_random_states(self._states_before)
        exc, reads = attempt_noting(stmt, self.env, self.oracle)
        error = error_of(exc)
        if self.events and self.events[-1].kind == CHECK:
            self._record(CHECK, self.events.pop().path, stmt.op, error, reads)
        return error

    def add_block(self, stmt, fill):
        """Add the block statement stmt, entered on the oracle while fill() adds its body.
        last_error is then what ended the body (an exception ends the enclosing blocks too)."""
        stack = ExitStack()
        path = self._path()
        self._sink.append(stmt)
        self.last_error = error_of(enter_block(stmt, self.env, self.oracle, stack))
        if self.last_error is not None:
            self._record(CHECK, path, stmt.op, self.last_error)
            return stmt
        self._record(ENTERED, path, stmt.op)
        outer, self._sink, prefix, self._prefix = self._sink, stmt.body, self._prefix, path
        try:
            fill()
        finally:
            self._sink, self._prefix = outer, prefix
            self._record(LEAVING, path, stmt.op)
            left = error_of(exit_block(stack))
        self._record(LEFT, path, stmt.op)
        self._record(CHECK, path, stmt.op, left)
        if left is not None:
            self.last_error = left
        if len(path) > 1 and (left is not None or path in self._raised_in):
            self._raised_in.add(path[:-1])  # what ended this block ends the enclosing one
        return stmt

    def add(self, op):
        self.used_focus |= op.name == self.focus
        stmt = self.add_statement(self._build_statement(op), op.multiple_outputs)
        if self.autograd:
            autograd_statements.maybe_requires_grad(self, op, stmt)
        return stmt

    def add_with_self(self, op, name):
        """Add a statement of op whose self (first tensor argument) is the tensor name."""
        self.prefer = name
        try:
            return self.add(op)
        finally:
            self.prefer = None

    def draw(self, depth=0):
        """Add one statement: an autograd one (a share of the time) or a drawn op."""
        if self.autograd and self.chooser.boolean(self.autograd) \
                and autograd_statements.draw(self, depth):
            return
        if self.modules and self.chooser.boolean(self.modules) \
                and module_statements.draw(self, depth):
            return
        self.add(self._pick_op())

    def build(self):
        n = self.chooser.integer(1, self.max_statements)
        for _ in range(n):
            self.draw()
        if self.focus and not self.used_focus and self.focus in self.ops:
            op = self.ops[self.focus]
            for _ in range(5):  # the focus op needs an input: make one
                if op.creates or self.tensor_names():
                    break
                self.add(self.chooser.choice(self._creation))
            if not (op.creates or self.tensor_names()):
                self.add_statement(Statement(op="ones", form=FUNCTION, args=[{"tuple": [2, 3]}],
                                             target=self.new_var(), creates=True))
            self.add(op)
        if self.autograd and self.chooser.boolean(autograd_statements.FINAL_BACKWARD_P):
            autograd_statements.final_backward(self)
        program = Program(self.statements)
        program.oracle_events = self.events
        return program


def generate(ops, chooser, oracle, focus=None, max_statements=12, reported_ops=None,
             autograd=None, swarm=False, record=False, modules=None):
    """One generated Program (autograd: the share of autograd statements, see Generator;
    modules: of nn module and random-stream ones, conformance/module_statements.py; swarm:
    its ops drawn from a random few; record: keep the oracle's events as
    program.oracle_events, see runner.run_lockstep)."""
    return Generator(ops, chooser, oracle, focus, max_statements, reported_ops, autograd,
                     swarm, record, modules).build()


def programs(ops, oracle, focus=None, max_statements=12, autograd=None):
    """A hypothesis strategy of Programs."""
    from hypothesis import strategies as st

    @st.composite
    def _programs(draw):
        data = draw(st.data())
        return generate(ops, HypothesisChooser(data), oracle, focus, max_statements,
                        autograd=autograd)
    return _programs()
