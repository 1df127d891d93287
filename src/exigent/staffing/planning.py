"""What the ERT roster planner is given and what it gives back.

Plain frozen dataclasses, no database and no web: the staffing pages build a
`PlanningProblem` from their tables, `planner.plan` answers with a `PlanResult`, and
the bench builds one from a seed.

Time is UTC throughout. The period starts on a whole UTC hour; hour `h` of the period is
`[period_start + h hours, period_start + (h + 1) hours)`. Days are counted from 0: day `d`
of a person is the calendar date `period_start.date() + d` in that person's home zone, so a
local start of 22:00 on day 0 in Los Angeles falls on hour 6 of day 1 in UTC.

Rules for clocks that jump (stated once, tested in tests/staffing):
- A shift lasts its `minutes` of elapsed time. A night shift across the autumn change
  ends one local hour earlier on the clock than usual; across the spring change, one later.
- A local start that does not exist (inside the spring gap) starts at the same UTC instant
  as the local time before the gap would have: 01:30 in Dublin on the spring Sunday starts
  at 01:30 UTC, which the clock shows as 02:30. A local start that occurs twice (autumn)
  takes the first occurrence.
- A shift covers hour `h` only when it covers the whole hour.
- Requirements written in local time (`local_requirements`) follow the zone's clock, so
  their UTC hours move with daylight saving time.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

EMERGENCY = "emergency"
# The limits the planner keeps for everyone, and a swap or an override is checked against.
MAX_DAYS_IN_A_ROW = 5
MAX_NIGHTS_IN_A_ROW = 3


@dataclass(frozen=True)
class TimeOff:
    """Approved time off, sick leave or a public holiday, as a UTC interval."""

    start: datetime
    end: datetime
    reason: str = "time off"


@dataclass(frozen=True)
class Preference:
    """A wish about a day or a shift, kept softly with its weight.

    `day` None means every day; `shift` None means any shift. What costs its weight:
    - `Preference(wanted=False, day=5)`: working day 5;
    - `Preference(wanted=True, day=5)`: not working day 5;
    - `Preference(wanted=False, shift="E22")`: each E22 (on `day`, or on any day);
    - `Preference(wanted=True, shift="E22")`: each other shift (on `day`, or on any day).
    """

    wanted: bool
    weight: int = 1
    day: int | None = None
    shift: str | None = None


@dataclass(frozen=True)
class Ledger:
    """Nights, weekends and public holidays worked in earlier periods."""

    nights: int = 0
    weekends: int = 0
    holidays: int = 0


@dataclass(frozen=True)
class Person:
    """Someone the planner may roster, with the limits they work within."""

    id: str
    name: str
    zone: str  # IANA time zone of their home, e.g. "Europe/Dublin"
    skills: frozenset[str]
    contracted_minutes_per_week: int
    tolerance_minutes_per_week: int = 240
    max_consecutive_days: int = MAX_DAYS_IN_A_ROW
    max_consecutive_nights: int = MAX_NIGHTS_IN_A_ROW
    max_nights: int = 8  # per period
    max_weekends: int = 2  # per period; a weekend counts once whether one or both days
    earliest_start: time | None = None  # local clock
    latest_start: time | None = None  # local clock
    time_off: tuple[TimeOff, ...] = ()
    preferences: tuple[Preference, ...] = ()
    ledger: Ledger = field(default_factory=Ledger)
    holidays: frozenset[date] = frozenset()  # local public holidays of their country
    exposure: float = 0.0  # 0..1: severe content seen in the last days, from wellbeing
    recovering: bool = False  # had a severe exposure: no emergency work at first
    # The last severe exposure (UTC), before or during the period (known at re-plan time):
    # no emergency work for `ExposureBudget.recovery_days` after it.
    severe_exposure_at: datetime | None = None

    def recovery_block(self, problem: PlanningProblem) -> tuple[datetime, datetime] | None:
        """When this person should do no emergency work, in UTC, if at all."""
        days = timedelta(days=problem.exposure.recovery_days)
        if self.severe_exposure_at is not None:
            start = self.severe_exposure_at
            if self.recovering:
                start = min(start, problem.period_start)
            return start, self.severe_exposure_at + days
        if self.recovering:
            return problem.period_start, problem.period_start + days
        return None


@dataclass(frozen=True)
class ShiftType:
    """A kind of shift: when it starts, how long it lasts, what it serves.

    Give either `local_start` (on each person's own clock) or `utc_start_minute` (minutes
    after 00:00 UTC, the same instant for everyone). A person on the shift counts towards
    every skill in `skills` that they have.
    """

    code: str
    minutes: int
    skills: frozenset[str]
    local_start: time | None = None
    utc_start_minute: int | None = None
    night: bool = False
    forbidden_successors: frozenset[str] = frozenset()  # codes not allowed the next day

    def start_for(self, zone: str, period_start: datetime, day: int) -> datetime:
        """The UTC start of this shift on `day` for someone living in `zone`."""
        on = period_start.date() + timedelta(days=day)
        if self.local_start is not None:
            local = datetime.combine(on, self.local_start, tzinfo=ZoneInfo(zone))
            return local.astimezone(UTC)
        minute = self.utc_start_minute or 0
        return datetime.combine(on, time(), tzinfo=UTC) + timedelta(minutes=minute)


@dataclass(frozen=True)
class Requirement:
    """At least `minimum` people with `skill` on shift during hour `hour` of the period."""

    hour: int
    skill: str
    minimum: int


@dataclass(frozen=True)
class Weights:
    """How much each soft rule costs; integers because CP-SAT needs them."""

    coverage_shortfall: int = 1000  # per missing person per hour
    hours_shortfall: int = 50  # per minute below the contracted hours' tolerance
    off_contract: int = 1  # per minute away from the contracted hours, within the tolerance
    preference: int = 10  # times the preference's own weight
    fairness: int = 20  # per night, weekend or holiday above the team's mean (with ledger)
    exposure: int = 30  # per emergency shift, times the person's exposure
    exposed_consecutive: int = 200  # per emergency shift beyond the exposed person's limit
    recovery: int = 500  # per emergency shift inside a recovering person's recovery block
    change: int = 60  # per shift added or removed against the current roster


@dataclass(frozen=True)
class ExposureBudget:
    """How the planner protects people who have seen a lot of harmful content."""

    high: float = 0.6  # exposure from which a person counts as highly exposed
    max_consecutive_emergency: int = 2  # emergency shifts in a row for the highly exposed
    recovery_days: int = 2  # days without emergency work at the start for the recovering


@dataclass(frozen=True)
class Assignment:
    person: str
    day: int
    shift: str
    start: datetime
    end: datetime


@dataclass(frozen=True)
class PlanningProblem:
    period_start: datetime  # UTC, on a whole hour
    days: int
    people: tuple[Person, ...]
    shift_types: tuple[ShiftType, ...]
    requirements: tuple[Requirement, ...]
    current: tuple[Assignment, ...] = ()  # the roster in force, for a warm start
    weights: Weights = field(default_factory=Weights)
    exposure: ExposureBudget = field(default_factory=ExposureBudget)
    min_rest_minutes: int = 11 * 60
    # The most of each ledger count carried into fairness, so one old imbalance (a person
    # who worked many nights months ago) does not decide who works nights now.
    ledger_cap: int = 6

    def __post_init__(self) -> None:
        for problem in _problems(self):
            raise PlanningError(problem)

    @property
    def hours(self) -> int:
        return self.days * 24

    def hour_start(self, hour: int) -> datetime:
        return self.period_start + timedelta(hours=hour)


class PlanningError(ValueError):
    """A problem the planner cannot read; the message names the field and what is wrong."""


def _zone_problem(field_name: str, zone: str) -> str | None:
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        return f"{field_name}: {zone!r} is not an IANA time zone"
    return None


def _problems(problem: PlanningProblem) -> Iterator[str]:
    start = problem.period_start
    whole_hour = start.replace(minute=0, second=0, microsecond=0)
    if start.utcoffset() != timedelta(0) or start != whole_hour:
        yield f"period_start: {start.isoformat()} is not a whole hour in UTC"
    if not 1 <= problem.days <= 6 * 7:
        yield f"days: {problem.days} is outside 1..42"
    ids = [p.id for p in problem.people]
    if len(set(ids)) != len(ids):
        yield "people: a person id appears twice"
    for i, person in enumerate(problem.people):
        if (bad := _zone_problem(f"people[{i}].zone", person.zone)) is not None:
            yield bad
    codes = [s.code for s in problem.shift_types]
    if len(set(codes)) != len(codes):
        yield "shift_types: a shift code appears twice"
    for i, shift in enumerate(problem.shift_types):
        if (shift.local_start is None) == (shift.utc_start_minute is None):
            yield f"shift_types[{i}]: give exactly one of local_start and utc_start_minute"
        if not 0 < shift.minutes <= 24 * 60:
            yield f"shift_types[{i}].minutes: {shift.minutes} is outside 1..1440"
    for i, req in enumerate(problem.requirements):
        if req.minimum < 0:
            yield f"requirements[{i}].minimum: {req.minimum} is negative"


@dataclass(frozen=True)
class Gap:
    """An hour and skill the roster leaves short, and why no one could fill it."""

    hour: int
    at: datetime
    skill: str
    required: int
    rostered: int
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class PersonScore:
    """One person's share of the roster and of its soft costs."""

    person: str
    minutes: int
    target_minutes: int
    minutes_short: int  # below the tolerance of the contract
    nights: int
    weekends: int
    holidays: int
    emergency_shifts: int
    preference_cost: int
    fairness_cost: int
    exposure_cost: int
    changes: int


