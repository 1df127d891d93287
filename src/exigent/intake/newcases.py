"""A new case's rows, written for many cases at once.

A case is born as about a dozen rows in nine tables: the case, its targets and documents, the
"received" timeline entry, SLA and obligation deadlines, the legal check, the notices owed to
the user, the risk assessment and the audit events. Each table gets one statement for all the
cases of a batch, so the cost of a case is its own rows, not a round of statements.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session, make_transient_to_detached

from exigent.analytics.upkeep import note_cases_changed
from exigent.audit.service import Event, record_events
from exigent.auth.models import Role, User
from exigent.auth.service import actor_for
from exigent.cases.lifecycle import Status
from exigent.cases.models import Document, Request, Requester, Target, TimelineEvent
from exigent.cases.schemas import IntakeRecord
from exigent.cases.service import timeline_row
from exigent.db import insert_ignoring_conflict
from exigent.deadlines import Deadline
from exigent.directory.models import AgencyDomain
from exigent.files import FileStore
from exigent.legal.checks import check_row, obligation_rows
from exigent.legal.clocks import Clocks, clocks_for, sla_deadline_rows
from exigent.legal.coppa import stated_child
from exigent.legal.models import LegalCheckRecord
from exigent.legal.policy import Policy, Priority
from exigent.legal.schemas import LegalCheck
from exigent.notice.models import UserNotice
from exigent.notice.newcases import (
    hold_entry,
    hold_event,
    planned_notices,
    review_deadline_row,
)
from exigent.verification.intake import Assessed, assessment_row
from exigent.verification.models import RiskAssessment


@dataclass(frozen=True)
class NewCase:
    """A record on its way to becoming a case, judged and scored."""

    user: User
    record: IntakeRecord
    raw: str
    idempotency_key: str | None
    submitted: dict[str, Any]
    digest: str
    policy_version: int
    check: LegalCheck
    # None for a case with no requester to score (a referral the team raised itself).
    assessed: Assessed | None
    # A priority the caller worked out from the policy (a referral's, by its harm); None
    # takes the policy's priority for the kind.
    priority: Priority | None = None


def write_new_cases(
    session: Session,
    cases: Sequence[NewCase],
    *,
    policy: Policy,
    now: datetime,
    store: FileStore | None,
) -> list[Request]:
    """Insert every row of these new cases; return the cases, in order."""
    if not cases:
        return []
    # An officer's case is theirs: the requester block they type names no one else's standing.
    typed = [case.record for case in cases if not _officer(case.user)]
    requesters = _requesters(session, typed, now)
    agencies = _agencies(session, [_sender_email(case) for case in cases])
    officer_agencies = _officer_agencies(session, cases)
    clocks = [
        clocks_for(
            policy,
            case.record.kind,
            case.record.received_at,
            priority=case.priority or case.check.priority,
        )
        for case in cases
    ]
    request_rows = [
        _with_defaults(
            Request, _request_row(case, clock, requesters, agencies, officer_agencies, now)
        )
        for case, clock in zip(cases, clocks, strict=True)
    ]
    ids = _insert_returning_ids(session, Request, request_rows)
    targets = _insert_targets(session, cases, ids)
    _insert(session, Document, _document_rows(cases, ids, store, now))
    _insert(
        session,
        Deadline,
        [
            row
            for case, clock, case_id in zip(cases, clocks, ids, strict=True)
            for row in sla_deadline_rows(case_id, policy, case.record.received_at, clock)
        ]
        + [
            row
            for case, case_id in zip(cases, ids, strict=True)
            for row in obligation_rows(
                case_id, _offset_minutes(case.record), case.check.obligations, now
            )
        ],
    )
    _insert(
        session,
        LegalCheckRecord,
        [
            check_row(case_id, case.policy_version, case.check, now)
            for case, case_id in zip(cases, ids, strict=True)
        ],
    )
    _insert(
        session,
        RiskAssessment,
        [
            assessment_row(case_id, case.assessed.result, now, case.assessed.weights_version)
            for case, case_id in zip(cases, ids, strict=True)
            if case.assessed is not None
        ],
    )
    timeline = [
        timeline_row(
            case_id,
            actor_for(case.user),
            "received",
            now,
            to_status=Status.received,
            body=f"Received by {case.record.received_via} as {case.record.kind}, {clock.priority}.",
        )
        for case, clock, case_id in zip(cases, clocks, ids, strict=True)
    ] + [
        _named_someone_else(case, case_id, now)
        for case, case_id in zip(cases, ids, strict=True)
        if _names_someone_else(case)
    ]
    events = [
        Event(
            actor=actor_for(case.user),
            action="request.create",
            object_type="request",
            object_id=case_id,
            after=case.submitted,
            at=now,
            after_digest=case.digest,
        )
        for case, case_id in zip(cases, ids, strict=True)
    ]
    held = _insert_notices(session, cases, ids, targets, now)
    for case, notice in held:
        actor = actor_for(case.user)
        timeline.append(hold_entry(notice, actor, now))
        events.append(hold_event(notice, actor, now))
    _insert(session, TimelineEvent, timeline)
    note_cases_changed(session, ids)  # written past the ORM: analytics must hear of them
    record_events(session, events)
    return [
        _persistent(session, Request, row, case_id)
        for row, case_id in zip(request_rows, ids, strict=True)
    ]


def _with_defaults(model: type[Any], row: dict[str, Any]) -> dict[str, Any]:
    """The row with every column the insert leaves to a plain default filled in, so that the
    object made from it holds what the database holds."""
    full = dict(row)
    for column in model.__table__.columns:
        if column.key not in full and not column.primary_key:
            default = column.default
            full[column.key] = default.arg if default is not None and default.is_scalar else None
    return full


def _persistent(session: Session, model: type[Any], row: dict[str, Any], row_id: int) -> Any:
    """The just-inserted row as a persistent object, without reading it back."""
    instance = model(**row, id=row_id)
    make_transient_to_detached(instance)
    session.add(instance)
    return instance


def _insert(session: Session, model: type[Any], rows: list[dict[str, Any]]) -> None:
    # On the connection, not the session: these rows need no identity map, and the ORM's bulk
    # path costs a third again per row.
    if rows:
        session.connection().execute(insert(model.__table__), rows)


def _insert_returning_ids(
    session: Session, model: type[Any], rows: list[dict[str, Any]]
) -> list[int]:
    """Insert and return the new ids in the order of `rows`."""
    if not rows:
        return []
    table = model.__table__
    statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    return list(session.connection().execute(statement, rows).scalars())


def _offset_minutes(record: IntakeRecord) -> int:
    offset = record.received_at.utcoffset() or timedelta(0)
    return int(offset.total_seconds() // 60)


def _officer(user: User) -> bool:
    return user.role == Role.requester


def _sender_email(case: NewCase) -> str | None:
    """Whose address the case came from: an officer's own account, else the typed record."""
    return case.user.email if _officer(case.user) else case.record.requester.email


