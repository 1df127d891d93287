"""Rules and transitions of a case. Takes the acting user explicitly; never commits."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from exigent.audit.service import Actor, canonical, record_event
from exigent.auth.models import Role, User
from exigent.auth.permissions import Permission
from exigent.auth.service import actor_for, require
from exigent.db import insert_ignoring_conflict, utcnow
from exigent.directory.models import AgencyDomain
from exigent.errors import BadInput, Conflict, Forbidden, NotFound
from exigent.files import FileStore
from exigent.legal.approval import approval_gate
from exigent.legal.checks import judge_case
from exigent.legal.engine import judge
from exigent.legal.policy import Policy
from exigent.legal.schemas import LegalCheck
from exigent.legal.versions import current_policy
from exigent.portal.messages import tell_officer
from exigent.requests.clocks import clocks_for, schedule_sla_deadlines
from exigent.requests.lifecycle import (
    ACKNOWLEDGED_STATUSES,
    DECIDED_STATUSES,
    Status,
    allowed_next,
    can_move,
)
from exigent.requests.models import (
    Assignment,
    Document,
    Request,
    Requester,
    Target,
    TimelineEvent,
)
from exigent.requests.schemas import IntakeRecord
from exigent.verification.intake import Assessed, assess_on_intake, assess_record

# A clock skew of a few minutes is normal; a request from tomorrow is a data error.
FUTURE_TOLERANCE = timedelta(minutes=10)
# Moves that must say why, because someone will later ask.
REASON_REQUIRED = frozenset({Status.rejected, Status.withdrawn, Status.need_info})


def submission_digest(record: IntakeRecord) -> str:
    return _digest_of(record.as_submitted())


def _digest_of(submitted: dict[str, Any]) -> str:
    return hashlib.sha256(canonical(submitted).encode()).hexdigest()


def _existing_for_key(session: Session, user: User, key: str) -> Request | None:
    return session.execute(
        select(Request).where(Request.submitted_by_id == user.id, Request.idempotency_key == key)
    ).scalar_one_or_none()


def find_replay(
    session: Session, *, user: User, record: IntakeRecord, idempotency_key: str | None
) -> Request | None:
    """The case an earlier identical submission created, or None; a reused key with a
    different body is a conflict, never a silent merge."""
    key = idempotency_key or record.id
    if not key:
        return None
    existing = _existing_for_key(session, user, key)
    if existing is None:
        return None
    if existing.submission_digest != submission_digest(record):
        raise Conflict(
            f"idempotency key {key!r} was already used for a different request "
            f"({existing.reference}); use a new key for a new request",
            reference=existing.reference,
        )
    return existing


def _upsert_requester(session: Session, record: IntakeRecord, now: datetime) -> Requester | None:
    """The requester row for the record's email, created on first sight. Two first requests
    from one officer may arrive at once, so creation tolerates the other having won."""
    person = record.requester
    if not person.email or not person.email.strip():
        return None
    email = person.email.strip().lower()
    by_email = select(Requester).where(Requester.email == email)
    requester = session.execute(by_email).scalar_one_or_none()
    if requester is None:
        insert_ignoring_conflict(
            session,
            Requester,
            {"email": email, "first_seen_at": now, "last_seen_at": now, "status": "unverified"},
            conflict_on=["email"],
        )
        requester = session.execute(by_email).scalar_one()
    requester.name = person.name or requester.name
    requester.title = person.title or requester.title
    requester.badge_number = person.badge_number or requester.badge_number
    requester.phone = person.phone or requester.phone
    requester.agency_name = person.agency_name or requester.agency_name
    requester.last_seen_at = now
    return requester


def _agency_id_for_email(session: Session, email: str | None) -> int | None:
    if not email or "@" not in email:
        return None
    domain = email.rsplit("@", 1)[1].strip().lower()
    return session.execute(
        select(AgencyDomain.agency_id).where(AgencyDomain.domain == domain)
    ).scalar_one_or_none()


def _check_received_at(record: IntakeRecord, now: datetime) -> None:
    if record.received_at > now + FUTURE_TOLERANCE:
        raise BadInput("received_at: is in the future", field="received_at")


@dataclass(frozen=True)
class Prejudged:
    """Intake's legal check and risk assessment, worked out before the case is written."""

    policy_version: int
    check: LegalCheck
    assessed: Assessed


def prejudge(session: Session, *, record: IntakeRecord) -> Prejudged:
    """Judge and score a record without writing: run it in a read-only transaction, so that
    on SQLite the one write lock is held for the case's writes and not for this thinking."""
    current = current_policy(session, seed=False)
    return Prejudged(
        policy_version=current.version,
        check=judge(record, current.policy),
        assessed=assess_record(session, record),
    )


