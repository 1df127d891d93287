"""The outbox of officer mails: a staff question or visible note queues a mail to the officer.

The case kernel only queues (a deadline row in the same transaction as the timeline entry, so
the mail leaves only if the write commits); the officers' domain owns the handler that finds
the recipient and sends it (`officers/jobs.py`), saying only that there is a message.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from exigent.auth.models import Role, User
from exigent.cases.lifecycle import Status
from exigent.cases.models import Request, TimelineEvent
from exigent.deadlines import schedule

MAIL_KIND = "officer_message_mail"


def tell_officer(
    session: Session, request: Request, event: TimelineEvent, *, author: User, now: datetime
) -> None:
    """Queue the mail when staff asked a question (need info) or wrote a visible note."""
    if author.role == Role.requester or not event.visible_to_requester:
        return
    asked = event.kind == "transition" and event.to_status == Status.need_info
    if not (asked or event.kind == "note"):
        return
    why = "need_info" if asked else "note"
    schedule(session, kind=MAIL_KIND, due_at=now, request_id=request.id, data={"why": why})
