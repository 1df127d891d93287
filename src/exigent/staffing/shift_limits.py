"""The planner's limits, applied to one shift changing hands (a take, a swap, an override).

So that a swap cannot undo what the planner protects, a shift put in someone's hands is
checked against the rules the planner keeps: the start window on the person's clock, nights
and weekends per period, days and nights in a row, and the exposure budget (no more than
`max_consecutive_emergency` emergency shifts in a row for the highly exposed, and none in
the recovery block after a severe exposure). Each problem names the rule it breaks.

A period is the published draft's that holds the shift; without one, the four UTC weeks
counted from `PERIOD_EPOCH`, so every shift falls in exactly one period either way.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from exigent.auth.models import User
from exigent.staffing.clock import in_zone
from exigent.staffing.draft_models import DraftStatus, RosterDraft
from exigent.staffing.exposure import ExposureFigures
from exigent.staffing.models import Shift, ShiftType, StaffProfile
from exigent.staffing.planning import (
    EMERGENCY,
    MAX_DAYS_IN_A_ROW,
    MAX_NIGHTS_IN_A_ROW,
    ExposureBudget,
)

PERIOD_EPOCH = date(2024, 1, 1)  # a Monday
PERIOD_DAYS = 28


@dataclass(frozen=True)
class Problem:
    """A rule a change would break: the field to blame and what is wrong, in words."""

    field: str
    problem: str

    def __str__(self) -> str:
        return f"{self.field}: {self.problem}"


@dataclass(frozen=True)
class Proposed:
    """The shift to be put in `person`'s hands, and the shifts leaving them at once."""

    person: User
    profile: StaffProfile
    starts_at: datetime
    ends_at: datetime
    skills: Sequence[str]
    night: bool
    leaving: Collection[int]


def period_of(session: Session, moment: datetime) -> tuple[datetime, datetime]:
    """The roster period holding `moment` (see the module's docstring)."""
    day = moment.astimezone(UTC).date()
    published = session.scalars(
        select(RosterDraft)
        .where(RosterDraft.status == DraftStatus.published, RosterDraft.starts_on <= day)
        .order_by(RosterDraft.starts_on.desc())
    )
    for draft in published:
        if day < draft.starts_on + timedelta(days=draft.days):
            first = draft.starts_on
            return _midnight(first), _midnight(first + timedelta(days=draft.days))
    first = day - timedelta(days=(day - PERIOD_EPOCH).days % PERIOD_DAYS)
    return _midnight(first), _midnight(first + timedelta(days=PERIOD_DAYS))


def _midnight(on: date) -> datetime:
    return datetime.combine(on, time(), tzinfo=UTC)


def _theirs(session: Session, new: Proposed, since: datetime, until: datetime) -> list[Shift]:
    rows = session.scalars(
        select(Shift).where(
            Shift.user_id == new.person.id, Shift.starts_at >= since, Shift.starts_at < until
        )
    )
    return [s for s in rows if s.id not in new.leaving]


def _nights(session: Session) -> set[int]:
    return set(session.scalars(select(ShiftType.id).where(ShiftType.night.is_(True))))


def _local(moment: datetime, person: User) -> date:
    return in_zone(moment, person.timezone).date()


def _run_through(days: set[date], on: date) -> int:
    """The length of the run of consecutive days in `days` that holds `on`."""
    before = on
    while before - timedelta(days=1) in days:
        before -= timedelta(days=1)
    after = on
    while after + timedelta(days=1) in days:
        after += timedelta(days=1)
    return (after - before).days + 1


def start_window(new: Proposed) -> list[Problem]:
    clock = in_zone(new.starts_at, new.person.timezone).time()
    early, late = new.profile.earliest_start, new.profile.latest_start
    if (early and clock < early) or (late and clock > late):
        window = f"{early:%H:%M}" if early else "any time"
        window += f" to {late:%H:%M}" if late else " on"
        return [
            Problem(
                "starts_at",
                f"start window: {new.person.name} starts shifts from {window} on their clock; "
                f"this one starts at {clock:%H:%M}",
            )
        ]
    return []


