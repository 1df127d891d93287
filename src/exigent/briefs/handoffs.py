"""Hand-offs between shifts: planned from the roster, sent at the change, acknowledged or
chased. Rules only; the routes and the worker commit."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from exigent.audit.service import Actor, record_event
from exigent.auth.models import User
from exigent.auth.permissions import Permission
from exigent.auth.service import actor_for, require
from exigent.briefs.escalation import escalate
from exigent.briefs.handoff_brief import as_text, gather, on_clock
from exigent.briefs.handovers import Handover, handover_at, handovers
from exigent.briefs.models import Handoff
from exigent.config import Settings
from exigent.deadlines import schedule
from exigent.errors import Conflict, Forbidden, NotFound
from exigent.notifications.email import MailNotSent, compose, send
from exigent.staffing.models import Shift
from exigent.staffing.shifts import shifts_between

SEND = "handoff_send"
CHASE = "handoff_unacknowledged"
WORKER = Actor.system("deadline-worker")
# The longest shift the roster allows, so everyone on just before a window is seen.
LONGEST_SHIFT = timedelta(hours=24)
NOTES_MAX = 4000


def _shifts_around(session: Session, since: datetime, until: datetime) -> list[Shift]:
    return shifts_between(session, since - LONGEST_SHIFT, until + LONGEST_SHIFT)


def plan(session: Session, *, since: datetime, until: datetime) -> list[Handoff]:
    """A row and a send deadline for every hand-over in the window not planned already."""
    planned = set(
        session.scalars(select(Handoff.at).where(Handoff.at >= since, Handoff.at < until))
    )
    added = []
    for found in handovers(_shifts_around(session, since, until), since, until):
        if found.at in planned:
            continue
        handoff = _from_handover(found)
        try:
            with session.begin_nested():
                session.add(handoff)
                session.flush()
        except IntegrityError:
            continue  # planned a moment ago by another worker or page: that row is this one
        schedule(session, kind=SEND, due_at=found.at, data={"handoff_id": handoff.id})
        added.append(handoff)
    return added


def _from_handover(found: Handover) -> Handoff:
    return Handoff(
        at=found.at,
        until=found.until,
        incoming_ids=found.incoming_ids,
        incoming_lead_ids=found.incoming_lead_ids,
        outgoing_ids=found.outgoing_ids,
        outgoing_lead_ids=found.outgoing_lead_ids,
    )


def _refresh(session: Session, handoff: Handoff) -> bool:
    """Take in roster changes made since planning; False if nobody comes on any more."""
    found = handover_at(_shifts_around(session, handoff.at, handoff.at), handoff.at)
    if found is None:
        return False
    handoff.until = found.until
    handoff.incoming_ids = found.incoming_ids
    handoff.incoming_lead_ids = found.incoming_lead_ids
    handoff.outgoing_ids = found.outgoing_ids
    handoff.outgoing_lead_ids = found.outgoing_lead_ids
    return True


def send_brief(
    session: Session, *, handoff: Handoff, settings: Settings, now: datetime
) -> list[dict[str, object]]:
    """Gather the brief, mail each newcomer on their own clock, and start the lead's timer."""
    handoff.content = gather(session, handoff, now)
    handoff.sent_at = now
    people = session.scalars(select(User).where(User.id.in_(handoff.incoming_ids)))
    deliveries: list[dict[str, object]] = []
    for person in sorted(people, key=lambda u: u.id):
        zone = person.timezone or "UTC"
        text = as_text(handoff, handoff.content, zone=zone, base_url=settings.base_url)
        subject = f"Hand-over brief for your shift from {on_clock(handoff.at.isoformat(), zone)}"
        try:
            send(settings, compose(settings, to=person.email, subject=subject, text=text))
            deliveries.append({"to": person.email, "ok": True, "detail": "accepted"})
        except MailNotSent as exc:
            # One unreachable newcomer must not hold back the others' briefs.
            deliveries.append({"to": person.email, "ok": False, "detail": exc.message})
    handoff.content = {**handoff.content, "deliveries": deliveries}
    if handoff.incoming_lead_ids:
        minutes = settings.handoff_ack_minutes
        schedule(
            session,
            kind=CHASE,
            due_at=handoff.at + timedelta(minutes=minutes),
            data={"handoff_id": handoff.id},
        )
    record_event(
        session,
        actor=WORKER,
        action="handoff.sent",
        object_type="handoff",
        object_id=handoff.id,
        detail={"at": handoff.at.isoformat(), "deliveries": deliveries},
        at=now,
    )
    return deliveries


