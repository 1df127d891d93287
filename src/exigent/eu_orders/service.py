"""An order's life beside its case: recorded at intake, its certificate confirmed, an obstacle
reported and its end, the authority's extension of a preservation order. Never commits."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from exigent.audit.service import Actor, record_event
from exigent.cases.models import Request
from exigent.cases.schemas import EU_ORDER_KINDS, IntakeRecord, ReceivedVia
from exigent.config import Settings
from exigent.errors import BadInput, Conflict, NotFound
from exigent.eu_orders import clocks, messages
from exigent.eu_orders.models import (
    ClockStatus,
    EuOrderContent,
    EuOrderRecord,
    MessageKind,
    Obstacle,
    OrderStatus,
)
from exigent.legal.eu import LISTED, SENTENCE, VALIDATION, validation_missing
from exigent.legal.notify import timeline_entry
from exigent.legal.policy import Policy
from exigent.legal.schemas import LegalCheck, Obligation, ObligationKind
from exigent.production.hold_term import follow_order
from exigent.production.preservation import active_hold

# Orders typed in from a mail by staff are taken as received once staff confirm them; those
# an authority submitted itself (API, portal) are its own word.
CONFIRMED_ON_ARRIVAL = frozenset({ReceivedVia.api, ReceivedVia.portal})


def refuse_unvalidated(record: IntakeRecord, policy: Policy) -> None:
    """An authority's own submission that lacks the validation its order needs is refused,
    naming the field (2023/1543 Art. 4); one read from a mail is confirmed by staff first."""
    if record.kind not in EU_ORDER_KINDS or record.received_via not in CONFIRMED_ON_ARRIVAL:
        return
    if validation_missing(record, policy.eu_orders):
        raise BadInput(
            f"{VALIDATION}: an order of this authority for these data must be validated by a "
            "judge, a court or a prosecutor (Regulation (EU) 2023/1543, Art. 4)",
            field=VALIDATION,
        )


def refuse_unknown_offence(record: IntakeRecord, policy: Policy) -> None:
    """A listed offence the policy does not list is refused, naming the field and the ids."""
    order = record.eu_order
    if record.kind not in EU_ORDER_KINDS or order is None or order.listed_offence is None:
        return
    listed = policy.eu_orders.serious_offences.listed
    if order.listed_offence not in listed:
        raise BadInput(
            f"{LISTED}: {order.listed_offence!r} is not an offence of Regulation (EU) "
            f"2023/1543, Art. 5(4)(b)-(c); give one of {', '.join(sorted(listed))}, or the "
            f"maximum sentence in {SENTENCE}",
            field=LISTED,
        )


def order_for(session: Session, request_id: int) -> EuOrderRecord | None:
    return session.execute(
        select(EuOrderRecord).where(EuOrderRecord.request_id == request_id)
    ).scalar_one_or_none()


def require_order(session: Session, request: Request) -> EuOrderRecord:
    order = order_for(session, request.id)
    if order is None:
        raise NotFound(f"case {request.reference} is not an order from an EU authority")
    return order


def record_order(
    session: Session,
    *,
    request: Request,
    record: IntakeRecord,
    check: LegalCheck,
    policy: Policy,
    actor: Actor,
    user_id: int | None,
    now: datetime,
) -> EuOrderRecord:
    """The order beside its new case: its clocks started, the receipt message drafted."""
    certificate = record.eu_order
    authority = certificate.issuing_authority if certificate else None
    status = (
        OrderStatus.received
        if record.received_via in CONFIRMED_ON_ARRIVAL
        else OrderStatus.awaiting_confirmation
    )
    order = EuOrderRecord(
        request_id=request.id,
        kind=str(record.kind),
        status=status,
        issuing_state=certificate.issuing_state if certificate else None,
        authority_email=(authority.email if authority else None) or record.requester.email,
        received_at=record.received_at,
        confirmed_at=now if status is OrderStatus.received else None,
        created_at=now,
    )
    session.add(order)
    session.flush()
    _record_content(session, order, record)
    clocks.start_clocks(
        session,
        order,
        check.obligations,
        warning_fraction=policy.sla_warning_fraction,
        now=now,
    )
    session.refresh(order)
    messages.draft(
        session,
        order=order,
        request=request,
        kind=MessageKind.receipt,
        actor=actor,
        user_id=user_id,
        now=now,
    )
    record_event(
        session,
        actor=actor,
        action="eu_order.receive",
        object_type="request",
        object_id=request.id,
        detail={"kind": order.kind, "status": str(status), "state": order.issuing_state},
        at=now,
    )
    return order


def _record_content(session: Session, order: EuOrderRecord, record: IntakeRecord) -> None:
    for item in list(order.items):
        if item.restricted_at is None:
            session.delete(item)
    session.flush()
    done = {item.locator for item in order.items}
    certificate = record.eu_order
    for position, named in enumerate(certificate.content if certificate else []):
        if named.locator not in done:
            session.add(
                EuOrderContent(
                    order_id=order.id,
                    position=position,
                    locator=named.locator,
                    reason=named.reason,
                    not_found=False,
                    restriction={},
                )
            )
    session.flush()


def confirmation_changes(stored: dict[str, Any], certificate: dict[str, Any]) -> dict[str, Any]:
    """The record's changes when staff confirm a certificate: the certificate, and the
    issuing authority as the requester's agency when the mail did not name one."""
    changes: dict[str, Any] = {"eu_order": certificate}
    requester = dict(stored.get("requester") or {})
    authority = (certificate.get("issuing_authority") or {}).get("name")
    if authority and not requester.get("agency_name"):
        changes["requester"] = {**requester, "agency_name": authority}
    return changes


