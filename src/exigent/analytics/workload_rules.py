"""The rules behind the workload page: what counts as after hours, which shift a moment belongs
to, how heavy an exposure was, and which figures of whom a reader may see.

After hours: for a person on the roster (any shift within a day of the period), a moment
outside every shift of theirs; for a person with no shift at all, a moment outside 08:00-20:00
on their home clock (the account's time zone). A moment is grouped by the roster shift it falls
in (its shift type's name, else the time-of-day band the shift starts in), and work outside any
shift by the band of the hour on the person's home clock.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from exigent.auth.models import Role, User
from exigent.auth.permissions import Permission, user_can

WORKDAY_START = time(8)
WORKDAY_END = time(20)
AFTER_HOURS_RULE = (
    "After hours: outside the person's rostered shifts; for someone with no shift in the "
    "period, outside 08:00-20:00 on their home clock. Work outside any shift is grouped by the "
    "time of day on the person's home clock."
)
# The time-of-day bands, on the person's home clock: (name, first hour, last hour + 1).
BANDS = (("night", 0, 8), ("day", 8, 16), ("evening", 16, 24))
# One item watched this long at a stretch is a severe exposure: the roster's own threshold
# (`workflow.exposure.SEVERE_SECONDS`, which this layer may not import; a test holds them equal).
SEVERE_SECONDS = 10 * 60
MODERATE_SECONDS = 2 * 60
# A shift group drawn from fewer people than this shows its figures only to those who may see
# each person's: a group of one is that person.
CROWD_MIN = 3
# The margin around the period in which a shift makes a person "on the roster".
ROSTER_MARGIN = timedelta(days=1)


class Lens(StrEnum):
    """A family of figures with its own rule of who sees them per person."""

    cases = "cases"
    exposure = "exposure"
    shifts = "shifts"


ALL_LENSES = frozenset(Lens)


def named_lenses(reader: User) -> frozenset[Lens]:
    """Which figures of other people `reader` may see by name.

    Cases and case actions are the lead's, who answers for each person's load. Exposure
    follows the wellbeing pages: whoever reads the team's exposure (leads, schedulers and
    administrators). Hours on shift and pages are the lead's and the scheduler's, who roster
    people and their recovery. Leadership, legal and analysts see only totals.
    """
    lenses: set[Lens] = set()
    if reader.role == Role.lead:
        lenses |= {Lens.cases, Lens.shifts}
    if reader.role == Role.scheduler:
        lenses.add(Lens.shifts)
    if user_can(reader, Permission.exposure_read_team):
        lenses.add(Lens.exposure)
    return frozenset(lenses)


def severity(seconds: int) -> str:
    """How heavy one reveal was, by how long the item was watched."""
    if seconds >= SEVERE_SECONDS:
        return "severe"
    if seconds >= MODERATE_SECONDS:
        return "moderate"
    return "light"


def home_zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def band_of(at: datetime, zone: ZoneInfo) -> str:
    hour = at.astimezone(zone).hour
    return next(f"{n} ({a:02d}-{b:02d} local)" for n, a, b in BANDS if a <= hour < b)


def in_workday(at: datetime, zone: ZoneInfo) -> bool:
    local = at.astimezone(zone).time()
    return WORKDAY_START <= local < WORKDAY_END


@dataclass(frozen=True)
class RosterShift:
    user_id: int
    starts_at: datetime
    ends_at: datetime
    # The shift type's name, or None for a shift made without one.
    type_name: str | None


@dataclass(frozen=True)
class Place:
    """Where a moment of someone's work falls: its shift group, and whether after hours."""

    group: str
    after_hours: bool


class Roster:
    """Each person's shifts, to place a moment of their work on or off shift."""

    def __init__(self, shifts: list[RosterShift], zones: dict[int, ZoneInfo]) -> None:
        self._zones = zones
        self._shifts: dict[int, list[RosterShift]] = defaultdict(list)
        for shift in sorted(shifts, key=lambda s: s.starts_at):
            self._shifts[shift.user_id].append(shift)
        self._starts = {u: [s.starts_at for s in v] for u, v in self._shifts.items()}

    def zone(self, user_id: int) -> ZoneInfo:
        return self._zones.get(user_id, ZoneInfo("UTC"))

    def group_of(self, shift: RosterShift) -> str:
        return (
            shift.type_name
            or f"shift starting {band_of(shift.starts_at, self.zone(shift.user_id))}"
        )

    def shift_at(self, user_id: int, at: datetime) -> RosterShift | None:
        starts = self._starts.get(user_id)
        if not starts:
            return None
        index = bisect.bisect_right(starts, at) - 1
        # Shifts of one person may overlap (a swap): look back over those that started earlier.
        while index >= 0:
            shift = self._shifts[user_id][index]
            if shift.starts_at <= at < shift.ends_at:
                return shift
            if shift.ends_at <= at - timedelta(days=2):
                break
            index -= 1
        return None

    def place(self, user_id: int, at: datetime) -> Place:
        shift = self.shift_at(user_id, at)
        if shift is not None:
            return Place(self.group_of(shift), after_hours=False)
        zone = self.zone(user_id)
        rostered = user_id in self._shifts
        after = rostered or not in_workday(at, zone)
        return Place(f"no shift: {band_of(at, zone)}", after_hours=after)
