"""Report writers: a self-contained HTML page and a JUnit XML file.

Both take the run ``summary`` dict (the same data the engine writes as
``summary.json``) and the report directory; repro scripts referenced by
``failure["repro"]`` are read relative to that directory.
"""

from __future__ import annotations

import collections
import pathlib
import re
import xml.etree.ElementTree as ET
from typing import Any
from urllib.parse import urlsplit

import jinja2

from . import atomic
from .observe import FAULTS, PROPERTY_GROUPS, group_of

__all__ = ["write_html", "write_junit", "SUMMARY_SCHEMA"]

SUMMARY_SCHEMA = 1  # summary.json's schema_version (its fields: README, "summary.json")

# Characters that may not appear in XML 1.0 documents (ElementTree does not
# filter them, and a stray NUL in a repro would make junit.xml unparsable).
_XML_INVALID = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _env() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("conformance", "templates"),
        autoescape=True,  # every variable is HTML-escaped
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _list(summary: dict, key: str) -> list:
    value = summary.get(key)
    return list(value) if isinstance(value, (list, tuple)) else []


def _dict(summary: dict, key: str) -> dict:
    value = summary.get(key)
    return dict(value) if isinstance(value, dict) else {}


def _num(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return value
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _rate(count: Any, seconds: Any) -> str:
    c, s = _num(count), _num(seconds)
    if c is None or s is None or s <= 0:
        return "n/a"
    r = c / s
    return f"{r:,.1f}" if r < 100 else f"{r:,.0f}"


def _fmt_int(value: Any) -> str:
    n = _num(value)
    if n is None:
        return "n/a" if value is None else str(value)
    return f"{int(n):,}" if float(n).is_integer() else f"{n:,}"


def _fmt_seconds(value: Any) -> str:
    n = _num(value)
    if n is None:
        return "n/a" if value is None else str(value)
    return f"{n:.1f} s"


def _safe_link(link: Any) -> str | None:
    """Only http(s) links become hrefs (no javascript:, data:, ...)."""
    if not isinstance(link, str) or not link.strip():
        return None
    try:
        scheme = urlsplit(link.strip()).scheme.lower()
    except ValueError:
        return None
    return link.strip() if scheme in ("http", "https") else None


def _read_repro(report_dir: pathlib.Path, rel: Any) -> tuple[str | None, str | None]:
    """Return (text, problem); exactly one of them is None."""
    if not rel:
        return None, "no repro script was recorded for this failure"
    path = report_dir / str(rel)
    try:
        return path.read_text(encoding="utf-8", errors="replace"), None
    except FileNotFoundError:
        return None, f"repro script {rel} is missing from the report directory"
    except OSError as exc:
        return None, f"repro script {rel} could not be read: {exc.strerror or exc}"


# the report's sections of failures, in page order: (status, heading)
SECTIONS = (("new", "New failures"), ("crash", "Crashes"), ("timeout", "Timeouts"),
            ("flaky", "Flaky results"), ("known", "Known divergences"))
_RANK = {status: i for i, (status, _) in enumerate(SECTIONS)}
UNEXPECTED = ("new", "crash", "timeout")  # what fails a run (known and flaky do not)
PANELS = 100   # failures of a section shown in full (program, table of values, script)
LISTED = 200   # ... and after those, as one line each (what is left: by its repro file)


def _failures(summary: dict) -> list[dict]:
    out = []
    for i, f in enumerate(_list(summary, "failures")):
        if not isinstance(f, dict):
            continue
        f = dict(f)
        f.setdefault("id", f"f{i + 1:04d}")
        f["id"] = str(f["id"])
        f["status"] = str(f.get("status") or "new")
        f["op"] = str(f.get("op") or "?")
        f["property"] = str(f.get("property") or "?")
        f["target"] = str(f.get("target") or "?")
        f["group"] = group_of(f["property"])
        f["mismatches"] = [m for m in f.get("mismatches") or [] if isinstance(m, dict)]
        out.append(f)
    return sorted(out, key=lambda f: (_RANK.get(f["status"], len(_RANK)), f["id"]))


def _counts(summary: dict, failures: list[dict]) -> dict:
    counts = _dict(summary, "counts")
    computed = {status: sum(1 for f in failures if f["status"] == status)
                for status, _ in SECTIONS}
    computed["possibly_fixed"] = len(_possibly_fixed(summary))
    return {k: counts.get(k, v) for k, v in computed.items()}


def _possibly_fixed(summary: dict) -> list[dict]:
    ledger = [e for e in _list(summary, "ledger") if isinstance(e, dict)]
    if ledger:
        return [e for e in ledger if e.get("status") == "no longer reproducing"]
    return [e for e in _list(summary, "possibly_fixed") if isinstance(e, dict)]


def _highlighted(text: str | None, statement: Any) -> list[dict]:
    """The repro's lines, the statement under test marked: its lines' last occurrence (the
    helpers come first, the statement is replayed last)."""
    if text is None:
        return []
    lines = text.splitlines()
    wanted = [ln.strip() for ln in str(statement or "").splitlines() if ln.strip()]
    marked = set()
    if wanted:
        for i in range(len(lines) - 1, -1, -1):
            if lines[i].strip() == wanted[0]:
                marked = set(range(i, min(i + len(wanted), len(lines))))
                break
    return [{"text": ln, "mark": i in marked} for i, ln in enumerate(lines)]


def _matrix(summary: dict, failures: list[dict], targets: list[str], groups: list[str]):
    """Rows of the conformance matrix, grouped by area: per op and target, per property
    group, the statements checked and the failures (a cell with no failure and no check
    says so: never blank)."""
    coverage = {str(k): v for k, v in _dict(summary, "coverage").items()}
    exercised = {t: _dict(_dict(summary, "exercised"), t) for t in targets}
    areas = {str(k): str(v) for k, v in _dict(summary, "areas").items()}
    spellings = _dict(summary, "spellings")
    by_cell: dict[tuple, list] = {}
    for f in failures:
        by_cell.setdefault((f["op"], f["target"], f["group"]), []).append(f)
    ops = sorted(set(coverage) | {f["op"] for f in failures}
                 | {op for t in targets for op in exercised[t]})
    areas_out: dict[str, list] = {}
    for op in ops:
        cells, statuses = [], set()
        for t in targets:
            checked = _num(exercised[t].get(op)) or 0
            for g in groups + list(FAULTS):
                fs = by_cell.get((op, t, g), [])
                if g in FAULTS and not fs:
                    continue
                status = (fs[0]["status"] if fs else "ok" if checked else "unchecked")
                statuses.add(status)
                cells.append({"target": t, "group": g, "failures": fs, "status": status,
                              "checked": int(checked)})
        faults = [c for c in cells if c["group"] in FAULTS]
        cells = [c for c in cells if c["group"] not in FAULTS]
        row_status = next((s for s, _ in SECTIONS if s in statuses),
                          "ok" if "ok" in statuses else "unchecked")
        areas_out.setdefault(areas.get(op, "other"), []).append({
            "op": op, "statements": coverage.get(op, 0), "cells": cells, "faults": faults,
            "checked": [int(_num(exercised[t].get(op)) or 0) for t in targets],
            "status": row_status, "spellings": _dict(spellings, op)})
    return [{"area": a, "rows": rows} for a, rows in sorted(areas_out.items())]


def _target_rows(summary: dict, targets: list[str]) -> list[dict]:
    info = _dict(summary, "target_info")
    out = []
    for t in targets:
        i = _dict(info, t)
        module, _, device = t.partition("@")[0].partition(":")
        out.append({"spec": t, "module": module, "device": device or "cpu",
                    "torch_version": i.get("torch_version") or "n/a",
                    "python": i.get("python") or ("this process" if i.get("in_process") else "n/a"),
                    "python_version": i.get("python_version") or "",
                    "restarts": i.get("restarts", 0),
                    "not_compared": [str(x) for x in _list(i, "not_compared")]})
    return out


VERDICTS = (("refimpl", "the oracle differs from every device (a refimpl or spec gap, or a "
                        "bug they share)"),
            ("device", "the devices differ from each other (a device divergence)"),
            ("known", "in the ledger"))


def _verdict_counts(failures):
    """A three-way run's triage: (verdict, what it means, how many failures) for each
    verdict some failure has."""
    counts = collections.Counter(f.get("verdict") for f in failures)
    return [(v, text, counts[v]) for v, text in VERDICTS if counts[v]]


def _context(report_dir: pathlib.Path, summary: dict) -> dict:
    failures = _failures(summary)
    targets = [str(t) for t in _list(summary, "targets")]
    for f in failures:  # a target seen only in failures still gets its columns
        if f["target"] not in targets:
            targets.append(f["target"])
    groups = [str(g) for g in _list(summary, "groups")] or list(PROPERTY_GROUPS)
    for f in failures:
        if f["group"] not in groups and f["group"] not in FAULTS:
            groups.append(f["group"])
    has_results = (report_dir / "results.jsonl").is_file()
    sections = []
    for status, title in SECTIONS:
        members = [f for f in failures if f["status"] == status]
        for rank, f in enumerate(members):
            # a page stays light however many failures a merge holds: the first ones of
            # each section in full, the next ones as a line each, the rest by their repro
            f["panel"], f["listed"] = rank < PANELS, rank < PANELS + LISTED
            f["href"] = f"#{f['id']}" if f["listed"] else str(f.get("repro") or "#")
            f.update(safe_link=_safe_link(f.get("link")),
                     replay=(f"python -m conformance replay results.jsonl --id {f['id']} "
                             f"--target {f['target']}") if has_results else None)
            if f["panel"]:
                text, problem = _read_repro(report_dir, f.get("repro"))
                f.update(repro_text=text, repro_problem=problem,
                         lines=_highlighted(text, f.get("statement")))
        sections.append({"status": status, "title": title, "failures": members,
                         "unlisted": max(len(members) - PANELS - LISTED, 0)})
    ledger = []
    for e in _list(summary, "ledger") or _list(summary, "possibly_fixed"):
        if isinstance(e, dict):
            ledger.append({**e, "status": e.get("status") or "no longer reproducing",
                           "safe_link": _safe_link(e.get("link"))})
    coverage = {str(k): v for k, v in _dict(summary, "coverage").items()}
    never = sorted(op for op in _dict(summary, "areas") if not coverage.get(op))
    # every observed group is compared after every statement that ran
    checked = sum(_num(n) or 0 for t in targets
                  for n in _dict(_dict(summary, "exercised"), t).values())
    checked_by_group = {g: checked for g in groups}
    failed_by_group = {g: sum(1 for f in failures if f["group"] == g) for g in groups}
    matrix = _matrix(summary, failures, targets, groups)
    seconds = summary.get("seconds")
    return {
        "tool": summary.get("tool") or "torch-conformance",
        "oracle": summary.get("oracle") or "n/a",
        "targets": targets,
        "target_rows": _target_rows(summary, targets),
        "torch_version": summary.get("torch_version") or "n/a",
        "engine": summary.get("engine") or "random",
        "started": summary.get("started") or "n/a",
        "seconds": _fmt_seconds(seconds),
        "seed": "n/a" if summary.get("seed") is None else summary.get("seed"),
        "programs": _fmt_int(summary.get("programs", 0)),
        "statements": _fmt_int(summary.get("statements", 0)),
        "programs_per_s": _rate(summary.get("programs"), seconds),
        "statements_per_s": _rate(summary.get("statements"), seconds),
        "interrupted": bool(summary.get("interrupted")),
        "counts": _counts(summary, failures),
        "groups": groups,
        "matrix": matrix,
        "areas": [a["area"] for a in matrix],
        "failures": failures,
        "sections": sections,
        "ledger": ledger,
        "findings": [e for e in ledger if e.get("kind") == "pytorch"],
        "verdicts": _verdict_counts(failures),
        "never_exercised": never,
        "api_gap": summary.get("api_gap") if isinstance(summary.get("api_gap"), dict) else None,
        "checked_by_group": checked_by_group,
        "failed_by_group": failed_by_group,
        "target_errors": [e for e in _list(summary, "target_errors") if isinstance(e, dict)],
        "fmt_int": _fmt_int,
    }


def write_html(report_dir: pathlib.Path, summary: dict, history: list | None = None) -> pathlib.Path:
    """Render ``report_dir/index.html`` (self-contained) and return its path; history: the
    run records (conformance.history, this run's last) its trend is drawn from."""
    from . import history as run_history
    report_dir = pathlib.Path(report_dir)
    report_dir.mkdir(parents=True, exist_ok=True)
    records = history or []
    context = _context(report_dir, summary)
    context.update(trend=run_history.charts(records), changes=run_history.changes(records),
                   history_runs=len(records))
    html = _env().get_template("report.html.j2").render(**context)
    return atomic.write_text(report_dir / "index.html", html)


def _x(value: Any) -> str:
    return _XML_INVALID.sub("\ufffd", "" if value is None else str(value))


def write_junit(report_dir: pathlib.Path, summary: dict) -> pathlib.Path:
    """Write ``report_dir/junit.xml`` and return its path.

    One testcase per failure (new -> <failure>, known -> <skipped>), one
    passing testcase per covered op without failures, and one <error>
    testcase per target error (a crashed target must not look green).
    """
    report_dir = pathlib.Path(report_dir)
    report_dir.mkdir(parents=True, exist_ok=True)
    failures = _failures(summary)
    targets = [str(t) for t in _list(summary, "targets")]
    pass_class = "conformance." + (targets[0] if len(targets) == 1 else "all-targets")

    suite = ET.Element("testsuite", name="torch-conformance")
    n_fail = n_skip = n_err = n_tests = 0
    for f in failures:
        case = ET.SubElement(suite, "testcase", classname=_x(f"conformance.{f['target']}"),
                             name=_x(f"{f['op']}.{f['property']}"))
        n_tests += 1
        if f["status"] in ("known", "flaky"):
            reason = (f.get("reason") or f.get("ledger_id") or "no reason recorded"
                      if f["status"] == "known" else "a run again did not diverge the same way")
            ET.SubElement(case, "skipped", message=_x(f"{f['status']}: {reason}"))
            n_skip += 1
        else:
            text, problem = _read_repro(report_dir, f.get("repro"))
            el = ET.SubElement(case, "failure", message=_x(f.get("detail") or ""),
                               type=_x(f"{f['status']}:{f['property']}"))
            el.text = _x(text if text is not None else problem)
            n_fail += 1

    failed_ops = {f["op"] for f in failures}
    for op in sorted(str(k) for k in _dict(summary, "coverage")):
        if op not in failed_ops:
            ET.SubElement(suite, "testcase", classname=_x(pass_class), name=_x(op))
            n_tests += 1

    for e in _list(summary, "target_errors"):
        if not isinstance(e, dict):
            continue
        case = ET.SubElement(suite, "testcase",
                             classname=_x(f"conformance.{e.get('target') or '?'}"),
                             name="target-error")
        msg = e.get("message") or ""
        err = ET.SubElement(case, "error", message=_x(str(msg).splitlines()[0] if msg else ""))
        err.text = _x(msg)
        n_tests += 1
        n_err += 1

    seconds = _num(summary.get("seconds"))
    suite.set("tests", str(n_tests))
    suite.set("failures", str(n_fail))
    suite.set("errors", str(n_err))
    suite.set("skipped", str(n_skip))
    suite.set("time", f"{seconds:.3f}" if seconds is not None else "0")
    if summary.get("started"):
        suite.set("timestamp", _x(summary["started"]))

    ET.indent(suite)
    text = "<?xml version='1.0' encoding='utf-8'?>\n" + ET.tostring(suite, encoding="unicode")
    return atomic.write_text(report_dir / "junit.xml", text)
