"""Scoring a case as it arrives (called by `requests.service.intake`, inside its transaction)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert
from sqlalchemy.orm import Session

from exigent.requests.models import Request
from exigent.requests.schemas import IntakeRecord
from exigent.verification.db_directory import directory_for
from exigent.verification.db_history import history_lock, shared_history
from exigent.verification.engine import Assessor
from exigent.verification.models import RiskAssessment
from exigent.verification.schemas import AssessmentRead
from exigent.verification.weight_sets import current_weights


def assess_on_intake(
    session: Session, *, request: Request, record: IntakeRecord, now: datetime
) -> AssessmentRead:
    """Score a new case against the database's history and store the result on it."""
    directory = directory_for(session)
    # Reads only: an empty table scores with the shipped file, which is what version 1 holds.
    weights = current_weights(session, seed=False)
    with history_lock():
        # The case itself is not committed yet, so it stays out of the shared history.
        history = shared_history(session, directory, exclude=request.id)
        result = Assessor(directory=directory, weights=weights).assess(record, history)
    store_assessment(
        session, request_id=request.id, result=result, at=now, weights_version=weights.version
    )
    return result


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
        insert(RiskAssessment).values(
            request_id=request_id,
            score=result.risk_score,
            level=str(result.risk_level),
            verification_required=result.verification_required,
            signals=[signal.model_dump() for signal in result.signals],
            weights_version=weights_version,
            assessed_at=at,
        )
    )