def confirm(
    session: Session,
    *,
    request: Request,
    order: EuOrderRecord,
    record: IntakeRecord,
    check: LegalCheck,
    policy: Policy,
    actor: Actor,
    user_id: int,
    now: datetime,
) -> EuOrderRecord:
    """Staff confirmed (and corrected) the certificate: the order counts as received and
    confirmed, and its clocks follow the corrected facts, still counted from receipt."""
    if order.status not in (OrderStatus.awaiting_confirmation, OrderStatus.received):
        raise Conflict(f"the order is {order.status}; its certificate can no longer change")
    certificate = record.eu_order
    order.issuing_state = certificate.issuing_state if certificate else None
    authority = certificate.issuing_authority if certificate else None
    order.authority_email = (authority.email if authority else None) or order.authority_email
    order.status, order.confirmed_at, order.confirmed_by_id = OrderStatus.received, now, user_id
    _record_content(session, order, record)
    _restart_clocks(session, order, check.obligations, policy, now)
    timeline_entry(
        session,
        request_id=request.id,
        actor=actor,
        kind="eu_order_confirmed",
        at=now,
        body="The certificate's fields were confirmed against the order received.",
    )
    record_event(
        session,
        actor=actor,
        action="eu_order.confirm",
        object_type="request",
        object_id=request.id,
        detail={"eu_order": record.eu_order.model_dump(mode="json") if record.eu_order else None},
        at=now,
    )
    return order


def _restart_clocks(
    session: Session,
    order: EuOrderRecord,
    obligations: list[Obligation],
    policy: Policy,
    now: datetime,
) -> None:
    """Clocks not yet met are set again from the corrected certificate."""
    for clock in list(order.clocks):
        if clock.status is not ClockStatus.met:
            for row in clocks.pending(session, clock):
                row.fired_at, row.outcome = now, "cancelled"
            session.delete(clock)
    session.flush()
    session.refresh(order)
    kept = {c.kind for c in order.clocks}
    clocks.start_clocks(
        session,
        order,
        [o for o in obligations if str(o.kind) not in kept],
        warning_fraction=policy.sla_warning_fraction,
        now=now,
    )
    session.refresh(order)