class PlanStatus(StrEnum):
    optimal = "optimal"  # no better roster exists
    feasible = "feasible"  # a roster, perhaps not the best (time ran out)
    unknown = "unknown"  # the solver found none in time: the starting roster is given


@dataclass(frozen=True)
class PlanResult:
    assignments: tuple[Assignment, ...]
    gaps: tuple[Gap, ...]
    scores: tuple[PersonScore, ...]
    objective: int
    bound: int
    status: PlanStatus
    changed: int  # shifts added plus shifts removed against the current roster
    seconds: float


@dataclass(frozen=True)
class Progress:
    """A better roster found while solving; handed to the caller's progress callback."""

    objective: int
    bound: int
    seconds: float
    solutions: int
    assignments: tuple[Assignment, ...]


def local_requirements(
    *,
    period_start: datetime,
    days: int,
    skill: str,
    minimum: int,
    zone: str,
    start: time,
    end: time,
    weekdays: Iterable[int] = range(7),
) -> tuple[Requirement, ...]:
    """Requirements for the hours whose start falls in [start, end) on `zone`'s clock.

    `weekdays` are Monday=0 .. Sunday=6 on that clock. An `end` at or before `start` wraps
    past midnight (22:00-06:00), counted on the weekday the window opens.
    """
    tz, wanted = ZoneInfo(zone), set(weekdays)
    out = []
    for hour in range(days * 24):
        local = (period_start + timedelta(hours=hour)).astimezone(tz)
        clock = local.time()
        if start < end:
            inside, opened_on = start <= clock < end, local.weekday()
        else:
            inside = clock >= start or clock < end
            opened_on = local.weekday() if clock >= start else (local.weekday() - 1) % 7
        if inside and opened_on in wanted:
            out.append(Requirement(hour, skill, minimum))
    return tuple(out)
