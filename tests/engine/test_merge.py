"""Several runs merge into one report; a run that crashed keeps what it gathered."""
import json

from tests.engine.test_cli import cli


def test_merge_two_runs(python, repo_env, tmp_path):
    a, b, out = tmp_path / "a", tmp_path / "b", tmp_path / "merged"
    cli(python, repo_env, "fuzz", "--target", "tests.planted.view_copies", "--ops", "view",
        "--examples", "120", "--seed", "1", "--report", str(a))
    cli(python, repo_env, "fuzz", "--target", "tests.planted.view_copies", "--ops", "view",
        "--examples", "80", "--seed", "2", "--report", str(b))
    sa = json.loads((a / "summary.json").read_text())
    sb = json.loads((b / "summary.json").read_text())
    r = cli(python, repo_env, "report", str(a), str(b), "--out", str(out))
    assert r.returncode == 1, r.stderr  # new failures present
    merged = json.loads((out / "summary.json").read_text())
    assert merged["programs"] == sa["programs"] + sb["programs"] == 200
    assert merged["statements"] == sa["statements"] + sb["statements"]
    keys = {(f["target"], f["op"], f["property"]) for f in sa["failures"] + sb["failures"]}
    assert {(f["target"], f["op"], f["property"]) for f in merged["failures"]} == keys
    by_key = {}
    for f in sa["failures"] + sb["failures"]:
        by_key[(f["op"], f["property"])] = by_key.get((f["op"], f["property"]), 0) + f["count"]
    for f in merged["failures"]:
        assert f["count"] == by_key[(f["op"], f["property"])]
        assert (out / f["repro"]).is_file()
    assert (out / "index.html").is_file() and (out / "junit.xml").is_file()
    # what the matrix and coverage are drawn from is summed too
    target = "tests.planted.view_copies"
    assert merged["exercised"][target]["view"] == (sa["exercised"][target]["view"]
                                                   + sb["exercised"][target]["view"])
    assert merged["areas"]["view"] == "views" and merged["schema_version"] == 1
    assert {e["ledger_id"] for e in merged["ledger"]} == {e["ledger_id"] for e in sa["ledger"]}


def test_crashed_run_keeps_results_and_report_rebuilds(python, repo_env, tmp_path):
    run = tmp_path / "run"
    # in the campaign's own process the target takes the campaign down with it (as a
    # kill -9 would): what results.jsonl holds is all there is
    r = cli(python, repo_env, "fuzz", "--target", "tests.planted.crashes_on_exp", "--in-process",
            "--ops", "exp", "--seconds", "60", "--seed", "1", "--progress-every", "0.05",
            "--report", str(run))
    assert r.returncode == 139  # died like a segfault
    assert not (run / "summary.json").exists()
    records = [json.loads(line) for line in (run / "results.jsonl").read_text().splitlines()]
    assert records[0]["type"] == "start"
    out = tmp_path / "rebuilt"
    r = cli(python, repo_env, "report", str(run), "--out", str(out))
    assert r.returncode in (0, 1), r.stderr
    summary = json.loads((out / "summary.json").read_text())
    assert any("no end record" in e["message"] for e in summary["target_errors"])
    assert "crashed" in (out / "index.html").read_text()


def test_report_of_a_missing_run_is_usage_error(python, repo_env, tmp_path):
    r = cli(python, repo_env, "report", str(tmp_path / "nope"), "--out", str(tmp_path / "o"))
    assert r.returncode == 2 and "no results.jsonl" in r.stderr
    assert "Traceback" not in r.stderr
