"""Case timeline entries and in-app notifications written by the legal services and jobs."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from exigent.audit.service import Actor
from exigent.auth.models import User
from exigent.cases.models import TimelineEvent
from exigent.errors import NotFound
from exigent.legal.models import Notification

MAX_PAGE = 200


def timeline_entry(
    session: Session,
    *,
    request_id: int,
    actor: Actor,
    kind: str,
    at: datetime,
    body: str,
    visible: bool = False,
    data: dict[str, Any] | None = None,
) -> TimelineEvent:
    event = TimelineEvent(
        request_id=request_id,
        at=at,
        kind=kind,
        actor_id=actor.id,
        actor=actor.label,
        body=body,
        visible_to_requester=visible,
        data=data or {},
    )
    session.add(event)
    return event


def notify(
    session: Session, *, user_id: int, request_id: int | None, body: str, at: datetime
) -> Notification:
    """A message waiting in one user's inbox; other channels will deliver from these rows."""
    notification = Notification(user_id=user_id, request_id=request_id, body=body, created_at=at)
    session.add(notification)
    return notification


def notifications_for(
    session: Session, *, user: User, unread_only: bool, limit: int
) -> list[Notification]:
    """The user's own notifications, newest first."""
    statement = select(Notification).where(Notification.user_id == user.id)
    if unread_only:
        statement = statement.where(Notification.read_at.is_(None))
    statement = statement.order_by(Notification.id.desc()).limit(max(1, min(limit, MAX_PAGE)))
    return list(session.execute(statement).scalars())


def mark_read(session: Session, *, user: User, notification_id: int, at: datetime) -> Notification:
    """Mark one of the user's notifications read; someone else's reads as not found."""
    notification = session.get(Notification, notification_id)
    if notification is None or notification.user_id != user.id:
        raise NotFound(f"no notification {notification_id} of yours")
    notification.read_at = notification.read_at or at
    return notification
