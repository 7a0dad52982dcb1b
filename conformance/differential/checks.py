"""The assertion the differential tests share: the program conforms on the target,
or its divergence is a known one in the ledger."""
from __future__ import annotations

from ..runner import run_lockstep
from ..specs import known_entry


def assert_conforms(program, oracle, target, ledger):
    divergence, _ = run_lockstep(program, oracle, target)
    if divergence is None or known_entry(ledger, target, divergence) is not None:
        return
    lines = [f"{target.spec} diverges from refimpl at statement {divergence.index + 1} "
             f"({divergence.op}):"]
    lines += ["  " + m.detail()[:400] for m in divergence.mismatches[:5]]
    lines += ["program:"] + ["  " + line for line in program.render().splitlines()]
    raise AssertionError("\n".join(lines))
