"""Policy versions in the database: the newest is current; old ones are kept, never edited."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from exigent.audit.service import Actor, canonical, record_event
from exigent.auth.models import User
from exigent.auth.permissions import Permission
from exigent.auth.service import actor_for, require
from exigent.db import insert_ignoring_conflict, utcnow
from exigent.errors import BadInput, Conflict, NotFound, describe_validation_error
from exigent.legal.models import PolicyVersion
from exigent.legal.policy import Policy, default_policy, load_policy
from exigent.legal.refusals import require_or_refuse

SEED_REASON = "the default policy shipped with Exigent"
SEEDER = Actor.system("policy-seed")


@dataclass(frozen=True)
class CurrentPolicy:
    version: int
    policy: Policy


CACHE_KEY = "exigent.current_policy"
# Versions never change, so a parsed copy is reusable as long as its digest matches.
_parsed: dict[tuple[int, str], Policy] = {}


def document_digest(document: dict[str, Any]) -> str:
    return hashlib.sha256(canonical(document).encode()).hexdigest()


def _newest(session: Session) -> tuple[int, str] | None:
    row = session.execute(
        select(PolicyVersion.version, PolicyVersion.digest)
        .order_by(PolicyVersion.version.desc())
        .limit(1)
    ).first()
    return None if row is None else (row.version, row.digest)


def _seed(session: Session, now: datetime) -> None:
    """Version 1 is the shipped default; two first users racing both end up reading it."""
    document = default_policy().model_dump(mode="json")
    insert_ignoring_conflict(
        session,
        PolicyVersion,
        {
            "version": 1,
            "document": document,
            "digest": document_digest(document),
            "reason": SEED_REASON,
            "created_by": SEEDER.label,
            "created_at": now,
        },
        conflict_on=["version"],
    )


def current_policy(session: Session, *, seed: bool = True) -> CurrentPolicy:
    """The newest policy version, seeding version 1 from the default on first use.

    With `seed=False` nothing is written: an empty table reads as the default, version 1.
    """
    transaction = session.get_transaction()
    cached = session.info.get(CACHE_KEY)
    # Within one transaction the answer cannot change but through this session: reuse it.
    if cached is not None and transaction is not None and cached[0] is transaction:
        return cached[1]
    newest = _newest(session)
    if newest is None:
        if not seed:
            return CurrentPolicy(version=1, policy=default_policy())
        _seed(session, utcnow())
        newest = _newest(session)
        assert newest is not None
    current = CurrentPolicy(version=newest[0], policy=_policy_for(session, *newest))
    session.info[CACHE_KEY] = (session.get_transaction(), current)
    return current


def _policy_for(session: Session, version: int, digest: str) -> Policy:
    policy = _parsed.get((version, digest))
    if policy is None:
        document = session.execute(
            select(PolicyVersion.document).where(PolicyVersion.version == version)
        ).scalar_one()
        policy = _parsed[(version, digest)] = load_policy(document)
    return policy


def get_version(session: Session, *, user: User, version: int) -> PolicyVersion:
    require(user, Permission.policy_read)
    current_policy(session)
    row = session.execute(
        select(PolicyVersion).where(PolicyVersion.version == version)
    ).scalar_one_or_none()
    if row is None:
        raise NotFound(f"no policy version {version}")
    return row


def newest_version(session: Session, *, user: User) -> PolicyVersion:
    require(user, Permission.policy_read)
    return get_version(session, user=user, version=current_policy(session).version)


def list_versions(session: Session, *, user: User) -> list[PolicyVersion]:
    require(user, Permission.policy_read)
    current_policy(session)
    return list(
        session.execute(select(PolicyVersion).order_by(PolicyVersion.version.desc())).scalars()
    )


def change_policy(
    session: Session,
    *,
    user: User,
    document: dict[str, Any],
    reason: str,
    now: datetime | None = None,
) -> PolicyVersion:
    """Add a new version (legal only); the current one stays readable as it was."""
    now = now or utcnow()
    require_or_refuse(user, Permission.policy_edit, action="policy.change", request_id=None)
    if not reason.strip():
        raise BadInput("reason: required; say why the policy changes", field="reason")
    policy = _validated(document)
    current = current_policy(session)
    previous = get_version(session, user=user, version=current.version)
    normalised = policy.model_dump(mode="json")
    digest = document_digest(normalised)
    if digest == previous.digest:
        raise Conflict(f"the policy is identical to version {previous.version}; nothing changed")
    row = PolicyVersion(
        version=current.version + 1,
        document=normalised,
        digest=digest,
        reason=reason.strip(),
        created_by_id=user.id,
        created_by=user.email,
        created_at=now,
    )
    session.add(row)
    session.flush()
    session.info.pop(CACHE_KEY, None)
    record_event(
        session,
        actor=actor_for(user),
        action="policy.change",
        object_type="policy",
        object_id=row.version,
        before=previous.document,
        after=normalised,
        detail={"reason": row.reason, "from_version": previous.version},
        at=now,
    )
    return row


def _validated(document: dict[str, Any]) -> Policy:
    try:
        return load_policy(document)
    except ValidationError as exc:
        problems = [_as_policy_problem(p) for p in describe_validation_error(exc)]
        first = problems[0]
        raise BadInput(f"{first['field']}: {first['problem']}", problems=problems) from None


def _as_policy_problem(problem: dict[str, str]) -> dict[str, str]:
    field = "policy" if problem["field"] == "(record)" else f"policy.{problem['field']}"
    text = problem["problem"].replace("of the intake record", "of the policy")
    return {"field": field, "problem": text}
