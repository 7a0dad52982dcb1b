"""What autograd (or nn module) statements cost a campaign: statements/s with them on and off.

    python benchmarks/autograd_cost.py --seconds 30 --rounds 3
    python benchmarks/autograd_cost.py --kind modules --seconds 30 --rounds 3

Runs time-budgeted campaigns (no report) with the generator's autograd share (or module
share, --kind modules) at 0 and at the default, alternating A B A B ... in separate
processes, and prints each round's programs/s and statements/s and the medians. Autograd
programs also make every tensor's observation larger (requires_grad, grad_fn,
next_functions, .grad), and backward runs the refimpl engine; module programs observe
each module's parameters, buffers, state_dict keys and repr after every statement, and
draw from refimpl's pure-Python mt19937.
"""
import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUN = """
import json, sys
sys.path.insert(0, {root!r})
from conformance.campaign import Campaign, Config
s = Campaign(Config(targets=[{target!r}], seconds={seconds}, seed={seed}, {kind}={share})).run()
print(json.dumps({{"programs": s["programs"], "statements": s["statements"],
                   "seconds": s["seconds"]}}))
"""


def one_run(kind, share, target, seconds, seed):
    code = RUN.format(root=str(ROOT), target=target, seconds=seconds, seed=seed, share=share,
                      kind=kind)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=ROOT)
    r = json.loads(out.stdout.strip().splitlines()[-1])
    return r["programs"] / r["seconds"], r["statements"] / r["seconds"]


def main():
    from conformance.autograd_statements import AUTOGRAD_P
    from conformance.module_statements import MODULES_P
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kind", choices=("autograd", "modules"), default="autograd")
    ap.add_argument("--target", default="torch:cpu")
    ap.add_argument("--seconds", type=float, default=30)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--share", type=float, help="the share measured (default: the default)")
    args = ap.parse_args()
    if args.share is None:
        args.share = AUTOGRAD_P if args.kind == "autograd" else MODULES_P
    results = {0.0: [], args.share: []}
    for r in range(args.rounds):
        for share in results:
            pps, sps = one_run(args.kind, share, args.target, args.seconds, args.seed + r)
            results[share].append((pps, sps))
            print(f"round {r + 1} {args.kind}={share}: {pps:.0f} programs/s, "
                  f"{sps:.0f} statements/s", flush=True)
    off = statistics.median(s for _, s in results[0.0])
    on = statistics.median(s for _, s in results[args.share])
    print(f"median statements/s: {args.kind} off {off:.0f}, on ({args.share}) {on:.0f}, "
          f"ratio {on / off:.2f}")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