def period_limits(session: Session, new: Proposed) -> list[Problem]:
    """Nights and weekends per period, within the person's maximum."""
    since, until = period_of(session, new.starts_at)
    theirs = _theirs(session, new, since, until)
    span = f"{since:%d %b}-{until - timedelta(days=1):%d %b}"
    found = []
    if new.night:
        nights = _nights(session)
        count = 1 + sum(1 for s in theirs if s.shift_type_id in nights)
        if count > new.profile.max_nights:
            found.append(
                Problem(
                    "user_id",
                    f"nights per period: {new.person.name} would work {count} nights in "
                    f"{span}, over their maximum of {new.profile.max_nights}",
                )
            )
    on = _local(new.starts_at, new.person)
    if on.weekday() >= 5:
        saturdays = {_saturday(_local(s.starts_at, new.person)) for s in theirs} | {_saturday(on)}
        weekends = {w for w in saturdays if w is not None}
        if len(weekends) > new.profile.max_weekends:
            found.append(
                Problem(
                    "user_id",
                    f"weekends per period: {new.person.name} would work {len(weekends)} "
                    f"weekends in {span}, over their maximum of {new.profile.max_weekends}",
                )
            )
    return found


def _saturday(on: date) -> date | None:
    return on - timedelta(days=on.weekday() - 5) if on.weekday() >= 5 else None


def in_a_row(session: Session, new: Proposed) -> list[Problem]:
    """Days and nights in a row, on the person's clock, within the planner's limits."""
    reach = timedelta(days=MAX_DAYS_IN_A_ROW + 2)
    around = _theirs(session, new, new.starts_at - reach, new.starts_at + reach)
    on = _local(new.starts_at, new.person)
    days = {_local(s.starts_at, new.person) for s in around} | {on}
    found = []
    if (run := _run_through(days, on)) > MAX_DAYS_IN_A_ROW:
        found.append(
            Problem(
                "starts_at",
                f"days in a row: {new.person.name} would work {run} days in a row, "
                f"over the limit of {MAX_DAYS_IN_A_ROW}",
            )
        )
    if new.night:
        nights = _nights(session)
        nighted = {_local(s.starts_at, new.person) for s in around if s.shift_type_id in nights}
        if (run := _run_through(nighted | {on}, on)) > MAX_NIGHTS_IN_A_ROW:
            found.append(
                Problem(
                    "starts_at",
                    f"nights in a row: {new.person.name} would work {run} nights in a row, "
                    f"over the limit of {MAX_NIGHTS_IN_A_ROW}",
                )
            )
    return found


def exposure_budget(
    session: Session,
    new: Proposed,
    figures: ExposureFigures,
    budget: ExposureBudget = ExposureBudget(),
) -> list[Problem]:
    """No emergency work in a recovery block; few in a row for the highly exposed."""
    if EMERGENCY not in new.skills:
        return []
    name, user_id = new.person.name, new.person.id
    until = figures.recovering_until(user_id, budget)
    if until is not None and new.starts_at < until:
        local = in_zone(until, new.person.timezone)
        return [
            Problem(
                "user_id",
                f"exposure budget: {name} is in a recovery block after a severe exposure, "
                f"with no emergency shifts until {local:%a %d %b %H:%M}",
            )
        ]
    if figures.level.get(user_id, 0.0) < budget.high:
        return []
    longest = budget.max_consecutive_emergency
    reach = timedelta(days=longest + 2)
    around = _theirs(session, new, new.starts_at - reach, new.starts_at + reach)
    on = _local(new.starts_at, new.person)
    days = {_local(s.starts_at, new.person) for s in around if EMERGENCY in s.skills} | {on}
    if (run := _run_through(days, on)) > longest:
        return [
            Problem(
                "user_id",
                f"exposure budget: {name}'s exposure to harmful content is high; at most "
                f"{longest} emergency shifts in a row, and this would make {run}",
            )
        ]
    return []
