"""A small roster for the staffing tests: people with terms, a shift type, shifts to come."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy.orm import Session

from conftest import PASSWORD
from exigent.audit.service import Actor
from exigent.auth.models import Role, User
from exigent.auth.service import create_user
from exigent.staffing.clock import shift_times
from exigent.staffing.models import Shift, ShiftType, StaffProfile

TESTS = Actor.system("tests")


@dataclass
class World:
    day: ShiftType
    people: dict[str, User]


def person(
    session: Session, handle: str, zone: str, skills: list[str], role: Role = Role.analyst
) -> User:
    user = create_user(
        session,
        actor=TESTS,
        email=f"{handle}@example.test",
        name=handle.title(),
        role=role,
        timezone=zone,
        password=PASSWORD,
    )
    session.add(StaffProfile(user_id=user.id, skills=skills, phone="+15550000000"))
    session.flush()
    return user


def day_shift(session: Session, kind: ShiftType, user: User, on: date) -> Shift:
    start, end = shift_times(on, kind.local_start, kind.minutes, user.timezone)
    shift = Shift(
        user_id=user.id,
        shift_type_id=kind.id,
        starts_at=start,
        ends_at=end,
        skills=sorted(set(session.get(StaffProfile, user.id).skills) - {"lang:es"}),
    )  # type: ignore[union-attr]
    session.add(shift)
    session.flush()
    return shift


def build(session: Session) -> World:
    kind = ShiftType(
        code="D", name="Day", local_start=time(8), minutes=480, forbidden_successors=[]
    )
    session.add(kind)
    session.flush()
    people = {
        "ana": person(session, "ana", "Europe/Dublin", ["emergency", "lead"]),
        "ben": person(session, "ben", "Europe/Dublin", ["emergency", "lead"]),
        "cy": person(session, "cy", "Europe/Dublin", ["emergency"]),
    }
    return World(kind, people)


def tomorrow() -> date:
    return (datetime.now(UTC) + timedelta(days=2)).date()
