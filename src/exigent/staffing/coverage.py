"""Coverage: what the team needs per UTC hour and skill, what the roster gives, the gaps.

Requirements are written on a zone's clock ("1 legal_process 08:00-20:00 America/New_York
on weekdays") and expanded per concrete date, so their UTC hours move with daylight saving
time; a requirement in UTC is the same hours all year. Two requirements for one skill and
hour do not add up: the larger minimum counts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from exigent.staffing.clock import hours_between, local_start
from exigent.staffing.models import CoverageRequirement, Shift

ALL_DAYS = [0, 1, 2, 3, 4, 5, 6]
WEEKDAYS = [0, 1, 2, 3, 4]
MIDNIGHT = time(0, 0)


@dataclass(frozen=True)
class Need:
    skill: str
    minimum: int
    zone: str
    weekdays: Sequence[int]
    start: time
    end: time


# The templates a scheduler starts from; each is a list of needs written on a zone's clock.
TEMPLATES: dict[str, list[Need]] = {
    # Several regions hand over: the whole day in UTC, and US legal hours on Eastern time.
    "follow_the_sun": [
        Need("emergency", 2, "UTC", ALL_DAYS, MIDNIGHT, MIDNIGHT),
        Need("lead", 1, "UTC", ALL_DAYS, MIDNIGHT, MIDNIGHT),
        Need("ncmec", 1, "UTC", ALL_DAYS, MIDNIGHT, MIDNIGHT),
        Need("legal_process", 1, "America/New_York", WEEKDAYS, time(8), time(20)),
    ],
    # A team in the United States only: thinner nights, everything on Eastern time.
    "us_only": [
        Need("emergency", 1, "America/New_York", ALL_DAYS, MIDNIGHT, MIDNIGHT),
        Need("emergency", 2, "America/New_York", ALL_DAYS, time(8), time(22)),
        Need("lead", 1, "America/New_York", ALL_DAYS, time(7), time(23)),
        Need("legal_process", 1, "America/New_York", WEEKDAYS, time(8), time(20)),
    ],
}


def template_rows(name: str) -> list[CoverageRequirement]:
    """A template's requirements as rows to store."""
    return [
        CoverageRequirement(
            template=name,
            skill=need.skill,
            minimum=need.minimum,
            zone=need.zone,
            weekdays=list(need.weekdays),
            start=need.start,
            end=need.end,
        )
        for need in TEMPLATES[name]
    ]


def _windows(
    requirement: CoverageRequirement, first: date, last: date
) -> list[tuple[datetime, datetime]]:
    """The UTC intervals `requirement` asks for, for local dates `first`..`last`."""
    windows = []
    on = first
    while on <= last:
        if on.weekday() in requirement.weekdays:
            start = local_start(on, requirement.start, requirement.zone)
            end_on = on if requirement.end > requirement.start else on + timedelta(days=1)
            windows.append((start, local_start(end_on, requirement.end, requirement.zone)))
        on += timedelta(days=1)
    return windows


def needed(
    requirements: Iterable[CoverageRequirement], since: datetime, until: datetime
) -> dict[tuple[datetime, str], int]:
    """People needed per (UTC hour, skill) for the hours from `since` to `until`."""
    need: dict[tuple[datetime, str], int] = {}
    # A day either side, so a local day that starts before `since` in UTC is not lost.
    first, last = since.date() - timedelta(days=1), until.date() + timedelta(days=1)
    for requirement in requirements:
        for start, end in _windows(requirement, first, last):
            for hour in hours_between(max(start, since), min(end, until)):
                key = (hour, requirement.skill)
                need[key] = max(need.get(key, 0), requirement.minimum)
    return need


def rostered(
    shifts: Iterable[Shift], since: datetime, until: datetime
) -> dict[tuple[datetime, str], int]:
    """People on shift per (UTC hour, skill); a shift counts for an hour it covers whole."""
    have: dict[tuple[datetime, str], int] = defaultdict(int)
    for shift in shifts:
        for hour in hours_between(max(shift.starts_at, since), min(shift.ends_at, until)):
            if shift.starts_at <= hour and hour + timedelta(hours=1) <= shift.ends_at:
                for skill in shift.skills:
                    have[(hour, skill)] += 1
    return have


@dataclass(frozen=True)
class Gap:
    hour: datetime
    skill: str
    needed: int
    rostered: int

    @property
    def missing(self) -> int:
        return self.needed - self.rostered


def gaps(need: dict[tuple[datetime, str], int], have: dict[tuple[datetime, str], int]) -> list[Gap]:
    """Every hour and skill with fewer people than needed, in time order."""
    found = [
        Gap(hour, skill, minimum, have.get((hour, skill), 0))
        for (hour, skill), minimum in need.items()
        if have.get((hour, skill), 0) < minimum
    ]
    return sorted(found, key=lambda g: (g.hour, g.skill))


@dataclass(frozen=True)
class DayCover:
    """One UTC day of one skill: hours short, and the worst hour's shortfall."""

    on: date
    skill: str
    hours_short: int
    worst: int


def by_day(
    found: Iterable[Gap], since: datetime, days: int, skills: Iterable[str]
) -> dict[str, list[DayCover]]:
    """The gaps folded into a skill x day table for the coverage page."""
    cells: dict[tuple[str, date], list[Gap]] = defaultdict(list)
    for gap in found:
        cells[(gap.skill, gap.hour.astimezone(UTC).date())].append(gap)
    table = {}
    for skill in skills:
        row = []
        for offset in range(days):
            on = since.date() + timedelta(days=offset)
            day_gaps = cells.get((skill, on), [])
            row.append(
                DayCover(on, skill, len(day_gaps), max((g.missing for g in day_gaps), default=0))
            )
        table[skill] = row
    return table
