"""From the roster's tables to the planner's problem, and from its roster back to shifts.

The planner knows no database (`planning.py`); this module reads what it needs: people's
terms and home zones, approved time off, their country's public holidays, the coverage
requirements expanded per hour of the period, the shift types, and the published shifts of
the period as the warm start, and each person's ledger of earlier periods (`ledger.py`).
Exposure to harmful content belongs to the wellbeing domain, which staffing may not import:
the caller hands its figures down (`exposure.ExposureFigures`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from exigent.auth.models import User
from exigent.staffing import planning
from exigent.staffing.clock import in_zone, local_start
from exigent.staffing.coverage import needed
from exigent.staffing.exposure import ExposureFigures
from exigent.staffing.ledger import ledger_of
from exigent.staffing.models import (
    CoverageRequirement,
    Shift,
    ShiftType,
    StaffProfile,
    TimeOff,
    TimeOffStatus,
)
from exigent.staffing.people import SKILLS, public_holidays, rostered_people
from exigent.staffing.shifts import shifts_between

MIN_DAYS, MAX_DAYS = 7, 42


def period_start(starts_on: date) -> datetime:
    """A draft's period starts at 00:00 UTC of its first day."""
    return datetime.combine(starts_on, time(), tzinfo=UTC)


@dataclass(frozen=True)
class Drafting:
    """The problem, and what is needed to turn its roster back into rows."""

    problem: planning.PlanningProblem
    shift_type_ids: dict[str, int]
    names: dict[str, str]  # person id -> name, for the page


def _time_off(
    session: Session, user: User, first: date, last: date
) -> tuple[planning.TimeOff, ...]:
    rows = session.scalars(
        select(TimeOff).where(
            TimeOff.user_id == user.id,
            TimeOff.status == TimeOffStatus.approved,
            TimeOff.starts_on <= last,
            TimeOff.ends_on >= first,
        )
    )
    return tuple(
        planning.TimeOff(
            start=local_start(t.starts_on, time(), user.timezone),
            end=local_start(t.ends_on + timedelta(days=1), time(), user.timezone),
            reason=t.reason or "time off",
        )
        for t in rows
    )


def _person(
    session: Session,
    user: User,
    profile: StaffProfile,
    *,
    first: date,
    last: date,
    exposure: ExposureFigures,
) -> planning.Person:
    # A day either side: a local day can begin before the period's first UTC hour.
    on, to = first - timedelta(days=1), last + timedelta(days=1)
    return planning.Person(
        id=str(user.id),
        name=user.name,
        zone=user.timezone or "UTC",
        skills=frozenset(profile.skills),
        contracted_minutes_per_week=profile.contracted_minutes_per_week,
        max_nights=profile.max_nights,
        max_weekends=profile.max_weekends,
        earliest_start=profile.earliest_start,
        latest_start=profile.latest_start,
        time_off=_time_off(session, user, on, to),
        holidays=frozenset(public_holidays(profile.country, on, to)),
        exposure=max(0.0, min(1.0, exposure.level.get(user.id, 0.0))),
        # Known at (re-)plan time, before or inside the period: the planner keeps the
        # recovery block after it free of emergency work.
        severe_exposure_at=exposure.severe_at.get(user.id),
        ledger=ledger_of(session, user, profile, first),
    )


def _shift_type(kind: ShiftType, skills: frozenset[str]) -> planning.ShiftType:
    return planning.ShiftType(
        code=kind.code,
        minutes=kind.minutes,
        # A person on any shift counts for each skill they have that coverage asks for.
        skills=skills,
        local_start=kind.local_start,
        night=kind.night,
        forbidden_successors=frozenset(kind.forbidden_successors),
    )


def _requirements(
    rows: Iterable[CoverageRequirement], start: datetime, days: int
) -> tuple[planning.Requirement, ...]:
    until = start + timedelta(days=days)
    return tuple(
        planning.Requirement(int((hour - start).total_seconds() // 3600), skill, minimum)
        for (hour, skill), minimum in sorted(needed(rows, start, until).items())
    )


def current_assignments(
    shifts: Iterable[Shift],
    start: datetime,
    codes: Mapping[int, str],
    zones: Mapping[int, str],
) -> tuple[planning.Assignment, ...]:
    """The published shifts as the planner's assignments (a shift of no known type is left)."""
    out = []
    for shift in shifts:
        code = codes.get(shift.shift_type_id or 0)
        if code is None or shift.user_id not in zones or shift.starts_at < start:
            continue
        day = (in_zone(shift.starts_at, zones[shift.user_id]).date() - start.date()).days
        out.append(
            planning.Assignment(str(shift.user_id), day, code, shift.starts_at, shift.ends_at)
        )
    return tuple(out)


def build_problem(
    session: Session,
    *,
    starts_on: date,
    days: int,
    exposure: ExposureFigures,
) -> Drafting:
    """The planning problem for `days` days from 00:00 UTC on `starts_on`."""
    start = period_start(starts_on)
    last = starts_on + timedelta(days=days - 1)
    team = [(u, p) for u, p in rostered_people(session) if p.skills]
    people = tuple(
        _person(session, u, p, first=starts_on, last=last, exposure=exposure) for u, p in team
    )
    rows = list(session.scalars(select(CoverageRequirement)))
    skills = frozenset(SKILLS) | {r.skill for r in rows}
    kinds = list(session.scalars(select(ShiftType).order_by(ShiftType.code)))
    zones = {u.id: u.timezone or "UTC" for u, _ in team}
    shifts = shifts_between(session, start, start + timedelta(days=days))
    problem = planning.PlanningProblem(
        period_start=start,
        days=days,
        people=people,
        shift_types=tuple(_shift_type(k, skills) for k in kinds),
        requirements=_requirements(rows, start, days),
        current=current_assignments(shifts, start, {k.id: k.code for k in kinds}, zones),
    )
    return Drafting(problem, {k.code: k.id for k in kinds}, {p.id: p.name for p in people})
