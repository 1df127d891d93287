"""Answering a page: acknowledge (stops the escalation) and resolve. Never commits."""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from exigent.audit.service import Actor, record_event
from exigent.auth.models import User
from exigent.auth.permissions import Permission
from exigent.auth.service import actor_for, require
from exigent.db import utcnow
from exigent.errors import ExigentError, NotFound
from exigent.oncall import ack_links
from exigent.oncall.channels import Action
from exigent.oncall.models import Alert, AlertStatus, DeliveryAttempt
from exigent.oncall.pagerduty_follow import follow
from exigent.oncall.paging import PAGER, timeline

# How an acknowledgement arrived, as the timeline and audit log say it.
VIA_WORDS = {
    "console": "in the console",
    "api": "by the API",
    "link": "by the link in the message",
    "pagerduty": "in PagerDuty",
}


def _load(session: Session, alert_id: int) -> Alert:
    alert = session.get(Alert, alert_id, with_for_update=True, populate_existing=True)
    if alert is None:
        raise NotFound(f"no page {alert_id}")
    return alert


def _close(
    session: Session,
    alert: Alert,
    *,
    to: AlertStatus,
    by: User | None,
    actor: Actor,
    via: str,
    now: datetime,
) -> Alert:
    """Move an open or acknowledged page on; answering it again changes nothing."""
    if alert.status is AlertStatus.resolved or alert.status is to:
        return alert
    before = str(alert.status)
    if alert.acknowledged_at is None:
        alert.acknowledged_at, alert.acknowledged_via = now, via
        alert.acknowledged_by_id = by.id if by is not None else None
    if to is AlertStatus.resolved:
        alert.resolved_at = now
        alert.resolved_by_id = by.id if by is not None else None
    alert.status = to
    # Closed: the dedup key may open a new page later; pending step rows find it closed.
    alert.open_key = None
    who = by.name if by is not None else actor.label
    verb = "acknowledged" if to is AlertStatus.acknowledged else "resolved"
    timeline(
        session, alert, now, f"page_{verb}", f"Page {verb} by {who} {VIA_WORDS.get(via, via)}."
    )
    record_event(
        session,
        actor=actor,
        action=f"oncall.page_{'acknowledge' if to is AlertStatus.acknowledged else 'resolve'}",
        object_type="oncall_alert",
        object_id=alert.id,
        before={"status": before},
        after={"status": str(to)},
        detail={"via": via},
        at=now,
    )
    follow(
        session,
        alert,
        Action.acknowledge if to is AlertStatus.acknowledged else Action.resolve,
        via=via,
        now=now,
    )
    return alert


def acknowledge(session: Session, *, user: User, alert_id: int, via: str, now: datetime) -> Alert:
    require(user, Permission.oncall_respond)
    alert = _load(session, alert_id)
    return _close(
        session,
        alert,
        to=AlertStatus.acknowledged,
        by=user,
        actor=actor_for(user),
        via=via,
        now=now,
    )


def resolve(session: Session, *, user: User, alert_id: int, via: str, now: datetime) -> Alert:
    require(user, Permission.oncall_respond)
    alert = _load(session, alert_id)
    return _close(
        session, alert, to=AlertStatus.resolved, by=user, actor=actor_for(user), via=via, now=now
    )


def acknowledge_by_link(session: Session, *, token: str, now: datetime) -> Alert:
    """The one-time link's POST: acknowledge as the person the link was sent to."""
    link = ack_links.usable(session, token, now, lock=True)
    link.used_at = now
    person = session.get(User, link.user_id) if link.user_id else None
    alert = _load(session, link.alert_id)
    actor = actor_for(person) if person is not None else PAGER
    record_event(
        session,
        actor=actor,
        action="oncall.ack_link_use",
        object_type="oncall_alert",
        object_id=alert.id,
        detail={"link_id": link.id},
        at=now,
    )
    return _close(
        session, alert, to=AlertStatus.acknowledged, by=person, actor=actor, via="link", now=now
    )


def answer_from_pagerduty(
    session: Session, *, dedup_key: str, event_type: str, agent: str, now: datetime
) -> Alert | None:
    """PagerDuty's webhook: the page with this dedup key acknowledged or resolved there."""
    alert = session.scalar(
        select(Alert).where(Alert.dedup_key == dedup_key).order_by(Alert.id.desc()).limit(1)
    )
    if alert is None:
        return None
    alert = _load(session, alert.id)
    to = AlertStatus.resolved if event_type == "incident.resolved" else AlertStatus.acknowledged
    actor = Actor(
        id=None, label=f"pagerduty:{agent}"[:200] if agent else "pagerduty", role="system"
    )
    return _close(session, alert, to=to, by=None, actor=actor, via="pagerduty", now=now)


def open_pages_for(session: Session, user: User) -> list[Alert]:
    """The open pages this person was sent (or tried): what their header offers to acknowledge."""
    return list(
        session.scalars(
            select(Alert)
            .where(
                Alert.status == AlertStatus.open,
                Alert.id.in_(
                    select(DeliveryAttempt.alert_id).where(DeliveryAttempt.user_id == user.id)
                ),
            )
            .order_by(Alert.opened_at.desc())
            .limit(5)
        )
    )


def record_link_refusal(factory: sessionmaker[Session], token: str, exc: ExigentError) -> None:
    """A forged, used or expired link, on the record in a transaction of its own (the
    attempt's own was rolled back)."""
    with factory() as session:
        record_event(
            session,
            actor=Actor.system("acknowledge-link"),
            action="oncall.ack_link_refused",
            object_type="oncall_ack_link",
            detail={
                "status": exc.status_code,
                "reason": exc.message,
                # A prefix of the digest identifies the link without making it usable.
                "token_sha256": hashlib.sha256(token.encode()).hexdigest()[:16],
            },
            at=utcnow(),
        )
        session.commit()
