"""`fuzz --workers N`: one campaign spread over N processes on this machine.

Each shard is an ordinary campaign (`python -m conformance fuzz`) with its own seed, drawn
from the run's seed, writing its own report under DIR/shards/<k>/; the run's report in
DIR is their merge (conformance.merge), made again when the shards end, so what a shard
found survives the shard, and `report DIR/shards/*` rebuilds it after a kill. A program
budget is divided between the shards, a time budget is each one's. Ctrl-C or SIGTERM
stops every shard (each writes its report) before the merge. `--resume DIR` resumes the
shards. Spreading over machines is the same, by hand: one campaign per machine, then
`report` over their directories.
"""
from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from . import atomic
from .merge import merge

MANIFEST = "shards.json"
SHARD_RESTARTS = 3  # times a shard whose process died is resumed


def _died(proc, directory):
    """Whether a shard's process ended without finishing its run: no end record (a usage
    error, exit 2, is not retried)."""
    if proc.returncode == 2:
        return False
    path = directory / "results.jsonl"
    if not path.is_file():
        return True
    lines = path.read_text(encoding="utf-8").rstrip("\n").rsplit("\n", 1)
    try:
        return json.loads(lines[-1]).get("type") != "end"
    except json.JSONDecodeError:
        return True


def shard_seeds(seed, workers):
    rng = random.Random(f"{seed}/shards")
    return [rng.randrange(2**32) for _ in range(workers)]


def shard_options(config):
    """The fuzz options every shard gets (its --report, --seed and budget apart)."""
    out = []
    for t in config.targets:
        out += ["--target", t]
    if config.ops:
        out += ["--ops", config.ops]
    if config.spec_dir:
        out += ["--specs", str(config.spec_dir)]
    if config.autograd is not None:
        out += ["--autograd", str(config.autograd)]
    if config.modules is not None:
        out += ["--modules", str(config.modules)]
    if not config.isolate:
        out.append("--in-process")
    if config.swarm:
        out.append("--swarm")
    out += ["--engine", config.engine, "--database", str(config.database or "none")]
    for shared in config.shared_databases:
        out += ["--shared-database", str(shared)]
    out += ["--max-statements", str(config.max_statements),
            "--statement-timeout", str(config.statement_timeout),
            "--program-timeout", str(config.program_timeout)]
    return out


class _Totals:
    """The shards' counts so far, read from their results.jsonl (what Progress shows)."""

    def __init__(self):
        self.programs = self.statements = 0
        self.failures = {}

    def read(self, directories):
        self.programs = self.statements = 0
        self.failures = {}
        for d in directories:
            path = d / "results.jsonl"
            if not path.is_file():
                continue
            last = None
            for line in path.read_text(encoding="utf-8").splitlines():
                try:
                    record = json.loads(line)
                except json.JSONDecodeError:
                    continue  # a line being written
                if record.get("type") in ("progress", "end"):
                    last = record
                elif record.get("type") == "failure":
                    key = (record["target"], record["op"], record["property"])
                    self.failures.setdefault(key, record)
            if last:
                self.programs += last["programs"]
                self.statements += last["statements"]
        return self


def _fuzz_command(config):
    """The start of every shard's command line: a fuzz campaign, reporting its counts often."""
    return [sys.executable, "-m", "conformance", "fuzz", "--no-progress",
            "--progress-every", str(min(config.progress_every, 2.0))]


def run_sharded(config, workers, report_dir: Path, progress=None):
    """Run the shards to their end (or to a signal), then merge them into report_dir."""
    report_dir.mkdir(parents=True, exist_ok=True)
    manifest = report_dir / MANIFEST
    if config.resume:
        shards = json.loads(manifest.read_text())["shards"]
    else:
        seeds = shard_seeds(config.seed, workers)
        shards = [{"dir": f"shards/{k}", "seed": s} for k, s in enumerate(seeds)]
        atomic.write_text(manifest, json.dumps({"seed": config.seed, "workers": workers,
                                                "shards": shards}, indent=2))
    directories = [report_dir / s["dir"] for s in shards]
    commands = []
    for k, (shard, directory) in enumerate(zip(shards, directories)):
        directory.mkdir(parents=True, exist_ok=True)
        command = _fuzz_command(config)
        if config.resume:
            command += ["--resume", str(directory)]
        else:
            command += ["--report", str(directory), "--seed", str(shard["seed"])]
            command += shard_options(config)
        if config.seconds is not None:
            command += ["--seconds", str(config.seconds)]
        elif config.examples is not None:
            share = config.examples // len(shards) + (k < config.examples % len(shards))
            command += ["--examples", str(max(share, 1))]
        commands.append(command)
    started = time.monotonic()
    logs = [open(d / "shard.log", "a", encoding="utf-8") for d in directories]
    procs = [subprocess.Popen(c, stdout=log, stderr=subprocess.STDOUT) for c, log in zip(commands, logs)]
    interrupted = False
    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGTERM, _raise_interrupt)
    totals = _Totals()
    restarts = [0] * len(procs)
    try:
        if progress is not None:
            progress.start()
        while True:
            for k, proc in enumerate(procs):
                if proc.poll() is not None and restarts[k] < SHARD_RESTARTS \
                        and _died(proc, directories[k]):
                    # the shard's own process died (killed, out of memory): it resumes
                    # from its results.jsonl, for what its budget had left
                    restarts[k] += 1
                    procs[k] = subprocess.Popen(
                        _fuzz_command(config) + ["--resume", str(directories[k])],
                        stdout=logs[k], stderr=subprocess.STDOUT)
            if all(proc.poll() is not None for proc in procs):
                break
            time.sleep(0.2)
            if progress is not None:
                progress.update(totals.read(directories))
    except KeyboardInterrupt:
        interrupted = True
        for p in procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)  # each writes its report
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
        for p in procs:
            try:
                p.wait(timeout=120)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        for log in logs:
            log.close()
        if progress is not None:
            progress.close(totals.read(directories))
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    summary = merge([str(d) for d in directories], report_dir, concurrent=True,
                    history_file=config.history or report_dir / "history.jsonl")
    summary["wall_seconds"] = round(time.monotonic() - started, 3)  # with the shards' startup
    summary["interrupted"] = interrupted or summary.get("interrupted", False)
    summary["workers"] = len(shards)
    summary["shard_exit_codes"] = [p.returncode for p in procs]
    summary["shard_restarts"] = restarts
    atomic.write_text(report_dir / "summary.json", json.dumps(summary, indent=2, allow_nan=True))
    return summary


def _raise_interrupt(signum, frame):
    raise KeyboardInterrupt()
