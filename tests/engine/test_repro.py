"""Shrunk repros are short standalone scripts that fail while the divergence reproduces."""
import json
import subprocess

import pytest

from conformance.campaign import Campaign, Config

CASES = [
    ("view_copies", "view"),
    ("add_alpha_ignored", "add"),
    ("inplace_version_lost", "add_,mul_"),
    ("sum_keepdim_ignored", "sum"),
    ("view_no_error", "view"),
]


@pytest.mark.parametrize("module,ops", CASES, ids=[c[0] for c in CASES])
def test_repro_reproduces_and_is_short(module, ops, tmp_path, python, repo_env):
    target = f"tests.planted.{module}"
    summary = Campaign(Config(targets=[target], examples=300, seed=11, ops=ops,
                              report_dir=tmp_path, shrink_seconds=60.0)).run()
    assert summary["failures"], "the planted bug must be found"
    for failure in summary["failures"]:
        script = tmp_path / failure["repro"]
        # the statement under test and the few that make its inputs (the draw, with
        # autograd statements among the ops, decides how many inputs are chained)
        assert failure["program_length"] <= 8, script.read_text()
        r = subprocess.run([python, str(script)], capture_output=True, text=True, env=repo_env,
                           timeout=120)
        assert r.returncode == 1, f"{script} did not reproduce:\n{r.stdout}\n{r.stderr}"
        assert "AssertionError" in r.stderr
        text = script.read_text()
        assert f"import {target} as torch" in text


def test_repro_against_real_torch_passes_when_fixed(tmp_path, python, repo_env):
    """The same script pointed at plain torch reports that it does not reproduce."""
    summary = Campaign(Config(targets=["tests.planted.narrow_offset_lost"], examples=200,
                              seed=5, ops="narrow", report_dir=tmp_path)).run()
    script = tmp_path / summary["failures"][0]["repro"]
    fixed = script.read_text().replace("import tests.planted.narrow_offset_lost as torch",
                                       "import torch")
    (tmp_path / "fixed.py").write_text(fixed)
    r = subprocess.run([python, str(tmp_path / "fixed.py")], capture_output=True, text=True,
                       env=repo_env, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "does not reproduce" in r.stdout


def test_results_jsonl_holds_replayable_programs(tmp_path):
    Campaign(Config(targets=["tests.planted.view_copies"], examples=100, seed=1, ops="view",
                    report_dir=tmp_path)).run()
    failures = [json.loads(line) for line in (tmp_path / "results.jsonl").read_text().splitlines()
                if json.loads(line)["type"] == "failure"]
    assert failures and all(f["program"]["statements"] for f in failures)
