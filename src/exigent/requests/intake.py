"""Intake: an intake record becomes a case with its priority, clocks, legal check and risk
score; a retried submission finds the case it already made. Never commits."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from exigent.audit.service import canonical, record_event
from exigent.auth.models import User
from exigent.auth.permissions import Permission
from exigent.auth.service import actor_for, require
from exigent.db import insert_ignoring_conflict, utcnow
from exigent.directory.models import AgencyDomain
from exigent.errors import BadInput, Conflict
from exigent.files import FileStore
from exigent.legal.checks import judge_case
from exigent.legal.engine import judge
from exigent.legal.policy import Policy
from exigent.legal.schemas import LegalCheck
from exigent.legal.versions import current_policy
from exigent.requests.clocks import clocks_for, schedule_sla_deadlines
from exigent.requests.lifecycle import (
    Status,
)
from exigent.requests.models import (
    Document,
    Request,
    Requester,
    Target,
)
from exigent.requests.schemas import IntakeRecord
from exigent.requests.service import timeline_entry
from exigent.verification.intake import Assessed, assess_on_intake, assess_records

# A clock skew of a few minutes is normal; a request from tomorrow is a data error.
FUTURE_TOLERANCE = timedelta(minutes=10)


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
    return prejudge_all(session, [record])[0]


def prejudge_all(session: Session, records: list[IntakeRecord]) -> list[Prejudged]:
    """`prejudge` for records that arrived together, with one look-up of the policy, weights,
    directory and history for all of them."""
    current = current_policy(session, seed=False)
    scores = assess_records(session, records)
    return [
        Prejudged(
            policy_version=current.version,
            check=judge(record, current.policy),
            assessed=assessed,
        )
        for record, assessed in zip(records, scores, strict=True)
    ]


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
