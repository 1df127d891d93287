"""People's working terms, time off and public holidays: rules that never commit."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache

import holidays
from sqlalchemy import select
from sqlalchemy.orm import Session

from exigent.audit.service import record_event
from exigent.auth.models import Role, User
from exigent.auth.permissions import Permission, user_can
from exigent.auth.service import actor_for, require
from exigent.errors import BadInput, Conflict, NotFound
from exigent.legal.notify import notify
from exigent.staffing.clock import zone
from exigent.staffing.models import (
    Shift,
    StaffProfile,
    Swap,
    TimeOff,
    TimeOffStatus,
    as_dict,
)

# The skills coverage is asked in; languages are `lang:<ISO 639-1>` beside them.
SKILLS = ("emergency", "legal_process", "lead", "ncmec")
MAX_TIME_OFF_DAYS = 60


def check_skill(skill: str, *, field: str = "skills") -> str:
    skill = skill.strip()
    if skill in SKILLS:
        return skill
    if skill.startswith("lang:") and len(skill) == 7 and skill[5:].isalpha():
        return skill.lower()
    raise BadInput(
        f"{field}: {skill!r} is not a skill (one of {', '.join(SKILLS)}, or lang:xx)", field=field
    )


def profile_of(session: Session, user_id: int) -> StaffProfile:
    """The person's terms, or the defaults until a scheduler sets them."""
    profile = session.get(StaffProfile, user_id)
    if profile is None:
        profile = StaffProfile(user_id=user_id, skills=[])
        session.add(profile)
        session.flush()
    return profile


def set_terms(
    session: Session,
    *,
    actor: User,
    user_id: int,
    timezone: str,
    country: str,
    skills: list[str],
    contracted_hours: float,
    max_nights: int,
    max_weekends: int,
    earliest_start: time | None,
    latest_start: time | None,
    phone: str | None,
) -> StaffProfile:
    """A scheduler sets one person's zone and terms; every value is checked before any is set."""
    require(actor, Permission.roster_edit)
    person = session.get(User, user_id)
    if person is None or not person.is_staff:
        raise NotFound("no staff member with that id")
    zone(timezone, field="timezone")
    country = country.strip().upper()
    if country not in holidays.list_supported_countries():
        raise BadInput(
            f"country: {country!r} is not a country with known holidays", field="country"
        )
    checked = sorted({check_skill(s) for s in skills})
    if not 0 <= contracted_hours <= 60:
        raise BadInput("contracted_hours: between 0 and 60 hours a week", field="contracted_hours")
    if earliest_start and latest_start and earliest_start > latest_start:
        raise BadInput("latest_start: must not be before earliest_start", field="latest_start")
    profile = profile_of(session, user_id)
    before = {"timezone": person.timezone, **as_dict(profile)}
    person.timezone = timezone
    profile.country = country
    profile.skills = checked
    profile.contracted_minutes_per_week = round(contracted_hours * 60)
    profile.max_nights = max_nights
    profile.max_weekends = max_weekends
    profile.earliest_start = earliest_start
    profile.latest_start = latest_start
    profile.phone = phone or None
    record_event(
        session,
        actor=actor_for(actor),
        action="staffing.terms",
        object_type="user",
        object_id=user_id,
        before=before,
        after={"timezone": timezone, **as_dict(profile)},
    )
    return profile


@lru_cache(maxsize=64)
def _country_holidays(country: str, year: int) -> dict[date, str]:
    return dict(holidays.country_holidays(country, years=year))


def public_holidays(country: str, first: date, last: date) -> dict[date, str]:
    """The country's public holidays from `first` to `last`, with their names."""
    found: dict[date, str] = {}
    for year in range(first.year, last.year + 1):
        found |= {
            day: name
            for day, name in _country_holidays(country, year).items()
            if first <= day <= last
        }
    return found


