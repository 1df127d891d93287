"""Whether each target of a case names an account the platform has.

A mistyped username is caught where the case is looked at, not when a production finds nothing:
the targets are looked up when the case is triaged, when a decision is drafted and before it
is approved. Each lookup whose answer differs from the last is a timeline entry (`targets`),
so the case page shows the latest answer without asking the platform on every view, and the
history says when a target was corrected.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from exigent.audit.service import record_event
from exigent.auth.models import User
from exigent.auth.service import actor_for
from exigent.cases.models import Request, TimelineEvent
from exigent.config import Settings
from exigent.db import utcnow
from exigent.errors import ExigentError
from exigent.legal.notify import timeline_entry
from exigent.platform_data.adapter import PlatformAdapter
from exigent.platform_data.registry import open_adapter

log = logging.getLogger(__name__)

KIND = "targets"
NO_ACCOUNT = "no such account on the platform"


def label(identifier_type: str, value: str) -> str:
    """A target as decisions and productions name it (`username:night.owl.77`)."""
    return f"{identifier_type}:{value}"


def look_up(adapter: PlatformAdapter, request: Request) -> list[str]:
    """Labels of the case's targets the platform has no account for, in the case's order."""
    return [
        label(t.identifier_type, t.value)
        for t in sorted(request.targets, key=lambda t: t.position)
        if adapter.find_account(str(t.identifier_type), t.value) is None
    ]


def check_targets(
    session: Session, *, user: User, request: Request, adapter: PlatformAdapter, now: datetime
) -> list[str]:
    """Look the targets up; say on the timeline (and audit) when the answer has changed."""
    unknown = look_up(adapter, request)
    latest = _latest(session, request.id)
    if latest is not None and unknown == _unknown_in(latest):
        return unknown
    body = (
        "Not found on the platform: "
        + ", ".join(unknown)
        + ". Correct the target with the requester, or withhold it in the decision."
        if unknown
        else "Every target has an account on the platform."
    )
    actor = actor_for(user)
    timeline_entry(
        session,
        request_id=request.id,
        actor=actor,
        kind=KIND,
        at=now,
        body=body,
        data={"unknown": unknown, "adapter": adapter.name},
    )
    record_event(
        session,
        actor=actor,
        action="request.targets_checked",
        object_type="request",
        object_id=request.id,
        detail={"unknown": unknown, "adapter": adapter.name},
        at=now,
    )
    return unknown


def _latest(session: Session, request_id: int) -> TimelineEvent | None:
    return session.execute(
        select(TimelineEvent)
        .where(TimelineEvent.request_id == request_id, TimelineEvent.kind == KIND)
        .order_by(TimelineEvent.at.desc(), TimelineEvent.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def _unknown_in(event: TimelineEvent) -> list[str]:
    return [str(x) for x in (event.data or {}).get("unknown", [])]


def unknown_targets(session: Session, request_id: int) -> list[str]:
    """The targets the latest lookup found no account for (none before the first lookup)."""
    latest = _latest(session, request_id)
    return [] if latest is None else _unknown_in(latest)


def look_up_targets(
    session: Session, *, settings: Settings, user: User, request: Request, now: datetime
) -> list[str] | None:
    """`check_targets` with the configured adapter; None when the platform cannot answer.

    A lookup only informs: a platform that is down must not stop a case from moving (an
    emergency is never held up), and the production still refuses an unknown target.
    """
    try:
        with open_adapter(settings) as adapter:
            return check_targets(session, user=user, request=request, adapter=adapter, now=now)
    except (ExigentError, OSError) as exc:
        log.warning("targets of case %s not looked up: %s", request.id, exc)
        return None


def look_up_after_draft(
    session: Session, *, settings: Settings, user: User, request_id: int
) -> list[str] | None:
    """The lookup a drafted decision makes: the drafter sees an unknown target straight away."""
    request = session.get(Request, request_id)
    if request is None:
        return None
    return look_up_targets(session, settings=settings, user=user, request=request, now=utcnow())
