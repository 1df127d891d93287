"""Officers' portal accounts (an officer's user with the agency they claim, the confirmation
and lockout) and the single-use email-link tokens of officers and invited staff."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from exigent.auth.models import User
from exigent.db import Base, UtcDateTime, utcnow


class DomainStanding(StrEnum):
    """What the directories say about the officer's mail domain when they registered."""

    listed = "listed"
    unlisted = "unlisted"
    lookalike = "lookalike"


class PortalAccount(Base):
    """The portal side of an officer's `User` (role requester): what staff check them against."""

    __tablename__ = "portal_accounts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    requester_id: Mapped[int] = mapped_column(ForeignKey("requesters.id"), index=True)
    title: Mapped[str | None] = mapped_column(String(200))
    badge_number: Mapped[str | None] = mapped_column(String(100))
    phone: Mapped[str] = mapped_column(String(32))
    agency_name: Mapped[str] = mapped_column(String(300))
    agency_country: Mapped[str] = mapped_column(String(2), default="US")
    agency_state: Mapped[str | None] = mapped_column(String(10))
    supervisor_name: Mapped[str | None] = mapped_column(String(300))
    supervisor_phone: Mapped[str | None] = mapped_column(String(32))
    domain_standing: Mapped[DomainStanding] = mapped_column(String(16))
    # Why staff should look twice (unlisted, looks like a known agency's domain), or None.
    domain_note: Mapped[str | None] = mapped_column(Text)
    email_confirmed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # AES-GCM ciphertext under a key derived from the secret key; shown once, at enrolment.
    totp_secret: Mapped[str | None] = mapped_column(String(200))
    totp_enrolled_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # The last 30-second step accepted: a code seen once is never accepted again.
    totp_last_step: Mapped[int | None] = mapped_column(Integer)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    # Staff checked the officer (a call to the agency's own number): only then is the account
    # linked to its requester (`User.requester_id`) and sees that requester's cases.
    verified_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    user: Mapped[User] = relationship(lazy="joined", foreign_keys=[user_id])


class TokenPurpose(StrEnum):
    confirm_email = "confirm_email"
    # An invited (or reset) staff member chooses a password and sets up the authenticator.
    staff_setup = "staff_setup"


class PortalToken(Base):
    """A single-use link sent by mail; only its SHA-256 is kept."""

    __tablename__ = "portal_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    purpose: Mapped[TokenPurpose] = mapped_column(String(20))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
