"""Messages to the authority (and to a removed content's provider): drafted from the order's
facts for the analyst, edited, queued, sent by the worker, kept on the case and audited."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from exigent.audit.service import Actor, record_event
from exigent.cases.models import Request
from exigent.config import Settings
from exigent.deadlines import Deadline, schedule
from exigent.errors import BadInput, Conflict
from exigent.eu_orders import clocks
from exigent.eu_orders.models import (
    EuOrderMessage,
    EuOrderRecord,
    MessageKind,
    MessageStatus,
    Obstacle,
)
from exigent.eu_orders.wording import draft_text
from exigent.legal.notify import timeline_entry
from exigent.legal.schemas import ObligationKind
from exigent.notifications.email import MailNotSent, compose, send
from exigent.notifications.events import Event, publish

SEND_KIND = "eu_message_send"
MAX_ATTEMPTS_BEFORE_PAGE = 3
WORKER = Actor.system("deadline-worker")
MAX_SUBJECT, MAX_BODY = 500, 20_000


def draft(
    session: Session,
    *,
    order: EuOrderRecord,
    request: Request,
    kind: MessageKind,
    actor: Actor,
    user_id: int | None,
    now: datetime,
    obstacle: Obstacle | None = None,
    detail: str = "",
    to_address: str | None = None,
    locators: Sequence[str] = (),
) -> EuOrderMessage:
    """A draft of the message the order calls for, for the analyst to read and send."""
    subject, body = draft_text(
        order, request, kind, obstacle=obstacle, detail=detail, locators=locators
    )
    message = EuOrderMessage(
        order_id=order.id,
        kind=kind,
        status=MessageStatus.draft,
        # None: the authority; "" when the address is not known yet (the content's provider).
        to_address=order.authority_email if to_address is None else (to_address or None),
        subject=subject,
        body=body,
        obstacle=obstacle,
        drafted_at=now,
        drafted_by_id=user_id,
        attempts=0,
    )
    session.add(message)
    session.flush()
    _log(session, request, message, actor, "drafted", now)
    return message


def edit(
    session: Session,
    *,
    message: EuOrderMessage,
    request: Request,
    subject: str,
    body: str,
    to_address: str,
    actor: Actor,
    now: datetime,
) -> EuOrderMessage:
    """The analyst's own words replace the draft; a message already sent stays as sent."""
    if message.status is not MessageStatus.draft:
        raise Conflict(f"message {message.id} is {message.status}; only a draft can be edited")
    _check_words(subject, body, to_address)
    before: dict[str, object] = {
        "subject": message.subject,
        "body": message.body,
        "to": message.to_address,
    }
    message.subject, message.body, message.to_address = subject, body, to_address.strip()
    _log(session, request, message, actor, "edited", now, before=before)
    return message


def _check_words(subject: str, body: str, to_address: str) -> None:
    if not subject.strip() or len(subject) > MAX_SUBJECT:
        raise BadInput(f"subject: required, at most {MAX_SUBJECT} characters", field="subject")
    if not body.strip() or len(body) > MAX_BODY:
        raise BadInput(f"body: required, at most {MAX_BODY} characters", field="body")
    address = to_address.strip()
    local, at, domain = address.rpartition("@")
    if not at or not local or "." not in domain or " " in address:
        raise BadInput("to_address: must be an email address", field="to_address")


def queue(
    session: Session, *, message: EuOrderMessage, request: Request, actor: Actor, now: datetime
) -> EuOrderMessage:
    """Put the draft in the outbox; the worker sends it once the caller commits."""
    if message.status is not MessageStatus.draft:
        raise Conflict(f"message {message.id} is {message.status}; it was already sent")
    _check_words(message.subject, message.body, message.to_address or "")
    message.status = MessageStatus.queued
    schedule(
        session,
        kind=SEND_KIND,
        due_at=now,
        request_id=request.id,
        data={"message_id": message.id},
        wake=True,
    )
    _log(session, request, message, actor, "queued", now)
    return message


def send_queued(session: Session, deadline: Deadline, now: datetime) -> str:
    """Hand one queued message to the relay; a refusal is tried again with a growing delay."""
    message = session.get(EuOrderMessage, int(deadline.data["message_id"]))
    if message is None or message.status not in (MessageStatus.queued, MessageStatus.failed):
        return "met"
    order = session.get(EuOrderRecord, message.order_id)
    request = session.get(Request, order.request_id) if order else None
    if order is None or request is None:
        return "met"
    settings: Settings = session.info["settings"]
    mail = compose(settings, to=str(message.to_address), subject=message.subject, text=message.body)
    message.attempts += 1
    try:
        send(settings, mail)
    except MailNotSent as exc:
        return _failed(session, message, request, exc.message, now)
    message.status, message.sent_at, message.last_error = MessageStatus.sent, now, None
    mark_told(order, message, now)
    _log(session, request, message, WORKER, "sent", now)
    return "fired"


def _failed(
    session: Session, message: EuOrderMessage, request: Request, error: str, now: datetime
) -> str:
    message.status, message.last_error = MessageStatus.failed, error
    retry_at = now + timedelta(minutes=2**message.attempts)
    schedule(
        session,
        kind=SEND_KIND,
        due_at=retry_at,
        request_id=request.id,
        data={"message_id": message.id},
    )
    _log(session, request, message, WORKER, "send_failed", now)
    if message.attempts == MAX_ATTEMPTS_BEFORE_PAGE:
        publish(
            session,
            Event(
                "delivery_failed",
                now,
                request.id,
                f"{request.reference}: message to the authority not sent after "
                f"{message.attempts} attempts ({error})",
                {"key": f"eu-message-{message.id}"},
            ),
        )
    return "retry"


def mark_told(order: EuOrderRecord, message: EuOrderMessage, now: datetime) -> None:
    """The times the transparency figures and the DSA duties count: the authority told."""
    if message.kind is MessageKind.receipt and order.receipt_told_at is None:
        order.receipt_told_at = now
        clocks.meet(order, ObligationKind.eu_inform_receipt, now)
    if message.kind is MessageKind.execution and order.effect_told_at is None:
        order.effect_told_at = now
        clocks.meet(order, ObligationKind.eu_inform_effect, now)


WORDS = {
    "drafted": "drafted",
    "edited": "edited",
    "queued": "queued to send",
    "sent": "sent",
    "send_failed": "not sent; it will be tried again",
}
TITLES = {
    MessageKind.receipt: "Confirmation of receipt",
    MessageKind.execution: "Confirmation of execution",
    MessageKind.cannot_execute: "Order could not be executed",
    MessageKind.content_provider: "Notice to the content's provider",
}


def _log(
    session: Session,
    request: Request,
    message: EuOrderMessage,
    actor: Actor,
    what: str,
    now: datetime,
    *,
    before: dict[str, object] | None = None,
) -> None:
    body = f"{TITLES[message.kind]} to {message.to_address or 'no address'}: {WORDS[what]}."
    if message.last_error and what == "send_failed":
        body += f" ({message.last_error})"
    timeline_entry(
        session,
        request_id=request.id,
        actor=actor,
        kind="eu_message",
        at=now,
        body=body,
        data={"message_id": message.id, "kind": str(message.kind), "what": what},
    )
    record_event(
        session,
        actor=actor,
        action=f"eu_order.message_{what}",
        object_type="request",
        object_id=request.id,
        before=before,
        detail={
            "message_id": message.id,
            "kind": str(message.kind),
            "to": message.to_address,
            "subject": message.subject,
        },
        at=now,
    )
