"""Agencies and the domains they write from, seeded from public directories."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from exigent.cases.models import TrustStatus
from exigent.db import Base, UtcDateTime, utcnow

BigId = BigInteger().with_variant(Integer, "sqlite")


class Agency(Base):
    __tablename__ = "agencies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(300), index=True)
    agency_type: Mapped[str | None] = mapped_column(String(60))
    country: Mapped[str] = mapped_column(String(2), default="US")
    state: Mapped[str | None] = mapped_column(String(10), index=True)
    ori: Mapped[str | None] = mapped_column(String(16), unique=True)
    homepage_url: Mapped[str | None] = mapped_column(String(500))
    # A number taken from the agency's own site or a directory; never from a request.
    verified_phone: Mapped[str | None] = mapped_column(String(32))
    phone_source: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[TrustStatus] = mapped_column(String(20), default=TrustStatus.unverified)
    source: Mapped[str] = mapped_column(String(40))
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    # Indexed: the newest change tells every process whether its directory index is stale.
    updated_at: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)


class AgencyDomain(Base):
    __tablename__ = "agency_domains"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    domain: Mapped[str] = mapped_column(String(253), unique=True)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), index=True)
    source: Mapped[str] = mapped_column(String(40))
    organization: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class MarkSubject(StrEnum):
    requester = "requester"
    agency = "agency"
    request = "request"


class VerificationMark(Base):
    """A change of trust, in order: a requester or agency marked, a callback's outcome.

    Append-only, so every process can catch up on what changed since it last looked.
    """

    __tablename__ = "verification_marks"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    subject_type: Mapped[MarkSubject] = mapped_column(String(16))
    subject_id: Mapped[int] = mapped_column(BigId)
    # A requester's, agency's or case's status or outcome as of this mark.
    status: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
