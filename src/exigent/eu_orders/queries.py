"""Reads of EU orders: one order as its panel and the API show it, and each order's times
for the transparency report (DSA Arts. 9-10 and 15; 2021/784 Art. 7)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from exigent.cases.models import Request
from exigent.eu_orders.models import EuOrderMessage, EuOrderRecord
from exigent.eu_orders.schemas import (
    ClockRead,
    ContentRead,
    EuOrderRead,
    MessageRead,
    OrderFigures,
)
from exigent.legal.checks import latest_check
from exigent.legal.eu import stated_reasons
from exigent.legal.policy import Policy


def messages_of(session: Session, order_id: int) -> list[EuOrderMessage]:
    return list(
        session.scalars(
            select(EuOrderMessage)
            .where(EuOrderMessage.order_id == order_id)
            .order_by(EuOrderMessage.id)
        )
    )


def order_read(
    session: Session,
    request: Request,
    order: EuOrderRecord,
    policy: Policy,
    problems: list[dict[str, str]] | None = None,
) -> EuOrderRead:
    """The order with its certificate, clocks, content and messages."""
    check = latest_check(session, request.id)
    return EuOrderRead(
        request_id=request.id,
        reference=request.reference,
        kind=order.kind,
        status=str(order.status),
        certificate=dict(request.record.get("eu_order") or {}),
        issuing_state=order.issuing_state,
        authority_email=order.authority_email,
        received_at=order.received_at,
        confirmed_at=order.confirmed_at,
        receipt_told_at=order.receipt_told_at,
        effect_given_at=order.effect_given_at,
        effect_told_at=order.effect_told_at,
        obstacle=str(order.obstacle) if order.obstacle else None,
        obstacle_detail=order.obstacle_detail,
        production_follows_at=order.production_follows_at,
        missing_elements=list(check.missing_elements) if check else [],
        category_reasons=stated_reasons(
            request.record, policy.eu_orders, check.categories if check else {}
        ),
        sources=policy.eu_orders.sources.get(order.kind),
        clocks=[ClockRead.model_validate(c, from_attributes=True) for c in order.clocks],
        content=[ContentRead.model_validate(i, from_attributes=True) for i in order.items],
        messages=[
            MessageRead.model_validate(m, from_attributes=True)
            for m in messages_of(session, order.id)
        ],
        problems=problems or [],
    )


def transparency_figures(
    session: Session, *, since: datetime, until: datetime
) -> list[OrderFigures]:
    """For each order received in [since, until): when it was received, when the authority
    was told of receipt, when effect was given and when the authority was told of it."""
    rows = session.execute(
        select(EuOrderRecord, Request)
        .join(Request, Request.id == EuOrderRecord.request_id)
        .where(EuOrderRecord.received_at >= since, EuOrderRecord.received_at < until)
        .order_by(EuOrderRecord.received_at, EuOrderRecord.id)
    )
    return [
        OrderFigures(
            request_id=order.request_id,
            reference=case.reference,
            kind=order.kind,
            issuing_state=order.issuing_state,
            received_at=order.received_at,
            receipt_told_at=order.receipt_told_at,
            effect_given_at=order.effect_given_at,
            effect_told_at=order.effect_told_at,
            status=str(order.status),
        )
        for order, case in rows
    ]
