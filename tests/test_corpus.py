"""The regression corpus (corpus/*.json, conformance/corpus.py): every program a campaign
failure was saved as replays on the target it failed on, and must agree with the oracle
(or diverge only as the ledger says). A target that is not available here (no GPU) skips
with the reason."""
from pathlib import Path

import pytest

from conformance.corpus import load
from conformance.program import Program
from conformance.runner import run_lockstep
from conformance.specs import known_entry, load_ledger
from conformance.targets import TargetError, parse_target

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
ENTRIES = load(CORPUS)


def test_the_corpus_is_not_empty():
    assert ENTRIES, f"no corpus programs in {CORPUS}"


@pytest.mark.parametrize("name,entry", ENTRIES, ids=[name for name, _ in ENTRIES])
def test_corpus_program_agrees(name, entry):
    try:
        target = parse_target(entry["target"])
    except TargetError as e:
        pytest.skip(str(e))
    divergence, _ = run_lockstep(Program.from_json(entry["program"]), parse_target("refimpl"),
                                 target)
    if divergence is not None:
        assert known_entry(load_ledger(), target, divergence) is not None, (
            f"{name} ({entry['from']}) diverges again at statement {divergence.index + 1}: "
            f"{divergence.first.detail()}")
