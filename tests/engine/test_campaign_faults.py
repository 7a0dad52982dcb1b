"""A campaign stopped from outside keeps what it gathered; what a person sees while it
runs; report files are never half written."""
import io
import json
import os
import signal
import subprocess
import sys
import time

from conformance import atomic
from conformance.campaign import Campaign, Config
from conformance.progress import Progress


def _fuzz(tmp_path, *args):
    return subprocess.Popen([sys.executable, "-m", "conformance", "fuzz", "--report",
                             str(tmp_path / "r"), *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_sigterm_leaves_a_valid_report(tmp_path):
    proc = _fuzz(tmp_path, "--seconds", "120", "--seed", "5", "--progress-every", "0.5")
    results = tmp_path / "r" / "results.jsonl"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # wait until it has run programs
        if results.exists() and '"type": "progress"' in results.read_text():
            break
        time.sleep(0.2)
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode in (0, 1), err
    summary = json.loads((tmp_path / "r" / "summary.json").read_text())
    assert summary["interrupted"] is True and summary["programs"] > 0
    assert "interrupted" in out
    html = (tmp_path / "r" / "index.html").read_text()
    assert html.rstrip().endswith("</html>")
    records = [json.loads(line) for line in results.read_text().splitlines()]
    assert records[-1]["type"] == "end" and records[-1]["interrupted"] is True
    assert not [p for p in (tmp_path / "r").iterdir() if p.name.endswith(".tmp")]


def test_progress_lines_when_not_a_terminal(tmp_path):
    proc = _fuzz(tmp_path, "--examples", "400", "--seed", "6", "--progress-every", "0.3")
    _, err = proc.communicate(timeout=120)
    lines = [ln for ln in err.splitlines() if ln.startswith("[")]
    assert lines, err
    assert "programs left]" in lines[0] and "statements/s" in lines[0]
    assert "no failures" in lines[-1] or "new" in lines[-1]


def test_progress_live_line(tmp_path):
    stream = io.StringIO()
    progress = Progress(examples=30, stream=stream, live=True)
    Campaign(Config(examples=30, seed=7, progress=progress)).run()
    text = stream.getvalue()
    assert "100%" in text and "30 programs" in text and "statements/s" in text


def test_no_progress_option(tmp_path):
    proc = _fuzz(tmp_path, "--examples", "100", "--seed", "6", "--progress-every", "0.01",
                 "--no-progress")
    _, err = proc.communicate(timeout=120)
    assert not [ln for ln in err.splitlines() if ln.startswith("[")]


def test_atomic_write_replaces_whole_files(tmp_path):
    target = tmp_path / "summary.json"
    atomic.write_text(target, "old")
    atomic.write_text(target, "new")
    assert target.read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["summary.json"]
    assert os.stat(target).st_mode & 0o777 == 0o666 & ~atomic._umask()
