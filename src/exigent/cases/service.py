"""Rules and transitions of a case (intake is in `requests.intake`). Takes the acting user
explicitly; never commits."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import update
from sqlalchemy.orm import Session

from exigent.audit.service import Actor, record_event
from exigent.auth.models import Role, User
from exigent.auth.permissions import Permission
from exigent.auth.service import actor_for, require
from exigent.cases.lifecycle import (
    ACKNOWLEDGED_STATUSES,
    DECIDED_STATUSES,
    RejectionReason,
    Status,
    allowed_next,
    can_move,
)
from exigent.cases.models import (
    Assignment,
    Request,
    TimelineEvent,
)
from exigent.cases.officer_mail import tell_officer
from exigent.cases.scope import read_scope
from exigent.db import utcnow
from exigent.errors import BadInput, Conflict, Forbidden, NotFound
from exigent.notifications.events import Event, publish

# Moves that must say why, because someone will later ask.
REASON_REQUIRED = frozenset({Status.rejected, Status.withdrawn, Status.need_info})


def timeline_entry(
    session: Session, request: Request, actor: Actor, kind: str, at: datetime, **details: Any
) -> TimelineEvent:
    """Add an entry to the case's timeline; `details` as `timeline_row` takes them."""
    event = TimelineEvent(**timeline_row(request.id, actor, kind, at, **details))
    session.add(event)
    return event


def timeline_row(
    request_id: int,
    actor: Actor,
    kind: str,
    at: datetime,
    *,
    from_status: str | None = None,
    to_status: str | None = None,
    body: str | None = None,
    visible: bool = False,
    data: dict[str, Any] | None = None,
) -> dict[str, Any]:
    return {
        "request_id": request_id,
        "at": at,
        "kind": kind,
        "actor_id": actor.id,
        "actor": actor.label,
        "from_status": from_status,
        "to_status": to_status,
        "body": body,
        "visible_to_requester": visible,
        "data": data or {},
    }


def load_for(session: Session, user: User, request_id: int, *, for_update: bool = False) -> Request:
    """The case if this user may see it; 404 otherwise (never confirm a case exists).

    `for_update` locks its row first, so that work which also appends to the audit chain
    takes its locks in one order (case, then chain head) and two such moves cannot deadlock.
    """
    request = session.get(
        Request, request_id, with_for_update=for_update, populate_existing=for_update
    )
    if request is None or not may_read(user, request):
        raise NotFound(f"no request {request_id} that you can see")
    return request


def may_read(user: User, request: Request) -> bool:
    return read_scope(user).admits(request)


def record_read(session: Session, user: User, request: Request) -> None:
    record_event(
        session,
        actor=actor_for(user),
        action="request.read",
        object_type="request",
        object_id=request.id,
    )


def _parse_status(value: str) -> Status:
    try:
        return Status(value)
    except ValueError:
        raise BadInput(
            f"to: {value!r} is not a status; one of {', '.join(Status)}", field="to"
        ) from None


def _parse_rejection_reason(value: str | None, target: Status) -> RejectionReason | None:
    if value is None:
        return None
    if target is not Status.rejected:
        raise BadInput("reason_code: only a rejection takes a reason code", field="reason_code")
    try:
        return RejectionReason(value)
    except ValueError:
        raise BadInput(
            f"reason_code: {value!r} is not a reason; one of {', '.join(RejectionReason)}",
            field="reason_code",
        ) from None


def _check_transition_rights(user: User, target: Status) -> None:
    if user.role == Role.requester:
        if target is not Status.withdrawn:
            raise Forbidden("a requester can only withdraw a request")
        require(user, Permission.request_withdraw)
        return
    require(user, Permission.request_transition)
    if target is Status.approved:
        require(user, Permission.disclosure_approve)


class MoveGuard(Protocol):
    """What a move must pass before the lifecycle makes it: approval's checks, assembled by the
    application (`exigent.workflow.approval`), guard the move to `approved`."""

    def __call__(
        self, session: Session, *, user: User, request: Request, to: Status, now: datetime
    ) -> None: ...


