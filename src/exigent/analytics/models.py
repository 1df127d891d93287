"""Analytics' own tables: one narrow fact row per case, kept current with the case.

Dashboards and transparency reports aggregate these rows with plain SQL on either database
instead of reading the wide `requests` rows (their JSON record and raw submission). A case
counts in the period of its `received_at`, in UTC.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from exigent.db import Base, EnumText, UtcDateTime, utcnow

BigId = BigInteger().with_variant(Integer, "sqlite")


class FactOutcome(StrEnum):
    """What a case came to, as a transparency report counts it."""

    pending = "pending"
    produced_full = "produced_full"
    produced_partial = "produced_partial"
    # Decided and answered, with nothing disclosed (withheld in full, or no data found).
    nothing_produced = "nothing_produced"
    preserved_only = "preserved_only"
    rejected = "rejected"
    withdrawn = "withdrawn"
    # An EU removal order or order to act given effect, or one that could not be.
    executed = "executed"
    not_executed = "not_executed"


SOME_DATA_PRODUCED = frozenset({FactOutcome.produced_full, FactOutcome.produced_partial})


class CaseFact(Base):
    """One case, as analytics sees it: when, what, from where, how fast, and what came of it."""

    __tablename__ = "analytics_case_facts"
    __table_args__ = (
        Index("ix_analytics_case_facts_open", "is_open", "received_at"),
        Index("ix_analytics_case_facts_assignee", "assignee_id", "received_at"),
        Index("ix_analytics_case_facts_sla", "priority", "received_at", "decide_seconds"),
        # The fraud panel's few rows: one index per condition of its OR.
        Index("ix_analytics_case_facts_fraud_level", "fraud_level", "received_at"),
        Index("ix_analytics_case_facts_fraud_caught", "fraud_caught_by", "received_at"),
        # A period's rows in received order with every column the dashboards, the surge
        # check and the transparency report read: a panel scans this index alone instead of
        # fetching a million-row table's rows one by one (docs/architecture.md, Analytics).
        Index(
            "ix_analytics_case_facts_period",
            "received_at",
            "kind",
            "harm",
            "hour_of_week",
            "priority",
            "country",
            "outcome",
            "channel",
            "agency_type",
            "agency_id",
            "assignee_id",
            "is_open",
            "nondisclosure",
            "accounts",
            "acknowledged_at",
            "acknowledge_due_at",
            "decided_at",
            "decide_due_at",
            "acknowledge_seconds",
            "decide_seconds",
            "deliver_seconds",
            "fraud_level",
            "fraud_caught_by",
            "request_id",
        ),
    )

    request_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("requests.id"), primary_key=True, autoincrement=False
    )
    received_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # 0 (Monday 00:00-01:00 UTC) to 167: the seasonal slot for baselines.
    hour_of_week: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(32))
    priority: Mapped[str] = mapped_column(String(2))
    channel: Mapped[str] = mapped_column(String(16))
    # The harm behind an emergency or a referral (`EmergencyNature` values), else None.
    harm: Mapped[str | None] = mapped_column(String(32))
    # ISO 3166-1 alpha-2 of the requesting authority: the agency's country, an EU order's
    # issuing Member State; "ZZ" when unknown.
    country: Mapped[str] = mapped_column(String(2))
    agency_id: Mapped[int | None] = mapped_column(Integer)
    agency_type: Mapped[str | None] = mapped_column(String(60))
    requester_id: Mapped[int | None] = mapped_column(Integer)
    assignee_id: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(24))
    # Waiting on the team's answer (`facts.AWAITING_ANSWER`): delivered and preserved are not.
    is_open: Mapped[bool] = mapped_column(Boolean)
    outcome: Mapped[FactOutcome] = mapped_column(EnumText(FactOutcome, 24))
    # Accounts specified: the case's targets.
    accounts: Mapped[int] = mapped_column(Integer, default=0)
    emergency: Mapped[bool] = mapped_column(Boolean, default=False)
    preservation: Mapped[bool] = mapped_column(Boolean, default=False)
    nondisclosure: Mapped[bool] = mapped_column(Boolean, default=False)
    acknowledge_due_at: Mapped[datetime] = mapped_column(UtcDateTime)
    decide_due_at: Mapped[datetime] = mapped_column(UtcDateTime)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # Seconds from receipt; None until the step happened. A clock is breached when its step
    # happened after its due time, or has not happened and the due time is past: computed
    # when read, since the passing of time writes nothing.
    acknowledge_seconds: Mapped[int | None] = mapped_column(Integer)
    decide_seconds: Mapped[int | None] = mapped_column(Integer)
    deliver_seconds: Mapped[int | None] = mapped_column(Integer)
    fraud_level: Mapped[str | None] = mapped_column(String(16))
    # The codes of the fraud signals that fired (weight > 0) on the newest assessment.
    fraud_signals: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Caught as an impostor: rejected for fraud, a callback the agency denied, or the
    # requester marked; how (`callback_denied`, `requester_marked`, `rejected_fraud`) and when.
    fraud_caught_by: Mapped[str | None] = mapped_column(String(24))
    fraud_caught_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class StatusTime(Base):
    """One case's time in one status it waits in, summed over its visits, kept with its fact
    row; the open visit counts up to now when read, since the passing of time writes nothing.
    Kind, priority and `received_at` are copied from the fact row so that each step's cases in
    a period are one range of one index."""

    __tablename__ = "analytics_status_time"
    __table_args__ = (
        Index(
            "ix_analytics_status_time_step",
            "kind",
            "priority",
            "status",
            "waiting_on",
            "received_at",
            "spent_seconds",
            "open_since",
        ),
    )

    request_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("requests.id"), primary_key=True, autoincrement=False
    )
    status: Mapped[str] = mapped_column(String(24), primary_key=True)
    # Whom the case waits on there (`status_time.WaitingOn`): `legal` for review while its
    # newest legal check routes it to legal.
    waiting_on: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(32))
    priority: Mapped[str] = mapped_column(String(2))
    received_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # Seconds in the visits that ended; the visit under way, if any, began at `open_since`.
    spent_seconds: Mapped[float] = mapped_column(Float)
    open_since: Mapped[datetime | None] = mapped_column(UtcDateTime)
    visits: Mapped[int] = mapped_column(Integer)


class SurgeAlert(Base):
    """One surge in the volume of a kind (and harm) of case: opened when the recent window
    departs from its seasonal baseline, updated while it lasts, ended once it has been quiet
    for a whole window."""

    __tablename__ = "analytics_surge_alerts"
    __table_args__ = (Index("ix_analytics_surge_alerts_series", "kind", "harm", "ended_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    # "" for the kinds without a harm category, so the series is one key on either database.
    harm: Mapped[str] = mapped_column(String(32), default="")
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UtcDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    window_hours: Mapped[int] = mapped_column(Integer)
    # The newest window that departed: cases counted, cases expected, and its p-value.
    observed: Mapped[int] = mapped_column(Integer)
    expected: Mapped[float] = mapped_column(Float)
    p_value: Mapped[float] = mapped_column(Float)
    peak: Mapped[int] = mapped_column(Integer)
    # Every case behind the alert while it lasted, and the source most of them came from.
    request_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    top_source: Mapped[str] = mapped_column(String(200), default="")


class TransparencyReport(Base):
    """A transparency report as generated: how it was counted, by whom, and its exact bytes.

    The figures are read again from the same data with `query` and the same code version to
    regenerate it; the SHA-256 says whether that gave the same bytes.
    """

    __tablename__ = "analytics_transparency_reports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    period: Mapped[str] = mapped_column(String(40))
    period_since: Mapped[datetime] = mapped_column(UtcDateTime)
    period_until: Mapped[datetime] = mapped_column(UtcDateTime)
    # `tiktok` or `google` (`report_layouts.Layout`); `format` is `csv` or `pdf`.
    layout: Mapped[str] = mapped_column(String(16))
    format: Mapped[str] = mapped_column(String(8))
    preservation_in_totals: Mapped[bool] = mapped_column(Boolean)
    national_security_band: Mapped[int] = mapped_column(Integer, default=0)
    # Everything that decides the output: period bounds, layout, rules, format.
    query: Mapped[dict[str, Any]] = mapped_column(JSON)
    code_version: Mapped[str] = mapped_column(String(60))
    generated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    generated_by: Mapped[str] = mapped_column(String(320))
    generated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    sha256: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(Integer)
    media_type: Mapped[str] = mapped_column(String(60))
    filename: Mapped[str] = mapped_column(String(200))