def _names_someone_else(case: NewCase) -> bool:
    typed = _normal_email(case.record.requester.email)
    return _officer(case.user) and typed is not None and typed != case.user.email.lower()


def _named_someone_else(case: NewCase, case_id: int, now: datetime) -> dict[str, Any]:
    """A note for staff: an officer's account sent a request in another person's name."""
    typed = _normal_email(case.record.requester.email)
    return timeline_row(
        case_id,
        actor_for(case.user),
        "requester_mismatch",
        now,
        body=(
            f"Sent by the account {case.user.email}, but the request names {typed} as the "
            "requester. The case is the account's: the named person's standing does not carry "
            "over, and they must be verified on their own. Treat it as a fraud signal until "
            "the agency explains it."
        ),
        data={"account": case.user.email, "named": typed},
    )


def _request_row(
    case: NewCase,
    clocks: Clocks,
    requesters: dict[str, Requester],
    agencies: dict[str, int],
    officer_agencies: dict[int, int],
    now: datetime,
) -> dict[str, Any]:
    record = case.record
    if _officer(case.user):
        # Only the account's established requester: none until staff verify a portal account.
        requester_id = case.user.requester_id
    else:
        email = _normal_email(record.requester.email)
        requester = requesters.get(email) if email else None
        requester_id = requester.id if requester else None
    return {
        # An empty key is no key: storing "" would make every later keyless submission collide.
        "idempotency_key": (case.idempotency_key or record.id) or None,
        "submission_digest": case.digest,
        "external_id": record.id,
        "kind": record.kind,
        "received_via": record.received_via,
        "received_at": record.received_at.astimezone(UTC),
        "received_offset_minutes": _offset_minutes(record),
        "status": Status.received,
        "priority": clocks.priority,
        "case_number": record.case_number,
        "emergency_nature": record.emergency.nature if record.emergency else None,
        "requester_id": requester_id,
        "agency_id": officer_agencies.get(requester_id or 0)
        or agencies.get(_domain(_sender_email(case)) or ""),
        "agency_name": record.requester.agency_name,
        "submitted_by_id": case.user.id,
        "record": case.submitted,
        "raw_submission": case.raw,
        "policy_version": case.policy_version,
        # First judgement: no ages recorded or deadlines past yet, only what the record states.
        "coppa": stated_child(record),
        "acknowledge_due_at": clocks.acknowledge_due_at.astimezone(UTC),
        "decide_due_at": clocks.decide_due_at.astimezone(UTC),
        "created_at": now,
        "updated_at": now,
    }


def _normal_email(email: str | None) -> str | None:
    return email.strip().lower() if email and email.strip() else None


def _domain(email: str | None) -> str | None:
    if not email or "@" not in email:
        return None
    return email.rsplit("@", 1)[1].strip().lower()


