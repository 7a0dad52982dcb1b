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


# --- targets that crash, hang, exit or flake: each is recorded and the campaign goes on ------
def _finish(tmp_path, *args, timeout=180):
    proc = _fuzz(tmp_path, "--no-progress", *args)
    out, err = proc.communicate(timeout=timeout)
    summary = json.loads((tmp_path / "r" / "summary.json").read_text())
    return proc.returncode, out, err, summary


def _records(tmp_path):
    return [json.loads(line) for line in (tmp_path / "r" / "results.jsonl").read_text().splitlines()]


def _kept_going(tmp_path, status):
    """Programs ran after the first failure of `status` was recorded."""
    records = _records(tmp_path)
    first = next(i for i, r in enumerate(records) if r.get("status") == status)
    later = [r for r in records[first + 1:] if r["type"] in ("progress", "end")]
    before = [r for r in records[:first] if r["type"] == "progress"]
    return later and later[-1]["programs"] > (before[-1]["programs"] if before else 0)


def test_segfaulting_target_is_a_crash_and_the_campaign_goes_on(tmp_path):
    code, out, err, summary = _finish(
        tmp_path, "--target", "tests.planted.crashes_on_exp", "--ops", "exp,add,sum",
        "--seconds", "8", "--seed", "11", "--progress-every", "0.5")
    assert code == 1, err
    crashes = [f for f in summary["failures"] if f["status"] == "crash"]
    assert crashes and summary["counts"]["crash"] == len(crashes)
    assert {f["op"] for f in crashes} == {"exp"}  # where it died, even inside a block
    assert all("status 139" in f["detail"] for f in crashes)
    assert _kept_going(tmp_path, "crash")
    assert summary["target_info"]["tests.planted.crashes_on_exp"]["restarts"] >= 1
    repro = tmp_path / "r" / crashes[0]["repro"]
    assert "torch.exp(" in repro.read_text() or ".exp(" in repro.read_text()
    env = dict(os.environ, PYTHONPATH=os.getcwd())  # the planted target lives in tests/
    ran = subprocess.run([sys.executable, str(repro)], capture_output=True, text=True,
                         timeout=120, env=env)
    assert ran.returncode == 139, ran.stdout + ran.stderr  # the repro dies as the target did
    assert "[crash]" in out and "crash" in (tmp_path / "r" / "index.html").read_text()


def test_hanging_target_is_a_timeout_and_the_campaign_goes_on(tmp_path):
    started = time.monotonic()
    code, out, err, summary = _finish(
        tmp_path, "--target", "tests.planted.hangs_on_exp", "--ops", "exp,add,sum",
        "--seconds", "8", "--seed", "12", "--statement-timeout", "0.5", "--progress-every", "0.5")
    assert time.monotonic() - started < 90  # ends on its own, hangs and all
    assert code == 1, err
    timeouts = [f for f in summary["failures"] if f["status"] == "timeout"]
    # (on a loaded machine another statement may take longer than 0.5 s too)
    hung = [f for f in timeouts if f["op"] == "exp"]
    assert hung and "statement time limit (0.5s)" in hung[0]["detail"]
    assert _kept_going(tmp_path, "timeout")
    assert (tmp_path / "r" / hung[0]["repro"]).is_file()


def test_program_time_limit(tmp_path):
    code, out, err, summary = _finish(
        tmp_path, "--target", "tests.planted.hangs_on_exp", "--ops", "exp,add,sum",
        "--examples", "30", "--seed", "13", "--statement-timeout", "30",
        "--program-timeout", "0.5")
    timeouts = [f for f in summary["failures"] if f["status"] == "timeout"]
    assert timeouts and "program time limit (0.5s)" in timeouts[0]["detail"]


def test_target_raising_a_base_exception_is_a_crash(tmp_path):
    code, out, err, summary = _finish(
        tmp_path, "--target", "tests.planted.exits_on_exp", "--ops", "exp,add,sum",
        "--seconds", "6", "--seed", "14")
    crashes = [f for f in summary["failures"] if f["status"] == "crash"]
    assert crashes and "raised SystemExit: 7" in crashes[0]["detail"]
    assert "SystemExit" in crashes[0]["log"]  # the worker's traceback
    assert summary["programs"] > 1


def test_flaky_divergences_are_kept_apart(tmp_path):
    code, out, err, summary = _finish(
        tmp_path, "--target", "tests.planted.flaky_exp", "--ops", "exp,add,sum",
        "--seconds", "8", "--seed", "15")
    flaky = [f for f in summary["failures"] if f["status"] == "flaky"]
    assert flaky and all(f["flaky"] for f in flaky)
    assert summary["counts"]["flaky"] == len(flaky)
    assert all(not f["flaky"] for f in summary["failures"] if f["status"] == "new")
    # flaky ones alone do not fail the run
    assert code == (1 if summary["counts"]["new"] else 0)


