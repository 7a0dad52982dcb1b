"""The seed scenarios (tests/refimpl/seed_scenarios/*.py) print the same on refimpl as on torch.

Each scenario is a small script written from the source documents in shared/seeds/ (blog
posts about detach, .data, clone, copy_, leaves, grad_fn, version checks, no_grad, views,
indexing, ...); its docstring says which seed and which semantic. Nothing here hard-codes
an expected output: torch is run live and is the reference.

seed_runner.py runs every script in one subprocess per module, one with `torch` and one
with `refimpl` substituted as sys.modules["torch"]; the two run concurrently, once per test
session (under pytest-xdist the first worker to get here runs them and the others read its
result file). Outputs are compared exactly, so the scripts never print object addresses
(they print grad_fn.name() and type names, and data_ptr() equalities as booleans); a test
checks that torch's output holds no `0x...` address either.
"""
from __future__ import annotations

import ast
import difflib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.refimpl.seed_runner import scenario_paths

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
RUNNER = HERE / "seed_runner.py"

SCENARIOS = [p.stem for p in scenario_paths()]
MODULES = ("torch", "refimpl")
ADDRESS = re.compile(r"0x[0-9a-fA-F]{6,}")
TIMEOUT_S = 300


def _env():
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    env.setdefault("OMP_NUM_THREADS", "1")
    return env


def _run_all():
    """{module: report} for both modules, the two subprocesses running at the same time."""
    procs = {m: subprocess.Popen([sys.executable, str(RUNNER), m, "--json"], cwd=REPO,
                                 env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 text=True)
             for m in MODULES}
    reports = {}
    for m, proc in procs.items():
        try:
            out, err = proc.communicate(timeout=TIMEOUT_S)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
            reports[m] = {"failure": f"runner timed out after {TIMEOUT_S} s", "stderr": err}
            continue
        try:
            reports[m] = json.loads(out)
        except ValueError:
            reports[m] = {"failure": f"runner exited {proc.returncode} without a report",
                          "stderr": err[-5000:], "stdout": out[-2000:]}
        else:
            reports[m]["returncode"] = proc.returncode
            reports[m]["stderr"] = err[-5000:]
    return reports


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return _run_all()
    # one run per session: the session's temporary root is shared by the xdist workers
    shared = tmp_path_factory.getbasetemp().parent / "seed_scenarios.json"
    lock_path = str(shared) + ".lock"
    try:
        import fcntl
    except ImportError:  # no flock (Windows): every worker runs the scenarios itself
        return _run_all()
    with open(lock_path, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if shared.is_file():
                return json.loads(shared.read_text())
            result = _run_all()
            shared.write_text(json.dumps(result))
            return result
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _scenario(reports, module, name):
    report = reports[module]
    if "failure" in report:
        pytest.fail(f"{module} runner: {report['failure']}\n{report.get('stderr', '')}")
    return report["scenarios"][name]


def test_runners_finish(reports):
    for m in MODULES:
        report = reports[m]
        assert "failure" not in report, f"{m}: {report['failure']}\n{report.get('stderr', '')}"
        assert report["returncode"] == 0, report["stderr"]
        assert sorted(report["scenarios"]) == sorted(SCENARIOS)
    assert reports["refimpl"]["torch_imported"] is False, "real torch was imported in refimpl mode"


@pytest.mark.parametrize("name", SCENARIOS)
def test_runs_cleanly_under_torch(reports, name):
    """The scenario completes on real torch (what `python NAME.py` exiting 0 means, run in
    the shared process), prints something, and prints no object address."""
    r = _scenario(reports, "torch", name)
    assert r["status"] == "ok", r["traceback"]
    assert r["stdout"].strip(), "the scenario printed nothing"
    found = ADDRESS.findall(r["stdout"])
    assert not found, f"an address in the output would never compare equal: {found}"


@pytest.mark.parametrize("name", SCENARIOS)
def test_refimpl_prints_what_torch_prints(reports, name):
    expected = _scenario(reports, "torch", name)
    actual = _scenario(reports, "refimpl", name)
    if actual["stdout"] == expected["stdout"] and actual["status"] == expected["status"]:
        return
    diff = "".join(difflib.unified_diff(
        expected["stdout"].splitlines(keepends=True), actual["stdout"].splitlines(keepends=True),
        fromfile=f"torch/{name}", tofile=f"refimpl/{name}"))
    message = f"refimpl's output differs from torch's:\n{diff}"
    if actual["status"] != "ok":
        message += f"\nrefimpl stopped the script: {actual['status']}\n{actual['traceback']}"
    pytest.fail(message, pytrace=False)


@pytest.mark.parametrize("name", SCENARIOS)
def test_scenario_shape(name):
    """A docstring citing the seed file number(s), `import torch` first, and random numbers
    only after a torch.manual_seed (refimpl draws torch's CPU stream; an unseeded draw
    would print what the process happened to draw before)."""
    path = HERE / "seed_scenarios" / f"{name}.py"
    tree = ast.parse(path.read_text())
    doc = ast.get_docstring(tree)
    assert doc and re.search(r"\bSeeds? 00[0-4]", doc), "the docstring must cite a seed (Seed 00N)"
    first = tree.body[1] if len(tree.body) > 1 else None
    assert isinstance(first, ast.Import) and [a.name for a in first.names] == ["torch"], \
        "the first statement after the docstring must be `import torch`"
    text = path.read_text()
    assert "import random" not in text, "scenarios draw from torch's stream, not Python's"
    # the top-level statements run in order (a class body draws only when it is called)
    seeded = False
    # building a module draws its init: a class the scenario defines is one
    classes = [f"{c.name}(" for c in tree.body if isinstance(c, ast.ClassDef)]
    for stmt in tree.body[2:]:
        if isinstance(stmt, (ast.FunctionDef, ast.ClassDef)):
            continue
        code = ast.get_source_segment(text, stmt)
        seeded = seeded or "manual_seed(" in code
        draws = any(w in code for w in ["rand(", "randn(", "randint(", "randperm(", "Linear(",
                                        "Dropout("] + classes)
        assert seeded or not draws, \
            f"a scenario seeds the stream (torch.manual_seed) before it draws: {code!r}"
