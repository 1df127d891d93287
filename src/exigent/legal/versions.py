"""Policy versions in the database: the newest is current; old ones are kept, never edited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from exigent.audit.service import Actor, record_event
from exigent.auth.models import User
from exigent.auth.permissions import Permission
from exigent.auth.refusals import require_or_refuse
from exigent.auth.service import actor_for, require
from exigent.db import utcnow
from exigent.errors import BadInput, Conflict, describe_validation_error
from exigent.legal.models import PolicyVersion
from exigent.legal.policy import Policy, default_policy, load_policy
from exigent.legal.policy_diff import CellChange, diff_documents
from exigent.versions import DocumentVersions


@dataclass(frozen=True)
class CurrentPolicy:
    version: int
    policy: Policy


POLICIES: DocumentVersions[CurrentPolicy] = DocumentVersions(
    model=PolicyVersion,
    name="policy",
    shipped=lambda: default_policy().model_dump(mode="json"),
    seeder=Actor.system("policy-seed"),
    seed_reason="the default policy shipped with Exigent",
    parse=lambda version, document: CurrentPolicy(version=version, policy=load_policy(document)),
    unseeded=lambda: CurrentPolicy(version=1, policy=default_policy()),
)


def current_policy(session: Session, *, seed: bool = True) -> CurrentPolicy:
    """The newest policy version, seeding version 1 from the default on first use.

    With `seed=False` nothing is written: an empty table reads as the default, version 1.
    """
    return POLICIES.current(session, seed=seed)


def get_version(session: Session, *, user: User, version: int) -> PolicyVersion:
    require(user, Permission.policy_read)
    return POLICIES.row(session, version)


def newest_version(session: Session, *, user: User) -> PolicyVersion:
    require(user, Permission.policy_read)
    return POLICIES.row(session, POLICIES.newest_version(session))


def list_versions(session: Session, *, user: User) -> list[PolicyVersion]:
    require(user, Permission.policy_read)
    return POLICIES.rows(session)


def version_document(session: Session, version: int) -> dict[str, Any]:
    """A stored version's document (for the services; people read through `get_version`)."""
    document: dict[str, Any] = POLICIES.row(session, version).document
    return document


def diff_versions(
    session: Session, *, user: User, from_version: int, to_version: int
) -> tuple[PolicyVersion, PolicyVersion, list[CellChange]]:
    """Two versions and every cell that differs between them (either may be the older)."""
    require(user, Permission.policy_read)
    before, after = POLICIES.row(session, from_version), POLICIES.row(session, to_version)
    return before, after, diff_documents(before.document, after.document)


def change_policy(
    session: Session,
    *,
    user: User,
    document: dict[str, Any],
    reason: str,
    now: datetime | None = None,
    expected_version: int | None = None,
) -> PolicyVersion:
    """Add a new version (legal only); the current one stays readable as it was.

    `expected_version` is the version the change was reviewed against: if another version
    was saved since, the review no longer describes what saving does, so it is refused.
    """
    now = now or utcnow()
    require_or_refuse(user, Permission.policy_edit, action="policy.change", request_id=None)
    if not reason.strip():
        raise BadInput("reason: required; say why the policy changes", field="reason")
    normalised = validated_policy(document).model_dump(mode="json")
    newest = POLICIES.newest_version(session)
    if expected_version is not None and expected_version != newest:
        raise Conflict(
            f"the policy changed since you reviewed your edit: version {newest} is now "
            f"current, not {expected_version}; review your change against it again"
        )
    row, previous = POLICIES.add(session, user=user, document=normalised, reason=reason, now=now)
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


def validated_policy(document: dict[str, Any]) -> Policy:
    """The document as a policy, or BadInput naming the first field that is wrong."""
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
