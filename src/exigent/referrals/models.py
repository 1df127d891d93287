"""Referrals' tables: a risk the team found, its assessment, who was told and what became of it.

A referral is a case like any other (a `Request` of kind `referral`, with its clocks, timeline,
decision and approvals); these tables hold what only a referral has.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from exigent.db import Base, EnumText, UtcDateTime, utcnow


class HarmType(StrEnum):
    suicide_self_harm = "suicide_self_harm"
    child_sexual_exploitation = "child_sexual_exploitation"
    violent_threat = "violent_threat"
    terrorism = "terrorism"
    other_life_threat = "other_life_threat"


class RaisedVia(StrEnum):
    api = "api"  # the moderation system, with its token
    console = "console"  # an analyst's form


class ContentKind(StrEnum):
    content_id = "content_id"  # the platform's id of a post, message or media item
    url = "url"
    media = "media"  # a captured file, kept in the file store


class Recommendation(StrEnum):
    refer_now = "refer_now"
    monitor = "monitor"
    no_action = "no_action"


class RecipientKind(StrEnum):
    police = "police"  # a US law-enforcement agency with jurisdiction
    ntoc = "ntoc"  # the FBI's National Threat Operations Center, the US fallback
    ncmec = "ncmec"  # the CyberTipline
    eu_member_state = "eu_member_state"  # the authorities of the Member State concerned
    europol = "europol"  # when no Member State can be identified with reasonable certainty
    other = "other"  # chosen by the analyst outside the directory


class RecipientStatus(StrEnum):
    proposed = "proposed"
    chosen = "chosen"
    sent = "sent"
    failed = "failed"
    withdrawn = "withdrawn"


class Outcome(StrEnum):
    welfare_check_done = "welfare_check_done"
    person_safe = "person_safe"
    arrest = "arrest"
    no_action = "no_action"
    unknown = "unknown"


class Referral(Base):
    """What the platform found: the harm, who raised it, where and how old the person may be."""

    __tablename__ = "referrals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id"), unique=True)
    harm_type: Mapped[HarmType] = mapped_column(EnumText(HarmType, 32))
    # The reporter believes harm may follow within hours, not days: the case is P0.
    imminent: Mapped[bool] = mapped_column(Boolean, default=False)
    raised_via: Mapped[RaisedVia] = mapped_column(EnumText(RaisedVia, 16))
    reporting_team: Mapped[str] = mapped_column(String(120))
    # The moderation system's own reference, shown beside ours so both sides can find it.
    source_reference: Mapped[str | None] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    # What is known of where the person is: {"country", "region", "city", "latitude",
    # "longitude", "seen_at", "source"}; empty when nothing is known.
    location: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # The EU facts DSA Art. 18 turns on: where the offence happens, the suspect, the victim.
    offence_country: Mapped[str | None] = mapped_column(String(2))
    suspect_country: Mapped[str | None] = mapped_column(String(2))
    victim_country: Mapped[str | None] = mapped_column(String(2))
    age_years: Mapped[int | None] = mapped_column(Integer)
    age_note: Mapped[str | None] = mapped_column(String(300))
    raised_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    # When the team must next ask a recipient what became of the referral.
    follow_up_due_at: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)

    content: Mapped[list[ReferralContent]] = relationship(
        order_by="ReferralContent.position", cascade="all, delete-orphan"
    )


class ReferralContent(Base):
    """One piece of content behind a referral, with when it was published and in which zone."""

    __tablename__ = "referral_content"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[ContentKind] = mapped_column(EnumText(ContentKind, 16))
    # The content id or URL; for media, its name as captured.
    value: Mapped[str] = mapped_column(String(2000))
    # The captured file in the file store (media only).
    file_sha256: Mapped[str | None] = mapped_column(String(64))
    media_type: Mapped[str | None] = mapped_column(String(120))
    size_bytes: Mapped[int | None] = mapped_column(Integer)
    published_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # The offset the author published in, so a package states the local time of publication.
    published_offset_minutes: Mapped[int | None] = mapped_column(Integer)
    description: Mapped[str | None] = mapped_column(Text)


class ThreatAssessment(Base):
    """An analyst's imminent-risk checklist and what it recommends; the latest one counts."""

    __tablename__ = "threat_assessments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id"), index=True)
    assessor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # The checklist's answers by item: {"specific_threat": "yes", "means": "unknown", ...}.
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
    recommendation: Mapped[Recommendation] = mapped_column(EnumText(Recommendation, 16))
    reason: Mapped[str] = mapped_column(Text)
    # What the checklist itself recommends; differs from `recommendation` only when the analyst
    # chose another, and then `override_reason` says why.
    suggested: Mapped[Recommendation | None] = mapped_column(EnumText(Recommendation, 16))
    override_reason: Mapped[str | None] = mapped_column(Text)
    # The legal bases the recommendation relies on, as policy ids ("2702b8", "2258A", ...).
    legal_bases: Mapped[list[str]] = mapped_column(JSON, default=list)
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class ReferralRecipient(Base):
    """One authority proposed or chosen to be told, why, and how it was told."""

    __tablename__ = "referral_recipients"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id"), index=True)
    kind: Mapped[RecipientKind] = mapped_column(EnumText(RecipientKind, 24))
    status: Mapped[RecipientStatus] = mapped_column(
        EnumText(RecipientStatus, 16), default=RecipientStatus.proposed
    )
    name: Mapped[str] = mapped_column(String(300))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), index=True)
    ori: Mapped[str | None] = mapped_column(String(16))
    country: Mapped[str | None] = mapped_column(String(2))
    # Numbers and addresses from independent sources, never from a requester.
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(320))
    distance_km: Mapped[float | None] = mapped_column(Float)
    # Why it was proposed, one sentence per fact, as the analyst reads them.
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    rank: Mapped[int] = mapped_column(Integer, default=0)
    chosen_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    chosen_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # How it was told: email, portal, cybertipline; and the sealed package that went.
    channel: Mapped[str | None] = mapped_column(String(16))
    production_id: Mapped[int | None] = mapped_column(ForeignKey("productions.id"))
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class ReferralCall(Base):
    """A phone call to a recipient, logged by whoever made it."""

    __tablename__ = "referral_calls"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("referral_recipients.id"), index=True)
    called_at: Mapped[datetime] = mapped_column(UtcDateTime)
    number: Mapped[str] = mapped_column(String(40))
    spoke_with: Mapped[str | None] = mapped_column(String(300))
    # The recipient's own reference for the referral (an incident or report number).
    their_reference: Mapped[str | None] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    logged_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))


class ReferralOutcome(Base):
    """What became of a referral, as a recipient told the team, by whom and when."""

    __tablename__ = "referral_outcomes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id"), index=True)
    recipient_id: Mapped[int | None] = mapped_column(ForeignKey("referral_recipients.id"))
    outcome: Mapped[Outcome] = mapped_column(EnumText(Outcome, 24))
    note: Mapped[str | None] = mapped_column(Text)
    learned_at: Mapped[datetime] = mapped_column(UtcDateTime)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class ReferralHold(Base):
    """The preservation hold a referral sent to one kind of recipient keeps: one per kind."""

    __tablename__ = "referral_holds"
    __table_args__ = (UniqueConstraint("referral_id", "recipient_kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id"), index=True)
    recipient_kind: Mapped[RecipientKind] = mapped_column(EnumText(RecipientKind, 24))
    hold_id: Mapped[int] = mapped_column(ForeignKey("preservation_holds.id"))
    days: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
