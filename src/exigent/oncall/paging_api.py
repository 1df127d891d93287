"""On call's JSON routes: who is on call, the pages, answering them, PagerDuty's webhook."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query, Request

from exigent.auth.models import User
from exigent.auth.permissions import Permission
from exigent.auth.service import require
from exigent.config import Settings
from exigent.db import utcnow
from exigent.oncall import pagerduty, queries, service
from exigent.oncall.models import Alert
from exigent.oncall.paging_schemas import (
    AlertRead,
    DeliveryRead,
    LevelRead,
    OnCallNow,
    PersonOnCall,
    WebhookAnswer,
)
from exigent.oncall.rota import LevelOnCall, OnCall, headline_policy, levels_on_call
from exigent.web.deps import CurrentUser, IntRowId, SessionDep

router = APIRouter(prefix="/api/v1/oncall", tags=["oncall"])
MAX_BODY = 256 * 1024


def _holding(permission: Permission) -> Callable[[User], User]:
    def check(user: CurrentUser) -> User:
        require(user, permission)
        return user

    return check


Reader = Annotated[User, Depends(_holding(Permission.oncall_read))]
Responder = Annotated[User, Depends(_holding(Permission.oncall_respond))]


def _person(p: OnCall) -> PersonOnCall:
    return PersonOnCall(
        user_id=p.user_id,
        name=p.name,
        email=p.email,
        zone=p.zone,
        shift_starts_at=p.starts_at,
        shift_ends_at=p.ends_at,
    )


def _level(level: LevelOnCall) -> LevelRead:
    return LevelRead(
        position=level.position,
        target_kind=str(level.target_kind),
        target=level.target,
        label=level.label,
        timeout_minutes=level.timeout_minutes,
        now=[_person(p) for p in level.now],
        next=[_person(p) for p in level.next],
    )


def alert_read(alert: Alert, trail: list[DeliveryRead]) -> AlertRead:
    return AlertRead(
        id=alert.id,
        trigger=alert.trigger,
        summary=alert.summary,
        severity=alert.severity,
        status=str(alert.status),
        request_id=alert.request_id,
        dedup_key=alert.dedup_key,
        opened_at=alert.opened_at,
        steps=alert.steps,
        acknowledged_at=alert.acknowledged_at,
        acknowledged_by_id=alert.acknowledged_by_id,
        acknowledged_via=alert.acknowledged_via,
        resolved_at=alert.resolved_at,
        deliveries=trail,
    )


def _trail(session: SessionDep, alert: Alert) -> list[DeliveryRead]:
    return [
        DeliveryRead(
            user_id=d.user_id,
            channel=d.channel,
            step=d.step,
            attempt=d.attempt,
            at=d.at,
            delivered=d.delivered,
            detail=d.detail,
        )
        for d in queries.trail(session, [alert.id]).get(alert.id, [])
    ]


@router.get("/now")
def on_call_now(request: Request, session: SessionDep, user: Reader) -> OnCallNow:
    """For each escalation level of the emergencies' policy: who is on call now and next."""
    settings: Settings = request.app.state.settings
    now = utcnow()
    policy = headline_policy(session)
    levels = levels_on_call(session, now, head_email=settings.oncall_head_email, policy=policy)
    return OnCallNow(
        at=now, policy=policy.name if policy else None, levels=[_level(x) for x in levels]
    )


@router.get("/alerts")
def list_alerts(
    session: SessionDep,
    user: Reader,
    open_only: Annotated[bool, Query()] = False,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> list[AlertRead]:
    """Pages, newest first, each with its delivery trail."""
    alerts = queries.recent_alerts(session, open_only=open_only, limit=limit)
    return [alert_read(a, _trail(session, a)) for a in alerts]


@router.post("/alerts/{alert_id}/acknowledge")
def acknowledge(alert_id: IntRowId, session: SessionDep, user: Responder) -> AlertRead:
    """Acknowledge a page: its escalation stops."""
    alert = service.acknowledge(session, user=user, alert_id=alert_id, via="api", now=utcnow())
    session.commit()
    return alert_read(alert, _trail(session, alert))


@router.post("/alerts/{alert_id}/resolve")
def resolve(alert_id: IntRowId, session: SessionDep, user: Responder) -> AlertRead:
    """Resolve a page (acknowledging it if nobody had)."""
    alert = service.resolve(session, user=user, alert_id=alert_id, via="api", now=utcnow())
    session.commit()
    return alert_read(alert, _trail(session, alert))


async def _raw_body(request: Request) -> bytes:
    """The body as sent: the signature is over these exact bytes."""
    return (await request.body())[:MAX_BODY]


RawBody = Annotated[bytes, Depends(_raw_body)]


@router.post(
    "/pagerduty",
    responses={403: {"description": "the signature does not match"}},
)
def pagerduty_webhook(
    request: Request,
    session: SessionDep,
    body: RawBody,
    x_pagerduty_signature: Annotated[str | None, Header()] = None,
) -> WebhookAnswer:
    """PagerDuty V3 webhook: `incident.acknowledged` / `incident.resolved` answer our page.
    Signed by PagerDuty, not by a user: the signature is the credential."""
    settings: Settings = request.app.state.settings
    pagerduty.verify(settings.pagerduty_webhook_secret, body, x_pagerduty_signature)
    answer = pagerduty.parse(body)
    if answer is None:
        return WebhookAnswer(matched=False)
    alert = service.answer_from_pagerduty(
        session,
        dedup_key=answer.dedup_key,
        event_type=answer.event_type,
        agent=answer.agent,
        now=utcnow(),
    )
    session.commit()
    return WebhookAnswer(matched=alert is not None, alert_id=alert.id if alert else None)
