"""A time- or count-budgeted fuzz campaign: generate, run in lockstep, de-duplicate,
shrink, write repros and the report. Results are appended to results.jsonl as they are
found, so an interrupted or crashing run keeps what it had gathered."""
from __future__ import annotations

import collections
import datetime
import json
import random
import signal
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import atomic, history, repro, report
from .autograd_statements import STATEMENT_OPS
from .module_statements import STATEMENT_OPS as MODULE_STATEMENT_OPS
from .generate import ARG_KINDS, RandomChooser, generate
from .observe import ALL_PROPERTIES, observed_groups
from .program import Program
from .runner import run_lockstep
from .shrink import fault_of, fault_op, same_divergence, same_fault, shrink
from .specs import known_entry, load_ledger, load_ops, select_ops
from .targets import TargetError, parse_target
from .worker import TargetFault, WorkerTarget


PROGRESS_EVERY = 10.0  # seconds between progress records in results.jsonl
# what the end record takes from the summary (read back by --resume and `report`)
_END_FIELDS = ("possibly_fixed", "ledger", "areas", "groups", "api_gap", "target_info")
MISMATCHES_KEPT = 12   # of a failure's first diverging statement, for the report's table


@dataclass
class Config:
    targets: list = field(default_factory=lambda: ["torch:cpu"])
    seconds: float | None = None
    examples: int | None = None
    seed: int | None = None
    ops: str | None = None
    report_dir: Path | None = None
    max_statements: int = 12
    shrink_seconds: float = 10.0
    spec_dir: Path | None = None
    stop_when: object = None    # callable(campaign) -> bool, checked after each program
    progress_every: float = PROGRESS_EVERY
    autograd: float | None = None   # share of autograd statements (None: the default, 0: off)
    modules: float | None = None    # ... of nn module and random-stream statements
    progress: object = None         # a progress.Progress shown while running, or None
    isolate: bool = True            # targets in worker processes (conformance.worker)
    statement_timeout: float = 10.0  # seconds a worker target may take for one statement
    program_timeout: float = 60.0   # ... and for a whole program
    flaky_reruns: int = 3           # runs again of a diverging program, to tell flaky ones
    resume: bool = False            # continue the campaign whose results are in report_dir
    swarm: bool = False             # each program draws its ops from a random few
    engine: str = "random"          # what draws the programs: random, or hypothesis
    database: Path | None = None    # the hypothesis engine's example database (None: none)
    shared_databases: tuple = ()    # ... and read-only ones it replays too (other runners')
    history: Path | None = None     # the run history the trend is drawn from (None: in DIR)

    def recorded(self):
        """What a resumed campaign takes from the start record (resumable())."""
        return {"seed": self.seed, "targets": self.targets, "ops": self.ops,
                "max_statements": self.max_statements, "autograd": self.autograd,
                "modules": self.modules,
                "seconds": self.seconds, "examples": self.examples,
                "spec_dir": str(self.spec_dir) if self.spec_dir else None,
                "isolate": self.isolate, "statement_timeout": self.statement_timeout,
                "program_timeout": self.program_timeout, "swarm": self.swarm,
                "engine": self.engine,
                "database": str(self.database) if self.database else None,
                "shared_databases": [str(p) for p in self.shared_databases],
                "history": str(self.history) if self.history else None}


def resumable(report_dir: Path):
    """(start record, last totals record, failure records, segments so far) of the
    campaign in report_dir, from its results.jsonl; MergeError where there is none."""
    from .merge import read_run
    start, totals, failures = read_run(report_dir)
    if not start:
        from .merge import MergeError
        raise MergeError(f"{report_dir}: results.jsonl has no start record")
    text = (report_dir / "results.jsonl").read_text(encoding="utf-8")
    segments = 1 + text.count('"type": "resume"')
    return start, totals or {}, failures, segments


def _error_text(error):
    """What a side raised at the diverging statement, "Type: message" (None: nothing)."""
    if error is None:
        return None
    kind, message = error
    return f"{kind}: {message}"[:1000]


def _drop_torn_line(path: Path):
    """Cut a line a killed run left half written off the end of path, so that the records
    appended next start on a line of their own."""
    with open(path, "rb+") as f:
        data = f.read()
        if data and not data.endswith(b"\n"):
            f.truncate(data.rfind(b"\n") + 1)


class Terminated(KeyboardInterrupt):
    """SIGTERM, ended as Ctrl-C is: the run stops and its report is written."""


def _on_sigterm(signum, frame):
    raise Terminated()


