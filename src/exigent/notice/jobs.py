"""Deadline handlers: a notice falls due, an order ends or needs review, the outbox sends.

The outbox hands a notice to the relay only after the decision that queued it was committed
(its deadline row is written in that same transaction). A relay failure is recorded on the
notice, which stays in the outbox and is retried with backoff, so nothing is lost. The
message is sent before the handler's transaction commits: a crash in between would send it
again on the retry, the one window where a user could get the notice twice.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from exigent.audit.service import Actor
from exigent.cases.models import Request
from exigent.config import Settings, get_settings
from exigent.deadlines import Deadline, Handler, schedule
from exigent.notice.models import NoticeStatus, UserNotice
from exigent.notice.service import (
    DUE,
    DUE_KIND,
    IN_OUTBOX,
    ORDER_EXPIRED,
    ORDER_REVIEW,
    SEND_KIND,
    describe_order,
    draft,
    log,
    notify_legal,
    order_in_force,
    state,
)
from exigent.notifications.email import MailNotSent, compose, send
from exigent.notifications.events import Event, publish

WORKER = Actor.system("deadline-worker")
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=1)


# Failed sends of one notice before it counts as a failed delivery to page about.
MAX_SILENT_ATTEMPTS = 3


def retry_delay(attempts: int) -> timedelta:
    """1, 2, 4 ... minutes after each failure, never more than an hour."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_RETRY)


def _settings(session: Session) -> Settings:
    found = session.info.get("settings")
    return found if isinstance(found, Settings) else get_settings()


def _load(session: Session, deadline: Deadline) -> tuple[UserNotice, Request] | None:
    notice = session.get(UserNotice, deadline.data.get("notice_id"))
    if notice is None:
        return None
    request = session.get(Request, notice.request_id)
    return None if request is None else (notice, request)


def notice_due(session: Session, deadline: Deadline, now: datetime) -> str:
    """Bring the notice to legal: it is due, its order ended, or its order needs a look."""
    found = _load(session, deadline)
    if found is None:
        return "met"
    notice, request = found
    before = state(notice)
    why = deadline.data.get("why")
    if why == DUE and notice.status == NoticeStatus.pending:
        draft(session, notice, request, now=now)
        body = "due: a draft waits for a decision (send or withhold)"
    elif why == ORDER_EXPIRED and notice.status == NoticeStatus.held:
        if order_in_force(notice, now):
            return "met"
        expired = notice.order_expires_on.isoformat() if notice.order_expires_on else "?"
        draft(session, notice, request, now=now)
        body = (
            f"the non-disclosure order expired on {expired}; the notice is back for review "
            "with a draft waiting for a decision"
        )
    elif why == ORDER_REVIEW and notice.status == NoticeStatus.held:
        body = (
            f"review {describe_order(notice, request)}: it gave no expiry; release the hold if "
            "the order no longer applies, or record its new expiry"
        )
    else:
        return "met"
    log(
        session,
        notice,
        request,
        actor=WORKER,
        action=f"review_{why}",
        body=body,
        now=now,
        before=before,
    )
    notify_legal(session, request, body=f"user notice to {notice.target_label}: {body}", now=now)
    return "fired"


def notice_send(session: Session, deadline: Deadline, now: datetime) -> str:
    """Hand one queued notice to the relay; on failure keep it queued and try again later."""
    found = _load(session, deadline)
    if found is None:
        return "met"
    notice, request = found
    # A newer decision (withheld, held, queued again) replaced this round.
    if notice.status not in IN_OUTBOX or deadline.data.get("round") != notice.send_round:
        return "met"
    before = state(notice)
    settings = _settings(session)
    message = compose(
        settings, to=str(notice.recipient), subject=str(notice.subject), text=str(notice.body)
    )
    notice.attempts += 1
    notice.updated_at = now
    try:
        message_id = send(settings, message)
    except MailNotSent as exc:
        delay = retry_delay(notice.attempts)
        notice.status = NoticeStatus.failed
        notice.last_error = exc.message
        notice.next_attempt_at = now + delay
        schedule(
            session,
            kind=SEND_KIND,
            due_at=notice.next_attempt_at,
            request_id=notice.request_id,
            data={"notice_id": notice.id, "round": notice.send_round},
        )
        log(
            session,
            notice,
            request,
            actor=WORKER,
            action="send_failed",
            body=f"not sent (attempt {notice.attempts}), retrying at "
            f"{notice.next_attempt_at.isoformat()}: {exc.message}",
            now=now,
            before=before,
            detail={"attempt": notice.attempts, "error": exc.message},
        )
        if notice.attempts == MAX_SILENT_ATTEMPTS:
            # Still not out after several tries: a failed delivery on call may page for.
            publish(
                session,
                Event(
                    "delivery_failed",
                    now,
                    request.id,
                    f"{request.reference}: user notice to {notice.target_label} not sent after "
                    f"{notice.attempts} attempts ({exc.message})",
                    {"key": f"notice-{notice.id}"},
                ),
            )
        if notice.attempts == 1:
            notify_legal(
                session,
                request,
                body=f"user notice to {notice.target_label} could not be sent yet; "
                f"retrying ({exc.message})",
                now=now,
            )
        return "relay_failed"
    notice.status = NoticeStatus.sent
    notice.sent_at = now
    notice.message_id = message_id
    notice.last_error = None
    notice.next_attempt_at = None
    log(
        session,
        notice,
        request,
        actor=WORKER,
        action="sent",
        body=f"sent to {notice.recipient}",
        now=now,
        before=before,
        detail={"message_id": message_id, "attempt": notice.attempts},
    )
    return "fired"


def handlers() -> dict[str, Handler]:
    return {DUE_KIND: notice_due, SEND_KIND: notice_send}
