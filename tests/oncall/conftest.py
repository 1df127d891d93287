"""A small on-call world: people on shift now and next, with webhook contact methods pointing
at a local receiver, and the default policies and triggers."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from sqlalchemy.orm import Session, sessionmaker

from conftest import PASSWORD
from exigent.audit.service import Actor
from exigent.auth.models import Role, User
from exigent.auth.service import create_user
from exigent.db import utcnow
from exigent.oncall.models import ChannelKind, ContactMethod
from exigent.oncall.policies import ensure_defaults
from exigent.staffing.models import Shift, ShiftSource, StaffProfile
from exigent.workflow.events import wire_events
from oncall.receiver import Receiver, webhook_receiver

TESTS = Actor.system("tests")


@dataclass
class OnCallWorld:
    now: datetime
    people: dict[str, User]


def add_person(
    session: Session, handle: str, skills: list[str], role: Role = Role.analyst, zone: str = "UTC"
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


def add_shift(
    session: Session,
    user: User,
    starts_at: datetime,
    hours: float,
    skills: list[str],
    source: ShiftSource = ShiftSource.rotation,
) -> Shift:
    shift = Shift(
        user_id=user.id,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=hours),
        skills=skills,
        source=source,
    )
    session.add(shift)
    session.flush()
    return shift


def add_method(
    session: Session,
    user: User,
    url: str,
    position: int = 0,
    kind: ChannelKind = ChannelKind.webhook,
) -> ContactMethod:
    method = ContactMethod(
        user_id=user.id, kind=kind, label=f"{kind} {position}", target=url, position=position
    )
    session.add(method)
    session.flush()
    return method


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with webhook_receiver() as running:
        yield running


@pytest.fixture
def world(factory: sessionmaker[Session], receiver: Receiver) -> OnCallWorld:
    """Ana (emergency) and Lee (lead) on shift now, Bo (emergency) from the hand-over in 2 h;
    the head of the team is Hana (leadership). Everyone reachable at the receiver."""
    wire_events()
    now = utcnow().replace(microsecond=0)
    with factory() as session:
        ensure_defaults(session, now=now)
        ana = add_person(session, "ana", ["emergency"])
        bo = add_person(session, "bo", ["emergency"], zone="Europe/Berlin")
        lee = add_person(session, "lee", ["lead", "emergency"], role=Role.lead)
        hana = add_person(session, "hana", [], role=Role.leadership)
        add_shift(session, ana, now - timedelta(hours=6), 8, ["emergency"])
        add_shift(session, bo, now + timedelta(hours=2), 8, ["emergency"])
        add_shift(session, lee, now - timedelta(hours=1), 8, ["lead"])
        for user in (ana, bo, lee, hana):
            add_method(session, user, receiver.url(f"/{user.email.split('@')[0]}"))
        session.commit()
        people = {u.email.split("@")[0]: u for u in (ana, bo, lee, hana)}
        for user in people.values():
            session.expunge(user)
    return OnCallWorld(now=now, people=people)