class Campaign:
    def __init__(self, config: Config):
        self.config = config
        spec_kwargs = {"spec_dir": config.spec_dir} if config.spec_dir else {}
        self.all_ops = load_ops(kinds=ARG_KINDS, **spec_kwargs)
        self.reported = select_ops(self.all_ops, config.ops)
        self.ledger = load_ledger(
            ops=list(self.all_ops) + list(STATEMENT_OPS) + list(MODULE_STATEMENT_OPS), **spec_kwargs)
        # parse (import, device check) every target before running anything
        self.oracle = parse_target("refimpl")
        self.targets = []
        try:
            for spec in config.targets:
                self.targets.append(self._make_target(spec))
        except TargetError:
            self.close()
            raise
        self.seed = config.seed if config.seed is not None else random.SystemRandom().randrange(2**32)
        self.failures = {}                      # (target, op, property) -> failure record
        self.coverage = collections.Counter()   # statements per op (generated and run)
        # statements per op and call spelling (positional, keywords, out, malformed:..., or the
        # form: operator, augmented, getitem, ...)
        self.spellings = collections.defaultdict(collections.Counter)
        self.exercised = collections.Counter()  # (target, op) statements run
        self.matched_ledger = set()
        self.first_seen = {}                    # failure class -> (seconds, programs)
        self.programs = 0
        self.statements = 0
        self.started = datetime.datetime.now(datetime.timezone.utc)
        self.elapsed = 0.0
        self.interrupted = False
        self._results = None
        self.elapsed_before = 0.0  # seconds run by the segments before this one (--resume)
        self.segment = 0
        if config.resume:
            self._restore()

    def _make_target(self, spec):
        if not self.config.isolate:
            if "@" in spec:
                raise TargetError(f"target {spec!r}: an interpreter (@PYTHON) runs in a worker "
                                  "process, which --in-process turns off")
            return parse_target(spec)
        target = WorkerTarget(spec, statement_timeout=self.config.statement_timeout,
                              program_timeout=self.config.program_timeout)
        target.start()
        return target

    def close(self):
        """End the targets' worker processes."""
        for target in self.targets:
            if isinstance(target, WorkerTarget):
                target.close()

    def target_info(self):
        """Per target: the interpreter and torch version it ran (a worker's report)."""
        out = {}
        for t in self.targets:
            info = dict(getattr(t, "info", {}))
            info.setdefault("torch_version", t.torch_version())
            info["in_process"] = not isinstance(t, WorkerTarget)
            info["restarts"] = getattr(t, "restarts", 0)
            info["not_compared"] = t.capabilities.not_compared()
            info.pop("pid", None)
            info.pop("api", None)
            out[t.spec] = info
        return out

    def api_gap(self):
        """The torch API refimpl does not model, from the first target's torch (its
        worker's list; an in-process target's own module)."""
        from .api_gap import api_gap, api_names
        for t in self.targets:
            names = t.info.get("api") if isinstance(t, WorkerTarget) else (
                api_names(t.module) if hasattr(t.module, "Tensor") else None)
            if names:
                return api_gap(names, t.torch_version())
        return None

    # --- output ----------------------------------------------------------------------
    def _restore(self):
        """Take up the campaign recorded in report_dir where it stopped."""
        start, totals, failures, self.segment = resumable(self.config.report_dir)
        self.started = datetime.datetime.fromisoformat(start["started"])
        self.programs = totals.get("programs", 0)
        self.statements = totals.get("statements", 0)
        self.elapsed_before = totals.get("seconds", 0.0)
        self.coverage.update(totals.get("coverage", {}))
        for op, counts in totals.get("spellings", {}).items():
            self.spellings[op].update(counts)
        for target, counts in totals.get("exercised", {}).items():
            self.exercised.update({(target, op): n for op, n in counts.items()})
        for f in failures:
            f.pop("_repro_text", None)
            f.pop("type", None)
            self.failures[(f["target"], f["op"], f["property"])] = f
            if f.get("ledger_id"):
                self.matched_ledger.add(f["ledger_id"])

    def _open_results(self):
        d = self.config.report_dir
        if d is None:
            return
        (d / "repros").mkdir(parents=True, exist_ok=True)
        if self.config.resume:
            _drop_torn_line(d / "results.jsonl")
            self._results = open(d / "results.jsonl", "a", encoding="utf-8")
            self._log({"type": "resume", "segment": self.segment, "programs": self.programs,
                       "resumed": datetime.datetime.now(datetime.timezone.utc).isoformat()})
            return
        for old in (d / "repros").glob("f*.py"):
            old.unlink()
        self._results = open(d / "results.jsonl", "w", encoding="utf-8")
        self._log({"type": "start", **self.config.recorded(), "seed": self.seed,
                   "started": self.started.isoformat()})

    def _log(self, record):
        if self._results is not None:
            self._results.write(json.dumps(record, allow_nan=True) + "\n")
            self._results.flush()

    # --- the loop ----------------------------------------------------------------------
    def run(self):
        self._open_results()
        # a resumed segment draws other programs than the segments before it
        rng = random.Random(self.seed if not self.segment else f"{self.seed}/{self.segment}")
        t0 = self._t0 = time.monotonic()
        self._next_progress = t0 + self.config.progress_every
        previous = None
        if threading.current_thread() is threading.main_thread():
            previous = signal.signal(signal.SIGTERM, _on_sigterm)
        progress = self.config.progress
        try:
            if progress is not None:
                progress.start()
            if self.config.engine == "hypothesis":
                from .hypothesis_engine import HypothesisEngine
                HypothesisEngine(self, rng).run()
            else:
                while not self._done():
                    program = self.draw(RandomChooser(rng))
                    for target, divergence in self.test(program):
                        self._record(program, divergence, target)
        except KeyboardInterrupt:  # Ctrl-C, or SIGTERM (Terminated)
            self.interrupted = True
        finally:
            # a second signal while the report is written is held off until it is
            if previous is not None:
                signal.signal(signal.SIGTERM, signal.SIG_IGN)
            try:
                self.elapsed = time.monotonic() - t0
                if progress is not None:
                    progress.close(self)
                summary = self.summary()
                self._log(self._totals("end", summary))
                if self._results is not None:
                    self._results.close()
                if self.config.report_dir is not None:
                    self.write_report(summary)
            finally:
                self.close()
                if previous is not None:
                    signal.signal(signal.SIGTERM, previous)
        return summary

    def draw(self, chooser):
        """A program drawn with chooser (a seeded random stream, or hypothesis), with the
        oracle's events recorded."""
        return generate(self.all_ops, chooser, self.oracle,
                        max_statements=self.config.max_statements, reported_ops=self.reported,
                        autograd=self.config.autograd, swarm=self.config.swarm, record=True,
                        modules=self.config.modules)

    def test(self, program):
        """Run program on every target, counting what ran; the (target, divergence) pairs
        where it diverged. A crash or a timeout is recorded here (conformance.worker)."""
        if time.monotonic() >= self._next_progress:  # what a crash would otherwise lose
            self._log(self._totals("progress"))
            self._next_progress += self.config.progress_every
        self.programs += 1
        for stmt in program.statements:
            self.coverage[stmt.op] += 1
            self.spellings[stmt.op][stmt.spelling or stmt.form] += 1
        diverged = []
        for target in self.targets:
            try:
                divergence, ran = run_lockstep(program, self.oracle, target)
            except TargetFault as fault:
                divergence, ran = None, fault.index
                self._record_fault(program, fault, target)
            self.statements += ran
            for stmt in program.statements[:ran]:
                self.exercised[(target.spec, stmt.op)] += 1
            if divergence is not None:
                self._seen(self.key(target, divergence))
                diverged.append((target, divergence))
        if self.config.progress is not None:
            self.config.progress.update(self)
        return diverged

    @staticmethod
    def key(target, divergence):
        """The class a divergence is de-duplicated by: (target, op, property)."""
        return (target.spec, divergence.op, divergence.first.property)

    def _seen(self, key):
        """Note when a failure class was first met, before any shrinking (what
        benchmarks/time_to_detect.py measures): seconds into the run, and programs run."""
        self.first_seen.setdefault(
            key, (self.elapsed_before + time.monotonic() - self._t0, self.programs))

    def _totals(self, kind, summary=None):
        """A results.jsonl record of the counts so far (progress, or, given the run's
        summary, its end)."""
        return {"type": kind, "programs": self.programs, "statements": self.statements,
                "seconds": round(self.elapsed_before + (self.elapsed if kind == "end"
                                                        else time.monotonic() - self._t0), 3),
                "interrupted": self.interrupted, "coverage": dict(self.coverage),
                "spellings": {op: dict(c) for op, c in self.spellings.items()},
                "exercised": self._exercised_by_target(),
                "targets": [t.spec for t in self.targets],
                "failure_counts": {f["id"]: f["count"] for f in self.failures.values()},
                "torch_version": ", ".join(sorted({t.torch_version() for t in self.targets})),
                "possibly_fixed": [],
                # the end record: what the summary computed once for the whole run
                **({k: summary[k] for k in _END_FIELDS} if summary is not None else {})}

    def _exercised_by_target(self):
        out = collections.defaultdict(dict)
        for (target, op), n in self.exercised.items():
            out[target][op] = n
        return dict(out)

    def _done(self):
        t0 = self._t0
        if self.config.stop_when is not None and self.config.stop_when(self):
            return True
        if self.config.examples is not None and self.programs >= self.config.examples:
            return True
        if self.config.seconds is not None and time.monotonic() - t0 >= self.config.seconds:
            return True
        return self.config.examples is None and self.config.seconds is None and self.programs >= 100

    def ledger_entry(self, target, divergence):
        return known_entry(self.ledger, target, divergence)

    def _record(self, program, divergence, target):
        m = divergence.first
        key = self.key(target, divergence)
        if key in self.failures:
            self.failures[key]["count"] += 1
            return
        entry = self.ledger_entry(target, divergence)
        if entry is not None:
            self.matched_ledger.add(entry.id)
        predicate = same_divergence(divergence.op, m.property)
        flaky = self._flaky(program, target, predicate)
        if flaky:  # shrinking would chase chance: the program is kept as it ran
            small, final = program, divergence
        else:
            small = shrink(program, divergence.index, self.oracle, target, predicate,
                           self.config.shrink_seconds)
            final = self._outcome(small, target)
            if not predicate(final):  # does not reproduce once shrunk: keep the original
                small, final = program, divergence
        fid = f"f{len(self.failures) + 1:04d}"
        verdict, shared, agreeing = self._verdict(small, target, predicate, m.property)
        record = {
            "id": fid, "target": target.spec, "op": divergence.op, "property": m.property,
            "status": "known" if entry else "flaky" if flaky else "new",
            "flaky": flaky, "verdict": "known" if entry else verdict, "shared_with": shared,
            "agreeing": agreeing,
            "ledger_id": entry.id if entry else None,
            "reason": entry.reason if entry else None,
            "link": entry.link if entry else None,
            "statement": small.statements[final.index].render(),
            "variable": final.first.variable, "detail": final.first.detail(),
            "mismatches": [m.as_record() for m in final.mismatches[:MISMATCHES_KEPT]],
            "oracle_error": _error_text(final.oracle_error),
            "target_error": _error_text(final.target_error),
            "count": 1, "program_length": len(small.statements),
            "repro": f"repros/{fid}.py", "program": small.to_json(),
        }
        self.failures[key] = record
        if self.config.report_dir is not None:
            text = repro.render(small, final, target, repro.oracle_errors(small, self.oracle),
                                torch_version=target.torch_version())
            atomic.write_text(self.config.report_dir / record["repro"], text)
        self._log({"type": "failure", **record})

    def _verdict(self, program, target, predicate, prop):
        """Triage by the other targets (a three-way run): (verdict, the targets diverging the
        same way, the targets agreeing with the oracle). "refimpl": every other target that
        can show prop diverges from the oracle as this one does (a refimpl or spec gap, or a
        bug they all share); "device": some target agrees with the oracle, so the devices
        differ from each other. None where no other target can show prop (a single target;
        meta, for values)."""
        judges = [t for t in self.targets if t is not target and t.capabilities.shows(prop)]
        if not judges:
            return None, [], []
        shared = [t.spec for t in judges if predicate(self._outcome(program, t))]
        agreeing = [t.spec for t in judges if t.spec not in shared]
        return ("refimpl" if not agreeing else "device"), shared, agreeing

    def _outcome(self, program, target):
        """The first divergence of program on target (None also when the target crashed)."""
        try:
            return run_lockstep(program, self.oracle, target)[0]
        except TargetFault:
            return None

    def _flaky(self, program, target, predicate):
        """Whether the same program, run again, fails to diverge the same way."""
        return any(not predicate(self._outcome(program, target))
                   for _ in range(self.config.flaky_reruns))

    def _record_fault(self, program, fault, target):
        """A crash or a timeout: recorded (once per target, op and kind) with its shrunk
        program and a repro that runs it."""
        index = min(fault.index, len(program.statements) - 1)
        op = fault_op(program, fault)
        key = (target.spec, op, fault.kind)
        self._seen(key)
        if key in self.failures:
            self.failures[key]["count"] += 1
            return
        fault.op = op
        # each candidate that still hangs costs a time limit: the budget allows a few
        seconds = self.config.shrink_seconds + (3 * self.config.statement_timeout
                                                if fault.kind == "timeout" else 0)
        small = shrink(program, index, self.oracle, target, same_fault(op, fault.kind),
                       seconds, path=fault.path if len(fault.path) > 1 else None,
                       outcome=lambda p: fault_of(p, self.oracle, target))
        final = fault_of(small, self.oracle, target)
        if not same_fault(op, fault.kind)(final):  # does not reproduce alone: keep it whole
            small, final = Program(list(program.statements[:index + 1])), fault
        fid = f"f{len(self.failures) + 1:04d}"
        at = min(final.index, len(small.statements) - 1)
        record = {
            "id": fid, "target": target.spec, "op": op, "property": fault.kind,
            "status": fault.kind, "ledger_id": None, "reason": None, "link": None,
            "flaky": False, "statement": small.statements[at].render(), "variable": None,
            "detail": f"{fault.kind}: {final.detail}", "log": final.log[-2000:],
            "count": 1, "program_length": len(small.statements),
            "repro": f"repros/{fid}.py", "program": small.to_json(),
        }
        self.failures[key] = record
        if self.config.report_dir is not None:
            text = repro.render_fault(small, final, target,
                                      repro.oracle_errors(small, self.oracle),
                                      torch_version=target.torch_version())
            atomic.write_text(self.config.report_dir / record["repro"], text)
        self._log({"type": "failure", **record})

    # --- results --------------------------------------------------------------------------
    def ledger_status(self):
        """Every ledger entry and what this run made of it: reproduced; no longer
        reproducing (its op ran on a target it names and nothing matched it: possibly fixed
        upstream); or not exercised."""
        out = []
        for entry in self.ledger:
            if entry.id in self.matched_ledger:
                status = "reproduced"
            elif any(entry.covers(t, op) for (t, op) in self.exercised):
                status = "no longer reproducing"
            else:
                status = "not exercised"
            out.append({"ledger_id": entry.id, "op": entry.op, "property": entry.property,
                        "target": entry.target, "dtype": entry.dtype, "detail": entry.detail,
                        "device": entry.device, "oracle_error": entry.oracle_error,
                        "kind": entry.kind, "repro": entry.repro,
                        "reason": entry.reason, "link": entry.link, "status": status})
        return out

    def possibly_fixed(self):
        return [e for e in self.ledger_status() if e["status"] == "no longer reproducing"]

    def areas(self):
        """The area of every op: its spec file's name (views, reductions, ...), or
        autograd for the generator's autograd statements."""
        out = {name: Path(spec.source).stem for name, spec in self.all_ops.items()}
        out.update({op: "autograd" for op in STATEMENT_OPS if op not in out})
        out.update({op: "nn modules" for op in MODULE_STATEMENT_OPS if op not in out})
        return dict(sorted(out.items()))

    def summary(self):
        failures = sorted(self.failures.values(), key=lambda f: f["id"])
        counts = collections.Counter(f["status"] for f in failures)
        fixed = self.possibly_fixed()
        versions = sorted({t.torch_version() for t in self.targets})
        seconds = self.elapsed_before + self.elapsed
        return {
            "tool": "torch-conformance", "schema_version": report.SUMMARY_SCHEMA,
            "started": self.started.isoformat(timespec="seconds"),
            "seconds": round(self.elapsed_before + self.elapsed, 3), "seed": self.seed,
            "oracle": "refimpl", "targets": [t.spec for t in self.targets],
            "torch_version": ", ".join(versions),
            "ops": sorted(self.reported),
            "programs": self.programs, "statements": self.statements,
            "programs_per_second": round(self.programs / seconds, 1) if seconds else None,
            "statements_per_second": round(self.statements / seconds, 1) if seconds else None,
            "segments": self.segment + 1 if self.segment else 1,
            "interrupted": self.interrupted,
            "properties": [p for p in ALL_PROPERTIES],
            "counts": {"new": counts.get("new", 0), "known": counts.get("known", 0),
                       "flaky": counts.get("flaky", 0), "crash": counts.get("crash", 0),
                       "timeout": counts.get("timeout", 0), "possibly_fixed": len(fixed)},
            "target_info": self.target_info(),
            "failures": [{k: v for k, v in f.items() if k != "program"} for f in failures],
            "possibly_fixed": fixed,
            "coverage": dict(sorted(self.coverage.items())),
            "spellings": {op: dict(sorted(c.items())) for op, c in sorted(self.spellings.items())},
            "exercised": self._exercised_by_target(),
            "groups": observed_groups(self.oracle),
            "areas": self.areas(),
            "ledger": self.ledger_status(),
            "engine": self.config.engine,
            "api_gap": self.api_gap(),
            "target_errors": [],
        }

    def write_report(self, summary):
        d = self.config.report_dir
        d.mkdir(parents=True, exist_ok=True)
        atomic.write_text(d / "summary.json", json.dumps(summary, indent=2, allow_nan=True))
        records = history.append(self.config.history or d / "history.jsonl", summary)
        report.write_html(d, summary, records)
        report.write_junit(d, summary)