def request_time_off(
    session: Session,
    *,
    actor: User,
    starts_on: date,
    ends_on: date,
    reason: str,
    now: datetime,
    user_id: int | None = None,
) -> TimeOff:
    """A person asks for days away (on their own calendar); a scheduler decides. A scheduler
    may file the request on someone's behalf (`user_id`): it still waits for a decision."""
    require(actor, Permission.shifts_own)
    for_user = actor.id if user_id is None else user_id
    if for_user != actor.id:
        require(actor, Permission.roster_edit)
        person = session.get(User, for_user)
        if person is None or not person.is_staff:
            raise NotFound("no staff member with that id")
    if ends_on < starts_on:
        raise BadInput("ends_on: must not be before starts_on", field="ends_on")
    if (ends_on - starts_on).days + 1 > MAX_TIME_OFF_DAYS:
        raise BadInput(f"ends_on: at most {MAX_TIME_OFF_DAYS} days at a time", field="ends_on")
    if ends_on < now.date() - timedelta(days=1):
        raise BadInput("ends_on: time off cannot be asked for the past", field="ends_on")
    time_off = TimeOff(
        user_id=for_user,
        starts_on=starts_on,
        ends_on=ends_on,
        reason=reason.strip()[:200],
        status=TimeOffStatus.requested,
        created_at=now,
    )
    session.add(time_off)
    session.flush()
    record_event(
        session,
        actor=actor_for(actor),
        action="time_off.request",
        object_type="time_off",
        object_id=time_off.id,
        after={
            "user_id": for_user,
            "starts_on": starts_on.isoformat(),
            "ends_on": ends_on.isoformat(),
        },
    )
    return time_off


def decide_time_off(
    session: Session, *, actor: User, time_off_id: int, approve: bool, now: datetime
) -> TimeOff:
    """A scheduler approves or refuses; the person is told either way."""
    require(actor, Permission.roster_edit)
    time_off = session.get(TimeOff, time_off_id, with_for_update=True)
    if time_off is None:
        raise NotFound("no such time off request")
    if time_off.status != TimeOffStatus.requested:
        raise Conflict(f"this request was already {time_off.status}")
    time_off.status = TimeOffStatus.approved if approve else TimeOffStatus.refused
    time_off.decided_by_id = actor.id
    time_off.decided_at = now
    cleared = _clear_shifts(session, time_off, now) if approve else []
    record_event(
        session,
        actor=actor_for(actor),
        action="time_off.approve" if approve else "time_off.refuse",
        object_type="time_off",
        object_id=time_off.id,
        before={"status": "requested"},
        after={"status": str(time_off.status)},
        detail={"shifts_cleared": cleared},
    )
    notify(
        session,
        user_id=time_off.user_id,
        request_id=None,
        body=(
            f"Your time off {time_off.starts_on:%a %d %b} to {time_off.ends_on:%a %d %b} "
            f"was {time_off.status} by {actor.name}."
            + (f" {len(cleared)} shift(s) on those days are off your roster." if cleared else "")
        ),
        at=now,
    )
    return time_off


def _clear_shifts(session: Session, time_off: TimeOff, now: datetime) -> list[int]:
    """Approved time off takes the person's coming shifts on those days off the roster; the
    hours they leave uncovered show as gaps for the scheduler to fill."""
    person = session.get(User, time_off.user_id)
    if person is None:
        return []
    here = zone(person.timezone)
    first = datetime.combine(time_off.starts_on, time(), tzinfo=here)
    after = datetime.combine(time_off.ends_on + timedelta(days=1), time(), tzinfo=here)
    shifts = session.scalars(
        select(Shift).where(
            Shift.user_id == person.id,
            Shift.starts_at >= max(first, now),
            Shift.starts_at < after,
        )
    ).all()
    # A shift a swap names stays (the swap's record needs it); readiness flags the clash.
    named = set(
        session.scalars(select(Swap.shift_id).where(Swap.shift_id.in_([s.id for s in shifts])))
    ) | set(
        session.scalars(
            select(Swap.return_shift_id).where(Swap.return_shift_id.in_([s.id for s in shifts]))
        )
    )
    cleared = [s for s in shifts if s.id not in named]
    for shift in cleared:
        session.delete(shift)
    return [s.id for s in cleared]


def pending_time_off(session: Session) -> list[tuple[TimeOff, User]]:
    rows = session.execute(
        select(TimeOff, User)
        .join(User, User.id == TimeOff.user_id)
        .where(TimeOff.status == TimeOffStatus.requested)
        .order_by(TimeOff.starts_on, TimeOff.id)
    )
    return [(t, u) for t, u in rows.all()]


def rostered_people(session: Session) -> list[tuple[User, StaffProfile]]:
    """Everyone with working terms, by name."""
    rows = session.execute(
        select(User, StaffProfile)
        .join(StaffProfile, StaffProfile.user_id == User.id)
        .where(User.is_active.is_(True))
        .order_by(User.name)
    )
    return [(u, p) for u, p in rows.all()]


def schedulers(session: Session) -> list[User]:
    """The active accounts that edit the roster, who hear of its problems."""
    users = session.scalars(
        select(User).where(User.is_active.is_(True), User.role == Role.scheduler)
    )
    return [u for u in users if user_can(u, Permission.roster_edit)]
