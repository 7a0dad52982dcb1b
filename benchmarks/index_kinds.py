"""Which index kinds the generator produces: generate N programs (conformance.generate)
and count, over every getitem / setitem / setitem_augmented statement, the kinds of the
items in its index (int, slice, None, Ellipsis, bool, list, int tensor, bool mask) and
the mixes (an index with two or more different kinds; advanced indices adjacent or
separated; basic-only vs advanced).

    python benchmarks/index_kinds.py [-n 2000] [--seed 0] [--ops 'getitem,setitem*']
"""
import argparse
import random
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from conformance.generate import ARG_KINDS, RandomChooser, generate  # noqa: E402
from conformance.program import GETITEM, SETITEM, SETITEM_AUGMENTED, execute  # noqa: E402
from conformance.specs import load_ops, select_ops  # noqa: E402
from conformance.targets import parse_target  # noqa: E402

INDEX_FORMS = (GETITEM, SETITEM, SETITEM_AUGMENTED)
KINDS = ("int", "slice", "None", "Ellipsis", "bool", "list", "int tensor", "bool mask")


def item_kind(item, env):
    if item is None:
        return "None"
    if isinstance(item, bool):
        return "bool"
    if isinstance(item, int):
        return "int"
    if isinstance(item, dict):
        if "slice" in item:
            return "slice"
        if "ellipsis" in item:
            return "Ellipsis"
        if "list" in item:
            return "list"
        if "var" in item:
            t = env[item["var"]]
            return "bool mask" if t.dtype.name in ("bool", "uint8") else "int tensor"
    return "other"


def classify(index, env):
    """The kinds of an encoded index's items (a tuple is several items)."""
    items = index["tuple"] if isinstance(index, dict) and "tuple" in index else [index]
    return [item_kind(x, env) for x in items]


def count(n=2000, seed=0, ops_pattern=None):
    ops = load_ops(kinds=ARG_KINDS)
    reported = set(select_ops(ops, ops_pattern)) if ops_pattern else None
    oracle = parse_target("refimpl")
    rng = random.Random(seed)
    per_kind, mixes, shapes = Counter(), Counter(), Counter()
    statements = 0
    for _ in range(n):
        program = generate(ops, RandomChooser(rng), oracle, reported_ops=reported)
        env = {}
        for stmt in program.statements:
            if stmt.form in INDEX_FORMS:
                statements += 1
                kinds = classify(stmt.args[1], env)
                for k in set(kinds):
                    per_kind[k] += 1
                distinct = sorted(set(kinds))
                mixes["single kind" if len(distinct) == 1 else "mix of %d kinds" % len(distinct)] += 1
                advanced = [i for i, k in enumerate(kinds) if k in ("list", "int tensor", "bool mask", "bool")]
                if not advanced:
                    shapes["basic only (view)"] += 1
                elif advanced == list(range(advanced[0], advanced[-1] + 1)):
                    shapes["advanced, adjacent"] += 1
                else:
                    shapes["advanced, separated"] += 1
                if len(distinct) > 1:
                    mixes[" + ".join(distinct)] += 1
            try:
                execute(stmt, env, oracle.module)
            except Exception:  # noqa: BLE001 - invalid on purpose
                pass
    return statements, per_kind, mixes, shapes


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("-n", type=int, default=2000)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--ops", default="getitem,setitem*")
    args = p.parse_args()
    statements, per_kind, mixes, shapes = count(args.n, args.seed, args.ops)
    print(f"{args.n} programs, {statements} indexing statements")
    print("\nstatements whose index contains each kind:")
    for k in KINDS + ("other",):
        if per_kind[k] or k != "other":
            print(f"  {k:<12} {per_kind[k]:>7}")
    print("\nadvanced-index placement:")
    for k, v in shapes.most_common():
        print(f"  {k:<22} {v:>7}")
    print("\nmixes:")
    for k in ("single kind", "mix of 2 kinds", "mix of 3 kinds", "mix of 4 kinds"):
        print(f"  {k:<22} {mixes[k]:>7}")
    print("\nmost common mixes:")
    for k, v in [(k, v) for k, v in mixes.most_common() if " + " in k][:15]:
        print(f"  {k:<40} {v:>7}")


if __name__ == "__main__":
    main()
