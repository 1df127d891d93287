"""The order executed: effect given at a time, the execution clock met, the confirmation
drafted for the authority and, for removed content, the notice to each of its providers
(2021/784 Art. 11) at the address the platform has for them. Never commits."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from exigent.audit.service import Actor, record_event
from exigent.cases.models import Request
from exigent.eu_orders import clocks, messages
from exigent.eu_orders.models import EuOrderRecord, MessageKind, OrderStatus
from exigent.legal.notify import timeline_entry
from exigent.legal.schemas import ObligationKind

CONTENT_KINDS = frozenset({"eu_removal_order", "dsa_order_to_act"})


def by_provider(order: EuOrderRecord) -> dict[str, list[str]]:
    """The removed items by the address the platform has for their provider; "" collects
    those it has none for, which the analyst addresses."""
    found: dict[str, list[str]] = {}
    for item in order.items:
        if item.restricted_at is not None:
            address = str(item.restriction.get("provider_address") or "")
            found.setdefault(address, []).append(item.locator)
    return found


def executed(
    session: Session,
    request: Request,
    order: EuOrderRecord,
    actor: Actor,
    user_id: int,
    given: datetime,
    now: datetime,
) -> None:
    """Effect was given at `given`: the order is executed and its answers drafted."""
    order.status, order.effect_given_at = OrderStatus.executed, given
    order.obstacle = order.obstacle_since = None
    clocks.meet(order, ObligationKind.eu_execute_by, now)
    messages.draft(
        session,
        order=order,
        request=request,
        kind=MessageKind.execution,
        actor=actor,
        user_id=user_id,
        now=now,
    )
    certificate = request.record.get("eu_order") or {}
    if order.kind in CONTENT_KINDS and certificate.get("content_provider_may_be_told") is not False:
        for address, locators in by_provider(order).items():
            messages.draft(
                session,
                order=order,
                request=request,
                kind=MessageKind.content_provider,
                actor=actor,
                user_id=user_id,
                now=now,
                to_address=address,
                locators=locators,
            )
    body = f"The order was executed: effect given on {given:%Y-%m-%d %H:%M:%S} UTC."
    timeline_entry(
        session, request_id=request.id, actor=actor, kind="eu_executed", at=now, body=body
    )
    record_event(
        session,
        actor=actor,
        action="eu_order.execute",
        object_type="request",
        object_id=request.id,
        detail={"kind": order.kind, "effect_given_at": given.isoformat()},
        at=now,
    )
