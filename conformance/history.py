"""The run history a report's trend is drawn from: one JSON record per run, appended to a
history file (by default DIR/history.jsonl; `fuzz --history FILE` shares one between
report directories), and what changed since the previous run.

A record holds the run's counts and the classes of its failures, (target, op, property,
status), so that the next run can say which failures are new since and which are gone.
Its pass rate is the share of checked cells of the conformance matrix (target, op,
property group, with at least one statement checked) that no failure marks.
"""
from __future__ import annotations

import json
from pathlib import Path

from . import atomic
from .observe import group_of
from .report import UNEXPECTED

KEPT = 200          # records a history file keeps (the oldest are dropped)
CHART_RUNS = 30     # runs a trend chart shows


def record_of(summary: dict) -> dict:
    """The history record of a run's summary."""
    groups = summary.get("groups") or []
    checked = {(t, op, g) for t, ops in (summary.get("exercised") or {}).items()
               for op, n in ops.items() if n for g in groups}
    failing = {(f["target"], f["op"], group_of(f["property"]))
               for f in summary.get("failures", []) if f.get("status") in UNEXPECTED}
    return {
        "started": summary.get("started"), "seconds": summary.get("seconds"),
        "seed": summary.get("seed"), "targets": summary.get("targets", []),
        "torch_version": summary.get("torch_version"),
        "programs": summary.get("programs", 0), "statements": summary.get("statements", 0),
        "checked_cells": len(checked),
        "pass_rate": round(1 - len(failing & checked) / len(checked), 4) if checked else None,
        "counts": summary.get("counts", {}),
        "failures": sorted(f"{f['target']}|{f['op']}|{f['property']}|{f['status']}"
                           for f in summary.get("failures", [])),
    }


def read(path: Path) -> list:
    """The records of a history file (none where it is missing; a torn or foreign line is
    skipped, so a broken history never stops a report)."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError:
        return []
    out = []
    for line in lines:
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(record, dict) and "statements" in record:
            out.append(record)
    return out


def append(path: Path, summary: dict) -> list:
    """Add the run to the history file (rewritten atomically); every record, this run's
    last."""
    record, records = record_of(summary), read(path)
    if records and (records[-1].get("started"), records[-1].get("seed")) == (
            record["started"], record["seed"]):
        records.pop()  # a resumed campaign: its record, brought up to date
    records = records[-(KEPT - 1):] + [record]
    atomic.write_text(Path(path), "".join(json.dumps(r) + "\n" for r in records))
    return records


def changes(records: list) -> dict | None:
    """What changed from the run before the last one to the last one: the failure classes
    that appeared and the ones that are gone (None: there is no run before)."""
    if len(records) < 2:
        return None
    before, now = set(records[-2].get("failures", [])), set(records[-1].get("failures", []))

    def split(keys):
        return [dict(zip(("target", "op", "property", "status"), k.split("|", 3)))
                for k in sorted(keys)]
    return {"appeared": split(now - before), "gone": split(before - now),
            "previous": records[-2].get("started")}


def charts(records: list) -> list:
    """Inline-SVG line charts of the last runs: statements, pass rate and failures per run.
    Each: its title, the polyline's points in a 300 x 80 box, and the value labels."""
    runs = records[-CHART_RUNS:]
    series = [("statements", "statements", lambda r: r.get("statements") or 0),
              ("pass rate", "pass_rate", lambda r: r.get("pass_rate")),
              ("unexpected failures", "failures",
               lambda r: sum((r.get("counts") or {}).get(s, 0) for s in UNEXPECTED))]
    out = []
    for title, key, value in series:
        values = [value(r) for r in runs]
        known = [v for v in values if v is not None]
        if not known:
            continue
        lo, hi = min(known), max(known)
        span = (hi - lo) or 1
        step = 300 / max(len(values) - 1, 1)
        points = [(round(i * step, 1), round(75 - 70 * (v - lo) / span, 1))
                  for i, v in enumerate(values) if v is not None]
        out.append({"title": title, "key": key, "points": " ".join(f"{x},{y}" for x, y in points),
                    "dots": points, "low": lo, "high": hi, "last": known[-1],
                    "runs": len(values)})
    return out
