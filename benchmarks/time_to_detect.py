"""Programs and seconds until each planted bug is first reported, over several seeds."""
import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from conformance.campaign import Campaign, Config  # noqa: E402
from tests.test_planted import PLANTED  # noqa: E402


def time_to_detect(module, ops, expected, seed, limit):
    """(programs, seconds) until the expected failure is first recorded, or (None, s)."""
    def found(campaign):
        return any((f["op"], f["property"]) == expected for f in campaign.failures.values())
    campaign = Campaign(Config(targets=[f"tests.planted.{module}"], examples=limit, seed=seed,
                               ops=ops, shrink_seconds=0.0, stop_when=found))
    t0 = time.perf_counter()
    summary = campaign.run()
    seconds = time.perf_counter() - t0
    return (summary["programs"] if found(campaign) else None), seconds


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--limit", type=int, default=3000)
    args = ap.parse_args()
    print(f"{'planted bug':28s} {'programs (median)':>18s} {'seconds (median)':>17s}  found")
    for module, ops, expected in PLANTED:
        counts, secs = [], []
        for seed in range(args.seeds):
            n, s = time_to_detect(module, ops, expected, seed, args.limit)
            if n is not None:
                counts.append(n)
                secs.append(s)
        found = f"{len(counts)}/{args.seeds}"
        med_n = statistics.median(counts) if counts else float("nan")
        med_s = statistics.median(secs) if secs else float("nan")
        print(f"{module:28s} {med_n:18.0f} {med_s:17.3f}  {found}")


if __name__ == "__main__":
    main()