def _requesters(
    session: Session, records: list[IntakeRecord], now: datetime
) -> dict[str, Requester]:
    """The requester of each email, created on first sight; what a record says fills only what
    is still unknown (a change of name or phone is for staff to accept, never taken from an
    unverified record). Two first requests from one officer may arrive at once from two
    processes, so creation tolerates the other having won."""
    latest = {email: r.requester for r in records if (email := _normal_email(r.requester.email))}
    if not latest:
        return {}
    found = _requesters_by_email(session, latest)
    missing = [email for email in latest if email not in found]
    if missing:
        for email in missing:
            insert_ignoring_conflict(
                session,
                Requester,
                {"email": email, "first_seen_at": now, "last_seen_at": now, "status": "unverified"},
                conflict_on=["email"],
            )
        found.update(_requesters_by_email(session, missing))
    for email, person in latest.items():
        requester = found[email]
        requester.name = requester.name or person.name
        requester.title = requester.title or person.title
        requester.badge_number = requester.badge_number or person.badge_number
        requester.phone = requester.phone or person.phone
        requester.agency_name = requester.agency_name or person.agency_name
        requester.last_seen_at = now
    session.flush()
    return found


def _requesters_by_email(session: Session, emails: Iterable[str]) -> dict[str, Requester]:
    rows = session.scalars(select(Requester).where(Requester.email.in_(list(emails))))
    return {requester.email: requester for requester in rows}


def _officer_agencies(session: Session, cases: Sequence[NewCase]) -> dict[int, int]:
    """The agency staff established for each officer's requester, by requester id."""
    ids = {case.user.requester_id for case in cases if _officer(case.user)} - {None}
    if not ids:
        return {}
    rows = session.connection().execute(
        select(Requester.id, Requester.agency_id).where(
            Requester.id.in_(ids), Requester.agency_id.is_not(None)
        )
    )
    return {row.id: row.agency_id for row in rows}


def _agencies(session: Session, emails: list[str | None]) -> dict[str, int]:
    domains = {domain for email in emails if (domain := _domain(email))}
    if not domains:
        return {}
    rows = session.connection().execute(
        select(AgencyDomain.domain, AgencyDomain.agency_id).where(AgencyDomain.domain.in_(domains))
    )
    return {row.domain: row.agency_id for row in rows}


def _insert_targets(
    session: Session, cases: Sequence[NewCase], ids: list[int]
) -> list[list[tuple[int, str, str]]]:
    """Each case's targets as (id, identifier type, value), in the record's order."""
    rows: list[dict[str, Any]] = [
        {
            "request_id": case_id,
            "position": position,
            "identifier_type": target.identifier_type,
            "value": target.value,
        }
        for case, case_id in zip(cases, ids, strict=True)
        for position, target in enumerate(case.record.targets)
    ]
    target_ids = _insert_returning_ids(session, Target, rows)
    by_case: dict[int, list[tuple[int, str, str]]] = {case_id: [] for case_id in ids}
    for row, target_id in zip(rows, target_ids, strict=True):
        by_case[row["request_id"]].append((target_id, row["identifier_type"], row["value"]))
    return [by_case[case_id] for case_id in ids]


def _document_rows(
    cases: Sequence[NewCase], ids: list[int], store: FileStore | None, now: datetime
) -> list[dict[str, Any]]:
    return [
        {
            "request_id": case_id,
            "sha256": ref.sha256,
            "filename": ref.filename,
            "media_type": ref.media_type,
            "stored": store is not None and store.has(ref.sha256),
            "created_at": now,
        }
        for case, case_id in zip(cases, ids, strict=True)
        for ref in case.record.documents
    ]


def _insert_notices(
    session: Session,
    cases: Sequence[NewCase],
    ids: list[int],
    targets: list[list[tuple[int, str, str]]],
    now: datetime,
) -> list[tuple[NewCase, UserNotice]]:
    """The notices each case owes the user behind each target, with the deadline that reviews
    them; return the ones held by an order, whose holding goes on the record."""
    planned = [
        (case, notice)
        for case, case_id, case_targets in zip(cases, ids, targets, strict=True)
        for notice in planned_notices(
            case_id,
            case.record,
            case.check.obligations,
            case_targets,
            _offset_minutes(case.record),
            now,
        )
    ]
    if not planned:
        return []
    notice_ids = _insert_returning_ids(session, UserNotice, [n.row for _, n in planned])
    _insert(
        session,
        Deadline,
        [
            review_deadline_row(notice, notice_id, now)
            for (_, notice), notice_id in zip(planned, notice_ids, strict=True)
        ],
    )
    return [
        (case, UserNotice(id=notice_id, **notice.row))
        for (case, notice), notice_id in zip(planned, notice_ids, strict=True)
        if notice.row["order_present"]
    ]
