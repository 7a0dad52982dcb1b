"""Memory of a long campaign: the resident set of the campaign and its worker processes,
sampled while it runs.

    python benchmarks/memory.py --minutes 30 --report /tmp/memory-run

Runs `python -m conformance fuzz` for the given time (its report kept in --report), reads
the RSS of the campaign process and of every process below it (the target's worker and
its child) from /proc every --every seconds, and prints the samples and, per tenth of
the run, the largest total: memory that is flat over the run shows as flat tenths.
Linux only (/proc).
"""
import argparse
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _children(pid):
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(c) for c in text.split()]


def _rss_kib(pid):
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_rss_mib(pid):
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        total += _rss_kib(p)
        stack.extend(_children(p))
    return total / 1024


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--minutes", type=float, default=30)
    ap.add_argument("--every", type=float, default=10)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--report", default="/tmp/memory-run")
    ap.add_argument("--target", default="torch:cpu")
    args = ap.parse_args()
    seconds = args.minutes * 60
    proc = subprocess.Popen([sys.executable, "-m", "conformance", "fuzz", "--target", args.target,
                             "--seconds", str(seconds), "--seed", str(args.seed), "--report",
                             args.report, "--no-progress"], cwd=ROOT)
    t0 = time.monotonic()
    samples = []
    while proc.poll() is None:
        time.sleep(args.every)
        samples.append((time.monotonic() - t0, tree_rss_mib(proc.pid)))
        print(f"{samples[-1][0]:7.0f}s  {samples[-1][1]:7.1f} MiB", flush=True)
    running = [s for s in samples if s[1] > 0 and s[0] < seconds]
    if not running:
        return
    tenths = [max((m for t, m in running if k * seconds / 10 <= t < (k + 1) * seconds / 10),
                  default=0) for k in range(10)]
    print("largest per tenth of the run (MiB): " + ", ".join(f"{m:.0f}" for m in tenths))
    print(f"peak {max(m for _, m in running):.1f} MiB; first tenth {tenths[0]:.0f}, "
          f"last {tenths[-1]:.0f}")


if __name__ == "__main__":
    main()
