"""Agencies and the domains they write from, seeded from public directories."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from exigent.cases.models import TrustStatus
from exigent.db import Base, EnumText, UtcDateTime, utcnow

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
    status: Mapped[TrustStatus] = mapped_column(
        EnumText(TrustStatus, 20), default=TrustStatus.unverified
    )
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
    # Where staff confirmed the domain is the agency's own ("listed on the sheriff's contact
    # page"); imported rows have their file as `source` and no note.
    source_note: Mapped[str | None] = mapped_column(String(300))
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class PhoneSource(StrEnum):
    """Where an independently sourced agency number was found (never the request itself)."""

    agency_website = "agency_website"
    directory = "directory"
    prior_callback = "prior_callback"


class AgencyPhone(Base):
    """A number of an agency with where it was found; the agency's `verified_phone` is the
    one of them that callbacks dial. Retired numbers stay, so old callbacks still explain."""

    __tablename__ = "agency_phones"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    number: Mapped[str] = mapped_column(String(32))
    label: Mapped[str | None] = mapped_column(String(100))
    source_kind: Mapped[PhoneSource] = mapped_column(EnumText(PhoneSource, 20))
    # In the finder's words: "Illinois POST agency list", "cityofx.gov/police, fetched by".
    source: Mapped[str] = mapped_column(String(150))
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    added_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    # The case it was found for, when an analyst added it from one.
    request_id: Mapped[int | None] = mapped_column(ForeignKey("requests.id"))
    retired_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    retired_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    retired_reason: Mapped[str | None] = mapped_column(String(500))


class MarkSubject(StrEnum):
    requester = "requester"
    agency = "agency"
    request = "request"
    # A case linked to another agency by staff: `status` holds the agency id, so every
    # process's history moves the case to the agency whose standing it now shares.
    request_agency = "request_agency"


class VerificationMark(Base):
    """A change of trust, in order: a requester or agency marked, a callback's outcome.

    Append-only, so every process can catch up on what changed since it last looked.
    """

    __tablename__ = "verification_marks"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    subject_type: Mapped[MarkSubject] = mapped_column(EnumText(MarkSubject, 16))
    subject_id: Mapped[int] = mapped_column(BigId)
    # A requester's, agency's or case's status or outcome as of this mark: the values of two
    # enums (TrustStatus, CallbackOutcome) by subject, so it stays text.
    status: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
