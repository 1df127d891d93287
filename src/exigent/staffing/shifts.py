"""Shifts: the rules a shift in someone's hands must keep, overrides, and rotations.

A rotation works like the on-call tools' layers: its members take turns on one shift type,
each working `on_days` and resting `off_days`, staggered so the team hands over at the shift
type's local start; a restriction to some weekdays leaves the other days out. An override
puts one person on one shift by hand, checked by the same rules.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from exigent.audit.service import record_event
from exigent.auth.models import User
from exigent.auth.permissions import Permission
from exigent.auth.service import actor_for, require
from exigent.errors import BadInput, Conflict, NotFound
from exigent.staffing.clock import in_zone, shift_times
from exigent.staffing.exposure import ExposureFigures
from exigent.staffing.models import (
    Shift,
    ShiftSource,
    ShiftType,
    StaffProfile,
    Swap,
    TimeOff,
    TimeOffStatus,
)
from exigent.staffing.people import SKILLS, profile_of
from exigent.staffing.shift_limits import (
    Problem,
    Proposed,
    exposure_budget,
    in_a_row,
    period_limits,
    start_window,
)

MIN_REST = timedelta(hours=11)
# Contracted hours may be passed by this much in a week before a change is refused.
HOURS_TOLERANCE = timedelta(hours=4)


def _week(moment: datetime) -> tuple[datetime, datetime]:
    """The UTC Monday-to-Monday week that holds `moment`."""
    day = moment.astimezone(UTC).date()
    monday = datetime.combine(day - timedelta(days=day.weekday()), datetime.min.time(), tzinfo=UTC)
    return monday, monday + timedelta(days=7)


def problems_for(
    session: Session,
    *,
    person: User,
    starts_at: datetime,
    ends_at: datetime,
    skills: Sequence[str],
    leaving: Sequence[int] = (),
    field: str = "user_id",
    shift_type_id: int | None = None,
    exposure: ExposureFigures | None = None,
) -> list[Problem]:
    """What would break if `person` worked from `starts_at` to `ends_at`, covering `skills`,
    once the shifts in `leaving` are no longer theirs; with `exposure`, the exposure budget
    too (a caller that has the figures always hands them)."""
    found: list[Problem] = []
    profile = profile_of(session, person.id)
    missing = sorted(set(skills) - set(profile.skills))
    if missing:
        found.append(Problem(field, f"{person.name} lacks the skill {', '.join(missing)}"))
    window = select(Shift).where(
        Shift.user_id == person.id,
        Shift.starts_at < ends_at + MIN_REST,
        Shift.ends_at > starts_at - MIN_REST,
    )
    for other in session.scalars(window):
        if other.id in leaving:
            continue
        local = in_zone(other.starts_at, person.timezone)
        if other.starts_at < ends_at and other.ends_at > starts_at:
            found.append(
                Problem("starts_at", f"overlaps {person.name}'s shift of {local:%a %d %b %H:%M}")
            )
        else:
            found.append(
                Problem(
                    "starts_at",
                    f"leaves {person.name} less than 11 hours' rest beside the shift of "
                    f"{local:%a %d %b %H:%M}",
                )
            )
    found += _succession_problems(session, person, starts_at, shift_type_id, leaving)
    found += _time_off_problems(session, person, starts_at, ends_at)
    found += _hours_problems(session, person, profile, starts_at, ends_at, leaving)
    kind = session.get(ShiftType, shift_type_id) if shift_type_id else None
    new = Proposed(
        person, profile, starts_at, ends_at, skills, bool(kind and kind.night), set(leaving)
    )
    found += start_window(new) + period_limits(session, new) + in_a_row(session, new)
    if exposure is not None:
        found += exposure_budget(session, new, exposure)
    return found


def _succession_problems(
    session: Session,
    person: User,
    starts_at: datetime,
    shift_type_id: int | None,
    leaving: Sequence[int],
) -> list[Problem]:
    """A shift type may forbid some types on the next day (a night, then an early day)."""
    if shift_type_id is None:
        return []
    kinds = {k.id: k for k in session.scalars(select(ShiftType))}
    this = kinds.get(shift_type_id)
    if this is None:
        return []
    day = in_zone(starts_at, person.timezone).date()
    around = session.scalars(
        select(Shift).where(
            Shift.user_id == person.id,
            Shift.starts_at >= starts_at - timedelta(days=2),
            Shift.starts_at <= starts_at + timedelta(days=2),
        )
    )
    found = []
    for other in around:
        kind = kinds.get(other.shift_type_id or 0)
        if other.id in leaving or kind is None:
            continue
        gap = (in_zone(other.starts_at, person.timezone).date() - day).days
        if gap == -1 and this.code in kind.forbidden_successors:
            found.append(Problem("shift_type_id", f"{this.name} may not follow {kind.name}"))
        if gap == 1 and kind.code in this.forbidden_successors:
            found.append(Problem("shift_type_id", f"{kind.name} may not follow {this.name}"))
    return found


def _time_off_problems(
    session: Session, person: User, starts_at: datetime, ends_at: datetime
) -> list[Problem]:
    first = in_zone(starts_at, person.timezone).date()
    last = in_zone(ends_at - timedelta(seconds=1), person.timezone).date()
    away = session.scalars(
        select(TimeOff).where(
            TimeOff.user_id == person.id,
            TimeOff.status == TimeOffStatus.approved,
            TimeOff.starts_on <= last,
            TimeOff.ends_on >= first,
        )
    ).first()
    if away is None:
        return []
    return [
        Problem(
            "user_id", f"{person.name} has approved time off {away.starts_on} to {away.ends_on}"
        )
    ]


def _hours_problems(
    session: Session,
    person: User,
    profile: StaffProfile,
    starts_at: datetime,
    ends_at: datetime,
    leaving: Sequence[int],
) -> list[Problem]:
    monday, next_monday = _week(starts_at)
    week = session.scalars(
        select(Shift).where(
            Shift.user_id == person.id, Shift.starts_at >= monday, Shift.starts_at < next_monday
        )
    )
    worked = sum((s.ends_at - s.starts_at for s in week if s.id not in leaving), timedelta())
    limit = timedelta(minutes=profile.contracted_minutes_per_week) + HOURS_TOLERANCE
    if worked + (ends_at - starts_at) > limit:
        hours = (worked + ends_at - starts_at).total_seconds() / 3600
        return [
            Problem(
                "user_id",
                f"{person.name} would work {hours:.0f} h in the week of {monday:%d %b}, over "
                f"their {profile.contracted_minutes_per_week / 60:.0f} h contract",
            )
        ]
    return []


def refuse(problems: list[Problem]) -> None:
    """Raise the first problem (naming its field) with all of them in the detail."""
    if problems:
        first = problems[0]
        raise BadInput(
            str(first),
            field=first.field,
            problems=[{"field": p.field, "problem": p.problem} for p in problems],
        )


def shift_skills(profile: StaffProfile) -> list[str]:
    """What a person's shift counts towards: their skills that coverage asks for."""
    return sorted(set(profile.skills) & set(SKILLS))