def test_target_in_a_named_interpreter(tmp_path):
    spec = f"torch:cpu@{sys.executable}"
    code, out, err, summary = _finish(tmp_path, "--target", spec, "--examples", "40",
                                      "--seed", "16")
    assert code == 0, err
    info = summary["target_info"][spec]
    assert info["python"] == sys.executable and not info["in_process"]
    import torch
    assert info["torch_version"] == torch.__version__
    assert summary["targets"] == [spec] and summary["statements"] > 0


def test_unusable_interpreter_is_a_usage_error(tmp_path):
    proc = _fuzz(tmp_path, "--target", f"torch:cpu@{tmp_path / 'no-python'}", "--examples", "5")
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 2
    assert "cannot start" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_interpreter_needs_a_worker(tmp_path):
    proc = _fuzz(tmp_path, "--target", f"torch:cpu@{sys.executable}", "--in-process",
                 "--examples", "5")
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 2 and "--in-process" in err


def test_resume_continues_a_stopped_campaign(tmp_path):
    proc = _fuzz(tmp_path, "--target", "tests.planted.add_alpha_ignored", "--ops", "add,sum",
                 "--seconds", "120", "--seed", "17", "--progress-every", "0.3", "--no-progress")
    results = tmp_path / "r" / "results.jsonl"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and '"type": "failure"' not in (
            results.read_text() if results.exists() else ""):
        time.sleep(0.2)
    time.sleep(1)
    proc.send_signal(signal.SIGTERM)
    proc.communicate(timeout=60)
    first = json.loads((tmp_path / "r" / "summary.json").read_text())
    assert first["interrupted"] and first["failures"]
    resumed = subprocess.run([sys.executable, "-m", "conformance", "fuzz", "--resume",
                              str(tmp_path / "r"), "--seconds", "3", "--no-progress"],
                             capture_output=True, text=True, timeout=120)
    assert resumed.returncode == 1, resumed.stderr  # the planted bug's divergence, still new
    summary = json.loads((tmp_path / "r" / "summary.json").read_text())
    assert summary["programs"] > first["programs"] and summary["segments"] == 2
    assert summary["seconds"] > first["seconds"] and summary["seed"] == 17
    assert summary["targets"] == ["tests.planted.add_alpha_ignored"]
    ids = [f["id"] for f in summary["failures"]]
    assert ids[:len(first["failures"])] == [f["id"] for f in first["failures"]]
    assert len(ids) == len(set(ids)) and all((tmp_path / "r" / f["repro"]).is_file()
                                             for f in summary["failures"])
    records = [json.loads(line) for line in results.read_text().splitlines()]
    assert [r["type"] for r in records].count("start") == 1
    assert any(r["type"] == "resume" for r in records) and records[-1]["type"] == "end"
    again = subprocess.run([sys.executable, "-m", "conformance", "fuzz", "--resume",
                            str(tmp_path / "r"), "--ops", "exp"], capture_output=True, text=True)
    assert again.returncode == 2 and "drop --ops" in again.stderr


def test_a_broken_or_stale_hypothesis_database_does_not_stop_a_run(tmp_path):
    """The differential tests with an unusable database (a file where its folder goes), then
    with entries that are garbage (or drawn by an older generator): they still run."""
    def differential():
        env = dict(os.environ, HYPOTHESIS_PROFILE="dev")
        env.pop("CI", None)
        # a fixed seed: the dev profile's examples are otherwise drawn anew each run
        return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                               "--hypothesis-seed", "1",
                               "--pyargs", "conformance.differential.test_programs"],
                              cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    (tmp_path / ".hypothesis").write_text("not a folder")
    r = differential()
    assert r.returncode == 0 and "1 passed" in r.stdout, r.stdout + r.stderr
    (tmp_path / ".hypothesis").unlink()
    assert differential().returncode == 0
    entries = [p for p in (tmp_path / ".hypothesis").rglob("*") if p.is_file()]
    assert entries
    for p in entries:
        p.write_bytes(os.urandom(40))
    r = differential()
    assert r.returncode == 0 and "1 passed" in r.stdout, r.stdout + r.stderr


def test_workers_spread_a_campaign_and_merge_it(tmp_path):
    code, out, err, summary = _finish(
        tmp_path, "--target", "tests.planted.add_alpha_ignored", "--ops", "add,sum",
        "--examples", "60", "--seed", "18", "--workers", "2")
    assert summary["workers"] == 2 and summary["programs"] == 60
    assert sorted(p.name for p in (tmp_path / "r" / "shards").iterdir()) == ["0", "1"]
    shard_programs = [json.loads((tmp_path / "r" / "shards" / k / "summary.json").read_text())
                      ["programs"] for k in ("0", "1")]
    assert shard_programs == [30, 30]
    assert code == 1 and summary["counts"]["new"] >= 1  # found, and merged once
    keys = [(f["target"], f["op"], f["property"]) for f in summary["failures"]]
    assert len(keys) == len(set(keys))
    assert all((tmp_path / "r" / f["repro"]).is_file() for f in summary["failures"])
    seeds = json.loads((tmp_path / "r" / "shards.json").read_text())["shards"]
    assert seeds[0]["seed"] != seeds[1]["seed"]


