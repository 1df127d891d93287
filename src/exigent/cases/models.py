"""Requesters, requests (cases), their targets, documents, assignments and timeline."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from exigent.cases.lifecycle import Status
from exigent.cases.schemas import EmergencyNature, IdentifierType, ReceivedVia, RequestKind
from exigent.db import Base, EnumText, UtcDateTime, utcnow

BigId = BigInteger().with_variant(Integer, "sqlite")


class Priority(StrEnum):
    """How fast a case must be answered; the policy maps each kind of request to one."""

    P0 = "P0"
    P1 = "P1"
    P2 = "P2"
    P3 = "P3"


class TrustStatus(StrEnum):
    """Where a requester (and an agency) stands with the team."""

    unverified = "unverified"
    verified = "verified"
    suspended = "suspended"
    fraudulent = "fraudulent"


class Requester(Base):
    """An officer or official who asks; one row per email address."""

    __tablename__ = "requesters"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str | None] = mapped_column(String(300))
    title: Mapped[str | None] = mapped_column(String(200))
    badge_number: Mapped[str | None] = mapped_column(String(100))
    # Indexed: staff find an officer's cases by the number they call from (`cases.search`).
    phone: Mapped[str | None] = mapped_column(String(32), index=True)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), index=True)
    agency_name: Mapped[str | None] = mapped_column(String(300))
    status: Mapped[TrustStatus] = mapped_column(
        EnumText(TrustStatus, 20), default=TrustStatus.unverified
    )
    first_seen_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Request(Base):
    """A case: one law-enforcement request and everything done about it."""

    __tablename__ = "requests"
    __table_args__ = (
        UniqueConstraint("submitted_by_id", "idempotency_key"),
        Index("ix_requests_queue", "status", "decide_due_at", "id"),
        Index("ix_requests_received", "received_at", "id"),
        # Filters lead with their own column and then follow each listing order, so a
        # filtered page (the open P0 queue, the newest subpoenas) reads only rows it shows.
        Index("ix_requests_priority_queue", "priority", "status", "decide_due_at", "id"),
        Index("ix_requests_priority_received", "priority", "received_at", "id"),
        Index("ix_requests_kind_queue", "kind", "status", "decide_due_at", "id"),
        Index("ix_requests_kind_received", "kind", "received_at", "id"),
        # An account's recent cases, counted against its intake allowance on every submission.
        Index("ix_requests_submitted_recent", "submitted_by_id", "created_at"),
        # Finding a case by the agency's own number (`cases.search`).
        Index("ix_requests_case_number", "case_number"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    idempotency_key: Mapped[str | None] = mapped_column(String(200))
    # Digest of the submission, so a reused key with a different body is caught, not merged.
    submission_digest: Mapped[str] = mapped_column(String(64))
    external_id: Mapped[str | None] = mapped_column(String(500))
    kind: Mapped[RequestKind] = mapped_column(EnumText(RequestKind, 32))
    received_via: Mapped[ReceivedVia] = mapped_column(EnumText(ReceivedVia, 16))
    received_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # The offset the requester wrote in, kept so deadlines read in their local time.
    received_offset_minutes: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[Status] = mapped_column(EnumText(Status, 24), default=Status.received)
    priority: Mapped[Priority] = mapped_column(EnumText(Priority, 2))
    case_number: Mapped[str | None] = mapped_column(String(500))
    emergency_nature: Mapped[EmergencyNature | None] = mapped_column(EnumText(EmergencyNature, 32))
    requester_id: Mapped[int | None] = mapped_column(ForeignKey("requesters.id"), index=True)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), index=True)
    agency_name: Mapped[str | None] = mapped_column(String(300))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    record: Mapped[dict[str, Any]] = mapped_column(JSON)
    raw_submission: Mapped[str] = mapped_column(Text)
    policy_version: Mapped[int | None] = mapped_column(Integer)
    needs_completion: Mapped[bool] = mapped_column(Boolean, default=False)
    # A target known or stated to be under 13: COPPA handling (set by the legal service).
    coppa: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    acknowledge_due_at: Mapped[datetime] = mapped_column(UtcDateTime)
    decide_due_at: Mapped[datetime] = mapped_column(UtcDateTime)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    # Bumped on every change; concurrent writers compare-and-swap on it.
    version: Mapped[int] = mapped_column(Integer, default=1)

    targets: Mapped[list[Target]] = relationship(
        back_populates="request", order_by="Target.position", lazy="selectin"
    )
    requester: Mapped[Requester | None] = relationship()

    @property
    def reference(self) -> str:
        return format_reference(self.id)


REFERENCE_PREFIX = "EXG-"


def format_reference(request_id: int) -> str:
    """The number people read out on the phone: EXG-0001234."""
    return f"{REFERENCE_PREFIX}{request_id:07d}"


def parse_reference(reference: str) -> int | None:
    text = reference.strip().upper().removeprefix(REFERENCE_PREFIX)
    return int(text) if text.isascii() and text.isdigit() else None


class Target(Base):
    __tablename__ = "targets"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    identifier_type: Mapped[IdentifierType] = mapped_column(EnumText(IdentifierType, 16))
    value: Mapped[str] = mapped_column(String(320), index=True)

    request: Mapped[Request] = relationship(back_populates="targets")


class Document(Base):
    """A file attached to a case; its bytes live in the content-addressed store."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id"), index=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    filename: Mapped[str] = mapped_column(String(500))
    media_type: Mapped[str] = mapped_column(String(200))
    size_bytes: Mapped[int | None] = mapped_column(BigId)
    # False while the intake record names a file whose bytes have not been uploaded yet.
    stored: Mapped[bool] = mapped_column(Boolean, default=False)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Assignment(Base):
    __tablename__ = "assignments"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    assigned_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class TimelineEvent(Base):
    """What happened on a case, in order: transitions, notes, assignments, clock warnings."""

    __tablename__ = "timeline_events"
    # Who did what in a period (the workload page's case actions, after hours or not).
    __table_args__ = (Index("ix_timeline_events_at_actor", "at", "actor_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id"), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    # Stays text: each domain names the entries it writes (`decision_approval`, `sla_breach`,
    # `user_notice`, ...), some built from words, and the kernel's table must not list them all.
    kind: Mapped[str] = mapped_column(String(32))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor: Mapped[str] = mapped_column(String(320))
    from_status: Mapped[Status | None] = mapped_column(EnumText(Status, 24))
    to_status: Mapped[Status | None] = mapped_column(EnumText(Status, 24))
    body: Mapped[str | None] = mapped_column(Text)
    # Internal notes stay internal; only visible entries reach the requester's portal.
    visible_to_requester: Mapped[bool] = mapped_column(Boolean, default=False)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
