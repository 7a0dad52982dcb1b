"""The CLI as a user meets it: exit codes, one-line usage errors, the report files."""
import json
import subprocess

import pytest
import torch


def cli(python, repo_env, *args, timeout=300):
    return subprocess.run([python, "-m", "conformance", *args], capture_output=True, text=True,
                          env=repo_env, timeout=timeout)


def test_clean_campaign_writes_report_and_exits_0(python, repo_env, tmp_path):
    out = tmp_path / "rep"
    r = cli(python, repo_env, "fuzz", "--examples", "150", "--seed", "7", "--report", str(out))
    assert r.returncode == 0, r.stdout + r.stderr
    assert "programs" in r.stdout and "statements" in r.stdout
    for name in ("results.jsonl", "summary.json", "index.html", "junit.xml"):
        assert (out / name).is_file(), name
    summary = json.loads((out / "summary.json").read_text())
    for key in ("programs", "statements", "seconds", "targets", "torch_version", "failures", "coverage"):
        assert key in summary
    assert summary["programs"] == 150
    assert summary["targets"] == ["torch:cpu"]
    assert summary["torch_version"] == torch.__version__
    assert summary["statements"] > 150
    records = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    assert records[0]["type"] == "start" and records[-1]["type"] == "end"


def test_divergences_exit_1_with_deduplicated_failures_and_repros(python, repo_env, tmp_path):
    out = tmp_path / "rep"
    r = cli(python, repo_env, "fuzz", "--target", "tests.planted.inplace_version_lost",
            "--ops", "add_,mul_", "--examples", "200", "--seed", "3", "--report", str(out))
    assert r.returncode == 1, r.stdout + r.stderr
    summary = json.loads((out / "summary.json").read_text())
    keys = [(f["target"], f["op"], f["property"]) for f in summary["failures"]]
    assert len(keys) == len(set(keys)), "failures must be de-duplicated by (target, op, property)"
    assert any(f["count"] > 1 for f in summary["failures"]), "repeat occurrences are counted"
    for f in summary["failures"]:
        assert f["status"] == "new"
        assert (out / f["repro"]).is_file()
        assert f["id"] in (out / "index.html").read_text()


@pytest.mark.parametrize("args,fragment", [
    (["fuzz", "--target", "no_such_module_xyz", "--examples", "1"], "cannot import module"),
    (["fuzz", "--seconds", "-3"], "must be positive"),
    (["fuzz", "--seconds", "1", "--examples", "2"], "not allowed with"),
    (["fuzz", "--ops", "no_such_op", "--examples", "1"], "matches no declared op"),
    (["fuzz", "--target", "json", "--examples", "1"], "does not offer the torch API"),
    (["fuzz", "--target", "refimpl:cuda", "--examples", "1"], "only models the cpu device"),
    (["frobnicate"], "invalid choice"),
])
def test_bad_usage_exits_2_with_one_line(python, repo_env, tmp_path, args, fragment):
    r = cli(python, repo_env, *args, "--report", str(tmp_path)) if args[0] == "fuzz" else \
        cli(python, repo_env, *args)
    assert r.returncode == 2, r.stdout + r.stderr
    assert fragment in r.stderr
    assert "Traceback" not in r.stderr
    assert len(r.stderr.strip().splitlines()) <= 3  # argparse prints usage + the error line


@pytest.mark.skipif(torch.cuda.is_available(), reason="needs a machine without CUDA")
def test_missing_device_is_usage_error(python, repo_env, tmp_path):
    r = cli(python, repo_env, "fuzz", "--target", "torch:cuda", "--examples", "1",
            "--report", str(tmp_path))
    assert r.returncode == 2
    assert "not available" in r.stderr and "Traceback" not in r.stderr


@pytest.mark.skipif(not torch.cuda.is_available(), reason="CUDA not available")
def test_cuda_campaign_runs(python, repo_env, tmp_path):
    r = cli(python, repo_env, "fuzz", "--target", "torch:cuda", "--examples", "100",
            "--seed", "1", "--report", str(tmp_path))
    assert r.returncode in (0, 1), r.stderr
    assert json.loads((tmp_path / "summary.json").read_text())["programs"] == 100


def test_replay_of_a_recorded_failure(python, repo_env, tmp_path):
    out = tmp_path / "rep"
    cli(python, repo_env, "fuzz", "--target", "tests.planted.sum_keepdim_ignored", "--ops", "sum",
        "--examples", "200", "--seed", "2", "--report", str(out))
    r = cli(python, repo_env, "replay", str(out / "results.jsonl"), "--target",
            "tests.planted.sum_keepdim_ignored")
    assert r.returncode == 1 and "diverges at statement" in r.stdout
    r = cli(python, repo_env, "replay", str(out / "results.jsonl"), "--target", "torch:cpu")
    assert r.returncode == 0 and "no divergence" in r.stdout


def test_replay_of_a_malformed_file_is_usage_error(python, repo_env, tmp_path):
    bad = tmp_path / "p.json"
    bad.write_text("{not json")
    r = cli(python, repo_env, "replay", str(bad))
    assert r.returncode == 2 and "cannot read program" in r.stderr


def test_malformed_spec_is_usage_error(python, repo_env, tmp_path):
    specs = tmp_path / "specs"
    specs.mkdir()
    (specs / "bad.toml").write_text('[[op]]\nname = "x"\ncall = "add"\nforms = ["telepathy"]\n'
                                    'args = ["self"]\n')
    r = cli(python, repo_env, "fuzz", "--specs", str(specs), "--examples", "1",
            "--report", str(tmp_path / "rep"))
    assert r.returncode == 2
    assert "bad.toml" in r.stderr and "forms" in r.stderr and "Traceback" not in r.stderr
