"""The regression corpus: campaign failures kept as programs that pytest replays on every
run (tests/test_corpus.py), so a divergence fixed once stays fixed.

`python -m conformance save RUN/results.jsonl --id f0003 [--name NAME] [--corpus DIR]`
writes DIR/NAME.json (default: corpus/ in the working directory) holding the failure's
shrunk program, the target it diverged on, what diverged (op, property, detail) and
where it came from. Replayed, a corpus program must agree with the oracle on its target,
or diverge only as a ledger entry says.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

from . import atomic

DEFAULT_DIR = Path("corpus")


class CorpusError(Exception):
    """A failure that cannot be saved (no such id), or an unreadable corpus entry."""


def _failure(results: Path, fid: str):
    try:
        lines = results.read_text(encoding="utf-8").splitlines()
    except OSError as e:
        raise CorpusError(f"cannot read {results}: {e}") from None
    for line in lines:
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue  # a line a killed run left half written
        if record.get("type") == "failure" and record.get("id") == fid:
            return record
    raise CorpusError(f"{results}: no failure {fid} in it")


def save(results: Path, fid: str, corpus: Path = DEFAULT_DIR, name: str | None = None) -> Path:
    """Save failure fid of a campaign's results.jsonl as corpus/NAME.json; its path."""
    record = _failure(Path(results), fid)
    if record.get("status") in ("crash", "timeout"):
        raise CorpusError(f"{fid} is a {record['status']}: the corpus keeps divergences")
    name = name or f"{record['op']}-{record['property']}-{record['target']}"
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", name)
    entry = {"target": record["target"], "op": record["op"], "property": record["property"],
             "detail": record.get("detail"), "from": f"{results}#{fid}",
             "program": record["program"]}
    path = Path(corpus) / f"{name}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic.write_text(path, json.dumps(entry, indent=1) + "\n")
    return path


def load(corpus: Path = DEFAULT_DIR):
    """(name, entry) of every corpus program in the folder, sorted by name."""
    out = []
    for path in sorted(Path(corpus).glob("*.json")):
        try:
            entry = json.loads(path.read_text(encoding="utf-8"))
            entry["target"], entry["program"]  # noqa: B018 - both are required
        except (OSError, ValueError, KeyError, TypeError) as e:
            raise CorpusError(f"{path}: not a corpus entry ({e})") from None
        out.append((path.stem, entry))
    return out