def add_override(
    session: Session,
    *,
    actor: User,
    user_id: int,
    shift_type_id: int,
    on: date,
    exposure: ExposureFigures | None = None,
) -> Shift:
    """A scheduler puts one person on one shift by hand, on that person's own clock."""
    require(actor, Permission.roster_edit)
    person = session.get(User, user_id)
    if person is None or not person.is_staff:
        raise NotFound("no staff member with that id")
    kind = session.get(ShiftType, shift_type_id)
    if kind is None:
        raise BadInput("shift_type_id: no such shift type", field="shift_type_id")
    starts_at, ends_at = shift_times(on, kind.local_start, kind.minutes, person.timezone)
    skills = shift_skills(profile_of(session, person.id))
    refuse(
        problems_for(
            session,
            person=person,
            starts_at=starts_at,
            ends_at=ends_at,
            skills=skills,
            shift_type_id=kind.id,
            exposure=exposure,
        )
    )
    shift = Shift(
        user_id=person.id,
        shift_type_id=kind.id,
        starts_at=starts_at,
        ends_at=ends_at,
        skills=skills,
        source=ShiftSource.override,
    )
    session.add(shift)
    session.flush()
    record_event(
        session,
        actor=actor_for(actor),
        action="shift.override",
        object_type="shift",
        object_id=shift.id,
        after={
            "user_id": person.id,
            "starts_at": starts_at.isoformat(),
            "ends_at": ends_at.isoformat(),
        },
    )
    return shift


