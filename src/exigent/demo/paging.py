"""Demo pages: the default escalation policies, two past pages with their delivery trails and
acknowledgements, and one page open now (the worker walks it through the policy for real)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from exigent.auth.models import User
from exigent.cases.models import Priority, Request, TimelineEvent
from exigent.oncall.models import Alert, AlertStatus, ChannelKind, DeliveryAttempt
from exigent.oncall.paging import open_page
from exigent.oncall.policies import ensure_defaults

PAGER = "paging"


def seed_paging(session: Session, staff: dict[str, User], now: datetime) -> None:
    ensure_defaults(session, now=now - timedelta(days=3))
    p0 = list(
        session.scalars(
            select(Request).where(Request.priority == Priority.P0).order_by(Request.id).limit(3)
        )
    )
    if len(p0) < 3:
        return
    analyst, lead = staff["analyst"], staff["lead"]
    _past(
        session,
        p0[0],
        opened=now - timedelta(hours=20),
        trail=[
            (
                analyst,
                ChannelKind.slack,
                False,
                "could not connect: [Errno 111] Connection refused",
            ),
            (analyst, ChannelKind.email, True, "accepted by the mail relay"),
        ],
        acknowledged_by=analyst,
        via="link",
        resolved=True,
    )
    second = _past(
        session,
        p0[1],
        opened=now - timedelta(hours=6),
        trail=[
            (analyst, ChannelKind.pagerduty, True, "202 Accepted"),
            (lead, ChannelKind.webhook, False, "503 Service Unavailable"),
            (lead, ChannelKind.email, True, "accepted by the mail relay"),
        ],
        acknowledged_by=lead,
        via="console",
        resolved=False,
    )
    # Acknowledged in the console: PagerDuty, which paged the analyst, was told so.
    _pagerduty_followed(session, second, analyst, p0[1])
    open_page(
        session,
        trigger="p0_new",
        summary=f"New P0 emergency {p0[2].reference} ({p0[2].emergency_nature or p0[2].kind})",
        request_id=p0[2].id,
        severity="critical",
        dedup_key=f"p0_new:{p0[2].id}",
        now=now,
    )


def _past(
    session: Session,
    case: Request,
    *,
    opened: datetime,
    trail: list[tuple[User, ChannelKind, bool, str]],
    acknowledged_by: User,
    via: str,
    resolved: bool,
) -> Alert:
    acknowledged = opened + timedelta(minutes=4)
    alert = Alert(
        trigger="p0_new",
        summary=f"New P0 emergency {case.reference} ({case.emergency_nature or case.kind})",
        severity="critical",
        request_id=case.id,
        dedup_key=f"p0_new:{case.id}",
        open_key=None,
        status=AlertStatus.resolved if resolved else AlertStatus.acknowledged,
        opened_at=opened,
        steps=2 if len({u.id for u, *_ in trail}) > 1 else 1,
        acknowledged_at=acknowledged,
        acknowledged_by_id=acknowledged_by.id,
        acknowledged_via=via,
        resolved_at=acknowledged + timedelta(minutes=40) if resolved else None,
        resolved_by_id=acknowledged_by.id if resolved else None,
    )
    session.add(alert)
    session.flush()
    _entry(session, case, opened, "page_opened", f"Page opened: {alert.summary}")
    for i, (person, channel, ok, detail) in enumerate(trail):
        at = opened + timedelta(seconds=1 + 20 * i)
        session.add(
            DeliveryAttempt(
                alert_id=alert.id,
                user_id=person.id,
                channel=str(channel),
                step=1 if person.id == trail[0][0].id else 2,
                attempt=1,
                at=at,
                delivered=ok,
                detail=detail,
            )
        )
        said = (
            f"Paged {person.name} by {channel}: delivered."
            if ok
            else f"Paging {person.name} by {channel} failed ({detail}); trying the next method."
        )
        _entry(session, case, at, "page_delivered" if ok else "page_failed", said)
    _entry(
        session,
        case,
        acknowledged,
        "page_acknowledged",
        f"Page acknowledged by {acknowledged_by.name} "
        f"{'by the link in the message' if via == 'link' else 'in the console'}.",
    )
    return alert


def _pagerduty_followed(session: Session, alert: Alert, person: User, case: Request) -> None:
    at = (alert.acknowledged_at or alert.opened_at) + timedelta(seconds=1)
    session.add(
        DeliveryAttempt(
            alert_id=alert.id,
            user_id=person.id,
            channel=str(ChannelKind.pagerduty),
            step=-2,
            attempt=1,
            at=at,
            delivered=True,
            detail="acknowledge: 202 Accepted",
        )
    )
    _entry(session, case, at, "page_followed", "PagerDuty (pagerduty) told: acknowledge.")


def _entry(session: Session, case: Request, at: datetime, kind: str, body: str) -> None:
    session.add(TimelineEvent(request_id=case.id, at=at, kind=kind, actor=PAGER, body=body))
