"""Campaign throughput of two checkouts of this project, measured side by side.

    python benchmarks/side_by_side.py --before /path/to/old/checkout --after . --rounds 3

Runs a time-budgeted campaign (`benchmarks/throughput.py`'s Campaign, no report) in each
checkout in turn, A B A B ..., each in its own process with that checkout first on
sys.path, and prints each round's statements/s and the medians. Alternating rounds keep a
machine whose speed drifts (shared cores) from favouring one side.
"""
import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

RUN = """
import json, sys
sys.path.insert(0, {root!r})
from conformance.campaign import Campaign, Config
s = Campaign(Config(targets=[{target!r}], seconds={seconds}, seed={seed})).run()
print(json.dumps({{"programs": s["programs"], "statements": s["statements"],
                   "seconds": s["seconds"]}}))
"""


def one_run(root, target, seconds, seed):
    code = RUN.format(root=str(Path(root).resolve()), target=target, seconds=seconds, seed=seed)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=root)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    return result["statements"] / result["seconds"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--before", required=True, help="checkout measured first in each round")
    ap.add_argument("--after", default=".", help="checkout measured second in each round")
    ap.add_argument("--target", default="torch:cpu")
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rates = {"before": [], "after": []}
    for i in range(args.rounds):
        for side in ("before", "after"):
            rate = one_run(getattr(args, side), args.target, args.seconds, args.seed + i)
            rates[side].append(rate)
            print(f"round {i + 1} {side:6s} {rate:8.0f} statements/s", flush=True)
    b, a = statistics.median(rates["before"]), statistics.median(rates["after"])
    print(f"median: before {b:.0f}, after {a:.0f} statements/s (after/before {a / b:.3f})")


if __name__ == "__main__":
    main()
