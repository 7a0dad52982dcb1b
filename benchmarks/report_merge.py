"""How long `report` takes to merge many results into one report, and the page to render.

    python benchmarks/report_merge.py --results 100000 --runs 100

Writes --runs synthetic run directories (a results.jsonl each, with its start, failure
and end records, and a repro per failure) holding --results failure records in all,
spread over every declared op x 3 targets x the observed properties, as a nightly fleet
would leave them; then times the merge (conformance.merge.merge: reading, de-duplicating,
writing summary.json, index.html and junit.xml), and, where Playwright and a Chromium are
installed, the merged page in the browser: from navigation to the end of its script's
first pass over the matrix (the filter's apply()).
"""
import argparse
import json
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from conformance.generate import ARG_KINDS  # noqa: E402
from conformance.merge import merge  # noqa: E402
from conformance.observe import ALL_PROPERTIES, PROPERTY_GROUPS  # noqa: E402
from conformance.specs import load_ops  # noqa: E402

TARGETS = ["torch:cpu", "torch:cuda", "torch:meta"]
REPRO = "import torch\nv0 = torch.ones(2, 3)\nv1 = v0.t()\nassert v1.stride() == (1, 3)\n"


def write_runs(root: Path, runs: int, results: int, seed: int = 0):
    rng = random.Random(seed)
    ops = load_ops(kinds=ARG_KINDS)
    names = sorted(ops)
    areas = {n: Path(o.source).stem for n, o in ops.items()}
    per_run = results // runs
    dirs = []
    for r in range(runs):
        d = root / f"run{r:03d}"
        (d / "repros").mkdir(parents=True)
        lines = [json.dumps({"type": "start", "seed": r, "targets": TARGETS,
                             "started": "2026-12-02T00:00:00+00:00"})]
        exercised = {t: {n: rng.randrange(1, 500) for n in names} for t in TARGETS}
        for i in range(per_run):
            fid = f"f{i + 1:04d}"
            prop = rng.choice(ALL_PROPERTIES)
            lines.append(json.dumps({
                "type": "failure", "id": fid, "target": rng.choice(TARGETS),
                "op": rng.choice(names), "property": prop,
                "status": rng.choice(["new", "known", "flaky"]), "flaky": False,
                "ledger_id": None, "reason": None, "link": None,
                "statement": "v1 = v0.t()", "variable": "v1",
                "detail": f"{prop} of v1: oracle (1, 3) != target (3, 1)",
                "mismatches": [{"variable": "v1", "property": prop, "oracle": "(1, 3)",
                                "target": "(3, 1)"}],
                "count": 1, "program_length": rng.randrange(1, 9), "repro": f"repros/{fid}.py",
                "program": {"statements": []}}))
            (d / "repros" / f"{fid}.py").write_text(REPRO)
        lines.append(json.dumps({
            "type": "end", "programs": 1000, "statements": 9000, "seconds": 60.0,
            "interrupted": False, "coverage": {n: 40 for n in names}, "targets": TARGETS,
            "failure_counts": {}, "torch_version": "2.13.0", "possibly_fixed": [],
            "exercised": exercised, "areas": areas, "groups": list(PROPERTY_GROUPS),
            "ledger": []}))
        (d / "results.jsonl").write_text("\n".join(lines) + "\n")
        dirs.append(d)
    return dirs


def browser_seconds(index: Path):
    """Seconds from navigation to the end of the page script's first filter pass; None
    where no browser can be driven."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        return None
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        page = browser.new_page()
        t0 = time.perf_counter()
        page.goto(index.as_uri(), wait_until="load")
        page.wait_for_function("document.getElementById('f-count').textContent !== ''")
        seconds = time.perf_counter() - t0
        browser.close()
    return seconds


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--results", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=100)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        dirs = write_runs(root, args.runs, args.results)
        t0 = time.perf_counter()
        summary = merge([str(d) for d in dirs], root / "merged")
        merged = time.perf_counter() - t0
        size = (root / "merged" / "index.html").stat().st_size
        print(f"{args.results:,} results in {args.runs} runs -> {len(summary['failures']):,} "
              f"failure classes; merge {merged:.2f}s; index.html {size / 1e6:.1f} MB")
        seconds = browser_seconds(root / "merged" / "index.html")
        print("browser: not available" if seconds is None
              else f"browser: rendered and scripted in {seconds:.2f}s")


if __name__ == "__main__":
    main()
