"""JSON routes for assessment, a case's risk, callbacks and verification status. Thin."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, Path
from pydantic import BaseModel, ConfigDict, StringConstraints
from sqlalchemy.exc import IntegrityError

from exigent.cases.api import CaseId
from exigent.cases.schemas import IntakeRecord
from exigent.errors import BadInput, Conflict
from exigent.verification import service, weight_sets
from exigent.verification.models import Callback, CallbackOutcome, RiskWeightSet
from exigent.verification.schemas import AssessmentRead
from exigent.web.deps import CurrentUser, RowId, SessionDep

router = APIRouter(prefix="/api/v1", tags=["verification"])

MAX_BATCH = 1000


class RiskRead(BaseModel):
    request_id: int
    risk_score: int
    risk_level: str
    verification_required: bool
    signals: list[dict[str, Any]]
    weights_version: int
    assessed_at: datetime


class CallbackRead(BaseModel):
    id: int
    request_id: int
    agency_id: int
    number_dialled: str
    number_source: str
    created_at: datetime
    called_by_id: int | None
    answered_by: str | None
    outcome: str | None
    supervisor_confirmed: bool | None
    notes: str | None
    called_at: datetime | None


class OutcomeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    outcome: CallbackOutcome
    answered_by: Annotated[str, StringConstraints(max_length=300)] = ""
    supervisor_confirmed: bool = False
    notes: Annotated[str, StringConstraints(max_length=20_000)] | None = None


class VerificationRead(BaseModel):
    request_id: int
    passed: bool
    reason: str


class WeightsVersionSummary(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    version: int
    reason: str
    created_by: str
    created_at: datetime


class WeightsVersionRead(WeightsVersionSummary):
    document: dict[str, Any]


class WeightsChange(BaseModel):
    """A new weights table (the shape of `weights.json`) and why it changes."""

    model_config = ConfigDict(extra="forbid")

    weights: dict[str, Any]
    reason: Annotated[str, StringConstraints(max_length=4000)]


VersionNo = Annotated[int, Path(ge=1, le=2**31 - 1)]


def _callback(row: Callback) -> CallbackRead:
    return CallbackRead.model_validate(row, from_attributes=True)


@router.post("/assess", response_model=list[AssessmentRead] | AssessmentRead)
def assess(
    session: SessionDep,
    user: CurrentUser,
    records: Annotated[
        list[IntakeRecord] | IntakeRecord, Body(description="one intake record or a list")
    ],
) -> list[AssessmentRead] | AssessmentRead:
    """Score records as `exigent assess` does, against the stored history; nothing is kept."""
    batch = records if isinstance(records, list) else [records]
    if len(batch) > MAX_BATCH:
        raise BadInput(f"(body): at most {MAX_BATCH} records per call")
    results = service.assess_records(session, user=user, records=batch)
    session.rollback()  # nothing to keep; the look-ups wrote nothing
    return results if isinstance(records, list) else results[0]


@router.get("/requests/{request_id}/risk", response_model=RiskRead)
def get_risk(request_id: CaseId, session: SessionDep, user: CurrentUser) -> RiskRead:
    """The case's current fraud-risk assessment, made at intake (staff only)."""
    row = service.current_risk(session, user=user, request_id=request_id)
    result = RiskRead(
        request_id=row.request_id,
        risk_score=row.score,
        risk_level=row.level,
        verification_required=row.verification_required,
        signals=row.signals,
        weights_version=row.weights_version,
        assessed_at=row.assessed_at,
    )
    session.commit()
    return result


@router.post("/requests/{request_id}/callbacks", status_code=201, response_model=CallbackRead)
def create_callback(request_id: CaseId, session: SessionDep, user: CurrentUser) -> CallbackRead:
    """Open a callback task on the agency's number from the directory (409 if it has none)."""
    row = service.create_callback(session, user=user, request_id=request_id)
    session.commit()
    return _callback(row)


@router.get("/requests/{request_id}/callbacks", response_model=list[CallbackRead])
def list_callbacks(
    request_id: CaseId, session: SessionDep, user: CurrentUser
) -> list[CallbackRead]:
    """The case's callbacks: number dialled, who answered, outcome and notes (staff only)."""
    rows = [
        _callback(row) for row in service.read_callbacks(session, user=user, request_id=request_id)
    ]
    session.commit()
    return rows


@router.post("/callbacks/{callback_id}/outcome", response_model=CallbackRead)
def record_outcome(
    callback_id: RowId, body: OutcomeIn, session: SessionDep, user: CurrentUser
) -> CallbackRead:
    """Record the call: who answered, confirmed / denied / no answer, supervisor confirmed."""
    row = service.record_outcome(
        session,
        user=user,
        callback_id=callback_id,
        result=service.CallbackResult(
            outcome=body.outcome,
            answered_by=body.answered_by,
            supervisor_confirmed=body.supervisor_confirmed,
            notes=body.notes,
        ),
    )
    session.commit()
    return _callback(row)


@router.get("/requests/{request_id}/verification", response_model=VerificationRead)
def get_verification(
    request_id: CaseId, session: SessionDep, user: CurrentUser
) -> VerificationRead:
    """Whether the case's verification has passed, and why or why not (staff only)."""
    case, passed, reason = service.read_status(session, user=user, request_id=request_id)
    session.commit()
    return VerificationRead(request_id=case.id, passed=passed, reason=reason)


# Risk weights (admin, lead, legal)


def _weights_read(row: RiskWeightSet) -> WeightsVersionRead:
    return WeightsVersionRead.model_validate(row, from_attributes=True)


@router.get("/risk-weights", response_model=WeightsVersionRead)
def get_weights(session: SessionDep, user: CurrentUser) -> WeightsVersionRead:
    """The current fraud-risk weights with their version, author and reason."""
    result = _weights_read(weight_sets.newest_version(session, user=user))
    session.commit()
    return result


@router.get("/risk-weights/versions", response_model=list[WeightsVersionSummary])
def list_weights_versions(session: SessionDep, user: CurrentUser) -> list[WeightsVersionSummary]:
    """Every published version, newest first."""
    rows = weight_sets.list_versions(session, user=user)
    session.commit()
    return [WeightsVersionSummary.model_validate(row) for row in rows]


@router.get("/risk-weights/versions/{version}", response_model=WeightsVersionRead)
def get_weights_version(
    version: VersionNo, session: SessionDep, user: CurrentUser
) -> WeightsVersionRead:
    result = _weights_read(weight_sets.get_version(session, user=user, version=version))
    session.commit()
    return result


@router.post("/risk-weights", status_code=201, response_model=WeightsVersionRead)
def publish_weights(
    body: WeightsChange, session: SessionDep, user: CurrentUser
) -> WeightsVersionRead:
    """Publish a new version of the weights; the next assessment scores with it."""
    row = weight_sets.publish_weights(session, user=user, document=body.weights, reason=body.reason)
    result = _weights_read(row)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise Conflict("someone published weights at the same moment; reload and retry") from None
    return result
