"""Deadline handler: the outbox of officer message mails (see `portal/messages.py`).

A relay failure schedules another attempt with backoff and this row is done, so each
message is mailed once the relay answers again. The mail is sent before the handler's
transaction commits: a crash in that window would mail it again on the retry.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from exigent.audit.service import Actor, record_event
from exigent.cases.models import Request
from exigent.cases.officer_mail import MAIL_KIND
from exigent.config import Settings, get_settings
from exigent.deadlines import Deadline, Handler, schedule
from exigent.notifications.email import MailNotSent, compose, send
from exigent.officers.messages import mail_text, recipient

WORKER = Actor.system("deadline-worker")
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=1)


def retry_delay(attempt: int) -> timedelta:
    """1, 2, 4 ... minutes after each failure, never more than an hour."""
    return min(FIRST_RETRY * 2 ** max(attempt - 1, 0), LONGEST_RETRY)


def _settings(session: Session) -> Settings:
    found = session.info.get("settings")
    return found if isinstance(found, Settings) else get_settings()


def officer_message_mail(session: Session, deadline: Deadline, now: datetime) -> str:
    """Mail the officer that a message waits on their case; on relay failure try again later."""
    request = session.get(Request, deadline.request_id)
    if request is None:
        return "met"
    to = recipient(session, request)
    if to is None:
        return "no_recipient"
    settings = _settings(session)
    why = str(deadline.data.get("why", "note"))
    attempt = int(deadline.data.get("attempt", 0)) + 1
    subject, body = mail_text(settings, request, why=why)
    detail = {"to": to, "why": why, "attempt": attempt}
    try:
        message_id = send(settings, compose(settings, to=to, subject=subject, text=body))
    except MailNotSent as exc:
        schedule(
            session,
            kind=MAIL_KIND,
            due_at=now + retry_delay(attempt),
            request_id=request.id,
            data={"why": why, "attempt": attempt},
        )
        record_event(
            session,
            actor=WORKER,
            action="portal.message_mail_failed",
            object_type="request",
            object_id=request.id,
            detail={**detail, "error": exc.message},
            at=now,
        )
        return "relay_failed"
    record_event(
        session,
        actor=WORKER,
        action="portal.message_mail_sent",
        object_type="request",
        object_id=request.id,
        detail={**detail, "message_id": message_id},
        at=now,
    )
    return "fired"


def handlers() -> dict[str, Handler]:
    return {MAIL_KIND: officer_message_mail}
