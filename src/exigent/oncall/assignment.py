"""Who a new emergency goes to, and telling anyone given a case outside their shift.

A new P0 goes to the analyst on shift with the `emergency` skill who has the least open work,
and among equals the least exposure to harmful content in the last 24 hours. Nobody on shift:
nobody is assigned (the page still goes out). A lead can change it through the case's usual
assignment; if they give it to someone not on shift, that person is told.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from exigent.audit.service import record_event
from exigent.auth.models import Role, User
from exigent.cases.models import Assignment, Request, TimelineEvent
from exigent.legal.notify import notify
from exigent.notifications.events import Event
from exigent.oncall.paging import PAGER
from exigent.oncall.rota import roster_at
from exigent.wellbeing.models import ExposureEvent

EMERGENCY_SKILL = "emergency"
EXPOSURE_WINDOW = timedelta(hours=24)
ASSIGNABLE = (Role.analyst, Role.lead, Role.legal, Role.admin)


def _open_work(session: Session, user_ids: list[int]) -> dict[int, int]:
    rows = session.execute(
        select(Request.assignee_id, func.count())
        .where(Request.assignee_id.in_(user_ids), Request.closed_at.is_(None))
        .group_by(Request.assignee_id)
    )
    return {user_id: count for user_id, count in rows if user_id is not None}


def _exposure(session: Session, user_ids: list[int], now: datetime) -> dict[int, int]:
    rows = session.execute(
        select(ExposureEvent.user_id, func.sum(ExposureEvent.seconds))
        .where(
            ExposureEvent.user_id.in_(user_ids),
            ExposureEvent.revealed_at >= now - EXPOSURE_WINDOW,
        )
        .group_by(ExposureEvent.user_id)
    )
    return {user_id: int(seconds or 0) for user_id, seconds in rows}


def choose_analyst(session: Session, now: datetime) -> int | None:
    """The on-shift emergency analyst with the least open work, then the least exposure."""
    on_shift = roster_at(session, now, ahead=timedelta(0)).holding(EMERGENCY_SKILL)
    ids = [
        p.user_id
        for p in on_shift
        if (user := session.get(User, p.user_id)) is not None and user.role in ASSIGNABLE
    ]
    if not ids:
        return None
    work, exposure = _open_work(session, ids), _exposure(session, ids, now)
    return min(ids, key=lambda i: (work.get(i, 0), exposure.get(i, 0), i))


def assign_new_emergency(session: Session, request: Request, now: datetime) -> int | None:
    """Assign a new P0 by the rule above, without acknowledging it for anyone."""
    if request.assignee_id is not None:
        return request.assignee_id
    chosen = choose_analyst(session, now)
    if chosen is None:
        return None
    person = session.get(User, chosen)
    request.assignee_id = chosen
    session.add(
        Assignment(request_id=request.id, user_id=chosen, assigned_by_id=None, assigned_at=now)
    )
    name = person.name if person is not None else str(chosen)
    session.add(
        TimelineEvent(
            request_id=request.id,
            at=now,
            kind="assigned",
            actor=PAGER.label,
            body=f"Assigned to {name}: on shift for emergencies, with the least open work.",
            data={"assignee_id": chosen, "rule": "p0_least_work"},
        )
    )
    record_event(
        session,
        actor=PAGER,
        action="request.assign",
        object_type="request",
        object_id=request.id,
        before={"assignee_id": None},
        after={"assignee_id": chosen},
        at=now,
    )
    return chosen


def tell_if_off_shift(session: Session, event: Event) -> None:
    """A case given to someone not on shift: they are told, and the timeline says so."""
    assignee_id = event.data.get("assignee_id")
    if not isinstance(assignee_id, int) or event.request_id is None:
        return
    running = [
        u.id
        for s, u in roster_at(session, event.at, ahead=timedelta(0)).rows
        if s.starts_at <= event.at < s.ends_at
    ]
    # A team that keeps no roster has no shifts to be outside of.
    if not running or assignee_id in running:
        return
    person = session.get(User, assignee_id)
    name = person.name if person is not None else str(assignee_id)
    notify(
        session,
        user_id=assignee_id,
        request_id=event.request_id,
        body=f"You were assigned a case outside your shift: {event.summary}",
        at=event.at,
    )
    session.add(
        TimelineEvent(
            request_id=event.request_id,
            at=event.at,
            kind="assigned_off_shift",
            actor=PAGER.label,
            body=f"{name} is not on shift now and was told of this assignment.",
            data={"assignee_id": assignee_id},
        )
    )
