"""The referral follow-up: when no final outcome has come in, remind the team to ask."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from exigent.audit.service import Actor, record_event
from exigent.cases.models import Request
from exigent.deadlines import Deadline, Handler
from exigent.legal.notify import notify, timeline_entry
from exigent.referrals.models import Referral
from exigent.referrals.service import FOLLOW_UP, has_final_outcome, schedule_follow_up
from exigent.staffing.models import Shift

WORKER = Actor.system("deadline-worker")
LEAD_SKILL = "lead"


def leads_on_shift(session: Session, now: datetime) -> list[int]:
    """Who leads the shift on now, from the published roster."""
    shifts = session.scalars(select(Shift).where(Shift.starts_at <= now, Shift.ends_at > now))
    return sorted({s.user_id for s in shifts if LEAD_SKILL in (s.skills or [])})


def follow_up(session: Session, deadline: Deadline, now: datetime) -> str:
    referral = session.get(Referral, int(deadline.data["referral_id"]))
    if referral is None or referral.follow_up_due_at is None:
        return "met"  # settled since
    if referral.follow_up_due_at.isoformat() != deadline.data.get("due_at"):
        return "met"  # moved since: a newer deadline carries the new date
    if has_final_outcome(session, referral.id):
        referral.follow_up_due_at = None
        return "met"
    case = session.get(Request, referral.request_id)
    reference = case.reference if case else str(referral.request_id)
    body = (
        f"Follow up referral {reference}: no recipient has said what became of it. "
        "Ask them, and record the outcome."
    )
    people = set(leads_on_shift(session, now))
    if case is not None and case.assignee_id is not None:
        people.add(case.assignee_id)
    for user_id in sorted(people):
        notify(session, user_id=user_id, request_id=referral.request_id, body=body, at=now)
    timeline_entry(
        session,
        request_id=referral.request_id,
        actor=WORKER,
        kind="referral_follow_up",
        at=now,
        body=body,
        data={"referral_id": referral.id, "notified": sorted(people)},
    )
    due = schedule_follow_up(session, referral, now)
    record_event(
        session,
        actor=WORKER,
        action="referral.follow_up",
        object_type="referral",
        object_id=referral.id,
        detail={"request_id": referral.request_id, "next_due_at": due.isoformat()},
        at=now,
    )
    return "fired"


def handlers() -> dict[str, Handler]:
    return {FOLLOW_UP: follow_up}
