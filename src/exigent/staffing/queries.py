"""What the staffing pages read: coverage ahead, the week grid, a person's own shifts."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from exigent.auth.models import User
from exigent.staffing.clock import in_zone
from exigent.staffing.coverage import DayCover, by_day, gaps, needed, rostered
from exigent.staffing.models import (
    CoverageRequirement,
    Shift,
    ShiftType,
    StaffProfile,
    Swap,
    SwapStatus,
    TimeOff,
)
from exigent.staffing.people import SKILLS, rostered_people
from exigent.staffing.shifts import shifts_between, shifts_of

COVERAGE_DAYS = 14


def day_start(moment: datetime) -> datetime:
    return datetime.combine(moment.astimezone(UTC).date(), time(), tzinfo=UTC)


def coverage_ahead(
    session: Session, now: datetime, days: int = COVERAGE_DAYS
) -> dict[str, list[DayCover]]:
    """Skill x UTC day for the next `days` days: hours short and the worst shortfall."""
    since = day_start(now)
    until = since + timedelta(days=days)
    requirements = list(session.scalars(select(CoverageRequirement)))
    found = gaps(
        needed(requirements, since, until),
        rostered(shifts_between(session, since, until), since, until),
    )
    skills = [s for s in SKILLS if any(r.skill == s for r in requirements)]
    return by_day(found, since, days, skills)


@dataclass(frozen=True)
class SwapRow:
    swap: Swap
    shift: Shift
    giver: User
    taker: User | None
    back: Shift | None


def swap_rows(session: Session, swaps: list[Swap]) -> list[SwapRow]:
    rows = []
    for swap in swaps:
        shift = session.get(Shift, swap.shift_id)
        giver = session.get(User, swap.from_user_id)
        if shift is None or giver is None:
            continue
        taker = session.get(User, swap.to_user_id) if swap.to_user_id else None
        back = session.get(Shift, swap.return_shift_id) if swap.return_shift_id else None
        rows.append(SwapRow(swap, shift, giver, taker, back))
    return rows


def monday_of(on: date) -> date:
    return on - timedelta(days=on.weekday())


@dataclass(frozen=True)
class Cell:
    """One person's (or one skill's) shifts on one day of the grid."""

    labels: list[str]


def roster_by_person(
    session: Session, week: date
) -> tuple[list[date], list[tuple[User, list[Cell]]]]:
    """Each rostered person's week, Monday to Sunday on their own clock."""
    days = [week + timedelta(days=i) for i in range(7)]
    since = datetime.combine(week, time(), tzinfo=UTC) - timedelta(days=1)
    shifts = shifts_between(session, since, since + timedelta(days=9))
    kinds = {k.id: k.code for k in session.scalars(select(ShiftType))}
    mine: dict[int, list[Shift]] = defaultdict(list)
    for shift in shifts:
        mine[shift.user_id].append(shift)
    rows = []
    for person, _profile in rostered_people(session):
        cells: dict[date, list[str]] = defaultdict(list)
        for shift in mine.get(person.id, []):
            start = in_zone(shift.starts_at, person.timezone)
            end = in_zone(shift.ends_at, person.timezone)
            kind = kinds.get(shift.shift_type_id or 0, "")
            cells[start.date()].append(f"{kind} {start:%H:%M}-{end:%H:%M}".strip())
        rows.append((person, [Cell(cells.get(d, [])) for d in days]))
    return days, rows


def roster_by_skill(
    session: Session, week: date
) -> tuple[list[date], list[tuple[str, list[Cell]]]]:
    """Who covers each skill on each UTC day of the week."""
    days = [week + timedelta(days=i) for i in range(7)]
    since = datetime.combine(week, time(), tzinfo=UTC)
    shifts = shifts_between(session, since, since + timedelta(days=7))
    names = {u.id: u.name for u, _ in rostered_people(session)}
    table: dict[tuple[str, date], list[str]] = defaultdict(list)
    for shift in shifts:
        start = shift.starts_at.astimezone(UTC)
        for skill in shift.skills:
            table[(skill, start.date())].append(f"{start:%H:%M} {names.get(shift.user_id, '?')}")
    rows = [(skill, [Cell(sorted(table.get((skill, d), []))) for d in days]) for skill in SKILLS]
    return days, rows


@dataclass(frozen=True)
class MyShift:
    shift: Shift
    start: datetime
    end: datetime
    code: str
    running: bool
    offered: bool


def my_shifts(session: Session, user: User, now: datetime, days: int = 28) -> list[MyShift]:
    """The person's shifts from today for `days` days, on their own clock."""
    kinds = {k.id: k.name for k in session.scalars(select(ShiftType))}
    offered = set(
        session.scalars(
            select(Swap.shift_id).where(
                Swap.from_user_id == user.id,
                Swap.status.in_([SwapStatus.open, SwapStatus.proposed]),
            )
        )
    )
    return [
        MyShift(
            s,
            in_zone(s.starts_at, user.timezone),
            in_zone(s.ends_at, user.timezone),
            kinds.get(s.shift_type_id or 0, "Override"),
            s.starts_at <= now < s.ends_at,
            s.id in offered,
        )
        for s in shifts_of(session, user.id, now - timedelta(hours=12), now + timedelta(days=days))
    ]


def my_time_off(session: Session, user: User) -> list[TimeOff]:
    return list(
        session.scalars(
            select(TimeOff)
            .where(TimeOff.user_id == user.id)
            .order_by(TimeOff.starts_on.desc())
            .limit(10)
        )
    )


def open_offers(session: Session, user: User, now: datetime) -> list[SwapRow]:
    """Shifts others offered that are still to come."""
    swaps = session.scalars(
        select(Swap)
        .where(Swap.status == SwapStatus.open, Swap.from_user_id != user.id)
        .order_by(Swap.created_at)
    )
    return [r for r in swap_rows(session, list(swaps)) if r.shift.starts_at > now]


def running_shifts(session: Session, user: User, now: datetime) -> list[tuple[Shift, User]]:
    """Shifts running now that the person could take over, with their holders."""
    shifts = session.scalars(
        select(Shift).where(Shift.starts_at <= now, Shift.ends_at > now, Shift.user_id != user.id)
    )
    rows = []
    profile = session.get(StaffProfile, user.id)
    skills = set(profile.skills if profile else [])
    for shift in shifts:
        holder = session.get(User, shift.user_id)
        if holder is not None and set(shift.skills) <= skills:
            rows.append((shift, holder))
    return rows
