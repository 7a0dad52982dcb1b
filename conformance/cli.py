"""The command line: `python -m conformance fuzz|replay|report|save|ops`.

Exit status: 0 nothing unexpected (known and flaky divergences are reported, not failed),
1 new divergences, crashes or timeouts (or a repro that reproduces), 2 bad usage (unknown module, missing device, bad option, malformed spec or file).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .corpus import CorpusError
from .specs import SpecError
from .targets import TargetError

EXIT_OK, EXIT_DIVERGED, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, exit 2, no traceback
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        sys.exit(EXIT_USAGE)


def _share(text):
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1, got {text}")
    return value


def _positive(kind):
    def parse(text):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
        if value <= 0:
            raise argparse.ArgumentTypeError(f"must be positive, got {text}")
        return value
    return parse


def build_parser():
    p = _Parser(prog="torch-conformance",
                description="Differential conformance testing of PyTorch against refimpl.")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)
    f = sub.add_parser("fuzz", help="run a fuzz campaign and write a report")
    f.add_argument("--target", action="append", metavar="MODULE[:DEVICE][@PYTHON]",
                   help="target to test (repeatable; default torch:cpu); @PYTHON: the "
                        "interpreter its worker runs in, e.g. torch:cpu@/opt/nightly/bin/python")
    budget = f.add_mutually_exclusive_group()
    budget.add_argument("--seconds", type=_positive(float), help="time budget")
    budget.add_argument("--examples", type=_positive(int), help="number of programs")
    f.add_argument("--seed", type=int, help="random seed (default: random, printed)")
    f.add_argument("--resume", metavar="DIR",
                   help="continue the campaign whose report is DIR (stopped, killed or "
                        "finished) with its recorded options; --seconds/--examples then give "
                        "more time or programs (default: what its budget had left)")
    f.add_argument("--ops", metavar="PATTERN", help="comma-separated globs of ops to fuzz")
    f.add_argument("--report", metavar="DIR", default="reports/latest", help="report directory")
    f.add_argument("--max-statements", type=_positive(int), default=12)
    f.add_argument("--autograd", type=_share, metavar="SHARE",
                   help="share of statements that are autograd ones (requires_grad, backward, "
                        "detach, .data, grad-mode blocks, ...); 0 turns them off (default 0.2)")
    f.add_argument("--modules", type=_share, metavar="SHARE",
                   help="share of statements that build and use nn modules or reseed the "
                        "random stream (Linear, BatchNorm1d, Dropout, train/eval, state_dict, "
                        "SGD steps, manual_seed, ...); 0 turns them off (default 0.12)")
    f.add_argument("--specs", metavar="DIR", help="spec directory (default: the bundled specs/)")
    f.add_argument("--progress-every", type=_positive(float), default=10.0, metavar="SECONDS",
                   help="how often results.jsonl records the counts so far, and (when stderr "
                        "is not a terminal) a progress line is printed")
    f.add_argument("--swarm", action="store_true",
                   help="swarm testing: each program draws its ops from a random few")
    f.add_argument("--engine", choices=["random", "hypothesis"], default="random",
                   help="what draws the programs: a seeded random stream (default: the faster "
                        "finder, see README) or hypothesis (shrinking on its choices, an "
                        "example database replayed by the next campaign, hypothesis.target)")
    f.add_argument("--database", metavar="DIR", default=".hypothesis/campaign",
                   help="--engine hypothesis: its example database (default "
                        ".hypothesis/campaign); 'none' for none")
    f.add_argument("--shared-database", action="append", default=None, metavar="DIR",
                   help="--engine hypothesis: a read-only example database replayed with "
                        "the local one (repeatable; e.g. a folder gathering every runner's)")
    f.add_argument("--history", metavar="FILE",
                   help="the run history the report's trend is drawn from; this run is "
                        "appended (default: DIR/history.jsonl)")
    f.add_argument("--workers", type=_positive(int), default=1, metavar="N",
                   help="spread the campaign over N processes (shards with their own seeds, "
                        "merged into one report; a program budget is divided between them)")
    f.add_argument("--in-process", action="store_true",
                   help="run the targets in the campaign's own process (no crash or hang "
                        "isolation, no @PYTHON); by default each runs in a worker process")
    f.add_argument("--statement-timeout", type=_positive(float), default=10.0, metavar="SECONDS",
                   help="a worker target taking longer for one statement is recorded as a "
                        "timeout and restarted (default 10)")
    f.add_argument("--program-timeout", type=_positive(float), default=60.0, metavar="SECONDS",
                   help="... and for one program (default 60)")
    f.add_argument("--no-progress", action="store_true",
                   help="no progress display (on a terminal: a live line; else a line every "
                        "--progress-every seconds)")
    r = sub.add_parser("replay", help="replay a program (JSON) or a results.jsonl failure")
    r.add_argument("file")
    r.add_argument("--target", default="torch:cpu", metavar="MODULE[:DEVICE]")
    r.add_argument("--id", help="failure id inside a results.jsonl")
    m = sub.add_parser("report", help="merge runs (or rebuild one run's report) from results.jsonl")
    m.add_argument("runs", nargs="+", metavar="RUN_DIR")
    m.add_argument("--out", required=True, metavar="DIR")
    m.add_argument("--history", metavar="FILE",
                   help="append the merged run to this history file (default: show the "
                        "trend DIR/history.jsonl holds, appending nothing)")
    c = sub.add_parser("save", help="keep a campaign failure as a regression program "
                                    "(corpus/), replayed by pytest on every run")
    c.add_argument("results", metavar="RESULTS_JSONL")
    c.add_argument("--id", required=True, help="the failure's id (fNNNN)")
    c.add_argument("--name", help="the corpus file's name (default: op-property-target)")
    c.add_argument("--corpus", default="corpus", metavar="DIR", help="default: corpus/")
    sub.add_parser("ops", help="list the declared ops")
    return p


def main(argv=None):
    args = build_parser().parse_args(argv)
    try:
        if args.command == "fuzz":
            return _fuzz(args)
        if args.command == "replay":
            return _replay(args)
        if args.command == "report":
            return _report(args)
        if args.command == "save":
            return _save(args)
        return _list_ops()
    except (TargetError, SpecError, CorpusError) as e:
        print(f"torch-conformance: error: {e}", file=sys.stderr)
        return EXIT_USAGE


# options a resumed campaign takes from its start record
_RECORDED = ("target", "ops", "seed", "specs", "max_statements", "autograd", "modules", "in_process",
             "statement_timeout", "program_timeout", "report", "swarm", "workers", "engine",
             "database", "shared_database", "history")


def _resumed_config(args):
    from .campaign import Config, resumable
    from .merge import MergeError
    defaults = vars(build_parser().parse_args(["fuzz"]))
    given = [name for name in _RECORDED if getattr(args, name) != defaults[name]]
    if given:
        raise SpecError(f"--resume takes the campaign's recorded options; drop "
                        f"{', '.join('--' + g.replace('_', '-') for g in given)}")
    from .shards import MANIFEST
    directory = Path(args.resume)
    # a --workers campaign: its shards resume themselves; the first one's record says how
    source = directory / "shards" / "0" if (directory / MANIFEST).is_file() else directory
    try:
        start, totals, _, _ = resumable(source)
    except MergeError as e:
        raise SpecError(f"cannot resume {directory}: {e}") from None
    config = Config(targets=start.get("targets") or ["torch:cpu"], seed=start.get("seed"),
                    ops=start.get("ops"), report_dir=directory,
                    max_statements=start.get("max_statements", 12),
                    spec_dir=Path(start["spec_dir"]) if start.get("spec_dir") else None,
                    progress_every=args.progress_every, autograd=start.get("autograd"),
                    modules=start.get("modules"),
                    isolate=start.get("isolate", True),
                    statement_timeout=start.get("statement_timeout", 10.0),
                    program_timeout=start.get("program_timeout", 60.0), resume=True,
                    swarm=start.get("swarm", False), engine=start.get("engine", "random"),
                    database=Path(start["database"]) if start.get("database") else None,
                    shared_databases=tuple(Path(p) for p in start.get("shared_databases", ())),
                    history=Path(start["history"]) if start.get("history") else None)
    if source is not directory:
        # the run's own seed, not its first shard's; a budget given is divided between the
        # shards (more programs, or more seconds each), else each runs what it had left
        config.seed = json.loads((directory / MANIFEST).read_text()).get("seed", config.seed)
        config.seconds, config.examples = args.seconds, args.examples
        return config
    if args.seconds is not None:
        config.seconds = args.seconds
    elif args.examples is not None:
        config.examples = totals.get("programs", 0) + args.examples
    elif start.get("examples") is not None:
        config.examples = start["examples"]
    else:  # what the budget had left (none: it is rewritten, nothing more runs)
        config.seconds = max(0.0, (start.get("seconds") or 60.0) - totals.get("seconds", 0.0))
    return config


def _fuzz(args):
    from .campaign import Campaign, Config
    if args.resume:
        return _run_campaign(args, _resumed_config(args), Path(args.resume))
    config = Config(targets=args.target or ["torch:cpu"], seconds=args.seconds,
                    examples=args.examples, seed=args.seed, ops=args.ops,
                    report_dir=Path(args.report), max_statements=args.max_statements,
                    spec_dir=Path(args.specs) if args.specs else None,
                    progress_every=args.progress_every, autograd=args.autograd,
                    modules=args.modules,
                    isolate=not args.in_process, statement_timeout=args.statement_timeout,
                    program_timeout=args.program_timeout, swarm=args.swarm,
                    engine=args.engine,
                    database=None if args.database == "none" else Path(args.database),
                    shared_databases=tuple(Path(p) for p in args.shared_database or ()),
                    history=Path(args.history) if args.history else None)
    if config.seconds is None and config.examples is None:
        config.seconds = 60.0
    return _run_campaign(args, config, Path(args.report))


def _run_campaign(args, config, report_dir):
    from .campaign import Campaign
    from .shards import MANIFEST, run_sharded
    progress = None
    if not args.no_progress:
        from .progress import Progress
        progress = Progress(seconds=config.seconds, examples=config.examples,
                            every=args.progress_every)
    sharded = (report_dir / MANIFEST).is_file() if config.resume else args.workers > 1
    if sharded:
        if config.seed is None:
            import random
            config.seed = random.SystemRandom().randrange(2**32)
        print(f"fuzzing {', '.join(config.targets)} against refimpl, seed {config.seed}, "
              f"{args.workers if not config.resume else 'its'} workers", flush=True)
        return _print_summary(run_sharded(config, args.workers, report_dir, progress), report_dir)
    config.progress = progress
    campaign = Campaign(config)
    print(f"fuzzing {', '.join(config.targets)} against refimpl, seed {campaign.seed}, "
          f"{'%gs' % config.seconds if config.seconds is not None else '%d programs' % config.examples}"
          + (f", resuming {report_dir}" if config.resume else ""), flush=True)
    return _print_summary(campaign.run(), report_dir)


def _print_summary(summary, report_dir):
    c = summary["counts"]
    rate = summary["statements_per_second"]
    print(f"{summary['programs']} programs, {summary['statements']} statements in "
          f"{summary['seconds']:.1f}s ({summary['programs_per_second']} programs/s, {rate} statements/s)")
    for f in summary["failures"]:
        print(f"  [{f['status']}] {f['id']} {f['target']} {f['op']}.{f['property']}: {f['detail'][:150]}")
    print(f"{c['new']} new, {c['known']} known, {c['flaky']} flaky, {c['crash']} crashes, "
          f"{c['timeout']} timeouts, {c['possibly_fixed']} possibly fixed upstream; "
          f"report: {report_dir / 'index.html'}")
    for spec, info in summary["target_info"].items():
        if not info.get("in_process", True):
            print(f"  {spec}: torch {info['torch_version']} in {info['python']} "
                  f"(Python {info['python_version']}; worker restarted {info['restarts']} times)")
    if summary["interrupted"]:
        print("interrupted: the report holds what ran until then")
    return _exit_status(c)


def _load_program(path, fid):
    from .program import Program
    text = Path(path).read_text(encoding="utf-8")
    if path.endswith(".jsonl"):
        for line in text.splitlines():
            record = json.loads(line)
            if record.get("type") == "failure" and (fid is None or record["id"] == fid):
                return Program.from_json(record["program"])
        raise SpecError(f"{path}: no failure {fid or ''} in it".replace("  ", " "))
    return Program.loads(text)


def _save(args):
    from .corpus import save
    path = save(Path(args.results), args.id, Path(args.corpus), args.name)
    print(f"saved {args.id} as {path}: pytest replays it on every run (tests/test_corpus.py)")
    return EXIT_OK


def _replay(args):
    from .runner import run_lockstep
    from .targets import parse_target
    try:
        program = _load_program(args.file, args.id)
    except (OSError, ValueError, KeyError) as e:
        print(f"torch-conformance: error: cannot read program from {args.file}: {e}", file=sys.stderr)
        return EXIT_USAGE
    target = parse_target(args.target)
    print(program.render())
    divergence, _ = run_lockstep(program, parse_target("refimpl"), target)
    if divergence is None:
        print(f"no divergence on {target.spec}")
        return EXIT_OK
    print(f"diverges at statement {divergence.index + 1} ({divergence.op}):")
    for m in divergence.mismatches:
        print("  " + m.detail()[:300])
    return EXIT_DIVERGED


def _report(args):
    from .merge import MergeError, merge
    try:
        summary = merge(args.runs, Path(args.out),
                        history_file=Path(args.history) if args.history else None)
    except MergeError as e:
        print(f"torch-conformance: error: {e}", file=sys.stderr)
        return EXIT_USAGE
    c = summary["counts"]
    print(f"{len(args.runs)} run(s): {summary['programs']} programs, {summary['statements']} "
          f"statements; {c['new']} new, {c['known']} known, {c['flaky']} flaky, {c['crash']} "
          f"crashes, {c['timeout']} timeouts; report: {Path(args.out) / 'index.html'}")
    return _exit_status(c)


def _exit_status(counts):
    """1 for what needs a look: new divergences, crashes, timeouts (not known or flaky ones)."""
    from .report import UNEXPECTED
    return EXIT_DIVERGED if any(counts[status] for status in UNEXPECTED) else EXIT_OK


def _list_ops():
    from .generate import ARG_KINDS
    from .specs import load_ops
    for op in load_ops(kinds=ARG_KINDS).values():
        print(f"{op.name:12s} {op.output:10s} {', '.join(op.forms):35s} {op.source}")
    return EXIT_OK