def intake(
    session: Session,
    *,
    user: User,
    record: IntakeRecord,
    raw: str,
    policy: Policy,
    idempotency_key: str | None = None,
    store: FileStore | None = None,
    now: datetime | None = None,
    prejudged: Prejudged | None = None,
) -> tuple[Request, bool]:
    """Turn an intake record into a case with its clocks; return (case, created)."""
    require(user, Permission.request_create)
    now = now or utcnow()
    replay = find_replay(session, user=user, record=record, idempotency_key=idempotency_key)
    if replay is not None:
        return replay, False
    _check_received_at(record, now)
    requester = _upsert_requester(session, record, now)
    clocks = clocks_for(policy, record.kind, record.received_at)
    offset = record.received_at.utcoffset() or timedelta(0)
    submitted = record.as_submitted()
    request = Request(
        # An empty key is no key: storing "" would make every later keyless submission collide.
        idempotency_key=(idempotency_key or record.id) or None,
        submission_digest=_digest_of(submitted),
        external_id=record.id,
        kind=record.kind,
        received_via=record.received_via,
        received_at=record.received_at.astimezone(UTC),
        received_offset_minutes=int(offset.total_seconds() // 60),
        status=Status.received,
        priority=clocks.priority,
        case_number=record.case_number,
        emergency_nature=record.emergency.nature if record.emergency else None,
        requester_id=requester.id if requester else None,
        agency_id=_agency_id_for_email(session, record.requester.email),
        agency_name=record.requester.agency_name,
        submitted_by_id=user.id,
        record=submitted,
        raw_submission=raw,
        acknowledge_due_at=clocks.acknowledge_due_at.astimezone(UTC),
        decide_due_at=clocks.decide_due_at.astimezone(UTC),
        created_at=now,
        updated_at=now,
    )
    session.add(request)
    session.flush()
    _add_targets_and_documents(session, request, record, store)
    actor = actor_for(user)
    timeline_entry(
        session,
        request,
        actor,
        "received",
        now,
        to_status=Status.received,
        body=f"Received by {record.received_via} as {record.kind}, {clocks.priority}.",
    )
    schedule_sla_deadlines(
        session, request_id=request.id, policy=policy, received_at=record.received_at, clocks=clocks
    )
    judge_case(
        session,
        request=request,
        record=record,
        actor=actor,
        now=now,
        prejudged=(prejudged.policy_version, prejudged.check) if prejudged else None,
    )
    assess_on_intake(
        session,
        request=request,
        record=record,
        now=now,
        assessed=prejudged.assessed if prejudged else None,
    )
    record_event(
        session,
        actor=actor,
        action="request.create",
        object_type="request",
        object_id=request.id,
        after=request.record,
        at=now,
    )
    return request, True


def _add_targets_and_documents(
    session: Session, request: Request, record: IntakeRecord, store: FileStore | None
) -> None:
    # Core executemany: intake is the hot path, and these rows need no identity map.
    if record.targets:
        session.execute(
            insert(Target),
            [
                {
                    "request_id": request.id,
                    "position": position,
                    "identifier_type": target.identifier_type,
                    "value": target.value,
                }
                for position, target in enumerate(record.targets)
            ],
        )
    if record.documents:
        session.execute(
            insert(Document),
            [
                {
                    "request_id": request.id,
                    "sha256": ref.sha256,
                    "filename": ref.filename,
                    "media_type": ref.media_type,
                    "stored": store is not None and store.has(ref.sha256),
                    "created_at": request.created_at,
                }
                for ref in record.documents
            ],
        )


def timeline_entry(
    session: Session,
    request: Request,
    actor: Actor,
    kind: str,
    at: datetime,
    *,
    from_status: str | None = None,
    to_status: str | None = None,
    body: str | None = None,
    visible: bool = False,
    data: dict[str, Any] | None = None,
) -> TimelineEvent:
    event = TimelineEvent(
        request_id=request.id,
        at=at,
        kind=kind,
        actor_id=actor.id,
        actor=actor.label,
        from_status=from_status,
        to_status=to_status,
        body=body,
        visible_to_requester=visible,
        data=data or {},
    )
    session.add(event)
    return event


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
    if user.role == Role.requester:
        return request.submitted_by_id == user.id or (
            user.requester_id is not None and request.requester_id == user.requester_id
        )
    return user.is_staff and user.role != Role.scheduler


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


def _check_transition_rights(user: User, target: Status) -> None:
    if user.role == Role.requester:
        if target is not Status.withdrawn:
            raise Forbidden("a requester can only withdraw a request")
        require(user, Permission.request_withdraw)
        return
    require(user, Permission.request_transition)
    if target is Status.approved:
        require(user, Permission.disclosure_approve)


def transition(
    session: Session,
    *,
    user: User,
    request_id: int,
    to: str,
    reason: str | None,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Request:
    """Move a case to another status; exactly one of two racing moves wins, the other gets 409."""
    now = now or utcnow()
    target = _parse_status(to)
    request = load_for(session, user, request_id, for_update=True)
    current = Status(request.status)
    approval_gate(session, user=user, request=request, to=target, now=now)
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
    )
    record_event(
        session,
        actor=actor,
        action="request.transition",
        object_type="request",
        object_id=request.id,
        before={"status": str(current)},
        after={"status": str(target)},
        detail={"reason": reason},
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
