"""Fraud-risk weights in the database: versions published by staff, the newest is current.

The shipped `weights.json` is version 1, seeded on first use (so an empty database and a
truncated test database behave the same). Assessment asks for the current set on every
intake; the answer costs one indexed query for the newest (version, digest), and the parsed
table is kept per process keyed by both, so a version published by another process is seen
on the next assessment and nothing is parsed twice.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StrictInt, ValidationError, model_validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from exigent.audit.service import Actor, canonical, record_event
from exigent.auth.models import User
from exigent.auth.permissions import Permission
from exigent.auth.service import actor_for
from exigent.db import insert_ignoring_conflict, utcnow
from exigent.errors import BadInput, Conflict, NotFound, describe_validation_error
from exigent.legal.refusals import require_or_refuse
from exigent.verification.models import RiskWeightSet
from exigent.verification.scoring import WEIGHTS_FILE, Weights, default_weights

SEED_REASON = "the weights shipped with Exigent"
SEEDER = Actor.system("weights-seed")
CACHE_KEY = "exigent.current_weights"
# Bounds that keep one signal from deciding a 0-100 score alone in either direction.
MAX_WEIGHT = 100
_parsed: dict[tuple[int, str], Weights] = {}

Weight = Annotated[StrictInt, Field(ge=-MAX_WEIGHT, le=MAX_WEIGHT)]
Threshold = Annotated[StrictInt, Field(ge=1, le=100)]


class Levels(BaseModel):
    model_config = ConfigDict(extra="forbid")

    medium: Threshold
    high: Threshold
    critical: Threshold

    @model_validator(mode="after")
    def rising(self) -> Levels:
        if not self.medium < self.high < self.critical:
            raise ValueError(
                "must rise: medium < high < critical "
                f"(got {self.medium}, {self.high}, {self.critical})"
            )
        return self


class VerificationRule(BaseModel):
    model_config = ConfigDict(extra="forbid")

    score_at_least: Annotated[StrictInt, Field(ge=0, le=100)]
    always_for: list[str]


class WeightsDocument(BaseModel):
    """A whole weights table as staff publish it (the shape of `weights.json`)."""

    model_config = ConfigDict(extra="forbid")

    about: Annotated[str, Field(max_length=4000)] | None = None
    # Accepted for a file pasted as it is; the stored version number is the row's.
    version: int | None = None
    levels: Levels
    verification: VerificationRule
    signals: dict[str, Weight]


def known_signals() -> frozenset[str]:
    """Every code the checks can emit: the shipped table lists each (a test keeps it so)."""
    return frozenset(default_weights().signals)


def shipped_document() -> dict[str, Any]:
    return validated(WeightsDocument.model_validate_json(WEIGHTS_FILE.read_bytes()).model_dump())


def document_digest(document: dict[str, Any]) -> str:
    return hashlib.sha256(canonical(document).encode()).hexdigest()


def validated(document: dict[str, Any]) -> dict[str, Any]:
    """The normalised document, or BadInput naming the first field and its problem."""
    try:
        parsed = WeightsDocument.model_validate(document)
    except ValidationError as exc:
        problems = [
            {"field": f"weights.{p['field']}", "problem": p["problem"]}
            for p in describe_validation_error(exc)
        ]
        raise BadInput(
            f"{problems[0]['field']}: {problems[0]['problem']}", problems=problems
        ) from None
    known = known_signals()
    problems = [
        {"field": f"weights.signals.{code}", "problem": "is not a known signal code"}
        for code in sorted(set(parsed.signals) - known)
    ]
    problems += [
        {"field": f"weights.signals.{code}", "problem": "is missing; every signal needs a weight"}
        for code in sorted(known - set(parsed.signals))
    ]
    problems += [
        {
            "field": f"weights.verification.always_for[{index}]",
            "problem": f"{code!r} is not a known signal code",
        }
        for index, code in enumerate(parsed.verification.always_for)
        if code not in known
    ]
    if problems:
        raise BadInput(f"{problems[0]['field']}: {problems[0]['problem']}", problems=problems)
    normalised = parsed.model_dump(exclude={"version"})
    normalised["signals"] = {code: parsed.signals[code] for code in sorted(parsed.signals)}
    normalised["verification"]["always_for"] = sorted(set(parsed.verification.always_for))
    return normalised


def _newest(session: Session) -> tuple[int, str] | None:
    row = session.execute(
        select(RiskWeightSet.version, RiskWeightSet.digest)
        .order_by(RiskWeightSet.version.desc())
        .limit(1)
    ).first()
    return None if row is None else (row.version, row.digest)


def _seed(session: Session, now: datetime) -> None:
    """Version 1 is the shipped file; two first users racing both end up reading it."""
    document = shipped_document()
    insert_ignoring_conflict(
        session,
        RiskWeightSet,
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


def current_weights(session: Session, *, seed: bool = True) -> Weights:
    """The newest weights, seeding version 1 from the shipped file on first use.

    With `seed=False` nothing is written: an empty table reads as the shipped file.
    """
    transaction = session.get_transaction()
    cached = session.info.get(CACHE_KEY)
    # Within one transaction the answer cannot change but through this session: reuse it.
    if cached is not None and transaction is not None and cached[0] is transaction:
        return cached[1]
    newest = _newest(session)
    if newest is None:
        if not seed:
            return default_weights()
        _seed(session, utcnow())
        newest = _newest(session)
        assert newest is not None
    weights = _weights_for(session, *newest)
    session.info[CACHE_KEY] = (session.get_transaction(), weights)
    return weights


def _weights_for(session: Session, version: int, digest: str) -> Weights:
    weights = _parsed.get((version, digest))
    if weights is None:
        document = session.execute(
            select(RiskWeightSet.document).where(RiskWeightSet.version == version)
        ).scalar_one()
        weights = _parsed[(version, digest)] = Weights.from_dict({**document, "version": version})
    return weights


# Reads and publishing (admin, lead, legal)


def get_version(session: Session, *, user: User, version: int) -> RiskWeightSet:
    require_or_refuse(user, Permission.weights_read, action="weights.read", request_id=None)
    current_weights(session)
    row = session.execute(
        select(RiskWeightSet).where(RiskWeightSet.version == version)
    ).scalar_one_or_none()
    if row is None:
        raise NotFound(f"no weights version {version}")
    return row


def newest_version(session: Session, *, user: User) -> RiskWeightSet:
    return get_version(session, user=user, version=current_weights(session).version)


def list_versions(session: Session, *, user: User) -> list[RiskWeightSet]:
    require_or_refuse(user, Permission.weights_read, action="weights.read", request_id=None)
    current_weights(session)
    return list(
        session.execute(select(RiskWeightSet).order_by(RiskWeightSet.version.desc())).scalars()
    )


def publish_weights(
    session: Session,
    *,
    user: User,
    document: dict[str, Any],
    reason: str,
    now: datetime | None = None,
) -> RiskWeightSet:
    """Add a new version; the next assessment in any process scores with it."""
    now = now or utcnow()
    require_or_refuse(user, Permission.weights_edit, action="weights.publish", request_id=None)
    if not reason.strip():
        raise BadInput("reason: required; say why the weights change", field="reason")
    normalised = validated(document)
    current = current_weights(session)
    previous = get_version(session, user=user, version=current.version)
    digest = document_digest(normalised)
    if digest == previous.digest:
        raise Conflict(f"the weights are identical to version {previous.version}; nothing changed")
    row = RiskWeightSet(
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
    changed = {
        code: [previous.document["signals"].get(code), weight]
        for code, weight in normalised["signals"].items()
        if previous.document["signals"].get(code) != weight
    }
    record_event(
        session,
        actor=actor_for(user),
        action="weights.publish",
        object_type="risk_weights",
        object_id=row.version,
        before=previous.document,
        after=normalised,
        detail={"reason": row.reason, "from_version": previous.version, "signals": changed},
        at=now,
    )
    return row
