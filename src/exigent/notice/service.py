"""Rules for user notices: what status a notice may move to, who decides, and what is logged.

Every change writes a case timeline entry and an audit event in the caller's transaction.
Sending is never done here: a decision queues the notice and the outbox job (jobs.py) hands
it to the relay after the decision is committed.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from exigent.audit.service import Actor, digest, record_event
from exigent.auth.models import Role, User
from exigent.auth.permissions import Permission
from exigent.auth.refusals import refuse, require_or_refuse
from exigent.auth.service import actor_for
from exigent.cases.models import Request
from exigent.deadlines import Deadline, schedule
from exigent.errors import BadInput, Conflict, NotFound
from exigent.legal.notify import notify, timeline_entry
from exigent.legal.versions import current_policy
from exigent.notice.contact import normalised_email
from exigent.notice.drafting import disclosed_categories, draft_text
from exigent.notice.models import NoticeStatus, UserNotice
from exigent.notice.schemas import NoticeAction, NoticeDecisionIn

DUE_KIND = "notice_due"
SEND_KIND = "notice_send"
# Why a notice_due deadline was set: the notice falls due, its order ended, or an order
# without expiry is a year old and must be looked at again.
DUE = "due"
ORDER_EXPIRED = "order_expired"
ORDER_REVIEW = "order_review"
S = NoticeStatus
BEFORE_DISCLOSURE = "user_notice_before_disclosure"
# Statuses a record change may still reshape; decided notices keep their decision.
OPEN = frozenset({S.pending, S.held, S.drafted})
IN_OUTBOX = frozenset({S.queued, S.failed})


def first_moment(day: date, offset_minutes: int) -> datetime:
    """A date falls due at its first moment in the requester's offset, like obligations do."""
    zone = timezone(timedelta(minutes=offset_minutes))
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


def order_in_force(notice: UserNotice, now: datetime) -> bool:
    """A recorded order forbids notice until its expiry date (forever when none was given)."""
    if not notice.order_present:
        return False
    return notice.order_ends_at is None or now < notice.order_ends_at


def describe_order(notice: UserNotice, request: Request) -> str:
    until = (
        f"in force until {notice.order_expires_on.isoformat()}"
        if notice.order_expires_on
        else "in force with no expiry date"
    )
    source = f", {notice.order_source}" if notice.order_source else ""
    return f"the non-disclosure order on {request.reference} ({until}{source})"


def state(notice: UserNotice) -> dict[str, Any]:
    """What the audit log keeps of a notice: its decision state and a digest of its text."""
    return {
        "status": str(notice.status),
        "recipient": notice.recipient,
        "reason": notice.reason,
        "order_present": notice.order_present,
        "order_expires_on": notice.order_expires_on,
        "text_digest": digest({"subject": notice.subject, "body": notice.body}),
    }