def report_obstacle(
    session: Session,
    *,
    request: Request,
    order: EuOrderRecord,
    obstacle: Obstacle,
    detail: str,
    actor: Actor,
    user_id: int,
    now: datetime,
) -> EuOrderRecord:
    """The order cannot be executed for now: the clock waits, a message is drafted."""
    if order.status is OrderStatus.executed:
        raise Conflict("the order was already executed")
    if not detail.strip():
        raise BadInput("detail: say what stands in the way, for the authority", field="detail")
    order.status, order.obstacle, order.obstacle_since = OrderStatus.obstructed, obstacle, now
    order.obstacle_detail = detail.strip()
    clocks.pause(order, ObligationKind.eu_execute_by, now)
    messages.draft(
        session,
        order=order,
        request=request,
        kind=MessageKind.cannot_execute,
        actor=actor,
        user_id=user_id,
        now=now,
        obstacle=obstacle,
        detail=detail,
    )
    _log(session, request, actor, "obstacle", f"Cannot be executed: {obstacle}.", now)
    return order


def end_obstacle(
    session: Session,
    *,
    request: Request,
    order: EuOrderRecord,
    policy: Policy,
    actor: Actor,
    now: datetime,
) -> EuOrderRecord:
    """The obstacle ended or the clarification came: a removal order's hour runs again in
    full (2021/784 Art. 3(7)-(8)); other orders' deadlines run on as they were."""
    if order.status is not OrderStatus.obstructed:
        raise Conflict("the order is not waiting on an obstacle")
    order.status, order.obstacle, order.obstacle_since = OrderStatus.received, None, None
    if order.kind == "eu_removal_order":
        span = timedelta(minutes=policy.eu_orders.clocks.removal_minutes)
        clocks.restart(
            session,
            order,
            ObligationKind.eu_execute_by,
            span,
            warning_fraction=policy.sla_warning_fraction,
            now=now,
        )
    else:
        clock = clocks.clock_of(order, ObligationKind.eu_execute_by)
        if clock is not None and clock.status is ClockStatus.paused:
            clock.status, clock.paused_at = ClockStatus.running, None
    _log(session, request, actor, "obstacle_ended", "The obstacle ended; the clock runs.", now)
    return order


def production_follows(
    session: Session,
    *,
    request: Request,
    order: EuOrderRecord,
    policy: Policy,
    settings: Settings,
    extend_only: bool,
    actor: Actor,
    now: datetime,
) -> EuOrderRecord:
    """The authority extended a preservation order by 30 days, or confirmed that a request
    for production follows, which keeps the data until it is produced (2023/1543 Art. 11);
    the hold keeping the data moves with the period."""
    if order.kind != "eu_preservation_order":
        raise Conflict("only a European Preservation Order is extended this way")
    clock = clocks.clock_of(order, ObligationKind.eu_preservation_expires)
    if clock is None:
        raise Conflict("the order has no preservation period to extend")
    rules = policy.eu_orders.clocks
    days = (
        rules.preservation_extension_days
        if extend_only
        else (rules.preservation_after_confirmation_days)
    )
    if not extend_only:
        order.production_follows_at = now
    clocks.move_due(
        session,
        order,
        ObligationKind.eu_preservation_expires,
        max(clock.due_at, now) + timedelta(days=days),
        warning_fraction=policy.sla_warning_fraction,
        now=now,
    )
    what = "extended" if extend_only else "kept until production (a request follows)"
    hold_follows_order(session, request, order, settings=settings, actor=actor, now=now)
    _log(session, request, actor, "preservation_extended", f"Preservation {what}.", now)
    return order


def hold_follows_order(
    session: Session,
    request: Request,
    order: EuOrderRecord,
    *,
    settings: Settings,
    actor: Actor,
    now: datetime,
) -> None:
    """The case's hold ends when the preservation order's period ends, not at the holds'
    default expiry."""
    clock = clocks.clock_of(order, ObligationKind.eu_preservation_expires)
    hold = active_hold(session, request.id)
    if clock is None or hold is None:
        return
    follow_order(
        session,
        actor=actor,
        hold=hold,
        expires_at=clock.due_at,
        settings=settings,
        reason="the European Preservation Order's period (Regulation (EU) 2023/1543, Art. 11)",
        now=now,
    )


def _log(
    session: Session, request: Request, actor: Actor, what: str, body: str, now: datetime
) -> None:
    timeline_entry(
        session, request_id=request.id, actor=actor, kind=f"eu_{what}", at=now, body=body
    )
    record_event(
        session,
        actor=actor,
        action=f"eu_order.{what}",
        object_type="request",
        object_id=request.id,
        detail={"body": body},
        at=now,
    )