def remove_shift(session: Session, *, actor: User, shift_id: int, now: datetime) -> None:
    """A scheduler takes a coming shift off the roster; the hours it leaves show as gaps."""
    require(actor, Permission.roster_edit)
    shift = session.get(Shift, shift_id, with_for_update=True)
    if shift is None:
        raise NotFound("no such shift")
    if shift.starts_at <= now:
        raise BadInput("shift_id: this shift has started; it stays on the record", field="shift_id")
    # A swap's record needs its shifts: the swap is decided (or refused) first.
    named = session.scalars(
        select(Swap.id).where((Swap.shift_id == shift.id) | (Swap.return_shift_id == shift.id))
    ).first()
    if named is not None:
        raise Conflict(
            f"shift_id: swap #{named} names this shift; refuse or decide it first",
            field="shift_id",
        )
    record_event(
        session,
        actor=actor_for(actor),
        action="shift.remove",
        object_type="shift",
        object_id=shift.id,
        before={
            "user_id": shift.user_id,
            "starts_at": shift.starts_at.isoformat(),
            "ends_at": shift.ends_at.isoformat(),
            "source": str(shift.source),
        },
    )
    session.delete(shift)
    session.flush()


@dataclass(frozen=True)
class Layer:
    """Members taking turns on one shift type; see the module's docstring."""

    members: Sequence[int]
    shift_type: ShiftType
    anchor: date
    on_days: int = 5
    off_days: int = 2
    weekdays: frozenset[int] = frozenset(range(7))

    def works(self, index: int, on: date) -> bool:
        cycle = self.on_days + self.off_days
        stagger = index * cycle // max(len(self.members), 1)
        return (
            on.weekday() in self.weekdays
            and ((on - self.anchor).days + stagger) % cycle < self.on_days
        )


def rotation_shifts(
    layer: Layer, *, first: date, last: date, people: dict[int, tuple[User, StaffProfile]]
) -> list[Shift]:
    """The shifts a layer gives each member from `first` to `last`, on each member's clock."""
    shifts = []
    on = first
    while on <= last:
        for index, user_id in enumerate(layer.members):
            if not layer.works(index, on):
                continue
            person, profile = people[user_id]
            starts_at, ends_at = shift_times(
                on, layer.shift_type.local_start, layer.shift_type.minutes, person.timezone
            )
            shifts.append(
                Shift(
                    user_id=user_id,
                    shift_type_id=layer.shift_type.id,
                    starts_at=starts_at,
                    ends_at=ends_at,
                    skills=shift_skills(profile),
                    source=ShiftSource.rotation,
                )
            )
        on += timedelta(days=1)
    return shifts


def shifts_of(session: Session, user_id: int, since: datetime, until: datetime) -> list[Shift]:
    return list(
        session.scalars(
            select(Shift)
            .where(Shift.user_id == user_id, Shift.ends_at > since, Shift.starts_at < until)
            .order_by(Shift.starts_at)
        )
    )


def shifts_between(session: Session, since: datetime, until: datetime) -> list[Shift]:
    return list(
        session.scalars(
            select(Shift)
            .where(Shift.ends_at > since, Shift.starts_at < until)
            .order_by(Shift.starts_at)
        )
    )
