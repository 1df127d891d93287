"""Risk assessments stored on cases, and callback verification tasks."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from exigent.db import Base, UtcDateTime, utcnow
from exigent.versions import VersionColumns

BigId = BigInteger().with_variant(Integer, "sqlite")


class RiskAssessment(Base):
    """A case's fraud-risk assessment at one moment; the newest one is the current one."""

    __tablename__ = "risk_assessments"
    __table_args__ = (Index("ix_risk_assessments_request", "request_id", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id"))
    score: Mapped[int] = mapped_column(Integer)
    level: Mapped[str] = mapped_column(String(16))
    verification_required: Mapped[bool] = mapped_column(Boolean)
    signals: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    weights_version: Mapped[int] = mapped_column(Integer)
    assessed_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class CallbackOutcome(StrEnum):
    confirmed = "confirmed"
    denied = "denied"
    no_answer = "no_answer"


class Callback(Base):
    """A call to the agency on a number from the directory, never one from the request."""

    __tablename__ = "callbacks"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    number_dialled: Mapped[str] = mapped_column(String(32))
    # Where the number came from (the agency record's phone_source), kept as it was then.
    number_source: Mapped[str] = mapped_column(String(200))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    called_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    answered_by: Mapped[str | None] = mapped_column(String(300))
    outcome: Mapped[CallbackOutcome | None] = mapped_column(String(16))
    supervisor_confirmed: Mapped[bool | None] = mapped_column(Boolean)
    notes: Mapped[str | None] = mapped_column(Text)
    called_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class RiskWeightSet(VersionColumns, Base):
    """One version of the fraud-risk weights; rows are only ever added, never edited."""

    __tablename__ = "risk_weight_sets"