def log(
    session: Session,
    notice: UserNotice,
    request: Request,
    *,
    actor: Actor,
    action: str,
    body: str,
    now: datetime,
    before: dict[str, Any] | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """The timeline entry and the audit event of one notice decision."""
    timeline_entry(
        session,
        request_id=request.id,
        actor=actor,
        kind="user_notice",
        at=now,
        body=f"User notice to {notice.target_label}: {body}",
        data={"notice_id": notice.id, "action": action, "status": str(notice.status)},
    )
    record_event(
        session,
        actor=actor,
        action=f"notice.{action}",
        object_type="user_notice",
        object_id=notice.id,
        before=before,
        after=state(notice),
        detail={"request_id": request.id, "target": notice.target_label, **(detail or {})},
        at=now,
    )


def notify_legal(session: Session, request: Request, *, body: str, now: datetime) -> None:
    """Every active legal user hears of it (the case's own obligation tells its assignee)."""
    users = session.execute(
        select(User.id).where(User.role == Role.legal, User.is_active.is_(True))
    ).scalars()
    for user_id in users:
        notify(
            session,
            user_id=user_id,
            request_id=request.id,
            body=f"{request.reference}: {body}",
            at=now,
        )


def schedule_due(session: Session, notice: UserNotice, *, at: datetime, why: str) -> None:
    schedule(
        session,
        kind=DUE_KIND,
        due_at=at,
        request_id=notice.request_id,
        data={"notice_id": notice.id, "why": why},
    )


def cancel_due(session: Session, notice: UserNotice, now: datetime) -> None:
    """Pending review deadlines of the notice are cancelled (kept, for the history)."""
    rows = session.execute(
        select(Deadline).where(
            Deadline.request_id == notice.request_id,
            Deadline.kind == DUE_KIND,
            Deadline.fired_at.is_(None),
        )
    ).scalars()
    for row in rows:
        if row.data.get("notice_id") == notice.id:
            row.fired_at, row.outcome = now, "cancelled"


def queue_send(session: Session, notice: UserNotice, now: datetime) -> None:
    """Put the notice in the outbox; the row becomes visible to workers when the caller commits."""
    notice.send_round += 1
    notice.status = S.queued
    notice.queued_at = now
    notice.last_error = None
    notice.next_attempt_at = now
    schedule(
        session,
        kind=SEND_KIND,
        due_at=now,
        request_id=notice.request_id,
        data={"notice_id": notice.id, "round": notice.send_round},
    )


def draft(session: Session, notice: UserNotice, request: Request, *, now: datetime) -> None:
    """Write the notice text from the template, unless staff already wrote their own."""
    if notice.body is None:
        session.flush()
        notice.subject, notice.body = draft_text(
            request,
            identifier_type=_identifier_type(notice),
            identifier_value=_identifier_value(notice),
            disclosed=disclosed_categories(session, request.id, notice.target_id),
        )
    notice.drafted_at = now
    notice.status = S.drafted
    notice.updated_at = now


def _identifier_type(notice: UserNotice) -> str:
    return notice.target_label.split(" ", 1)[0]


def _identifier_value(notice: UserNotice) -> str:
    return notice.target_label.split(" ", 1)[-1]


def target_label(identifier_type: str, value: str) -> str:
    return f"{identifier_type} {value}"


# Reads


def notices_for(session: Session, request_id: int) -> list[UserNotice]:
    return list(
        session.execute(
            select(UserNotice).where(UserNotice.request_id == request_id).order_by(UserNotice.id)
        ).scalars()
    )


def awaiting_before_disclosure(session: Session, request_id: int) -> list[UserNotice]:
    """Notices owed before disclosure (compulsory process permitting notice) not yet sent or
    withheld by a decision; disclosure waits for them."""
    waiting = OPEN | IN_OUTBOX
    return [
        notice
        for notice in notices_for(session, request_id)
        if notice.basis == BEFORE_DISCLOSURE and notice.status in waiting
    ]


def load_notice(session: Session, notice_id: int) -> UserNotice:
    notice = session.get(UserNotice, notice_id)
    if notice is None:
        raise NotFound(f"no user notice {notice_id}")
    return notice


# Decisions


def _text(value: str | None, field: str, what: str) -> str:
    if value is None or not value.strip():
        raise BadInput(f"{field}: {what}", field=field)
    return value.strip()


def _refuse_under_order(
    user: User, notice: UserNotice, request: Request, action: str, now: datetime
) -> None:
    if order_in_force(notice, now):
        raise refuse(
            user,
            f"notice {notice.id} to {notice.target_label} cannot be sent: "
            f"{describe_order(notice, request)} forbids telling the user",
            status_code=409,
            action=f"notice.{action}",
            request_id=request.id,
            notice_id=notice.id,
        )


def _set_recipient(notice: UserNotice, given: str | None) -> None:
    if given is not None:
        address = normalised_email(given)
        if address is None:
            raise BadInput(f"recipient: {given!r} is not a valid email address", field="recipient")
        notice.recipient = address
    if notice.recipient is None:
        raise Conflict(
            f"notice {notice.id} needs an address: {notice.target_label} is not an email "
            "address; give the user's email as `recipient`",
            field="recipient",
        )


def _allowed(notice: UserNotice, action: NoticeAction, allowed: frozenset[NoticeStatus]) -> None:
    if notice.status not in allowed:
        names = ", ".join(sorted(str(s) for s in allowed))
        raise Conflict(
            f"notice {notice.id} is {notice.status}: {action} needs one that is {names}",
            status=str(notice.status),
        )


def decide(
    session: Session,
    *,
    user: User,
    request: Request,
    notice: UserNotice,
    decision: NoticeDecisionIn,
    now: datetime,
) -> UserNotice:
    """Apply one staff decision on a notice (legal or lead)."""
    require_or_refuse(user, Permission.notice_decide, action="notice.decide", request_id=request.id)
    actor = actor_for(user)
    before = state(notice)
    action = decision.action
    reason = decision.reason.strip() if decision.reason and decision.reason.strip() else None
    detail: dict[str, Any] = {}
    match action:
        case NoticeAction.send:
            _allowed(notice, action, frozenset({S.pending, S.held, S.drafted, S.withheld}))
            _refuse_under_order(user, notice, request, "send", now)
            _set_recipient(notice, decision.recipient)
            _apply_edit(notice, decision, required=False)
            if notice.body is None:
                draft(session, notice, request, now=now)
            cancel_due(session, notice, now)
            queue_send(session, notice, now)
            words, audit = f"approved to send to {notice.recipient}", "send_approved"
        case NoticeAction.resend:
            _allowed(notice, action, frozenset({S.sent, S.failed}))
            _refuse_under_order(user, notice, request, "resend", now)
            _set_recipient(notice, decision.recipient)
            queue_send(session, notice, now)
            words, audit = f"to be sent again to {notice.recipient}", "resend"
        case NoticeAction.withhold:
            _allowed(notice, action, OPEN | IN_OUTBOX)
            reason = _text(reason, "reason", "give the reason for withholding the notice")
            cancel_due(session, notice, now)
            # An outbox row still waiting finds a newer round and does nothing.
            notice.send_round += 1
            notice.status = S.withheld
            words, audit = f"withheld: {reason}", "withhold"
        case NoticeAction.edit:
            _allowed(notice, action, OPEN | frozenset({S.withheld}))
            _apply_edit(notice, decision, required=True)
            words, audit = "text edited", "edit"
        case NoticeAction.hold:
            _allowed(notice, action, OPEN | IN_OUTBOX | frozenset({S.withheld}))
            reason = _text(reason, "reason", "say which order holds the notice")
            if decision.order_expires_on is not None and decision.order_expires_on <= now.date():
                raise BadInput(
                    f"order_expires_on: {decision.order_expires_on} is not in the future",
                    field="order_expires_on",
                )
            cancel_due(session, notice, now)
            notice.send_round += 1
            _hold(
                session,
                notice,
                request,
                expires_on=decision.order_expires_on,
                source=f"recorded by {user.name}",
                review_days=current_policy(session).policy.obligations.nondisclosure_review_days,
                now=now,
            )
            words, audit = f"held under {describe_order(notice, request)}: {reason}", "hold"
        case NoticeAction.release:
            _allowed(notice, action, frozenset({S.held}))
            reason = _text(reason, "reason", "say why the order no longer applies")
            cancel_due(session, notice, now)
            notice.order_present = False
            _owed(session, notice, request, now=now)
            words, audit = f"hold released ({reason}); the notice is {notice.status}", "release"
        case _:  # pragma: no cover - the enum is exhaustive
            raise BadInput(f"action: unknown action {action}", field="action")
    notice.reason = reason
    notice.decided_by_id = user.id
    notice.decided_by = user.name
    notice.decided_at = now
    notice.updated_at = now
    if reason:
        detail["reason"] = reason
    log(
        session,
        notice,
        request,
        actor=actor,
        action=audit,
        body=words,
        now=now,
        before=before,
        detail=detail,
    )
    return notice


def _apply_edit(notice: UserNotice, decision: NoticeDecisionIn, *, required: bool) -> None:
    if required and decision.subject is None and decision.body is None:
        raise BadInput("body: give the new subject or body of the notice", field="body")
    if decision.subject is not None:
        notice.subject = _text(decision.subject, "subject", "must not be empty")
    if decision.body is not None:
        notice.body = _text(decision.body, "body", "must not be empty")


def _hold(
    session: Session,
    notice: UserNotice,
    request: Request,
    *,
    expires_on: date | None,
    source: str,
    review_days: int,
    now: datetime,
) -> None:
    """Hold the notice under an order and set when it comes back for review."""
    notice.status = S.held
    notice.order_present = True
    notice.order_expires_on = expires_on
    notice.order_source = source
    if expires_on is not None:
        notice.order_ends_at = first_moment(expires_on, request.received_offset_minutes)
        schedule_due(session, notice, at=notice.order_ends_at, why=ORDER_EXPIRED)
    else:
        notice.order_ends_at = None
        schedule_due(session, notice, at=now + timedelta(days=review_days), why=ORDER_REVIEW)


def _owed(session: Session, notice: UserNotice, request: Request, *, now: datetime) -> None:
    """No order stands in the way: draft now if the notice is due, else wait until it is."""
    if notice.due_at is not None and notice.due_at > now:
        notice.status = S.pending
        schedule_due(session, notice, at=notice.due_at, why=DUE)
    else:
        draft(session, notice, request, now=now)
