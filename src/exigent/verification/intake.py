"""Scoring records as they arrive (intake scores a batch before it writes; the rows are
stored by `requests.newcases`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from exigent.cases.schemas import IntakeRecord
from exigent.verification.contact_signals import load_places
from exigent.verification.context import Context
from exigent.verification.db_directory import directory_for
from exigent.verification.db_history import history_lock, shared_history
from exigent.verification.engine import Assessor
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
    """Load the directory index, the history mirror and the phone numbering places before the
    first case arrives, so the first emergency after a restart is not the one that waits."""
    load_places()
    with factory() as session:
        directory = directory_for(session)
        with history_lock():
            shared_history(session, directory)
        session.rollback()
