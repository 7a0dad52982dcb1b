"""The hypothesis campaign engine (conformance/hypothesis_engine.py): it finds and shrinks
what the random engine finds, its example database makes the next campaign find a failure
at once, and neither a broken database nor the engine itself hides an error of ours."""
import json
import os
import subprocess
import sys

import pytest

from conformance import campaign as campaign_module
from conformance.campaign import Campaign, Config

PLANTED = "tests.planted.sigmoid_grad_scaled"
EXPECTED = (PLANTED, "backward", "grad.values")


def _campaign(tmp_path, database, stop=True, **options):
    # (no module statements: the planted bug is in sigmoid's backward)
    config = dict(targets=[PLANTED], seconds=60, seed=3, ops="sigmoid", isolate=False,
                  engine="hypothesis", database=database, report_dir=tmp_path / "r",
                  shrink_seconds=2.0, modules=0)
    config.update(options)
    if stop:
        config["stop_when"] = lambda c: EXPECTED[1:] in {(f["op"], f["property"])
                                                         for f in c.failures.values()}
    return Campaign(Config(**config))


def test_finds_a_planted_bug_and_shrinks_it(tmp_path):
    campaign = _campaign(tmp_path, None)
    summary = campaign.run()
    found = [f for f in summary["failures"] if (f["op"], f["property"]) == EXPECTED[1:]]
    assert found and found[0]["status"] == "new"
    # shrunk: a leaf, sigmoid, a reduction and the backward at most
    assert found[0]["program_length"] <= 5, found[0]
    # its repro runs standalone and still diverges
    repro = tmp_path / "r" / found[0]["repro"]
    run = subprocess.run([sys.executable, str(repro)], capture_output=True, text=True,
                         cwd=os.getcwd(), timeout=120)
    assert run.returncode == 1, run.stdout + run.stderr


def test_the_example_database_replays_a_failure_first(tmp_path):
    """With every op enabled the bug takes some hundred programs to meet (seed 3); the next
    campaign, with another seed, replays the saved choices first."""
    database = tmp_path / "db"
    first = _campaign(tmp_path, database, ops=None)
    first.run()
    assert any(database.rglob("*"))
    assert first.first_seen[EXPECTED][1] > 20
    second = _campaign(tmp_path, database, ops=None, seed=4)
    second.run()
    assert second.first_seen[EXPECTED][1] <= 3


def test_an_unusable_database_is_a_warning_not_a_stop(tmp_path, capsys):
    broken = tmp_path / "db"
    broken.write_text("a file where the database's folder goes")
    summary = _campaign(tmp_path, broken, stop=False, seconds=None, examples=30).run()
    assert summary["programs"] >= 30
    assert "not usable" in capsys.readouterr().err


def test_an_error_of_the_generator_is_not_taken_for_a_divergence(tmp_path, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("a bug of the generator")
    monkeypatch.setattr(campaign_module, "generate", broken)  # what Campaign.draw calls
    with pytest.raises(RuntimeError, match="a bug of the generator"):
        _campaign(tmp_path, None, stop=False, examples=5, seconds=None).run()


def test_the_command_line_records_and_resumes_the_engine(tmp_path):
    report = tmp_path / "r"
    cmd = [sys.executable, "-m", "conformance", "fuzz", "--engine", "hypothesis",
           "--database", str(tmp_path / "db"), "--examples", "40", "--seed", "2",
           "--report", str(report), "--no-progress"]
    run = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert run.returncode in (0, 1), run.stderr
    start = json.loads((report / "results.jsonl").read_text().splitlines()[0])
    assert start["engine"] == "hypothesis" and start["database"] == str(tmp_path / "db")
    resumed = subprocess.run([sys.executable, "-m", "conformance", "fuzz", "--resume",
                              str(report), "--examples", "20", "--no-progress"],
                             capture_output=True, text=True, timeout=300)
    assert resumed.returncode in (0, 1), resumed.stderr
    summary = json.loads((report / "summary.json").read_text())
    assert summary["programs"] >= 60 and summary["segments"] == 2


def test_a_shared_read_only_database_replays_another_runners_failure(tmp_path):
    """Runner A saves its failure in its database; runner B, with an empty local database
    and A's as a shared read-only one, meets the failure at once and writes nothing there."""
    shared = tmp_path / "runner-a"
    _campaign(tmp_path, shared, ops=None).run()
    before = sorted(p.relative_to(shared) for p in shared.rglob("*"))
    assert before
    second = _campaign(tmp_path, tmp_path / "runner-b", ops=None, seed=4,
                       shared_databases=(shared,))
    second.run()
    assert second.first_seen[EXPECTED][1] <= 3
    assert sorted(p.relative_to(shared) for p in shared.rglob("*")) == before


def test_a_missing_shared_database_is_a_warning(tmp_path, capsys):
    summary = _campaign(tmp_path, None, stop=False, seconds=None, examples=20,
                        shared_databases=(tmp_path / "nowhere",)).run()
    assert summary["programs"] >= 20
    assert "shared example database" in capsys.readouterr().err


def test_pytest_takes_a_shared_database(tmp_path):
    """pytest --shared-database DIR: the differential tests run with DIR read alongside the
    profile's own database, and write nothing there."""
    shared = tmp_path / "shared"
    shared.mkdir()
    run = subprocess.run([sys.executable, "-m", "pytest", "--pyargs", "conformance", "-q",
                          "-p", "no:cacheprovider", "-k", "test_op_conforms and neg",
                          "--shared-database", str(shared),
                          "--hypothesis-profile", "dev"],
                         capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    assert "passed" in run.stdout and not any(shared.rglob("*"))
    # the option is read: a folder that is not there is said so
    missing = subprocess.run([sys.executable, "-m", "pytest", "--pyargs", "conformance", "-q",
                              "-p", "no:cacheprovider", "-k", "test_op_conforms and neg",
                              "--shared-database", str(tmp_path / "nowhere")],
                             capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert "shared example database" in missing.stderr + missing.stdout
