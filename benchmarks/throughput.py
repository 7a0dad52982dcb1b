"""Campaign throughput, end to end, beside a torch-only loop; where the time goes; and
what `--workers N` gains.

    python benchmarks/throughput.py --seconds 30 --rounds 3        # end to end + split
    python benchmarks/throughput.py --workers 1,2 --seconds 30     # --workers speed-up
    python benchmarks/throughput.py --engines random,hypothesis    # the two engines

End to end is `python -m conformance fuzz` itself (generator, the oracle, the target in
its worker process, every property observed and compared after every statement, autograd
statements at their default share), read from its summary. Beside it, in alternating
rounds, the torch-only loop: the same kind of programs (drawn beforehand) run twice on
torch, every live tensor observed after every statement, nothing compared: what a
differential run would cost with torch on both sides. The split times one process doing
each stage alone over the same programs: generation, the oracle running and observing,
the target running and observing, and the lockstep run (both, plus comparison).
"""
import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from conformance.execution import Side  # noqa: E402
from conformance.generate import ARG_KINDS, RandomChooser, generate  # noqa: E402
from conformance.observe import observed_modes, observes_autograd  # noqa: E402
from conformance.runner import run_lockstep  # noqa: E402
from conformance.specs import load_ops  # noqa: E402
from conformance.targets import parse_target  # noqa: E402


def campaign(seconds, seed, target, workers=1, engine="random"):
    """(statements/s, programs/s) of one `fuzz` run, from its summary."""
    with tempfile.TemporaryDirectory() as d:
        subprocess.run([sys.executable, "-m", "conformance", "fuzz", "--target", target,
                        "--seconds", str(seconds), "--seed", str(seed), "--report", d,
                        "--no-progress", "--workers", str(workers), "--engine", engine,
                        "--database", "none"],
                       cwd=ROOT, check=False, capture_output=True, text=True)
        s = json.loads((Path(d) / "summary.json").read_text())
    return s["statements_per_second"], s["programs_per_second"]


def _programs(n, seed):
    ops = load_ops(kinds=ARG_KINDS)
    oracle = parse_target("refimpl")
    rng = random.Random(seed)
    return [generate(ops, RandomChooser(rng), oracle) for _ in range(n)]


def torch_only(seconds, seed, target):
    """Statements/s of the loop that runs each program twice on torch, observing."""
    t = parse_target(target)
    oracle = parse_target("refimpl")
    autograd, modes = observes_autograd(oracle), observed_modes(oracle)
    programs = _programs(2000, seed)
    done = 0
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        for p in programs:
            for _ in range(2):
                for _event in Side(t, autograd, modes).events(p):
                    pass
            done += len(p.statements)
            if time.perf_counter() - t0 >= seconds:
                break
    return done / (time.perf_counter() - t0)


def split(target_spec, n=500, seed=0):
    """Seconds spent generating, running the oracle alone, the target alone, and lockstep."""
    ops = load_ops(kinds=ARG_KINDS)
    oracle, target = parse_target("refimpl"), parse_target(target_spec)
    autograd, modes = observes_autograd(oracle), observed_modes(oracle)
    rng = random.Random(seed)
    t0 = time.perf_counter()
    programs = [generate(ops, RandomChooser(rng), oracle) for _ in range(n)]
    times = {"generate": time.perf_counter() - t0}
    for name, t in (("oracle", oracle), ("target", target)):
        t0 = time.perf_counter()
        for p in programs:
            for _event in Side(t, autograd, modes).events(p):
                pass
        times[name] = time.perf_counter() - t0
    t0 = time.perf_counter()
    for p in programs:
        run_lockstep(p, oracle, target)
    times["lockstep"] = time.perf_counter() - t0
    times["compare"] = times["lockstep"] - times["oracle"] - times["target"]
    return n, sum(len(p.statements) for p in programs), times


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--target", default="torch:cpu")
    ap.add_argument("--seconds", type=float, default=30)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--workers", help="compare these --workers values (e.g. 1,2) instead")
    ap.add_argument("--engines", help="compare these engines (random,hypothesis) instead")
    args = ap.parse_args()
    if args.workers or args.engines:
        option = "--workers" if args.workers else "--engine"
        values = (args.workers or args.engines).split(",")
        rates = {v: [] for v in values}
        for r in range(args.rounds):
            for v in values:
                run = dict(workers=int(v)) if args.workers else dict(engine=v)
                rates[v].append(campaign(args.seconds, args.seed + r, args.target, **run)[0])
                print(f"round {r + 1}: {option} {v}: {rates[v][-1]:.0f} statements/s", flush=True)
        base = statistics.median(rates[values[0]])
        for v in values:
            m = statistics.median(rates[v])
            print(f"{option} {v}: median {m:.0f} statements/s ({m / base:.2f}x {option} {values[0]})")
        return
    ours, theirs = [], []
    for r in range(args.rounds):
        ours.append(campaign(args.seconds, args.seed + r, args.target))
        theirs.append(torch_only(args.seconds, args.seed + r, args.target))
        print(f"round {r + 1}: fuzz {ours[-1][0]:.0f} statements/s ({ours[-1][1]:.0f} programs/s), "
              f"torch-only loop {theirs[-1]:.0f} statements/s", flush=True)
    m_ours = statistics.median(s for s, _ in ours)
    m_theirs = statistics.median(theirs)
    print(f"median: fuzz {m_ours:.0f} statements/s, {statistics.median(p for _, p in ours):.0f} "
          f"programs/s; torch-only loop {m_theirs:.0f} statements/s; ratio {m_ours / m_theirs:.2f}")
    n, statements, times = split(args.target, seed=args.seed)
    total = times["generate"] + times["lockstep"]
    parts = ", ".join(f"{k} {v:.2f}s ({100 * v / total:.0f}%)" for k, v in times.items()
                      if k != "lockstep")
    print(f"split over {n} programs ({statements} statements), one process: {parts}")


if __name__ == "__main__":
    main()
