"""Surge detection on generated history: precision, recall and false alarms per month.

Generates 26 weeks of ordinary arrivals for a realistic mix of kinds and harms (a daily and a
weekly rhythm, and day-to-day noise on top of Poisson arrivals), injects surges of known size
(sextortion waves: child-safety emergencies; bursts of one kind from one source), and runs
the detector (`exigent.analytics.surges.find_surges`, the code the worker runs) every 15
minutes from week 9 on. Alarms are grouped into alerts the way the worker does (one alert
per series until it has been quiet for a window). An alert is true when its series had an
injected surge running during the alert's windows; a surge is found when an alert of its
series starts while it runs or within a window after it ends.

Run: uv run python bench/surges.py [--seed N] [--surges N]
"""

from __future__ import annotations

import argparse
import bisect
import math
import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np

from exigent.analytics.surges import Finding, Series, SurgeSettings, find_surges

START = datetime(2026, 1, 5, tzinfo=UTC)  # a Monday
WEEKS = 26
WARM_UP_WEEKS = 8
TICK = timedelta(minutes=15)
# Cases an hour at the busiest moment of a weekday, by kind and harm.
PEAK_RATES: dict[Series, float] = {
    ("emergency", "suicide_self_harm"): 0.9,
    ("emergency", "child_safety"): 0.35,
    ("emergency", "violent_threat"): 0.3,
    ("emergency", "kidnapping"): 0.06,
    ("emergency", "other_life_threat"): 0.12,
    ("subpoena", ""): 2.2,
    ("search_warrant", ""): 0.7,
    ("court_order", ""): 0.5,
    ("preservation", ""): 1.4,
    ("consent", ""): 0.1,
    ("other", ""): 0.15,
}
LEGAL_PROCESS = {"subpoena", "search_warrant", "court_order", "preservation", "consent"}


@dataclass(frozen=True)
class Surge:
    series: Series
    start: datetime
    end: datetime
    size: int


def rate(series: Series, at: datetime) -> float:
    """The ordinary rate: emergencies follow the evening, legal process office hours."""
    hour = at.hour + at.minute / 60
    weekend = at.weekday() >= 5
    if series[0] in LEGAL_PROCESS:
        day = 0.15 + 0.85 * max(0.0, math.sin(math.pi * (hour - 12) / 12)) ** 2
        return PEAK_RATES[series] * day * (0.25 if weekend else 1.0)
    day = 0.45 + 0.55 * (0.5 + 0.5 * math.cos(2 * math.pi * (hour - 21) / 24))
    return PEAK_RATES[series] * day * (1.15 if weekend else 1.0)


def ordinary(rng: random.Random) -> dict[Series, list[datetime]]:
    """Arrivals hour by hour, each day's rate shaken by a gamma factor (sd about 20 %)."""
    arrivals: dict[Series, list[datetime]] = defaultdict(list)
    for series in PEAK_RATES:
        for day in range(WEEKS * 7):
            shake = rng.gammavariate(25, 1 / 25)
            for hour in range(24):
                at = START + timedelta(days=day, hours=hour)
                for _ in range(_poisson(rng, rate(series, at) * shake)):
                    arrivals[series].append(at + timedelta(seconds=rng.randrange(3600)))
    return arrivals


def _poisson(rng: random.Random, mean: float) -> int:
    count, total = 0, rng.expovariate(1.0)
    while total < mean:
        count += 1
        total += rng.expovariate(1.0)
    return count


def inject(rng: random.Random, arrivals: dict[Series, list[datetime]], count: int) -> list[Surge]:
    """Sextortion waves (child-safety emergencies, 2 to 6 hours, 8 to 20 cases) and bursts
    of one kind of legal process from one source (1 to 3 hours, 8 to 25 cases)."""
    surges = []
    first = START + timedelta(weeks=WARM_UP_WEEKS)
    span = (WEEKS - WARM_UP_WEEKS) * 7 * 24 - 8
    for number in range(count):
        start = first + timedelta(hours=rng.uniform(0, span))
        if number % 2 == 0:
            series: Series = ("emergency", "child_safety")
            hours, size = rng.uniform(2, 6), rng.randint(8, 20)
        else:
            series = (rng.choice(["subpoena", "preservation", "search_warrant"]), "")
            hours, size = rng.uniform(1, 3), rng.randint(8, 25)
        end = start + timedelta(hours=hours)
        arrivals[series] += [start + (end - start) * rng.random() for _ in range(size)]
        surges.append(Surge(series, start, end, size))
    return surges


