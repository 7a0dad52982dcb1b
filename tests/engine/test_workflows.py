"""The CI files are checked like code: the GitHub workflows parse, have the jobs and
triggers they promise, and every command they run exists with the options they pass (the
project's own CLI parser reads each `python -m conformance` line); tox.ini has its envs;
the README's test command is the one .ci/run ends with."""
import configparser
import re
import shlex
from pathlib import Path

import pytest
import yaml

from conformance.cli import build_parser
from conformance.worker import split_spec

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = ROOT / ".github" / "workflows"
# ${{ ... }} expressions, as a plausible literal of what they stand for
EXPRESSIONS = {"seconds": "3600", "shard": "0", "run_id": "123"}


def _literal(match):
    expr = match.group(1)
    return next((value for key, value in EXPRESSIONS.items() if key in expr), "x")


def commands(run_text):
    """The shell commands of a `run:` block: continuations joined, expressions replaced,
    comments dropped; each as its words."""
    text = re.sub(r"\$\{\{(.*?)\}\}", _literal, run_text).replace("\\\n", " ")
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            for part in re.split(r"\s*(?:&&|\|\|)\s*", line):
                out.append(shlex.split(part.replace('"$SECONDS_BUDGET"', "3600")
                                       .replace('"$SEED"', "1")))
    return out


def problems(workflow):
    """What is wrong with a parsed workflow's commands (empty: nothing)."""
    found = []
    for job_name, job in workflow.get("jobs", {}).items():
        for step in job.get("steps", []):
            for words in commands(step.get("run", "")):
                found += [f"{job_name}: {p}" for p in _command_problems(words)]
    return found


def _command_problems(words):
    if words[:3] == ["python", "-m", "conformance"]:
        try:
            build_parser().parse_args(words[3:])
        except SystemExit:
            return [f"the CLI refuses: {' '.join(words)}"]
        return []
    if words[:3] == ["python", "-m", "pytest"]:
        out = []
        for i, word in enumerate(words[3:], 3):
            if word == "--target":
                target = split_spec(words[i + 1])[0]
                if not re.fullmatch(r"[A-Za-z_][\w.]*(:[\w:]+)?", target):
                    out.append(f"malformed --target {words[i + 1]}")
            elif not word.startswith("-") and words[i - 1] not in ("-n", "--target") \
                    and not (ROOT / word).exists():
                out.append(f"pytest path {word} does not exist")
        return out
    if words[:1] == ["bash"] and not (ROOT / words[1]).is_file():
        return [f"{words[1]} does not exist"]
    return []


def _load(name):
    data = yaml.safe_load((WORKFLOWS / name).read_text())
    data["on"] = data.pop(True, data.get("on"))   # YAML 1.1 reads the key `on` as True
    return data


@pytest.mark.parametrize("name", ["ci.yml", "nightly.yml"])
def test_a_workflow_parses_and_every_command_exists(name):
    workflow = _load(name)
    assert workflow["on"] and workflow["jobs"]
    for job in workflow["jobs"].values():
        assert job["runs-on"] and job["steps"]
    assert problems(workflow) == []


def test_pull_requests_run_the_ci_script():
    workflow = _load("ci.yml")
    assert "pull_request" in workflow["on"]
    runs = [step.get("run", "") for job in workflow["jobs"].values() for step in job["steps"]]
    assert any("bash .ci/run" in run for run in runs)


def test_the_nightly_runs_on_gpu_runners_uploads_always_and_merges():
    workflow = _load("nightly.yml")
    assert "schedule" in workflow["on"] and "workflow_dispatch" in workflow["on"]
    campaign, merge = workflow["jobs"]["campaign"], workflow["jobs"]["merge"]
    assert {"self-hosted", "gpu"} <= set(campaign["runs-on"])
    uploads = [s for s in campaign["steps"] if str(s.get("uses", "")).startswith("actions/upload-artifact")]
    assert uploads and all(s.get("if") in ("always()", "${{ !cancelled() }}") for s in uploads)
    fuzz = [w for s in campaign["steps"] for w in commands(s.get("run", ""))
            if w[:4] == ["python", "-m", "conformance", "fuzz"]]
    assert any("torch:cuda" in w and "torch:cpu" in w for w in fuzz)       # three-way
    assert any("torch:meta" in w for w in fuzz)
    assert merge["needs"] == "campaign" and merge.get("if") == "always()"
    merged = [w for s in merge["steps"] for w in commands(s.get("run", ""))
              if w[:4] == ["python", "-m", "conformance", "report"]]
    assert merged
    assert any(str(s.get("uses", "")).startswith("actions/deploy-pages") for s in merge["steps"])


def test_the_validator_reports_a_broken_workflow():
    broken = yaml.safe_load("""
jobs:
  campaign:
    runs-on: ubuntu-latest
    steps:
      - run: python -m conformance fuzz --secondz 5
      - run: python -m pytest --target torch:cuda no/such/tests
      - run: bash .ci/nothing
""")
    found = problems(broken)
    assert len(found) == 3, found


def test_tox_has_its_envs_and_the_cuda_one_targets_cuda():
    tox = configparser.ConfigParser(interpolation=None)
    tox.read(ROOT / "tox.ini")
    for env in ("testenv", "testenv:fuzz", "testenv:nightly", "testenv:cuda"):
        assert tox.has_section(env), env
    assert "--target torch:cuda" in tox["testenv:cuda"]["commands"]


def test_the_readme_test_command_is_what_ci_runs_last():
    readme = (ROOT / "README.md").read_text()
    lines = [ln for ln in (ROOT / ".ci" / "run").read_text().splitlines()
             if ln.strip() and not ln.startswith("#")]
    assert lines[-1].strip() == "python -m pytest -n auto"
    assert "&& python -m pytest -n auto\n" in readme
