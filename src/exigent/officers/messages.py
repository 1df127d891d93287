"""Telling an officer that staff wrote to them on their case, without saying what.

Email is not a safe channel for case content (a compromised mailbox is how fake requests
start), so the mail only says there is a message and links to the portal case page, where
the officer signs in to read it. The mail leaves after the write is committed: a deadline
row written in the same transaction is the outbox (`cases/officer_mail.py` queues it,
`officers/jobs.py` sends it).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from exigent.auth.models import Role, User
from exigent.cases.models import Request
from exigent.config import Settings


def recipient(session: Session, request: Request) -> str | None:
    """The officer's portal account that submitted the case, else the requester's email."""
    if request.submitted_by_id is not None:
        submitter = session.get(User, request.submitted_by_id)
        if submitter is not None and submitter.role == Role.requester and submitter.is_active:
            return submitter.email
    if request.requester is not None and request.requester.email:
        return request.requester.email
    stated = (request.record.get("requester") or {}).get("email")
    return str(stated) if stated else None


def mail_text(settings: Settings, request: Request, *, why: str) -> tuple[str, str]:
    """Subject and body: the case reference and a link, never the message itself."""
    link = f"{settings.base_url.rstrip('/')}/portal/requests/{request.id}"
    what = "a question for you" if why == "need_info" else "a new message for you"
    subject = f"A message on your request {request.reference}"
    body = (
        f"The emergency response team has left {what} on your request {request.reference}"
        f"{f' (your case number {request.case_number})' if request.case_number else ''}.\n\n"
        f"Sign in to the portal to read it:\n{link}\n\n"
        "For your safety and the safety of the people involved, we never put case details "
        "in email. If you did not submit this request, reply to tell us.\n"
    )
    return subject, body
