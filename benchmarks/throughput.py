"""Campaign throughput on a target, and where the time goes."""
import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from conformance.campaign import Campaign, Config  # noqa: E402
from conformance.generate import ARG_KINDS, RandomChooser, generate  # noqa: E402
from conformance.runner import run_lockstep, run_statement  # noqa: E402
from conformance.observe import snapshot  # noqa: E402
from conformance.specs import load_ops  # noqa: E402
from conformance.targets import parse_target  # noqa: E402


def split(target_spec, n=500, seed=0):
    """Seconds spent generating, running the oracle alone, the target alone, and lockstep."""
    ops = load_ops(kinds=ARG_KINDS)
    oracle, target = parse_target("refimpl"), parse_target(target_spec)
    rng = random.Random(seed)
    t0 = time.perf_counter()
    programs = [generate(ops, RandomChooser(rng), oracle) for _ in range(n)]
    t_gen = time.perf_counter() - t0
    times = {}
    for name, t in (("oracle", oracle), ("target", target)):
        t0 = time.perf_counter()
        for p in programs:
            env = {}
            for s in p.statements:
                run_statement(s, env, t)
                snapshot(env, t)
        times[name] = time.perf_counter() - t0
    t0 = time.perf_counter()
    for p in programs:
        run_lockstep(p, oracle, target)
    t_lock = time.perf_counter() - t0
    statements = sum(len(p.statements) for p in programs)
    return n, statements, t_gen, times["oracle"], times["target"], t_lock


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--target", default="torch:cpu")
    ap.add_argument("--seconds", type=float, default=30)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    s = Campaign(Config(targets=[args.target], seconds=args.seconds, seed=args.seed)).run()
    print(f"campaign on {args.target}: {s['programs']} programs, {s['statements']} statements in "
          f"{s['seconds']:.1f}s -> {s['programs_per_second']} programs/s, "
          f"{s['statements_per_second']} statements/s; {len(s['failures'])} failure kinds")
    n, st, gen, orc, tgt, lock = split(args.target, seed=args.seed)
    print(f"split over {n} programs ({st} statements): generate {gen:.2f}s, "
          f"oracle run+observe {orc:.2f}s, target run+observe {tgt:.2f}s, lockstep total {lock:.2f}s")


if __name__ == "__main__":
    main()
