"""The demo's audit trail beyond the work itself: the team reading cases over the past days,
the queue listings behind them, leadership and the auditor looking on, a refused attempt,
and a verification of the chain, so the audit log viewer has a spread to filter."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from exigent.audit.checks import start_check, walk
from exigent.audit.service import Event, record_events
from exigent.auth.models import User
from exigent.auth.permissions import Permission
from exigent.auth.refusals import Refused, require_or_refuse
from exigent.auth.service import actor_for
from exigent.cases.models import Request
from exigent.db import utcnow
from exigent.errors import Conflict

# Who reads cases, and how much: the analysts most, the auditor least.
READERS = {"analyst": 8, "analyst2": 6, "lead": 5, "legal": 3, "leadership": 2, "auditor": 2}
READ_CASES = 120
DAYS = 7


def seed_audit_trail(session: Session, rng: random.Random, staff: dict[str, User]) -> None:
    """A week of reads of the live cases by several people, in the order they happened."""
    now = utcnow()
    cases = list(
        session.execute(
            select(Request.id, Request.received_at).order_by(Request.id).limit(READ_CASES * 2)
        ).all()
    )
    if not cases:
        return
    events: list[Event] = []
    handles, weights = list(READERS), list(READERS.values())
    for case_id, received in rng.sample(cases, min(READ_CASES, len(cases))):
        start = max(received, now - timedelta(days=DAYS))
        for _ in range(rng.randint(1, 4)):
            reader = actor_for(staff[rng.choices(handles, weights=weights)[0]])
            at = start + (now - start) * rng.random()
            events.append(Event(reader, "request.read", "request", case_id, at=at))
    events += _queue_views(rng, staff, [case_id for case_id, _ in cases], now)
    events += _auditor_looks(staff["auditor"], cases[0][0], now)
    events.append(_refused_draft(staff["leadership"], cases[1][0], now - timedelta(hours=5)))
    record_events(session, sorted(events, key=lambda e: e.at or now))


def _queue_views(
    rng: random.Random, staff: dict[str, User], case_ids: list[int], now: datetime
) -> list[Event]:
    """The queue as each shift opened it: listings of the cases shown."""
    views = []
    for handle in ("analyst", "analyst2", "lead", "leadership"):
        for day in range(DAYS):
            at = now - timedelta(days=day, hours=rng.randint(0, 10), minutes=rng.randint(0, 59))
            shown = sorted(rng.sample(case_ids, min(25, len(case_ids))))
            actor = actor_for(staff[handle])
            views.append(Event(actor, "request.list", "request", detail={"ids": shown}, at=at))
    return views


def _auditor_looks(auditor: User, case_id: int, now: datetime) -> list[Event]:
    """The auditor's own review of one case's trail yesterday: itself on the record."""
    at = now - timedelta(days=1, hours=2)
    return [
        Event(
            actor_for(auditor),
            "audit.read",
            "audit_log",
            detail={"filter": {"case": f"EXG-{case_id:07d}"}, "shown": 12, "request_id": case_id},
            at=at,
        ),
        Event(actor_for(auditor), "request.read", "request", case_id, at=at + timedelta(minutes=1)),
    ]


def _refused_draft(leadership: User, case_id: int, at: datetime) -> Event:
    """Leadership trying to write a decision: refused, and the refusal is on the record."""
    try:
        require_or_refuse(
            leadership, Permission.decision_draft, action="decision.draft", request_id=case_id
        )
    except Refused as refused:
        return Event(
            refused.actor,
            refused.action,
            refused.object_type,
            refused.object_id,
            detail={"reason": refused.message, "status": refused.status_code},
            at=at,
        )
    raise AssertionError("leadership may not draft decisions")


def verify_demo_chain(factory: sessionmaker[Session], auditor_email: str) -> None:
    """The auditor verifies the chain once the demo is seeded, so the viewer shows a result."""
    with factory() as session:
        auditor = session.execute(select(User).where(User.email == auditor_email)).scalar_one()
        try:
            check = start_check(session, actor=actor_for(auditor), now=utcnow())
        except Conflict:
            return  # one is running already: its result will show
        session.commit()
        check_id = check.id
    walk(factory, check_id)