class MemoryCounts:
    """The detector's `Counts` over generated arrivals (sorted times, and hourly counts)."""

    def __init__(self, arrivals: dict[Series, list[datetime]]) -> None:
        self.times = {s: sorted(a) for s, a in arrivals.items()}
        hours = WEEKS * 7 * 24
        self.hourly = {}
        for series, times in self.times.items():
            index = [int((t - START).total_seconds() // 3600) for t in times]
            self.hourly[series] = np.bincount(index, minlength=hours)[:hours]

    def window(self, start: datetime, end: datetime) -> dict[Series, int]:
        found = {}
        for series, times in self.times.items():
            count = bisect.bisect_left(times, end) - bisect.bisect_left(times, start)
            if count:
                found[series] = count
        return found

    def by_hour_of_week(self, start: datetime, end: datetime) -> dict[Series, list[int]]:
        first = max(0, math.ceil((start - START).total_seconds() / 3600))
        last = max(first, int((end - START).total_seconds() // 3600))
        slots = (np.arange(first, last) + START.weekday() * 24) % 168
        return {
            s: np.bincount(slots, weights=h[first:last], minlength=168).astype(int).tolist()
            for s, h in self.hourly.items()
        }


def alarms(counts: MemoryCounts, settings: SurgeSettings) -> list[Finding]:
    """Every tick's findings at a permissive threshold (filtered per operating point later)."""
    found = []
    at = START + timedelta(weeks=WARM_UP_WEEKS)
    end = START + timedelta(weeks=WEEKS)
    while at <= end:
        found += find_surges(counts, at, settings)
        at += TICK
    return found


def episodes(findings: list[Finding], window: timedelta) -> list[tuple[Series, datetime, datetime]]:
    """Alarms grouped as the worker keeps alerts: one per series until quiet for a window."""
    grouped: list[tuple[Series, datetime, datetime]] = []
    open_: dict[Series, int] = {}
    for f in sorted(findings, key=lambda f: f.end):
        index = open_.get(f.series)
        if index is not None and f.end - grouped[index][2] <= window:
            grouped[index] = (f.series, grouped[index][1], f.end)
        else:
            open_[f.series] = len(grouped)
            grouped.append((f.series, f.end, f.end))
    return grouped


def score(
    findings: list[Finding], surges: list[Surge], p_value: float, min_cases: int, window: timedelta
) -> tuple[float, float, float, int]:
    kept = [f for f in findings if f.p_value < p_value and f.observed >= min_cases]
    alerts = episodes(kept, window)

    def explains(surge: Surge, series: Series, first: datetime, last: datetime) -> bool:
        return series == surge.series and first <= surge.end + window and last >= surge.start

    true = [a for a in alerts if any(explains(s, *a) for s in surges)]
    found = [s for s in surges if any(explains(s, *a) for a in alerts)]
    months = (WEEKS - WARM_UP_WEEKS) * 7 / 30.44
    precision = len(true) / len(alerts) if alerts else 1.0
    return (
        precision,
        len(found) / len(surges) if surges else 1.0,
        (len(alerts) - len(true)) / months,
        len(alerts),
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--surges", type=int, default=36)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    arrivals = ordinary(rng)
    quiet = MemoryCounts(arrivals)
    surges = inject(rng, arrivals, args.surges)
    counts = MemoryCounts(arrivals)
    chosen = SurgeSettings()
    permissive = SurgeSettings(p_value=1e-2, min_cases=2)
    cases = sum(len(a) for a in arrivals.values())
    print(
        f"{WEEKS} weeks, {cases} cases in {len(arrivals)} series, {len(surges)} injected "
        f"surges (sizes {min(s.size for s in surges)}-{max(s.size for s in surges)}); "
        f"detector every 15 min over weeks {WARM_UP_WEEKS + 1}-{WEEKS}, window "
        f"{chosen.window_hours} h, baseline {chosen.weeks} weeks"
    )
    with_surges = alarms(counts, permissive)
    without = alarms(quiet, permissive)
    print(
        f"{'p-value':>8} {'min':>4} {'precision':>9} {'recall':>7} {'false/month':>11} "
        f"{'alerts':>6} {'quiet history: false/month':>27}"
    )
    for p_value in (1e-3, 1e-4, 1e-5, 1e-6, 1e-7):
        for min_cases in (3, 4, 6):
            precision, recall, false, total = score(
                with_surges, surges, p_value, min_cases, chosen.window
            )
            _, _, quiet_false, _ = score(without, [], p_value, min_cases, chosen.window)
            mark = (
                "  <- chosen" if (p_value, min_cases) == (chosen.p_value, chosen.min_cases) else ""
            )
            print(
                f"{p_value:>8.0e} {min_cases:>4} {precision:>9.3f} {recall:>7.3f} "
                f"{false:>11.2f} {total:>6} {quiet_false:>27.2f}{mark}"
            )


if __name__ == "__main__":
    main()