def fire_send(session: Session, *, handoff_id: int, settings: Settings, now: datetime) -> str:
    handoff = session.get(Handoff, handoff_id)
    if handoff is None or handoff.sent_at is not None:
        return "met"
    if not _refresh(session, handoff):
        # The roster changed and nobody comes on then any more: no brief, no page for it.
        session.delete(handoff)
        return "cancelled"
    send_brief(session, handoff=handoff, settings=settings, now=now)
    return "fired"


def chase(session: Session, *, handoff_id: int, now: datetime) -> str:
    """No acknowledgement in time: escalate once; an acknowledged brief stops it."""
    handoff = session.get(Handoff, handoff_id)
    if handoff is None or handoff.acknowledged_at is not None:
        return "met"
    if handoff.escalated_at is not None:
        return "met"
    handoff.escalated_at = now
    names = ", ".join(
        session.scalars(select(User.name).where(User.id.in_(handoff.incoming_lead_ids)))
    )
    summary = (
        f"The hand-off brief of {handoff.at:%d %b %H:%M} UTC is not acknowledged by the "
        f"incoming lead ({names or 'nobody named'}): /briefs/handoff/{handoff.id}"
    )
    page = escalate(
        session,
        summary=summary,
        dedup_key=f"handoff_unacknowledged:-:{handoff.id}",
        request_id=None,
        now=now,
    )
    record_event(
        session,
        actor=WORKER,
        action="handoff.escalated",
        object_type="handoff",
        object_id=handoff.id,
        detail={"page": page},
        at=now,
    )
    return "fired"


def load(session: Session, handoff_id: int) -> Handoff:
    handoff = session.get(Handoff, handoff_id)
    if handoff is None:
        raise NotFound(f"no hand-off {handoff_id}")
    return handoff


def acknowledge(session: Session, *, actor: User, handoff_id: int, now: datetime) -> Handoff:
    """The incoming lead has read the brief: the escalation stops."""
    require(actor, Permission.handoff_lead)
    handoff = load(session, handoff_id)
    if handoff.sent_at is None:
        raise Conflict("this hand-off has not happened yet; acknowledge it once it is sent")
    if actor.id not in handoff.incoming_lead_ids and handoff.incoming_lead_ids:
        raise Forbidden("only the incoming shift lead acknowledges this brief")
    if handoff.acknowledged_at is not None:
        raise Conflict("this brief is already acknowledged")
    handoff.acknowledged_at, handoff.acknowledged_by_id = now, actor.id
    record_event(
        session,
        actor=actor_for(actor),
        action="handoff.acknowledged",
        object_type="handoff",
        object_id=handoff.id,
        after={"acknowledged_at": now.isoformat()},
        at=now,
    )
    return handoff


def write_notes(
    session: Session, *, actor: User, handoff_id: int, notes: str, now: datetime
) -> Handoff:
    """The outgoing lead's notes for the next shift, until the brief is sent."""
    require(actor, Permission.handoff_lead)
    handoff = load(session, handoff_id)
    # The notes are the outgoing lead's word to the next shift: another lead may not put
    # words in their mouth (or wipe them) before the brief goes out.
    if handoff.outgoing_lead_ids and actor.id not in handoff.outgoing_lead_ids:
        raise Forbidden("only the outgoing shift lead writes this hand-off's notes")
    if handoff.sent_at is not None:
        raise Conflict("this brief was already sent; notes go on the next hand-off", field="notes")
    before = handoff.notes
    handoff.notes = notes.strip()[:NOTES_MAX]
    handoff.notes_by_id, handoff.notes_at = actor.id, now
    record_event(
        session,
        actor=actor_for(actor),
        action="handoff.notes",
        object_type="handoff",
        object_id=handoff.id,
        before={"notes": before},
        after={"notes": handoff.notes},
        at=now,
    )
    return handoff


def _happened(now: datetime) -> ColumnElement[bool]:
    """Sent, or due: a worker running behind does not hide the brief of the shift on now."""
    return or_(Handoff.sent_at.is_not(None), Handoff.at <= now)


def current(session: Session, now: datetime) -> Handoff | None:
    """The latest hand-off that has happened."""
    return session.scalars(
        select(Handoff).where(_happened(now)).order_by(Handoff.at.desc()).limit(1)
    ).first()


def upcoming(session: Session, now: datetime) -> Handoff | None:
    return session.scalars(
        select(Handoff).where(~_happened(now)).order_by(Handoff.at).limit(1)
    ).first()


def recent(session: Session, now: datetime, count: int = 10) -> list[Handoff]:
    return list(
        session.scalars(
            select(Handoff).where(_happened(now)).order_by(Handoff.at.desc()).limit(count)
        )
    )
