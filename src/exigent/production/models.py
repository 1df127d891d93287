"""Productions, their delivery links and downloads, the chain of custody, preservation holds."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from exigent.db import Base, EnumText, UtcDateTime, utcnow

BigId = BigInteger().with_variant(Integer, "sqlite")


class ProductionStatus(StrEnum):
    building = "building"
    built = "built"
    failed = "failed"


class Production(Base):
    """One package of disclosed data for a case, built from its approved decision."""

    __tablename__ = "productions"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id"), index=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"))
    status: Mapped[ProductionStatus] = mapped_column(EnumText(ProductionStatus, 16))
    adapter: Mapped[str] = mapped_column(String(64))
    # What the decision allowed, fixed when the production was created: targets x categories
    # and the date range, so a later reading of the case cannot widen it.
    scope: Mapped[dict[str, Any]] = mapped_column(JSON)
    withheld: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    counts: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    record_count: Mapped[int] = mapped_column(BigId, default=0)
    package_path: Mapped[str | None] = mapped_column(String(1000))
    # SHA-256 of manifest.json: the package's seal, printed on the cover letter.
    manifest_sha256: Mapped[str | None] = mapped_column(String(64))
    cover_letter_sha256: Mapped[str | None] = mapped_column(String(64))
    error: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    built_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class DeliveryLink(Base):
    """An expiring link to one production, usable only by its recipient's portal account."""

    __tablename__ = "delivery_links"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    production_id: Mapped[int] = mapped_column(ForeignKey("productions.id"), index=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # Only a SHA-256 of the token is kept; the token itself is shown once, to the issuer.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    issued_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    issued_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    revoked_reason: Mapped[str | None] = mapped_column(Text)


class DownloadOutcome(StrEnum):
    downloaded = "downloaded"
    wrong_account = "wrong_account"
    expired = "expired"
    revoked = "revoked"


class DownloadAttempt(Base):
    """Every use of a delivery link, granted or refused: who, when, from where."""

    __tablename__ = "download_attempts"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    link_id: Mapped[int] = mapped_column(ForeignKey("delivery_links.id"), index=True)
    production_id: Mapped[int] = mapped_column(ForeignKey("productions.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    ip: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(500))
    outcome: Mapped[DownloadOutcome] = mapped_column(EnumText(DownloadOutcome, 16))


class CustodyEvent(Base):
    """One step in the chain of custody of a case's data, from collection to each download."""

    __tablename__ = "custody_events"
    __table_args__ = (Index("ix_custody_events_request", "request_id", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id"))
    production_id: Mapped[int | None] = mapped_column(ForeignKey("productions.id"), index=True)
    hold_id: Mapped[int | None] = mapped_column(ForeignKey("preservation_holds.id"), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    event: Mapped[str] = mapped_column(String(32))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor: Mapped[str] = mapped_column(String(320))
    # The digest of what changed hands at this step (a manifest, a snapshot), when there is one.
    sha256: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class HoldStatus(StrEnum):
    active = "active"
    released = "released"


class PreservationHold(Base):
    """Data of a case's target accounts kept as it was on the request, until expiry."""

    __tablename__ = "preservation_holds"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id"), index=True)
    status: Mapped[HoldStatus] = mapped_column(EnumText(HoldStatus, 16))
    categories: Mapped[list[str]] = mapped_column(JSON)
    # The moment the data is preserved as of (the request's receipt).
    as_of: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    extensions: Mapped[int] = mapped_column(Integer, default=0)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    released_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    release_reason: Mapped[str | None] = mapped_column(Text)


class PreservationSnapshot(Base):
    """One dataset of one target account as preserved; the rows live in the file store."""

    __tablename__ = "preservation_snapshots"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    hold_id: Mapped[int] = mapped_column(ForeignKey("preservation_holds.id"), index=True)
    target_id: Mapped[int | None] = mapped_column(ForeignKey("targets.id", ondelete="SET NULL"))
    target_label: Mapped[str] = mapped_column(String(340))
    account_id: Mapped[str] = mapped_column(String(200))
    dataset: Mapped[str] = mapped_column(String(64))
    category: Mapped[str] = mapped_column(String(32))
    sha256: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(BigId)
    records: Mapped[int] = mapped_column(BigId)
    # Rows at or before this instant (seam format) come from the snapshot, later ones live.
    cutoff: Mapped[str] = mapped_column(String(20))
    taken_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
