"""The hypothesis campaign engine (`fuzz --engine hypothesis`).

The random engine draws every choice of the generator from a seeded random.Random and
shrinks what diverges with conformance/shrink.py. This one draws them from hypothesis
(HypothesisChooser), which brings three things the random engine has not:

- shrinking on the choice sequence: a diverging program is shrunk by hypothesis, which
  simplifies what was drawn (smaller shapes, earlier ops, fewer statements), not only
  which statements are kept; conformance/shrink.py then polishes the result;
- an example database: the choices of every divergence found are saved, and the next
  campaign with the same database replays them first (a failure found on one runner is
  found again at once on the next run, or on another runner sharing the directory);
- hypothesis.target: each program is scored by how rarely the campaign has drawn its ops
  so far, and hypothesis's targeting phase mutates the best-scoring programs, steering
  toward states the campaign seldom reaches.

HypoFuzz is the model (hypothesis run as a long fuzzer). Hypothesis runs a test to an end
of its own (max_examples, or shortly after a failure is found, then shrinks it), so a
campaign is a series of hypothesis runs of BATCH examples, each with its own seed drawn
from the campaign's; only the first replays the database (a later one would find the
failures recorded since no longer fail, and delete them). A failure class raises its own
exception type, so that hypothesis tells the classes apart and shrinks each to itself.
Faults (crashes, timeouts), known divergences and flaky ones are recorded as the random
engine records them and are not raised.
"""
from __future__ import annotations

import sys
from pathlib import Path

import hypothesis
from hypothesis import HealthCheck, Phase, Verbosity, given, settings, strategies as st
from hypothesis.database import (
    DirectoryBasedExampleDatabase, MultiplexedDatabase, ReadOnlyDatabase,
)

from .generate import HypothesisChooser
from .shrink import same_divergence

# examples per hypothesis run: its targeting phase starts halfway through a run
BATCH = 1000


class _BudgetSpent(BaseException):
    """The campaign's budget is spent (or stop_when said so): ends the hypothesis run.
    A BaseException, so that hypothesis does not take it for a failure of the test."""


class Divergent(Exception):
    """A program diverged in a way not recorded yet; one subclass per failure class."""


_FAILURE_TYPES = {}


def _only_divergent(error):
    """Whether what hypothesis raised holds nothing but divergences (one, a group of them,
    or one that did not reproduce on its final run: a flaky target)."""
    if isinstance(error, Divergent):
        return True
    inner = getattr(error, "exceptions", None)
    return bool(inner) and all(_only_divergent(e) for e in inner)


def _failure_type(key):
    if key not in _FAILURE_TYPES:
        _FAILURE_TYPES[key] = type("Divergent_" + "_".join(str(k) for k in key),
                                   (Divergent,), {"key": key})
    return _FAILURE_TYPES[key]


def open_database(path):
    """The example database in directory path, or None (with a warning) where it cannot
    be used: a broken database does not stop a campaign."""
    if path is None:
        return None
    path = Path(path)
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / ".writable"
        probe.write_text("")
        probe.unlink()
    except OSError as e:
        print(f"torch-conformance: warning: example database {path} not usable ({e}); "
              "running without one", file=sys.stderr)
        return None
    return DirectoryBasedExampleDatabase(str(path))


def combined_database(local, shared=()):
    """The local example database (written) combined with shared ones that are only read
    (a folder every runner can read, where a nightly job gathers the runners' databases):
    failures found elsewhere replay here first, and nothing here writes there. None where
    there is neither."""
    parts = [] if local is None else [local]
    for path in shared:
        if Path(path).is_dir():
            parts.append(ReadOnlyDatabase(DirectoryBasedExampleDatabase(str(path))))
        else:
            print(f"torch-conformance: warning: shared example database {path} is not a "
                  "folder; not read", file=sys.stderr)
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else MultiplexedDatabase(*parts)


class HypothesisEngine:
    def __init__(self, campaign, rng):
        self.campaign = campaign
        self.rng = rng
        self.database = combined_database(open_database(campaign.config.database),
                                          campaign.config.shared_databases)
        self.pending = {}       # failure class -> (program, divergence, target): smallest seen
        self.deterministic = set()  # failure classes whose first program diverged again
        self.spent = False      # the budget ended the run

    def run(self):
        c = self.campaign
        first = True
        while not c._done():
            phases = [Phase.explicit, Phase.generate, Phase.target, Phase.shrink]
            if first and self.database is not None:
                phases.insert(1, Phase.reuse)
            first = False
            try:
                self._hypothesis_run(phases, self.rng.randrange(2**32))
            except _BudgetSpent:
                pass
            except Exception as e:  # the failures it found (recorded below), a run the
                if not (self.spent or _only_divergent(e)):  # budget cut short while it
                    raise                                    # shrank, or a bug of ours
            finally:
                self._record_pending()

    def _hypothesis_run(self, phases, seed):
        @settings(max_examples=BATCH, deadline=None, database=self.database, phases=phases,
                  verbosity=Verbosity.quiet, suppress_health_check=list(HealthCheck),
                  report_multiple_bugs=True, print_blob=False)
        @given(st.data())
        def campaign_program(data):
            self._check(data)
        # the run's seed, as @hypothesis.seed sets it; that decorator would also turn the
        # database off, which here is the point (a missing attribute: unseeded runs)
        campaign_program._hypothesis_internal_use_seed = seed
        campaign_program()

    def _check(self, data):
        c = self.campaign
        if c._done():
            self.spent = True
            raise _BudgetSpent()
        program = c.draw(HypothesisChooser(data))
        diverged = c.test(program)
        hypothesis.target(self._rarity(program), label="rarely drawn ops")
        raising = None
        for target, divergence in diverged:
            key = c.key(target, divergence)
            m = divergence.first
            if key in c.failures or c.ledger_entry(target, divergence) is not None:
                c._record(program, divergence, target)  # counted, or recorded as known
                continue
            if key not in self.deterministic:
                if c._flaky(program, target, same_divergence(divergence.op, m.property)):
                    c._record(program, divergence, target)  # recorded as flaky
                    continue
                self.deterministic.add(key)
            smallest = self.pending.get(key)
            if smallest is None or len(program.statements) <= len(smallest[0].statements):
                self.pending[key] = (program, divergence, target)
            raising = raising or key
        if raising is not None:
            raise _failure_type(raising)(f"{raising}: {self.pending[raising][1].first.detail()}")

    def _rarity(self, program):
        """How rarely the campaign has drawn this program's ops (higher: rarer)."""
        coverage = self.campaign.coverage
        return sum(1.0 / coverage[op] ** 0.5 for op in {s.op for s in program.statements})

    def _record_pending(self):
        """Record the smallest program hypothesis reached for each new failure class (its
        shrinker's last word when the run ended normally)."""
        pending, self.pending = self.pending, {}
        for program, divergence, target in pending.values():
            self.campaign._record(program, divergence, target)
