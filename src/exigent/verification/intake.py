"""Scoring a case as it arrives (called by `requests.intake.intake`, inside its transaction)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session, sessionmaker

from exigent.requests.models import Request
from exigent.requests.schemas import IntakeRecord
from exigent.verification.context import Context
from exigent.verification.db_directory import directory_for
from exigent.verification.db_history import history_lock, shared_history
from exigent.verification.engine import Assessor
from exigent.verification.models import RiskAssessment
from exigent.verification.schemas import AssessmentRead
from exigent.verification.weight_sets import current_weights


@dataclass(frozen=True)
class Assessed:
    """A record's assessment and the weights version that scored it."""

    result: AssessmentRead
    weights_version: int
    # What the checks worked out about the record (its text fingerprint, say), for history to
    # reuse once the case is committed.
    context: Context | None = field(default=None, compare=False, repr=False)


def assess_record(
    session: Session, record: IntakeRecord, *, exclude: int | None = None
) -> Assessed:
    """Score a record against the database's history (`exclude`: the caller's own uncommitted
    case, which must stay out of the history other sessions share). Reads only."""
    return assess_records(session, [record], exclude=exclude)[0]


def assess_records(
    session: Session, records: list[IntakeRecord], *, exclude: int | None = None
) -> list[Assessed]:
    """Score records that arrived together: the directory, weights and history are looked up
    once for all of them. Reads only."""
    directory = directory_for(session)
    # Reads only: an empty table scores with the shipped file, which is what version 1 holds.
    weights = current_weights(session, seed=False)
    assessor = Assessor(directory=directory, weights=weights)
    with history_lock():
        history = shared_history(session, directory, exclude=exclude)
        contexts = [assessor.context(record, history) for record in records]
        results = [assessor.assess_context(ctx) for ctx in contexts]
    return [
        Assessed(result=result, weights_version=weights.version, context=ctx)
        for result, ctx in zip(results, contexts, strict=True)
    ]


def assess_on_intake(
    session: Session,
    *,
    request: Request,
    record: IntakeRecord,
    now: datetime,
    assessed: Assessed | None = None,
) -> AssessmentRead:
    """Store the new case's risk assessment, scoring it now unless `assessed` already did."""
    if assessed is None:
        assessed = assess_record(session, record, exclude=request.id)
    store_assessment(
        session,
        request_id=request.id,
        result=assessed.result,
        at=now,
        weights_version=assessed.weights_version,
    )
    return assessed.result


def store_assessment(
    session: Session,
    *,
    request_id: int,
    result: AssessmentRead,
    at: datetime,
    weights_version: int,
) -> None:
    # A Core insert: this runs on every intake and the row is never read back here.
    session.execute(
        insert(RiskAssessment).values(**assessment_row(request_id, result, at, weights_version))
    )


def assessment_row(
    request_id: int, result: AssessmentRead, at: datetime, weights_version: int
) -> dict[str, Any]:
    return {
        "request_id": request_id,
        "score": result.risk_score,
        "level": str(result.risk_level),
        "verification_required": result.verification_required,
        "signals": [signal.model_dump() for signal in result.signals],
        "weights_version": weights_version,
        "assessed_at": at,
    }


def warm_up(factory: sessionmaker[Session]) -> None:
    """Load the directory index and the history mirror before the first case arrives, so the
    first emergency after a restart is not the one that waits for them."""
    with factory() as session:
        directory = directory_for(session)
        with history_lock():
            shared_history(session, directory)
        session.rollback()