def test_sigterm_stops_every_worker_and_merges(tmp_path):
    proc = _fuzz(tmp_path, "--seconds", "120", "--seed", "19", "--workers", "2",
                 "--no-progress")
    deadline = time.monotonic() + 90
    shard = tmp_path / "r" / "shards" / "1" / "results.jsonl"
    while time.monotonic() < deadline and not (
            shard.exists() and '"type": "progress"' in shard.read_text()):
        time.sleep(0.3)
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=120)
    summary = json.loads((tmp_path / "r" / "summary.json").read_text())
    assert summary["interrupted"] and summary["programs"] > 0
    assert (tmp_path / "r" / "index.html").read_text().rstrip().endswith("</html>")


def test_resume_a_workers_campaign(tmp_path):
    _finish(tmp_path, "--examples", "20", "--seed", "20", "--workers", "2")
    resumed = subprocess.run([sys.executable, "-m", "conformance", "fuzz", "--resume",
                              str(tmp_path / "r"), "--examples", "10", "--no-progress"],
                             capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    assert "seed 20" in resumed.stdout
    summary = json.loads((tmp_path / "r" / "summary.json").read_text())
    assert summary["programs"] == 30 and summary["workers"] == 2
    again = subprocess.run([sys.executable, "-m", "conformance", "fuzz", "--resume",
                            str(tmp_path / "r"), "--no-progress"],
                           capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr  # each shard has run its budget: nothing more
    assert json.loads((tmp_path / "r" / "summary.json").read_text())["programs"] == 30


def test_resume_restores_what_was_exercised(tmp_path):
    """A resumed segment starts from the counts the stopped one had: statements per op and
    call spelling, and per target what ran (which decides a ledger entry's 'possibly fixed')."""
    config = dict(examples=40, seed=21, report_dir=tmp_path / "r", isolate=False)
    first = Campaign(Config(**config))
    first.run()
    resumed = Campaign(Config(**config, resume=True))
    assert resumed.exercised == first.exercised and resumed.exercised
    assert resumed.spellings == first.spellings and resumed.coverage == first.coverage


def _shard_pid(report, k):
    """The process id of the campaign running shard k of report (from /proc)."""
    wanted = str(report / "shards" / str(k))
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                args = open(f"/proc/{entry}/cmdline", "rb").read().split(b"\0")
            except OSError:
                continue
            if wanted.encode() in args and b"conformance" in args:
                return int(entry)
    return None


def test_a_shard_whose_process_dies_is_resumed(tmp_path):
    report = tmp_path / "r"
    proc = _fuzz(tmp_path, "--seconds", "12", "--seed", "22", "--workers", "2",
                 "--no-progress")
    shard = report / "shards" / "0" / "results.jsonl"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and not (
            shard.exists() and '"type": "progress"' in shard.read_text()):
        time.sleep(0.3)
    os.kill(_shard_pid(report, 0), signal.SIGKILL)
    out, err = proc.communicate(timeout=300)
    summary = json.loads((report / "summary.json").read_text())
    assert summary["shard_restarts"] == [1, 0], (out, err)
    records = [json.loads(line) for line in shard.read_text().splitlines() if line.strip()]
    assert any(r["type"] == "resume" for r in records) and records[-1]["type"] == "end"
    assert not summary["interrupted"]


def test_resume_after_a_kill_mid_write(tmp_path):
    """A run killed while writing a record leaves half a line; resuming drops it, so the
    file stays one JSON record per line."""
    config = dict(examples=20, seed=23, report_dir=tmp_path / "r", isolate=False)
    Campaign(Config(**config)).run()
    results = tmp_path / "r" / "results.jsonl"
    with open(results, "a", encoding="utf-8") as f:
        f.write('{"type": "progress", "progr')
    Campaign(Config(**{**config, "examples": 30}, resume=True)).run()
    records = [json.loads(line) for line in results.read_text().splitlines()]
    assert [r["type"] for r in records].count("resume") == 1 and records[-1]["programs"] == 30


def test_a_worker_child_is_replaced_after_its_share_of_programs(monkeypatch):
    """A fresh child every RECYCLE_EVERY programs (memory stays flat); it is not a restart,
    and programs go on running."""
    from conformance import worker
    monkeypatch.setattr(worker, "RECYCLE_EVERY", 5)
    campaign = Campaign(Config(examples=23, seed=24))
    target = campaign.targets[0]
    children = set()
    original = target.events

    def events(*args):
        children.add(target._child)
        return original(*args)
    monkeypatch.setattr(target, "events", events)
    summary = campaign.run()
    assert summary["programs"] == 23 and target.restarts == 0
    assert len(children - {None}) >= 4
