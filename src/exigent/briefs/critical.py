"""Critical-event briefs to legal and leadership: sent by hand from a case, or automatically
for the events a distribution list asks for; kept on the case with what each recipient's
channel answered, and audited. How each recipient is reached is `briefs.delivery`'s."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from exigent.audit.service import Actor, record_event
from exigent.auth.models import User
from exigent.auth.permissions import Permission
from exigent.auth.service import actor_for, require
from exigent.briefs.delivery import deliver, recipients
from exigent.briefs.drafting import draft_body, subject_for
from exigent.briefs.models import BriefEvent, CriticalBrief, DistributionList
from exigent.cases.models import Request
from exigent.cases.service import load_for, record_read
from exigent.config import Settings
from exigent.db import MAX_INT_ID
from exigent.errors import BadInput, NotFound
from exigent.legal.notify import timeline_entry
from exigent.oncall.channels import Message

AUTOMATIC = Actor.system("critical-briefs")
SUBJECT_MAX = 200
BODY_MAX = 20_000


@dataclass(frozen=True)
class Draft:
    subject: str
    body: str


def draft(
    session: Session, *, actor: User, request_id: int, settings: Settings
) -> tuple[Request, Draft]:
    """The one-click draft from a case, for someone who may send it."""
    require(actor, Permission.brief_send)
    case = load_for(session, actor, request_id)
    record_read(session, actor, case)
    body = draft_body(session, case, BriefEvent.manual, settings.base_url)
    return case, Draft(subject_for(case, BriefEvent.manual), body)


def send_brief(
    session: Session,
    *,
    case: Request,
    event: BriefEvent,
    subject: str,
    body: str,
    lists: list[DistributionList],
    sender: User | None,
    settings: Settings,
    now: datetime,
) -> CriticalBrief:
    """Send to everyone on `lists`, keep the brief as sent, and note it on the case."""
    message = Message(subject=subject, text=body, source="exigent critical brief")
    deliveries = deliver(session, recipients(session, lists), message, settings, now)
    brief = CriticalBrief(
        request_id=case.id,
        event=event,
        subject=subject,
        body=body,
        sent_by_id=sender.id if sender else None,
        automatic=sender is None,
        list_names=[dl.name for dl in lists],
        deliveries=deliveries,
        sent_at=now,
    )
    session.add(brief)
    session.flush()
    actor = actor_for(sender) if sender else AUTOMATIC
    delivered = sum(1 for d in deliveries if d["ok"])
    how = "sent automatically" if sender is None else "sent"
    timeline_entry(
        session,
        request_id=case.id,
        actor=actor,
        kind="critical_brief",
        at=now,
        body=f"Critical brief {how} to {', '.join(brief.list_names)}: {subject} "
        f"({delivered} of {len(deliveries)} delivered).",
        data={"brief_id": brief.id, "event": str(event)},
    )
    record_event(
        session,
        actor=actor,
        action="brief.sent",
        object_type="request",
        object_id=case.id,
        after={"brief_id": brief.id, "subject": subject, "lists": brief.list_names},
        detail={"event": str(event), "automatic": sender is None, "deliveries": deliveries},
        at=now,
    )
    return brief


def send_by_hand(
    session: Session,
    *,
    actor: User,
    request_id: int,
    subject: str,
    body: str,
    list_ids: list[int],
    settings: Settings,
    now: datetime,
) -> CriticalBrief:
    require(actor, Permission.brief_send)
    case = load_for(session, actor, request_id)
    subject, body = subject.strip(), body.strip()
    if not subject:
        raise BadInput("subject: write a subject line", field="subject")
    if not body:
        raise BadInput("body: the brief is empty", field="body")
    # Ids out of the column's range match nothing; PostgreSQL would refuse them outright.
    ids = [i for i in list_ids if 0 < i <= MAX_INT_ID]
    lists = list(session.scalars(select(DistributionList).where(DistributionList.id.in_(ids))))
    if not lists:
        raise BadInput("lists: choose at least one distribution list", field="lists")
    return send_brief(
        session,
        case=case,
        event=BriefEvent.manual,
        subject=subject[:SUBJECT_MAX],
        body=body[:BODY_MAX] + "\n",
        lists=lists,
        sender=actor,
        settings=settings,
        now=now,
    )


def lists_for(session: Session, event: BriefEvent) -> list[DistributionList]:
    """The lists that receive `event` (a handful of rows: filtered here, not in JSON SQL)."""
    rows = session.scalars(select(DistributionList).order_by(DistributionList.name))
    return [dl for dl in rows if str(event) in dl.events]


def send_automatically(
    session: Session, *, request_id: int, event: BriefEvent, settings: Settings, now: datetime
) -> CriticalBrief | None:
    """Draft and send without a click to the lists that asked for `event`; None if none did."""
    case = session.get(Request, request_id)
    lists = lists_for(session, event)
    if case is None or not lists:
        return None
    body = draft_body(session, case, event, settings.base_url)
    return send_brief(
        session,
        case=case,
        event=event,
        subject=subject_for(case, event),
        body=body,
        lists=lists,
        sender=None,
        settings=settings,
        now=now,
    )


def briefs_on(session: Session, request_id: int) -> list[CriticalBrief]:
    return list(
        session.scalars(
            select(CriticalBrief)
            .where(CriticalBrief.request_id == request_id)
            .order_by(CriticalBrief.sent_at.desc())
        )
    )


def load_brief(session: Session, *, actor: User, brief_id: int) -> CriticalBrief:
    """A sent brief, for someone who may read its case."""
    brief = session.get(CriticalBrief, brief_id)
    if brief is None:
        raise NotFound(f"no brief {brief_id}")
    # The brief carries the case's people and facts: reading it is reading the case.
    record_read(session, actor, load_for(session, actor, brief.request_id))
    return brief
