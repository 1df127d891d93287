"""Intake: an intake record becomes a case with its priority, clocks, legal check and risk
score; a retried submission finds the case it already made. Never commits."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from exigent.audit.service import canonical
from exigent.auth.models import User
from exigent.auth.permissions import Permission
from exigent.auth.service import actor_for, require
from exigent.cases.models import (
    Request,
)
from exigent.cases.schemas import EU_ORDER_KINDS, IntakeRecord
from exigent.db import utcnow
from exigent.errors import BadInput, Conflict, ExigentError
from exigent.eu_orders import service as eu_orders
from exigent.files import FileStore
from exigent.intake.newcases import NewCase, write_new_cases
from exigent.legal.engine import judge
from exigent.legal.policy import Policy
from exigent.legal.schemas import LegalCheck
from exigent.legal.versions import current_policy
from exigent.oncall.triggers import after_intake
from exigent.verification.intake import Assessed, assess_records

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
    return None if existing is None else _replayed(existing, record, key)


def _check_received_at(record: IntakeRecord, now: datetime) -> None:
    if record.received_at > now + FUTURE_TOLERANCE:
        raise BadInput("received_at: is in the future", field="received_at")


@dataclass(frozen=True)
class Prejudged:
    """Intake's legal check and risk assessment, worked out before the case is written."""

    policy_version: int
    check: LegalCheck
    assessed: Assessed


def prejudge_all(session: Session, records: list[IntakeRecord]) -> list[Prejudged]:
    """Judge and score records that arrived together, without writing, with one look-up of
    the policy, weights, directory and history for all of them. Run it in a read-only
    transaction: on SQLite the one write lock is then held for the cases' writes only."""
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


@dataclass(frozen=True)
class Submission:
    """A record as a caller submitted it."""

    user: User
    record: IntakeRecord
    raw: str
    idempotency_key: str | None = None


Made = tuple[Request, bool]


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
) -> Made:
    """Turn an intake record into a case with its clocks; return (case, created)."""
    submission = Submission(user, record, raw, idempotency_key)
    outcome = intake_many(
        session,
        [submission],
        policy=policy,
        store=store,
        now=now,
        prejudged=[prejudged] if prejudged else None,
    )[0]
    if isinstance(outcome, Exception):
        raise outcome
    return outcome


def intake_many(
    session: Session,
    submissions: list[Submission],
    *,
    policy: Policy,
    store: FileStore | None = None,
    now: datetime | None = None,
    prejudged: list[Prejudged] | None = None,
) -> list[Made | Exception]:
    """Turn records that arrived together into cases; each gets (case, created) or what was
    wrong with it alone. A retry (same key, same body) finds the case it already made, even
    one made earlier in the same batch."""
    now = now or utcnow()
    outcomes: list[Made | Exception | None] = [None] * len(submissions)
    earlier = _cases_for_keys(session, submissions)
    first_with_key: dict[tuple[int, str], int] = {}
    echoes: dict[int, int] = {}
    fresh: list[int] = []
    for index, submission in enumerate(submissions):
        try:
            require(submission.user, Permission.request_create)
            key = submission.idempotency_key or submission.record.id
            if key:
                owner_key = (submission.user.id, key)
                prior = earlier.get(owner_key)
                if prior is not None:
                    outcomes[index] = (_replayed(prior, submission.record, key), False)
                    continue
                if owner_key in first_with_key:
                    echoes[index] = first_with_key[owner_key]
                    continue
                first_with_key[owner_key] = index
            _check_received_at(submission.record, now)
            eu_orders.refuse_unvalidated(submission.record, policy)
            eu_orders.refuse_unknown_offence(submission.record, policy)
            fresh.append(index)
        except ExigentError as exc:
            outcomes[index] = exc
    judged = _judged(
        session, [submissions[i] for i in fresh], prejudged and [prejudged[i] for i in fresh]
    )
    made = write_new_cases(session, judged, policy=policy, now=now, store=store)
    _record_eu_orders(session, made, judged, policy, now)
    # Emergencies are assigned and paged in the same transaction, so the page goes out
    # (the worker is woken) as soon as the case is committed.
    risks = [str(j.assessed.result.risk_level) if j.assessed else None for j in judged]
    after_intake(session, made, risks, now)
    for index, case in zip(fresh, made, strict=True):
        outcomes[index] = (case, True)
    for index, first in echoes.items():
        original = outcomes[first]
        assert original is not None  # every first submission has its outcome by now
        outcomes[index] = _echo(original, submissions[index])
    return [outcome for outcome in outcomes if outcome is not None]


