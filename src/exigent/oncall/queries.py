"""Reads of pages and their delivery trails (every staff member may read them)."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from exigent.oncall.models import Alert, AlertStatus, DeliveryAttempt


def recent_alerts(session: Session, *, open_only: bool, limit: int) -> list[Alert]:
    statement = select(Alert).order_by(Alert.opened_at.desc(), Alert.id.desc()).limit(limit)
    if open_only:
        statement = statement.where(Alert.status == AlertStatus.open)
    return list(session.scalars(statement))


def alerts_of_case(session: Session, request_id: int) -> list[Alert]:
    return list(
        session.scalars(
            select(Alert).where(Alert.request_id == request_id).order_by(Alert.opened_at.desc())
        )
    )


def open_alerts_of_case(session: Session, request_id: int) -> list[Alert]:
    return list(
        session.scalars(
            select(Alert)
            .where(Alert.request_id == request_id, Alert.status == AlertStatus.open)
            .order_by(Alert.opened_at)
        )
    )


def trail(session: Session, alert_ids: list[int]) -> dict[int, list[DeliveryAttempt]]:
    """Each page's delivery attempts, in the order they were made."""
    found: dict[int, list[DeliveryAttempt]] = defaultdict(list)
    if not alert_ids:
        return found
    for attempt in session.scalars(
        select(DeliveryAttempt)
        .where(DeliveryAttempt.alert_id.in_(alert_ids))
        .order_by(DeliveryAttempt.at, DeliveryAttempt.id)
    ):
        found[attempt.alert_id].append(attempt)
    return found
