"""Merge the results of several runs (machines, nights, or one run that crashed) into
one report. Reads each run's results.jsonl (start, progress, failure and end records)
and repros/, so a run that died before writing summary.json still counts."""
from __future__ import annotations

import collections
import json
from pathlib import Path

from . import atomic, history, report
from .observe import ALL_PROPERTIES


class MergeError(Exception):
    """A run directory that cannot be read."""


def read_run(run_dir: Path):
    path = run_dir / "results.jsonl"
    if not path.is_file():
        raise MergeError(f"{run_dir}: no results.jsonl")
    start, totals, failures = None, None, []
    lines = path.read_text(encoding="utf-8").splitlines()
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            if n == len(lines):
                break  # a run killed mid-write: keep everything before the torn line
            raise MergeError(f"{path}:{n}: not a JSON record") from None
        kind = record.get("type")
        if kind == "start":
            start = record
        elif kind in ("progress", "end"):
            totals = record
        elif kind == "failure":
            repro = run_dir / record.get("repro", "")
            record["_repro_text"] = repro.read_text(encoding="utf-8") if repro.is_file() else None
            failures.append(record)
    counts = (totals or {}).get("failure_counts", {})
    for f in failures:  # a failure is logged when first seen; later records count repeats
        f["count"] = counts.get(f["id"], f.get("count", 1))
    return start or {}, totals, failures


_LEDGER_RANK = {"reproduced": 0, "no longer reproducing": 1, "not exercised": 2}


def merge(run_dirs, out_dir: Path, concurrent=False, history_file: Path | None = None):
    """Write out_dir/{summary.json,index.html,junit.xml,repros/} for the runs together.
    concurrent: the runs ran side by side (--workers), so the run took as long as the
    longest, and the rates are over that; otherwise over the sum of their seconds.
    history_file: the merged run is appended to it (a --workers run, `report --history`);
    otherwise the trend is the one out_dir/history.jsonl holds, if any."""
    runs = [(Path(d), *read_run(Path(d))) for d in run_dirs]
    programs = statements = 0
    seconds = 0.0
    coverage = collections.Counter()
    spellings = collections.defaultdict(collections.Counter)
    exercised = collections.defaultdict(collections.Counter)
    areas, groups, ledger, engines, api = {}, [], {}, set(), None
    targets, versions, seeds, errors = [], set(), [], []
    merged = {}
    fixed_candidates, matched = {}, set()
    target_info, interrupted, longest = {}, False, 0.0
    for run_dir, start, totals, failures in runs:
        for spec, info in (totals or {}).get("target_info", {}).items():
            kept = target_info.setdefault(spec, dict(info))
            if kept is not info:
                kept["restarts"] = kept.get("restarts", 0) + info.get("restarts", 0)
        interrupted = interrupted or bool((totals or {}).get("interrupted"))
        seeds.append(str(start.get("seed", "?")))
        for t in (totals or {}).get("targets", start.get("targets", [])):
            if t not in targets:
                targets.append(t)
        if totals is None or totals.get("type") != "end":
            errors.append({"target": ", ".join(start.get("targets", [])) or str(run_dir),
                           "message": f"run {run_dir} has no end record: it crashed or was "
                                      "killed; counts are from its last progress record"})
        if totals:
            programs += totals.get("programs", 0)
            statements += totals.get("statements", 0)
            seconds += totals.get("seconds", 0.0)
            longest = max(longest, totals.get("seconds", 0.0))
            coverage.update(totals.get("coverage", {}))
            for op, counts in totals.get("spellings", {}).items():
                spellings[op].update(counts)
            for target, counts in totals.get("exercised", {}).items():
                exercised[target].update(counts)
            areas.update(totals.get("areas", {}))
            groups += [g for g in totals.get("groups", []) if g not in groups]
            for entry in totals.get("ledger", []):  # the best a run made of it
                kept = ledger.setdefault(entry["ledger_id"], entry)
                if _LEDGER_RANK[entry["status"]] < _LEDGER_RANK[kept["status"]]:
                    ledger[entry["ledger_id"]] = entry
            engines.add(start.get("engine", "random"))
            api = api or totals.get("api_gap")
            versions.update(v for v in totals.get("torch_version", "").split(", ") if v)
            for entry in totals.get("possibly_fixed", []):
                fixed_candidates[entry["ledger_id"]] = entry
        for f in failures:
            if f.get("ledger_id"):
                matched.add(f["ledger_id"])
            key = (f["target"], f["op"], f["property"])
            if key not in merged:
                merged[key] = dict(f)
            else:
                kept = merged[key]
                count = kept["count"] + f.get("count", 1)
                if f.get("program_length", 99) < kept.get("program_length", 99):
                    merged[key] = dict(f)
                merged[key]["count"] = count
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "repros").mkdir(exist_ok=True)
    failures_out = []
    for i, f in enumerate(sorted(merged.values(), key=lambda f: (f["status"], f["target"], f["op"])), 1):
        fid = f"f{i:04d}"
        text = f.pop("_repro_text")
        f.pop("type", None)
        f["id"], f["repro"] = fid, f"repros/{fid}.py"
        if text is not None:
            atomic.write_text(out_dir / f["repro"], text)
        failures_out.append({k: v for k, v in f.items() if k != "program"})
    counts = collections.Counter(f["status"] for f in failures_out)
    fixed = [e for lid, e in fixed_candidates.items() if lid not in matched]
    elapsed = longest if concurrent else seconds
    summary = {
        "tool": "torch-conformance", "schema_version": report.SUMMARY_SCHEMA, "started": runs[0][1].get("started", "") if runs else "",
        "seconds": round(elapsed, 3), "seed": ", ".join(seeds), "oracle": "refimpl",
        "targets": targets, "torch_version": ", ".join(sorted(versions)),
        "programs": programs, "statements": statements,
        "programs_per_second": round(programs / elapsed, 1) if elapsed else None,
        "statements_per_second": round(statements / elapsed, 1) if elapsed else None,
        "interrupted": interrupted, "target_info": target_info,
        "merged_runs": [str(r[0]) for r in runs],
        "properties": list(ALL_PROPERTIES),
        "counts": {"new": counts.get("new", 0), "known": counts.get("known", 0),
                   "flaky": counts.get("flaky", 0), "crash": counts.get("crash", 0),
                   "timeout": counts.get("timeout", 0), "possibly_fixed": len(fixed)},
        "failures": failures_out, "possibly_fixed": fixed,
        "coverage": dict(sorted(coverage.items())),
        "spellings": {op: dict(sorted(c.items())) for op, c in sorted(spellings.items())},
        "exercised": {t: dict(sorted(c.items())) for t, c in exercised.items()},
        "groups": groups, "areas": dict(sorted(areas.items())), "ledger": list(ledger.values()),
        "engine": ", ".join(sorted(engines)), "api_gap": api,
        "target_errors": errors,
    }
    atomic.write_text(out_dir / "summary.json", json.dumps(summary, indent=2, allow_nan=True))
    records = (history.append(history_file, summary) if history_file
               else history.read(out_dir / "history.jsonl"))
    report.write_html(out_dir, summary, records)
    report.write_junit(out_dir, summary)
    return summary