def _record_eu_orders(
    session: Session, made: list[Request], judged: list[NewCase], policy: Policy, now: datetime
) -> None:
    """Each order from an EU authority gets its order row, clocks and receipt draft."""
    for case, new in zip(made, judged, strict=True):
        if new.record.kind in EU_ORDER_KINDS:
            eu_orders.record_order(
                session,
                request=case,
                record=new.record,
                check=new.check,
                policy=policy,
                actor=actor_for(new.user),
                user_id=new.user.id,
                now=now,
            )


def _cases_for_keys(
    session: Session, submissions: list[Submission]
) -> dict[tuple[int, str], Request]:
    """The cases earlier submissions with these keys made (almost always none: the ids are
    looked up first, and only a retry's case is loaded)."""
    keys_by_user: dict[int, set[str]] = {}
    for submission in submissions:
        if key := submission.idempotency_key or submission.record.id:
            keys_by_user.setdefault(submission.user.id, set()).add(key)
    if not keys_by_user:
        return {}
    # Per caller, so that each term reads the (submitted_by_id, idempotency_key) index.
    # Columns only, on the connection: the ORM's machinery has nothing to add to this look-up.
    found = (
        session.connection()
        .execute(
            select(Request.id, Request.submitted_by_id, Request.idempotency_key).where(
                or_(
                    *(
                        and_(Request.submitted_by_id == user_id, Request.idempotency_key.in_(keys))
                        for user_id, keys in keys_by_user.items()
                    )
                )
            )
        )
        .all()
    )
    by_id = {row.id: (row.submitted_by_id, row.idempotency_key) for row in found}
    if not by_id:
        return {}
    cases = session.scalars(select(Request).where(Request.id.in_(by_id)))
    return {by_id[case.id]: case for case in cases}


def _replayed(case: Request, record: IntakeRecord, key: str) -> Request:
    """The case again for a retry; a conflict when the key came with another body."""
    if case.submission_digest != submission_digest(record):
        raise Conflict(
            f"idempotency key {key!r} was already used for a different request "
            f"({case.reference}); use a new key for a new request",
            reference=case.reference,
        )
    return case


def _echo(first: Made | Exception, submission: Submission) -> Made | Exception:
    """A second submission of one key in the same batch answers as a retry of the first."""
    if isinstance(first, Exception):
        return first
    key = submission.idempotency_key or submission.record.id or ""
    try:
        return _replayed(first[0], submission.record, key), False
    except ExigentError as exc:
        return exc


def _judged(
    session: Session, submissions: list[Submission], prejudged: list[Prejudged] | None
) -> list[NewCase]:
    """Each submission with its judgement (again, should the policy have changed since it was
    prejudged) and score."""
    current = current_policy(session)
    prejudged = prejudged or prejudge_all(session, [s.record for s in submissions])
    cases = []
    for submission, pre in zip(submissions, prejudged, strict=True):
        check = pre.check
        if pre.policy_version != current.version:
            check = judge(submission.record, current.policy)
        submitted = submission.record.as_submitted()
        cases.append(
            NewCase(
                user=submission.user,
                record=submission.record,
                raw=submission.raw,
                idempotency_key=submission.idempotency_key,
                submitted=submitted,
                digest=_digest_of(submitted),
                policy_version=current.version,
                check=check,
                assessed=pre.assessed,
            )
        )
    return cases
