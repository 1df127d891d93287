"""The demo's briefs and check-ins: yesterday's hand-off acknowledged, the current one waiting
for its lead, notes for the next, distribution lists for legal and leadership, one critical
brief sent on a live case, and a week of end-of-shift check-ins (some anonymous)."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from exigent.audit.service import record_event
from exigent.auth.models import User
from exigent.auth.service import actor_for
from exigent.briefs import handoffs, jobs
from exigent.briefs.drafting import draft_body, subject_for
from exigent.briefs.handoff_brief import gather
from exigent.briefs.models import BriefEvent, CriticalBrief, DistributionList, Handoff
from exigent.cases.models import Priority, Request
from exigent.config import get_settings
from exigent.legal.notify import timeline_entry
from exigent.wellbeing.models import CheckIn

NOTES = (
    "EXG P0 from Springfield PD: callback to the desk sergeant still open, try again after "
    "09:00 their time. Two approvals waiting for a second person. Quiet otherwise."
)


def seed_briefs(session: Session, staff: dict[str, User], now: datetime) -> None:
    _handoffs(session, staff, now)
    lists = _lists(session, staff, now)
    _critical_brief(session, staff, lists, now)
    _check_ins(session, staff, now)


def _handoffs(session: Session, staff: dict[str, User], now: datetime) -> None:
    """Hand-overs of the last day as sent; the latest waits for its lead's acknowledgement."""
    handoffs.plan(session, since=now - timedelta(days=1), until=now)
    jobs.ensure_planned(session, now)
    session.flush()
    past = list(session.scalars(select(Handoff).where(Handoff.at <= now).order_by(Handoff.at)))
    for handoff in past:
        handoff.content = {**gather(session, handoff, handoff.at), "deliveries": []}
        handoff.sent_at = handoff.at
    for handoff in past[:-1]:
        lead = handoff.incoming_lead_ids[0] if handoff.incoming_lead_ids else staff["lead"].id
        handoff.acknowledged_by_id = lead
        handoff.acknowledged_at = handoff.at + timedelta(minutes=6)
    upcoming = handoffs.upcoming(session, now)
    if upcoming is not None:
        upcoming.notes, upcoming.notes_by_id, upcoming.notes_at = NOTES, staff["lead"].id, now
    session.flush()


def _lists(session: Session, staff: dict[str, User], now: datetime) -> list[DistributionList]:
    legal = DistributionList(
        name="Legal",
        events=["child_disclosure", "fraud_confirmed", "manual"],
        member_ids=[staff["legal"].id],
        emails=["privacy-counsel@exigent.invalid"],
        created_at=now,
        updated_at=now,
    )
    leadership = DistributionList(
        name="Leadership",
        events=["child_disclosure", "manual", "p0_breach"],
        member_ids=[staff["leadership"].id],
        emails=["ts-leadership@exigent.invalid"],
        created_at=now,
        updated_at=now,
    )
    session.add_all([legal, leadership])
    session.flush()
    return [legal, leadership]


def _critical_brief(
    session: Session, staff: dict[str, User], lists: list[DistributionList], now: datetime
) -> None:
    case = session.scalars(
        select(Request).where(Request.priority == Priority.P0).order_by(Request.id).limit(1)
    ).first()
    if case is None:
        return
    sender = staff["lead"]
    body = draft_body(session, case, BriefEvent.manual, get_settings().base_url)
    subject = subject_for(case, BriefEvent.manual)
    members = [staff["legal"].email, staff["leadership"].email]
    extras = [address for dl in lists for address in dl.emails]
    brief = CriticalBrief(
        request_id=case.id,
        event=BriefEvent.manual,
        subject=subject,
        body=body,
        sent_by_id=sender.id,
        automatic=False,
        list_names=[dl.name for dl in lists],
        # As `briefs.delivery` records them: members by their first contact method (the demo
        # gives everyone a work email first), the extra addresses by email.
        deliveries=[
            {"to": address, "ok": True, "detail": f"{how}: accepted by the mail relay"}
            for how, address in [("Work email", m) for m in members]
            + [("email", e) for e in extras]
        ],
        sent_at=now - timedelta(minutes=40),
    )
    session.add(brief)
    session.flush()
    timeline_entry(
        session,
        request_id=case.id,
        actor=actor_for(sender),
        kind="critical_brief",
        at=brief.sent_at,
        body=f"Critical brief sent to Legal, Leadership: {subject} (4 of 4 delivered).",
        data={"brief_id": brief.id, "event": "manual"},
    )
    record_event(
        session,
        actor=actor_for(sender),
        action="brief.sent",
        object_type="request",
        object_id=case.id,
        after={"brief_id": brief.id, "subject": subject, "lists": brief.list_names},
        at=brief.sent_at,
    )


def _check_ins(session: Session, staff: dict[str, User], now: datetime) -> None:
    rng = random.Random(15)
    people = [staff[h] for h in ("analyst", "analyst2", "lead", "legal")]
    for days_ago in range(7):
        on = (now - timedelta(days=days_ago)).date()
        for person in people:
            if rng.random() < 0.5:
                effort = rng.choice([2, 3, 3, 4, 5])
                session.add(
                    CheckIn(
                        user_id=person.id,
                        effort=effort,
                        off_hours_minutes=rng.choice([0, 0, 15, 45]),
                        note="Long P0 with a child at risk." if effort == 5 else None,
                        shift_on=on,
                    )
                )
        # Some prefer not to say who they are.
        session.add(CheckIn(user_id=None, effort=rng.choice([3, 4]), shift_on=on))
    session.flush()
