"""Seconds until each planted bug is first reported, over several seeds.

    python benchmarks/time_to_detect.py --seeds 5                  # the ops each bug is in
    python benchmarks/time_to_detect.py --seeds 5 --all-ops        # every op enabled
    python benchmarks/time_to_detect.py --seeds 5 --all-ops --swarm
    python benchmarks/time_to_detect.py --seeds 5 --all-ops --engine hypothesis

A campaign per bug and seed, stopped as soon as a program diverges with the bug's (op,
property) (Campaign.first_seen: before shrinking, which either engine then does), or at
--limit seconds (then counted as the limit, and as not found). The hypothesis engine runs
without an example database, so that no run replays what an earlier one found. The campaign runs its target
in its own process (--in-process): what is measured is how fast the generator reaches the
bug, not the worker's start. Prints per bug the median and maximum seconds, and overall
the median of the medians and the worst.
"""
import argparse
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from conformance.campaign import Campaign, Config  # noqa: E402
from tests.test_planted import PLANTED, reports  # noqa: E402


def time_to_detect(module, ops, expected, seed, limit, swarm, engine):
    """Seconds until a program first diverges as expected (None: not within limit)."""
    target = f"tests.planted.{module}"

    def first(campaign):
        return min((seconds for (t, op, prop), (seconds, _) in campaign.first_seen.items()
                    if t == target and reports(expected, op, prop)), default=None)
    campaign = Campaign(Config(targets=[target], seconds=limit, seed=seed, ops=ops,
                               shrink_seconds=0.0, isolate=False, flaky_reruns=0, swarm=swarm,
                               engine=engine, stop_when=lambda c: first(c) is not None))
    campaign.run()
    return first(campaign)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--limit", type=float, default=60.0, help="seconds per campaign")
    ap.add_argument("--all-ops", action="store_true", help="every op enabled, not the bug's")
    ap.add_argument("--swarm", action="store_true", help="swarm testing in the generator")
    ap.add_argument("--engine", choices=["random", "hypothesis"], default="random")
    ap.add_argument("--only", help="comma-separated planted modules to measure")
    args = ap.parse_args()
    chosen = [p for p in PLANTED if not args.only or p[0] in args.only.split(",")]
    print(f"{'planted bug':30s} {'median s':>9s} {'max s':>8s}  found")
    medians, worst = [], 0.0
    for module, ops, expected in chosen:
        times, found = [], 0
        for seed in range(args.seeds):
            s = time_to_detect(module, None if args.all_ops else ops, expected, seed,
                               args.limit, args.swarm, args.engine)
            found += s is not None
            times.append(s if s is not None else args.limit)
        med, top = statistics.median(times), max(times)
        medians.append(med)
        worst = max(worst, top)
        print(f"{module:30s} {med:9.2f} {top:8.2f}  {found}/{args.seeds}", flush=True)
    print(f"all {len(chosen)} bugs: median of medians {statistics.median(medians):.2f}s, "
          f"largest median {max(medians):.2f}s, worst {worst:.2f}s "
          f"({'all ops' if args.all_ops else 'their ops'}{', swarm' if args.swarm else ''}, "
          f"{args.engine} engine)")


if __name__ == "__main__":
    main()
