"""Finding surges: the recent window of each series of cases against its seasonal baseline.

A series is a kind of case and its harm category (`CaseFact.kind`, `CaseFact.harm`), counted
by `received_at` in UTC. The detector only needs counts, so the benchmark feeds it generated
arrivals and the worker feeds it the fact table (`FactCounts`); both run `find_surges`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from exigent.analytics.baseline import Baseline, baseline, surprise
from exigent.analytics.models import CaseFact

Series = tuple[str, str]
HOURS_OF_WEEK = 168
WEEK = timedelta(days=7)


@dataclass(frozen=True)
class SurgeSettings:
    """The operating point (tuned with `bench/surges.py`): a window departs from its baseline
    when P(at least this many cases | baseline) is below `p_value` and it holds at least
    `min_cases` cases."""

    window_hours: int = 3
    weeks: int = 8
    p_value: float = 1e-5
    min_cases: int = 6

    @property
    def window(self) -> timedelta:
        return timedelta(hours=self.window_hours)


@dataclass(frozen=True)
class Finding:
    """A series whose window `start`..`end` departs from its baseline."""

    series: Series
    start: datetime
    end: datetime
    observed: int
    expected: float
    p_value: float


class Counts(Protocol):
    """Where the detector reads volume: cases per series received in a range of time, and
    per series and hour of the week (0 = Monday 00:00 UTC) over a longer range."""

    def window(self, start: datetime, end: datetime) -> Mapping[Series, int]: ...

    def by_hour_of_week(self, start: datetime, end: datetime) -> Mapping[Series, list[int]]: ...


def hour_of_week(at: datetime) -> int:
    return at.weekday() * 24 + at.hour


def _share_of_week(profile: list[int], start: datetime, end: datetime) -> float:
    """The part of a week's cases (by `profile`) that falls between `start` and `end`."""
    total = sum(profile)
    if total == 0:
        return (end - start) / WEEK
    share, at = 0.0, start
    while at < end:
        hour_end = min(at.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1), end)
        share += profile[hour_of_week(at)] / total * ((hour_end - at) / timedelta(hours=1))
        at = hour_end
    return share


def _smooth(
    series: Series, hourly: Mapping[Series, list[int]], weeks: int, start: datetime, end: datetime
) -> float:
    """The series' weekly volume spread over the week as its whole kind's cases are."""
    own = hourly.get(series)
    if own is None:
        return 0.0
    kind_profile = [0] * HOURS_OF_WEEK
    for (kind, _), counts in hourly.items():
        if kind == series[0]:
            kind_profile = [a + b for a, b in zip(kind_profile, counts, strict=True)]
    return sum(own) / weeks * _share_of_week(kind_profile, start, end)


def baselines(counts: Counts, end: datetime, settings: SurgeSettings) -> dict[Series, Baseline]:
    """Each series' baseline for the window ending at `end`, from the weeks before it."""
    start = end - settings.window
    past: dict[Series, list[int]] = defaultdict(lambda: [0] * settings.weeks)
    for week in range(1, settings.weeks + 1):
        for series, count in counts.window(start - week * WEEK, end - week * WEEK).items():
            past[series][week - 1] = count
    hourly = counts.by_hour_of_week(start - settings.weeks * WEEK, start)
    found = set(past) | set(hourly)
    return {
        series: baseline(
            past.get(series, [0] * settings.weeks),
            _smooth(series, hourly, settings.weeks, start, end),
        )
        for series in found
    }


def find_surges(counts: Counts, end: datetime, settings: SurgeSettings) -> list[Finding]:
    """Every series whose window ending at `end` departs from its baseline, most surprising
    first."""
    start = end - settings.window
    recent = counts.window(start, end)
    expected = baselines(counts, end, settings)
    findings = []
    for series, observed in recent.items():
        if observed < settings.min_cases:
            continue
        base = expected.get(series) or baseline([0] * settings.weeks, 0.0)
        p_value = surprise(observed, base)
        if p_value < settings.p_value:
            findings.append(Finding(series, start, end, observed, base.expected, p_value))
    return sorted(findings, key=lambda f: (f.p_value, f.series))


def _series_of(kind: str, harm: str | None) -> Series:
    return (kind, harm or "")


class FactCounts:
    """Counts read from the fact table through its index on (`received_at`, `kind`)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def window(self, start: datetime, end: datetime) -> dict[Series, int]:
        rows = self.session.execute(
            select(CaseFact.kind, CaseFact.harm, func.count())
            .where(CaseFact.received_at >= start, CaseFact.received_at < end)
            .group_by(CaseFact.kind, CaseFact.harm)
        )
        return {_series_of(kind, harm): count for kind, harm, count in rows}

    def by_hour_of_week(self, start: datetime, end: datetime) -> dict[Series, list[int]]:
        rows = self.session.execute(
            select(CaseFact.kind, CaseFact.harm, CaseFact.hour_of_week, func.count())
            .where(CaseFact.received_at >= start, CaseFact.received_at < end)
            .group_by(CaseFact.kind, CaseFact.harm, CaseFact.hour_of_week)
        )
        hourly: dict[Series, list[int]] = defaultdict(lambda: [0] * HOURS_OF_WEEK)
        for kind, harm, slot, count in rows:
            hourly[_series_of(kind, harm)][slot] += count
        return dict(hourly)


def cases_behind(session: Session, finding: Finding) -> list[CaseFact]:
    """The cases a finding counted, oldest first."""
    kind, harm = finding.series
    return list(
        session.scalars(
            select(CaseFact)
            .where(
                CaseFact.received_at >= finding.start,
                CaseFact.received_at < finding.end,
                CaseFact.kind == kind,
                (CaseFact.harm == harm) if harm else CaseFact.harm.is_(None),
            )
            .order_by(CaseFact.received_at, CaseFact.request_id)
        )
    )
