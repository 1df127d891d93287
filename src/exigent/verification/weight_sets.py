"""Fraud-risk weights in the database: versions published by staff, the newest is current.

The shipped `weights.json` is version 1 (see `exigent.versions` for how versions are kept,
seeded and cached); this module says what a valid weights table is and who may publish one.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StrictInt, ValidationError, model_validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from exigent.audit.service import Actor, record_event
from exigent.auth.models import User
from exigent.auth.permissions import Permission
from exigent.auth.refusals import require_or_refuse
from exigent.auth.service import actor_for
from exigent.db import utcnow
from exigent.errors import BadInput, describe_validation_error
from exigent.verification.models import RiskWeightSet
from exigent.verification.scoring import WEIGHTS_FILE, Weights, default_weights
from exigent.versions import DocumentVersions

# Bounds that keep one signal from deciding a 0-100 score alone in either direction.
MAX_WEIGHT = 100

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


class Scale(BaseModel):
    """A learned table's log-odds scale: how many points double the odds, where odds are even."""

    model_config = ConfigDict(extra="forbid")

    points_per_doubling: Annotated[float, Field(gt=0, le=100)]
    even_odds_at: Annotated[StrictInt, Field(ge=0, le=100)]


class WeightsDocument(BaseModel):
    """A whole weights table as staff publish it (the shape of `weights.json`)."""

    model_config = ConfigDict(extra="forbid")

    about: Annotated[str, Field(max_length=4000)] | None = None
    # Accepted for a file pasted as it is; the stored version number is the row's.
    version: int | None = None
    # Where every request starts; 0 on a table that is a plain sum of weights.
    baseline: Weight = 0
    scale: Scale | None = None
    levels: Levels
    verification: VerificationRule
    signals: dict[str, Weight]


def known_signals() -> frozenset[str]:
    """Every code the checks can emit: the shipped table lists each (a test keeps it so)."""
    return frozenset(default_weights().signals)


def shipped_document() -> dict[str, Any]:
    return validated(WeightsDocument.model_validate_json(WEIGHTS_FILE.read_bytes()).model_dump())


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


WEIGHT_SETS: DocumentVersions[Weights] = DocumentVersions(
    model=RiskWeightSet,
    name="weights table",
    shipped=lambda: shipped_document(),
    seeder=Actor.system("weights-seed"),
    seed_reason="the weights shipped with Exigent",
    parse=lambda version, document: parse_stored(version, document),
    unseeded=default_weights,
)


def parse_stored(version: int, document: dict[str, Any]) -> Weights:
    """A stored version as weights. A version published before a signal existed has no
    weight for it: it scores 0 there, so an older table keeps scoring as it was published."""
    signals = {code: 0 for code in known_signals()} | document["signals"]
    return Weights.from_dict({**document, "signals": signals, "version": version})


def current_weights(session: Session, *, seed: bool = True) -> Weights:
    """The newest weights, seeding version 1 from the shipped file on first use.

    With `seed=False` nothing is written: an empty table reads as the shipped file.
    """
    return WEIGHT_SETS.current(session, seed=seed)


def scored_with(session: Session, version: int) -> Weights | None:
    """The weights a stored assessment was scored with, to explain its score; None if gone."""
    row = session.execute(
        select(RiskWeightSet.document).where(RiskWeightSet.version == version)
    ).scalar_one_or_none()
    if row is not None:
        return parse_stored(version, row)
    # Scored before the table was seeded: an empty table reads as the shipped file.
    empty = session.execute(select(RiskWeightSet.id).limit(1)).first() is None
    return default_weights() if empty and version == 1 else None


# Reads and publishing (admin, lead, legal)


def get_version(session: Session, *, user: User, version: int) -> RiskWeightSet:
    require_or_refuse(user, Permission.weights_read, action="weights.read", request_id=None)
    return WEIGHT_SETS.row(session, version)


def newest_version(session: Session, *, user: User) -> RiskWeightSet:
    return get_version(session, user=user, version=WEIGHT_SETS.newest_version(session))


def list_versions(session: Session, *, user: User) -> list[RiskWeightSet]:
    require_or_refuse(user, Permission.weights_read, action="weights.read", request_id=None)
    return WEIGHT_SETS.rows(session)


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
    row, previous = WEIGHT_SETS.add(session, user=user, document=normalised, reason=reason, now=now)
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
