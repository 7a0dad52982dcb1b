"""What a person sees while a campaign runs: on a terminal a live line (tqdm: a progress
bar over the time or program budget with the counts as its postfix); elsewhere (CI logs) one
plain line every `every` seconds. Both say elapsed and remaining time, programs and
statements run, the rate, and failures so far by status."""
from __future__ import annotations

import collections
import sys
import time


def _counts(campaign):
    by_status = collections.Counter(f["status"] for f in campaign.failures.values())
    return ", ".join(f"{n} {s}" for s, n in sorted(by_status.items())) or "no failures"


class Progress:
    def __init__(self, seconds=None, examples=None, stream=None, every=10.0, live=None):
        self.stream = stream if stream is not None else sys.stderr
        self.seconds, self.examples, self.every = seconds, examples, every
        self.live = self.stream.isatty() if live is None else live
        self._bar = None
        self._next = None
        self._t0 = None

    def start(self):
        self._t0 = time.monotonic()
        self._next = self._t0 + self.every
        if self.live:
            from tqdm import tqdm
            total = self.seconds if self.seconds else self.examples
            unit = "s" if self.seconds else "programs"
            self._bar = tqdm(total=total, unit=unit, file=self.stream, leave=True,
                             bar_format="{l_bar}{bar}| {elapsed}<{remaining} {postfix}")

    def update(self, campaign):
        now = time.monotonic()
        elapsed = now - self._t0
        if self._bar is not None:
            done = min(elapsed, self.seconds) if self.seconds else campaign.programs
            self._bar.n = round(done, 1) if self.seconds else done
            self._bar.set_postfix_str(self._status(campaign, elapsed), refresh=False)
            self._bar.refresh() if now >= self._next else None
            if now >= self._next:
                self._next = now + 0.5
        elif now >= self._next:
            self._next += self.every
            print(self.line(campaign, elapsed), file=self.stream, flush=True)

    def close(self, campaign):
        if self._bar is not None:
            self._bar.set_postfix_str(self._status(campaign, time.monotonic() - self._t0))
            self._bar.close()

    def _status(self, campaign, elapsed):
        rate = campaign.statements / elapsed if elapsed else 0.0
        return (f"{campaign.programs} programs, {campaign.statements} statements, "
                f"{rate:.0f} statements/s, {_counts(campaign)}")

    def line(self, campaign, elapsed):
        if self.seconds:
            left = f", {max(self.seconds - elapsed, 0):.0f}s left"
        elif self.examples:
            left = f", {max(self.examples - campaign.programs, 0)} programs left"
        else:
            left = ""
        return f"[{elapsed:.0f}s{left}] {self._status(campaign, elapsed)}"
