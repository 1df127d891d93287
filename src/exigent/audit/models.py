"""Audit events, each sealing the hash of the one before it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, Boolean, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from exigent.db import Base, UtcDateTime

GENESIS_HASH = "0" * 64
BigSeq = BigInteger().with_variant(Integer, "sqlite")


class AuditEvent(Base):
    __tablename__ = "audit_events"
    # The audit log viewer's orders: newest first, overall, by case, by actor and by action,
    # each a keyset on (at, seq) so a deep page costs what the first does.
    __table_args__ = (
        Index("ix_audit_events_at", "at", "seq"),
        Index("ix_audit_events_case", "case_id", "at", "seq"),
        Index("ix_audit_events_actor", "actor", "at", "seq"),
        Index("ix_audit_events_action", "action", "at", "seq"),
    )

    # The chain order is this sequence, assigned while the chain head is locked.
    seq: Mapped[int] = mapped_column(BigSeq, primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    actor_id: Mapped[int | None] = mapped_column(Integer)
    actor: Mapped[str] = mapped_column(String(320))
    action: Mapped[str] = mapped_column(String(64))
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[str | None] = mapped_column(String(64))
    before_digest: Mapped[str | None] = mapped_column(String(64))
    after_digest: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    # The case the event is about, derived from the chained fields (`service.case_of`): an
    # index for the viewer, checked against those fields when the chain is verified.
    case_id: Mapped[int | None] = mapped_column(Integer)


class AuditHead(Base):
    """One row holding the chain's tip; locking it serialises appends across processes."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(BigSeq)
    hash: Mapped[str] = mapped_column(String(64))


class AuditCheck(Base):
    """One verification of the chain, by a person from the audit log page or by
    `exigent audit verify`: when, by whom, how far, and what it found."""

    __tablename__ = "audit_checks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(Integer)
    actor: Mapped[str] = mapped_column(String(320))
    started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # None while the walk runs (or if the process running it died).
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)
    events_checked: Mapped[int] = mapped_column(BigSeq, default=0)
    intact: Mapped[bool | None] = mapped_column(Boolean)
    broken_seq: Mapped[int | None] = mapped_column(BigSeq)
    reason: Mapped[str | None] = mapped_column(String(200))
