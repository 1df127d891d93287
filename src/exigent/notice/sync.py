"""Keep a case's notices in step with what the legal engine says the request owes the user.

Called by `legal.checks.judge_case` at intake and whenever the case is judged again (record
change, re-check). Notices already decided (queued, sent, withheld) keep their decision; an
order that arrives before a queued notice leaves the outbox still holds it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from exigent.audit.service import Actor
from exigent.cases.models import Request, Target
from exigent.cases.schemas import IntakeRecord
from exigent.legal.schemas import Obligation, ObligationKind
from exigent.notice.contact import contact_for_target
from exigent.notice.models import NoticeStatus, UserNotice
from exigent.notice.service import (
    DUE,
    IN_OUTBOX,
    OPEN,
    ORDER_EXPIRED,
    ORDER_REVIEW,
    cancel_due,
    first_moment,
    log,
    schedule_due,
    state,
    target_label,
)

NOTICE_KINDS = frozenset(
    {
        ObligationKind.user_notice_review,
        ObligationKind.nondisclosure_review,
        ObligationKind.user_notice_before_disclosure,
    }
)
FROM_RECORD = "stated in the request"
HELD = "held: the request states a non-disclosure order"


def sync_notices(
    session: Session,
    *,
    request: Request,
    record: IntakeRecord,
    obligations: list[Obligation],
    actor: Actor,
    now: datetime,
    first: bool,
) -> None:
    """Create, hold, release or cancel the case's notices to match the current judgement."""
    owed = owed_notice(obligations)
    existing = (
        {}
        if first
        else {
            n.target_label: n
            for n in session.execute(
                select(UserNotice).where(UserNotice.request_id == request.id)
            ).scalars()
        }
    )
    if owed is None and not existing:
        return
    targets = list(
        session.execute(
            select(Target).where(Target.request_id == request.id).order_by(Target.position)
        ).scalars()
    )
    seen: set[str] = set()
    for target in targets:
        label = target_label(target.identifier_type, target.value)
        seen.add(label)
        notice = existing.get(label)
        if owed is None:
            if notice is not None:
                _cancel(session, notice, request, actor, now, "the request no longer calls for it")
            continue
        if notice is None:
            notice = UserNotice(
                request_id=request.id,
                target_id=target.id,
                target_label=label,
                recipient=contact_for_target(target.identifier_type, target.value),
                order_present=False,
                attempts=0,
                send_round=0,
                created_at=now,
                updated_at=now,
            )
            session.add(notice)
        notice.target_id = target.id
        _apply(session, notice, request, record, owed, actor, now, first=first)
    for label, notice in existing.items():
        if label not in seen:
            _cancel(session, notice, request, actor, now, "the target is no longer on the request")


def _apply(
    session: Session,
    notice: UserNotice,
    request: Request,
    record: IntakeRecord,
    owed: Obligation,
    actor: Actor,
    now: datetime,
    *,
    first: bool,
) -> None:
    terms = terms_for(record, owed, request.received_offset_minutes, now)
    new = notice.id is None
    if not new and notice.status not in OPEN | IN_OUTBOX | {NoticeStatus.cancelled}:
        return  # sent or withheld: the decision stands
    if not new and notice.status in IN_OUTBOX and not terms.held:
        return  # already on its way and nothing forbids it
    staff_hold = notice.status == NoticeStatus.held and notice.order_source != FROM_RECORD
    if not new and not terms.held and staff_hold:
        return  # an order staff recorded stands until staff release it
    before = None if new else state(notice)
    previous = None if new else notice.status
    if not new:
        cancel_due(session, notice, now)
    notice.basis = str(owed.kind)
    notice.updated_at = now
    if terms.held:
        notice.status = NoticeStatus.held
        notice.order_present = True
        notice.order_expires_on = terms.order_expires_on
        notice.order_source = FROM_RECORD
        notice.due_at = None
        notice.order_ends_at = terms.order_ends_at
        if previous in IN_OUTBOX:
            notice.send_round += 1  # the queued send must not go out
        session.flush()
        schedule_due(session, notice, at=terms.review_at, why=terms.review_why)
        if previous != NoticeStatus.held:
            log(
                session,
                notice,
                request,
                actor=actor,
                action="hold",
                body=HELD,
                now=now,
                before=before,
            )
        return
    # No order: the notice falls due when the obligation says (at once for compulsory process).
    if notice.order_source == FROM_RECORD:
        notice.order_present = False
    notice.due_at = terms.due_at
    if notice.status == NoticeStatus.drafted:
        return
    notice.status = NoticeStatus.pending
    session.flush()
    schedule_due(session, notice, at=terms.review_at, why=terms.review_why)
    if first:
        # At intake a notice owed later is a pure function of the record that `request.create`
        # audits (as the legal check is); its drafting and every decision are logged.
        return
    log(
        session,
        notice,
        request,
        actor=actor,
        action="owed" if new else "reopened",
        body=f"owed to the user, due {terms.review_at.isoformat()}",
        now=now,
        before=before,
    )


@dataclass(frozen=True)
class Terms:
    """What the record says of a notice it owes: held by an order, or due at a time; and when
    its deadline fires, and why."""

    held: bool
    due_at: datetime | None
    review_at: datetime
    review_why: str
    order_expires_on: date | None = None
    order_ends_at: datetime | None = None


def terms_for(record: IntakeRecord, owed: Obligation, offset_minutes: int, now: datetime) -> Terms:
    order = record.nondisclosure_order
    if order is not None and order.present:
        if order.expires_on is not None:
            ends = first_moment(order.expires_on, offset_minutes)
            return Terms(True, None, ends, ORDER_EXPIRED, order.expires_on, ends)
        review = owed.due if isinstance(owed.due, datetime) else now
        return Terms(True, None, review, ORDER_REVIEW)
    due_at = owed.due if isinstance(owed.due, datetime) else first_moment(owed.due, offset_minutes)
    return Terms(False, due_at, due_at, DUE)


def owed_notice(obligations: list[Obligation]) -> Obligation | None:
    """The obligation that calls for a user notice, if any."""
    return next((o for o in obligations if o.kind in NOTICE_KINDS), None)


def new_notice_row(
    request_id: int,
    target: tuple[int, str, str],
    owed: Obligation,
    terms: Terms,
    now: datetime,
) -> dict[str, Any]:
    """A new case's notice to the user behind one target (id, identifier type, value)."""
    target_id, identifier_type, value = target
    return {
        "request_id": request_id,
        "target_id": target_id,
        "target_label": target_label(identifier_type, value),
        "recipient": contact_for_target(identifier_type, value),
        "basis": str(owed.kind),
        "status": NoticeStatus.held if terms.held else NoticeStatus.pending,
        "due_at": terms.due_at,
        "order_present": terms.held,
        "order_expires_on": terms.order_expires_on,
        "order_ends_at": terms.order_ends_at,
        "order_source": FROM_RECORD if terms.held else None,
        "attempts": 0,
        "send_round": 0,
        "created_at": now,
        "updated_at": now,
    }


def _cancel(
    session: Session,
    notice: UserNotice,
    request: Request,
    actor: Actor,
    now: datetime,
    why: str,
) -> None:
    if notice.status not in OPEN | IN_OUTBOX:
        return
    before = state(notice)
    cancel_due(session, notice, now)
    notice.send_round += 1
    notice.status = NoticeStatus.cancelled
    notice.reason = why
    notice.updated_at = now
    log(
        session,
        notice,
        request,
        actor=actor,
        action="cancel",
        body=f"cancelled: {why}",
        now=now,
        before=before,
    )