def transition(
    session: Session,
    *,
    user: User,
    request_id: int,
    to: str,
    reason: str | None,
    reason_code: str | None = None,
    expected_version: int | None = None,
    now: datetime | None = None,
    guard: MoveGuard | None = None,
) -> Request:
    """Move a case to another status; exactly one of two racing moves wins, the other gets 409.

    A rejection may carry a `reason_code` (`RejectionReason`), kept in the timeline entry's
    data: it is how a rejection for fraud is told from any other, whatever the words."""
    now = now or utcnow()
    target = _parse_status(to)
    code = _parse_rejection_reason(reason_code, target)
    request = load_for(session, user, request_id, for_update=True)
    current = request.status
    if guard is not None:
        guard(session, user=user, request=request, to=target, now=now)
    elif target is Status.approved:
        # Fail closed: no caller may approve a disclosure without approval's checks.
        raise RuntimeError("moving a case to approved needs the approval checks (guard)")
    _check_transition_rights(user, target)
    if not can_move(current, target):
        raise Conflict(
            f"cannot move from {current} to {target}; allowed: "
            f"{', '.join(allowed_next(current)) or 'none (final)'}",
            allowed=allowed_next(current),
            status=str(current),
        )
    if target in REASON_REQUIRED and not (reason and reason.strip()):
        raise BadInput(f"reason: required when moving to {target}", field="reason")
    if expected_version is not None and expected_version != request.version:
        raise Conflict(
            f"the case changed (version {request.version}, you had "
            f"{expected_version}); reload and try again"
        )
    _compare_and_swap(session, request, current, target, now)
    actor = actor_for(user)
    event = timeline_entry(
        session,
        request,
        actor,
        "transition",
        now,
        from_status=current,
        to_status=target,
        body=reason,
        visible=target in {Status.need_info, Status.rejected, Status.withdrawn, Status.delivered},
        data={"reason_code": str(code)} if code else None,
    )
    record_event(
        session,
        actor=actor,
        action="request.transition",
        object_type="request",
        object_id=request.id,
        before={"status": str(current)},
        after={"status": str(target)},
        detail={"reason": reason} | ({"reason_code": str(code)} if code else {}),
        at=now,
    )
    tell_officer(session, request, event, author=user, now=now)
    session.refresh(request)
    return request


def _compare_and_swap(
    session: Session, request: Request, current: Status, target: Status, now: datetime
) -> None:
    values: dict[str, Any] = {"status": target, "version": Request.version + 1, "updated_at": now}
    if target in ACKNOWLEDGED_STATUSES and request.acknowledged_at is None:
        values["acknowledged_at"] = now
    if target in DECIDED_STATUSES and request.decided_at is None:
        values["decided_at"] = now
    if target is Status.closed:
        values["closed_at"] = now
    result = session.execute(
        update(Request)
        .where(
            Request.id == request.id, Request.status == current, Request.version == request.version
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict("someone else changed this case at the same moment; reload and retry")


def assign(
    session: Session,
    *,
    user: User,
    request_id: int,
    assignee_id: int,
    now: datetime | None = None,
) -> Request:
    now = now or utcnow()
    require(user, Permission.request_assign)
    request = load_for(session, user, request_id)
    assignee = session.get(User, assignee_id)
    if (
        assignee is None
        or not assignee.is_active
        or assignee.role
        not in (
            Role.analyst,
            Role.lead,
            Role.legal,
            Role.admin,
        )
    ):
        raise BadInput(
            f"assignee_id: {assignee_id} is not an active analyst, lead or legal user",
            field="assignee_id",
        )
    previous = request.assignee_id
    session.execute(
        update(Assignment)
        .where(Assignment.request_id == request.id, Assignment.ended_at.is_(None))
        .values(ended_at=now)
    )
    session.add(
        Assignment(
            request_id=request.id, user_id=assignee.id, assigned_by_id=user.id, assigned_at=now
        )
    )
    request.assignee_id = assignee.id
    request.acknowledged_at = request.acknowledged_at or now
    request.version += 1
    request.updated_at = now
    actor = actor_for(user)
    timeline_entry(
        session,
        request,
        actor,
        "assigned",
        now,
        body=f"Assigned to {assignee.name}.",
        data={"assignee_id": assignee.id, "previous_assignee_id": previous},
    )
    record_event(
        session,
        actor=actor,
        action="request.assign",
        object_type="request",
        object_id=request.id,
        before={"assignee_id": previous},
        after={"assignee_id": assignee.id},
        at=now,
    )
    # Whoever is given a case outside their shift is told (on call listens).
    publish(
        session,
        Event(
            "case_assigned",
            now,
            request.id,
            f"{request.reference}, by {user.name}",
            {"assignee_id": assignee.id, "by": user.id},
        ),
    )
    session.flush()
    return request


def add_note(
    session: Session,
    *,
    user: User,
    request_id: int,
    body: str,
    visible_to_requester: bool,
    now: datetime | None = None,
) -> TimelineEvent:
    now = now or utcnow()
    require(user, Permission.request_note)
    request = load_for(session, user, request_id)
    # What an officer writes is by nature visible to them; staff choose per note.
    visible = True if user.role == Role.requester else visible_to_requester
    actor = actor_for(user)
    event = timeline_entry(session, request, actor, "note", now, body=body, visible=visible)
    record_event(
        session,
        actor=actor,
        action="request.note",
        object_type="request",
        object_id=request.id,
        after={"body": body, "visible": visible},
        at=now,
    )
    tell_officer(session, request, event, author=user, now=now)
    session.flush()
    return event


def record_list(session: Session, user: User, request_ids: list[int]) -> None:
    """A listing shows case data too, so it is logged with the cases it showed."""
    record_event(
        session,
        actor=actor_for(user),
        action="request.list",
        object_type="request",
        detail={"ids": request_ids},
    )
