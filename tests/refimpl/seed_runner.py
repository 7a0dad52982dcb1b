"""Run the seed scenarios (tests/refimpl/seed_scenarios/*.py) on torch or on refimpl.

    python tests/refimpl/seed_runner.py torch|refimpl [--json] [NAME ...]

Each scenario is a plain script that does `import torch` and prints. In `refimpl` mode
`sys.modules["torch"]` is set to refimpl before any script runs, so that import gets
refimpl (and real torch is never imported: the JSON report says whether it was). All the
scripts run one after another in this one process (starting torch dominates the cost of a
subprocess), each with fresh globals (runpy, as __main__), its stdout captured, a time
limit, and grad mode switched back on afterwards. An exception that escapes a script ends
that script only; its status says which exception and its traceback is kept.

Without --json the outputs are printed one after another under `=== name [status]`
headers (for reading); with --json one JSON object {"module", "torch_imported",
"scenarios": {name: {"stdout", "status", "traceback"}}} is written to stdout.
"""
from __future__ import annotations

import contextlib
import io
import json
import runpy
import signal
import sys
import traceback
from pathlib import Path

SCENARIO_DIR = Path(__file__).resolve().parent / "seed_scenarios"
TIME_LIMIT_S = 20  # per script; refimpl is pure Python, but these scripts are tiny


def scenario_paths():
    """The scenario scripts, by name (files starting with `_` are not scenarios)."""
    return sorted(p for p in SCENARIO_DIR.glob("*.py") if not p.name.startswith("_"))


def _load(module_name):
    if module_name == "refimpl":
        import refimpl
        sys.modules["torch"] = refimpl
        return refimpl
    if module_name == "torch":
        import torch
        return torch
    raise SystemExit(f"unknown module {module_name!r} (torch or refimpl)")


class ScenarioTimeout(Exception):
    pass


def _on_alarm(signum, frame):
    raise ScenarioTimeout(f"scenario ran longer than {TIME_LIMIT_S} s")


def _last_line(exc):
    lines = str(exc).splitlines()
    return f"{type(exc).__name__}: {lines[-1] if lines else ''}"


def _reset(module):
    """Undo what a script may have left behind that would change the next one."""
    set_grad_enabled = getattr(module, "set_grad_enabled", None)
    if set_grad_enabled is not None:
        try:
            set_grad_enabled(True)
        except Exception:  # noqa: BLE001 - an incomplete implementation must not stop the run
            pass


def run_one(path, module):
    buf = io.StringIO()
    status, tb = "ok", ""
    has_alarm = hasattr(signal, "SIGALRM")
    if has_alarm:
        previous = signal.signal(signal.SIGALRM, _on_alarm)
        signal.alarm(TIME_LIMIT_S)
    try:
        with contextlib.redirect_stdout(buf):
            runpy.run_path(str(path), run_name="__main__")
    except SystemExit as e:
        if e.code not in (None, 0):
            status = f"SystemExit: {e.code}"
    except (Exception, RecursionError) as e:  # noqa: BLE001 - reported, not hidden
        status, tb = _last_line(e), traceback.format_exc()
    finally:
        if has_alarm:
            signal.alarm(0)
            signal.signal(signal.SIGALRM, previous)
        _reset(module)
    return {"stdout": buf.getvalue(), "status": status, "traceback": tb}


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    as_json = "--json" in argv
    argv = [a for a in argv if a != "--json"]
    if not argv:
        raise SystemExit(__doc__)
    module_name, names = argv[0], set(argv[1:])
    paths = [p for p in scenario_paths() if not names or p.stem in names]
    unknown = names - {p.stem for p in paths}
    if unknown:
        raise SystemExit(f"no such scenario: {', '.join(sorted(unknown))}")
    module = _load(module_name)
    results = {p.stem: run_one(p, module) for p in paths}
    if as_json:
        report = {"module": module_name,
                  "torch_imported": "torch._C" in sys.modules,
                  "scenarios": results}
        sys.stdout.write(json.dumps(report))
        return 0
    for name, r in results.items():
        print(f"=== {name} [{r['status']}]")
        sys.stdout.write(r["stdout"])
        if r["traceback"]:
            sys.stdout.write(r["traceback"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
