"""The seasonal baseline of a series of cases and how surprising a recent count is against it.

A series is one kind of case and harm category. Its expected count in a window (say the last
three hours) comes from the same window of the week in the past `weeks` weeks, the slot where
the hour of day and the day of week are alike. Counts of cases are small and lumpy, so the
median and MAD of a handful of small integers say little (the MAD is often 0); instead the
rate is a Gamma-Poisson estimate:

- robust to outliers: the highest past week is dropped, so last month's wave does not
  raise the bar for this one;
- shrunk towards the series' own weekly volume spread over the week as the whole kind's
  hour-of-week profile, worth `PRIOR_WEEKS` weeks of evidence, so a quiet series with two
  zeros in a row still expects what the rest of its week suggests;
- judged by the predictive negative binomial: the chance of at least the observed count if
  nothing unusual were happening, which accounts for the uncertainty of a rate learnt from
  a few weeks. An alert needs that p-value below the setting and a minimum count.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

PRIOR_WEEKS = 2.0
# The smallest rate a window is expected to have: a series never seen before is not a
# surge on its first case.
FLOOR_RATE = 0.25


@dataclass(frozen=True)
class Baseline:
    """A Gamma posterior for the window's rate: `shape / weeks` cases expected."""

    shape: float
    weeks: float

    @property
    def expected(self) -> float:
        return self.shape / self.weeks


def baseline(past: Sequence[int], smooth: float) -> Baseline:
    """The window's rate from the same window in past weeks and the seasonal smooth guess."""
    kept = sorted(past)[:-1] if len(past) >= 4 else list(past)
    prior = max(smooth, FLOOR_RATE)
    return Baseline(shape=sum(kept) + PRIOR_WEEKS * prior, weeks=len(kept) + PRIOR_WEEKS)


def surprise(observed: int, expected: Baseline) -> float:
    """P(at least `observed` cases) under the predictive negative binomial of `expected`."""
    if observed <= 0:
        return 1.0
    r, q = expected.shape, expected.weeks / (expected.weeks + 1.0)
    log_q, log_1q = math.log(q), math.log1p(-q)
    below = 0.0
    for k in range(observed):
        below += math.exp(
            math.lgamma(k + r) - math.lgamma(r) - math.lgamma(k + 1) + r * log_q + k * log_1q
        )
    return max(0.0, 1.0 - below)
