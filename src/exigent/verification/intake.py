"""Scoring a case as it arrives (called by `requests.service.intake`, inside its transaction)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert
from sqlalchemy.orm import Session, sessionmaker

from exigent.requests.models import Request
from exigent.requests.schemas import IntakeRecord
from exigent.verification.db_directory import directory_for
from exigent.verification.db_history import history_lock, shared_history
from exigent.verification.engine import Assessor
from exigent.verification.models import RiskAssessment
from exigent.verification.schemas import AssessmentRead
from exigent.verification.scoring import default_weights


def assess_on_intake(
    session: Session, *, request: Request, record: IntakeRecord, now: datetime
) -> AssessmentRead:
    """Score a new case against the database's history and store the result on it."""
    directory = directory_for(session)
    with history_lock():
        # The case itself is not committed yet, so it stays out of the shared history.
        history = shared_history(session, directory, exclude=request.id)
        result = Assessor(directory=directory).assess(record, history)
    store_assessment(session, request_id=request.id, result=result, at=now)
    return result


def store_assessment(
    session: Session, *, request_id: int, result: AssessmentRead, at: datetime
) -> None:
    # A Core insert: this runs on every intake and the row is never read back here.
    session.execute(
        insert(RiskAssessment).values(
            request_id=request_id,
            score=result.risk_score,
            level=str(result.risk_level),
            verification_required=result.verification_required,
            signals=[signal.model_dump() for signal in result.signals],
            weights_version=default_weights().version,
            assessed_at=at,
        )
    )


def warm_up(factory: sessionmaker[Session]) -> None:
    """Load the directory index and the history mirror before the first case arrives, so the
    first emergency after a restart is not the one that waits for them."""
    with factory() as session:
        directory = directory_for(session)
        with history_lock():
            shared_history(session, directory)
        session.rollback()
