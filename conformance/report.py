"""Report writers: a self-contained HTML page and a JUnit XML file.

Both take the run ``summary`` dict (the same data the engine writes as
``summary.json``) and the report directory; repro scripts referenced by
``failure["repro"]`` are read relative to that directory.
"""

from __future__ import annotations

import pathlib
import re
import xml.etree.ElementTree as ET
from typing import Any
from urllib.parse import urlsplit

import jinja2

from . import atomic

__all__ = ["write_html", "write_junit"]

_STATUS_ORDER = {"new": 0, "known": 1}

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
        out.append(f)
    return out


def _counts(summary: dict, failures: list[dict]) -> dict:
    counts = _dict(summary, "counts")
    computed = {
        "new": sum(1 for f in failures if f["status"] == "new"),
        "known": sum(1 for f in failures if f["status"] == "known"),
        "possibly_fixed": len(_list(summary, "possibly_fixed")),
    }
    return {k: counts.get(k, v) for k, v in computed.items()}


def _context(report_dir: pathlib.Path, summary: dict) -> dict:
    failures = _failures(summary)
    coverage = {str(k): v for k, v in _dict(summary, "coverage").items()}
    spellings = _dict(summary, "spellings")
    properties = [str(p) for p in _list(summary, "properties")]
    for f in failures:  # properties seen only in failures still get a column
        if f["property"] not in properties:
            properties.append(f["property"])

    ops = sorted(coverage)
    ops += sorted({f["op"] for f in failures} - set(coverage))

    cells: dict[tuple[str, str], list[dict]] = {}
    for f in failures:
        cells.setdefault((f["op"], f["property"]), []).append(f)
    rows = []
    for op in ops:
        row_cells = []
        for prop in properties:
            fs = sorted(cells.get((op, prop), []),
                        key=lambda f: (_STATUS_ORDER.get(f["status"], 2), f["id"]))
            row_cells.append(fs)
        status = "ok"
        flat = [f for c in row_cells for f in c]
        if any(f["status"] == "new" for f in flat):
            status = "new"
        elif flat:
            status = "known"
        rows.append({"op": op, "statements": coverage.get(op), "cells": row_cells,
                     "status": status, "spellings": _dict(spellings, op)})

    sections = []
    for f in sorted(failures, key=lambda f: (_STATUS_ORDER.get(f["status"], 2), f["id"])):
        text, problem = _read_repro(report_dir, f.get("repro"))
        sections.append({**f, "repro_text": text, "repro_problem": problem,
                         "safe_link": _safe_link(f.get("link"))})

    possibly_fixed = []
    for p in _list(summary, "possibly_fixed"):
        if isinstance(p, dict):
            possibly_fixed.append({**p, "safe_link": _safe_link(p.get("link"))})

    targets = [str(t) for t in _list(summary, "targets")]
    seconds = summary.get("seconds")
    return {
        "tool": summary.get("tool") or "torch-conformance",
        "oracle": summary.get("oracle") or "n/a",
        "targets": targets,
        "torch_version": summary.get("torch_version") or "n/a",
        "started": summary.get("started") or "n/a",
        "seconds": _fmt_seconds(seconds),
        "seed": "n/a" if summary.get("seed") is None else summary.get("seed"),
        "programs": _fmt_int(summary.get("programs", 0)),
        "statements": _fmt_int(summary.get("statements", 0)),
        "programs_per_s": _rate(summary.get("programs"), seconds),
        "statements_per_s": _rate(summary.get("statements"), seconds),
        "counts": _counts(summary, failures),
        "properties": properties,
        "rows": rows,
        "failures": sections,
        "possibly_fixed": possibly_fixed,
        "target_errors": [e for e in _list(summary, "target_errors") if isinstance(e, dict)],
        "fmt_int": _fmt_int,
    }


def write_html(report_dir: pathlib.Path, summary: dict) -> pathlib.Path:
    """Render ``report_dir/index.html`` (self-contained) and return its path."""
    report_dir = pathlib.Path(report_dir)
    report_dir.mkdir(parents=True, exist_ok=True)
    html = _env().get_template("report.html.j2").render(**_context(report_dir, summary))
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
        if f["status"] == "known":
            reason = f.get("reason") or f.get("ledger_id") or "no reason recorded"
            ET.SubElement(case, "skipped", message=_x(f"known: {reason}"))
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
