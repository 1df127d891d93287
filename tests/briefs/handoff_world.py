"""A hand-over for the briefs tests: an outgoing lead in Dublin, an incoming lead in New York
and an incoming analyst in Berlin, with a P0 case open."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from exigent.auth.models import Role, User
from exigent.briefs import handoffs
from exigent.briefs.models import Handoff
from exigent.staffing.models import Shift
from staffing.roster_world import person


@dataclass
class HandoverWorld:
    at: datetime
    outgoing: User
    lead: User
    analyst: User
    other_lead: User
    handoff_id: int


def shift(session: Session, user: User, start: datetime, hours: int, skills: list[str]) -> Shift:
    row = Shift(
        user_id=user.id, starts_at=start, ends_at=start + timedelta(hours=hours), skills=skills
    )
    session.add(row)
    return row


def build(session: Session, now: datetime) -> HandoverWorld:
    at = now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=2)
    outgoing = person(session, "olly", "Europe/Dublin", ["emergency", "lead"], role=Role.lead)
    lead = person(session, "lou", "America/New_York", ["emergency", "lead"], role=Role.lead)
    analyst = person(session, "ada", "Europe/Berlin", ["emergency"])
    other_lead = person(session, "kit", "Europe/Dublin", ["emergency", "lead"], role=Role.lead)
    shift(session, outgoing, at - timedelta(hours=8), 8, ["emergency", "lead"])
    shift(session, lead, at, 8, ["emergency", "lead"])
    shift(session, analyst, at, 8, ["emergency"])
    session.flush()
    planned = handoffs.plan(session, since=now, until=now + timedelta(days=2))
    assert [h.at for h in planned] == [at]
    session.commit()
    return HandoverWorld(at, outgoing, lead, analyst, other_lead, planned[0].id)


def load(session: Session, handoff_id: int) -> Handoff:
    row = session.get(Handoff, handoff_id)
    assert row is not None
    return row
