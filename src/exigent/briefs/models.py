"""Briefs' tables: hand-overs between shifts, distribution lists and critical-event briefs."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from exigent.db import Base, EnumText, UtcDateTime, utcnow

BigId = BigInteger().with_variant(Integer, "sqlite")


class Handoff(Base):
    """One moment the set of people on shift changes, and the brief the newcomers get.

    Planned a day ahead (so the outgoing lead can write notes for it), sent at `at` with the
    brief as it stood then (`content`), acknowledged by an incoming lead or escalated.
    """

    __tablename__ = "handoffs"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    # Unique: two workers planning the same day find the one row, never two.
    at: Mapped[datetime] = mapped_column(UtcDateTime, unique=True)
    # The end of the longest incoming shift: what "falling due during the shift" means.
    until: Mapped[datetime] = mapped_column(UtcDateTime)
    incoming_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    incoming_lead_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    outgoing_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    outgoing_lead_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    notes: Mapped[str] = mapped_column(Text, default="")
    notes_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    notes_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # The brief as it was sent: its sections, so a past hand-off reads as it was.
    content: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    acknowledged_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    escalated_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class BriefEvent(StrEnum):
    """What a critical-event brief is about; a list names the ones it receives."""

    # Sent by hand from a case.
    manual = "manual"
    # An emergency disclosure (no compulsory process) about a target under 18.
    child_disclosure = "child_disclosure"
    # A request the agency denied on callback: someone posed as police.
    fraud_confirmed = "fraud_confirmed"
    # A P0 case's clock breached.
    p0_breach = "p0_breach"


AUTOMATIC_EVENTS = (BriefEvent.child_disclosure, BriefEvent.fraud_confirmed, BriefEvent.p0_breach)


class DistributionList(Base):
    """Who hears of critical events: staff accounts and extra addresses, per kind of event."""

    __tablename__ = "distribution_lists"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    events: Mapped[list[str]] = mapped_column(JSON, default=list)
    member_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    emails: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class CriticalBrief(Base):
    """A brief to legal and leadership as it was sent, kept on its case."""

    __tablename__ = "critical_briefs"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id"), index=True)
    event: Mapped[BriefEvent] = mapped_column(EnumText(BriefEvent, 24))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    # None when sent automatically.
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    automatic: Mapped[bool] = mapped_column(Boolean, default=False)
    list_names: Mapped[list[str]] = mapped_column(JSON, default=list)
    # One entry per recipient: address, whether the relay took it, and what it said.
    deliveries: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    sent_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
