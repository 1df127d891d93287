"""The assessment as others read it: the `exigent assess` line and the API body."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from exigent.verification.scoring import RiskLevel


class SignalRead(BaseModel):
    """One fired signal: what it is, how much it weighs, and why it fired."""

    model_config = ConfigDict(frozen=True)

    code: str
    weight: int
    detail: str


class AssessmentRead(BaseModel):
    """A request's fraud-risk assessment (a stable interface: DESIGN.md, `exigent assess`)."""

    model_config = ConfigDict(frozen=True)

    id: str | None
    risk_score: int = Field(ge=0, le=100)
    risk_level: RiskLevel
    verification_required: bool
    signals: list[SignalRead]
