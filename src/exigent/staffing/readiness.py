"""Readiness: what in the next 14 days would leave the team short, found before it happens."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from exigent.auth.models import User
from exigent.staffing.clock import in_zone
from exigent.staffing.coverage import Gap, gaps, needed, rostered
from exigent.staffing.models import CoverageRequirement, Shift, StaffProfile, TimeOff, TimeOffStatus
from exigent.staffing.shifts import shifts_between

HORIZON = timedelta(days=14)
# Which of these people a page can reach by other means than their phone (an enabled contact
# method). On call sits above staffing, so the workflow layer hands this down; without it
# only a phone counts.
Reachable = Callable[[Session, Collection[int]], Collection[int]]


def phone_only(session: Session, user_ids: Collection[int]) -> Collection[int]:
    return ()


@dataclass
class Readiness:
    gaps: list[Gap] = field(default_factory=list)
    # People rostered with no way for a page to reach them: no phone, no contact method.
    unreachable: list[tuple[User, Shift]] = field(default_factory=list)
    # Time off (asked for or approved) on a day the person is rostered.
    conflicts: list[tuple[User, TimeOff, Shift]] = field(default_factory=list)

    @property
    def ready(self) -> bool:
        return not (self.gaps or self.unreachable or self.conflicts)

    def summary(self) -> str:
        if self.ready:
            return (
                "The roster for the next 14 days has no gaps, everyone on it can be "
                "reached, and no time off clashes with a shift."
            )
        parts = []
        if self.gaps:
            skills = sorted({g.skill for g in self.gaps})
            parts.append(
                f"{len(self.gaps)} hour(s) short of cover ({', '.join(skills)}), "
                f"first {self.gaps[0].hour:%a %d %b %H:00} UTC"
            )
        if self.unreachable:
            names = sorted({u.name for u, _ in self.unreachable})
            parts.append(f"no phone or contact method for {', '.join(names)} while on shift")
        if self.conflicts:
            names = sorted({u.name for u, _, _ in self.conflicts})
            parts.append(f"time off clashes with shifts of {', '.join(names)}")
        return "Roster readiness, next 14 days: " + "; ".join(parts) + "."


def check(session: Session, now: datetime, reachable: Reachable = phone_only) -> Readiness:
    until = now + HORIZON
    shifts = shifts_between(session, now, until)
    requirements = list(session.scalars(select(CoverageRequirement)))
    found = Readiness(gaps=gaps(needed(requirements, now, until), rostered(shifts, now, until)))
    people = {
        u.id: u
        for u in session.scalars(select(User).where(User.id.in_({s.user_id for s in shifts})))
    }
    profiles = {
        p.user_id: p
        for p in session.scalars(select(StaffProfile).where(StaffProfile.user_id.in_(people)))
    }
    # Someone a contact method reaches is skipped, as is someone already listed.
    seen = set(reachable(session, list(people)))
    for shift in shifts:
        person = people[shift.user_id]
        profile = profiles.get(person.id)
        if person.id not in seen and (profile is None or not profile.phone):
            found.unreachable.append((person, shift))
            seen.add(person.id)
    away = session.scalars(
        select(TimeOff).where(
            TimeOff.status.in_([TimeOffStatus.requested, TimeOffStatus.approved]),
            TimeOff.ends_on >= (now - timedelta(days=1)).date(),
            TimeOff.starts_on <= (until + timedelta(days=1)).date(),
        )
    )
    by_person: dict[int, list[Shift]] = {}
    for shift in shifts:
        by_person.setdefault(shift.user_id, []).append(shift)
    for time_off in away:
        for shift in by_person.get(time_off.user_id, []):
            person = people[shift.user_id]
            local = in_zone(shift.starts_at, person.timezone).date()
            if time_off.starts_on <= local <= time_off.ends_on:
                found.conflicts.append((person, time_off, shift))
    return found
