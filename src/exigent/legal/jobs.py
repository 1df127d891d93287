"""Deadline handlers for obligations: a timeline entry and a notification to the assignee."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from exigent.audit.service import Actor, record_event
from exigent.cases.models import Request
from exigent.deadlines import Deadline, Handler
from exigent.legal.checks import obligation_deadline_kind
from exigent.legal.notify import notify, timeline_entry
from exigent.legal.schemas import ORDER_CLOCK_KINDS, ObligationKind

WORKER = Actor.system("deadline-worker")

WHAT_IS_DUE = {
    ObligationKind.preservation_expires: "The preservation hold expires; renew it or let it lapse.",
    ObligationKind.user_notice_review: "Review whether the user can now be told of the request.",
    ObligationKind.nondisclosure_review: "Review the non-disclosure order (no expiry was given).",
    ObligationKind.user_notice_before_disclosure: (
        "Notify the user before disclosing: the requester permits user notice."
    ),
}


def _fire(session: Session, deadline: Deadline, now: datetime, kind: ObligationKind) -> str:
    request = session.get(Request, deadline.request_id)
    if request is None:
        return "met"
    due = deadline.data.get("due")
    body = f"{WHAT_IS_DUE[kind]} (due {due})"
    timeline_entry(
        session,
        request_id=request.id,
        actor=WORKER,
        kind="obligation_due",
        at=now,
        body=body,
        data={"obligation": str(kind), "due": due, "deadline_id": deadline.id},
    )
    if request.assignee_id is not None:
        notify(
            session,
            user_id=request.assignee_id,
            request_id=request.id,
            body=f"{request.reference}: {body}",
            at=now,
        )
    record_event(
        session,
        actor=WORKER,
        action="request.obligation_due",
        object_type="request",
        object_id=request.id,
        detail={"obligation": str(kind), "due": due, "notified": request.assignee_id},
        at=now,
    )
    return "fired"


def _handler_for(kind: ObligationKind) -> Handler:
    def fire(session: Session, deadline: Deadline, now: datetime) -> str:
        return _fire(session, deadline, now, kind)

    return fire


def handlers() -> dict[str, Handler]:
    """One handler per kind of legal obligation (user notice, preservation expiry, ...)."""
    return {
        obligation_deadline_kind(kind): _handler_for(kind)
        for kind in ObligationKind
        if kind not in ORDER_CLOCK_KINDS
    }
