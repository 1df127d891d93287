"""Accounts: staff users, law-enforcement portal users, API tokens and login sessions."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from exigent.db import Base, EnumText, UtcDateTime, utcnow


class Role(StrEnum):
    analyst = "analyst"
    lead = "lead"
    legal = "legal"
    leadership = "leadership"
    scheduler = "scheduler"
    auditor = "auditor"
    admin = "admin"
    requester = "requester"


class Door(StrEnum):
    """Which sign-in a session came through: staff and officers never share one."""

    staff = "staff"
    portal = "portal"


class Proof(StrEnum):
    """What a session's holder proved when it was opened."""

    password = "password"
    # The password and a code from the authenticator app (or a one-time recovery code).
    second_factor = "second_factor"
    # A link mailed to the account's address: enough to set up an authenticator, nothing else.
    email_link = "email_link"


class User(Base):
    __tablename__ = "users"
    # `token_scopes` below is a plain attribute, not a column.
    __allow_unmapped__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(EnumText(Role, 20))
    password_hash: Mapped[str | None] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Access to US persons' data is a clearance, not a role (ABAC on top of RBAC).
    us_data_cleared: Mapped[bool] = mapped_column(Boolean, default=False)
    # The requester this account is, once established: by the administrator who made an API
    # account, or by staff verifying a portal account. Until then the account sees only what it
    # submitted itself and borrows no one's standing.
    requester_id: Mapped[int | None] = mapped_column(ForeignKey("requesters.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    # Staff second factor: AES-GCM sealed TOTP secret, set up from a mailed link or while
    # signed in; the last accepted 30-second step is kept so a code works once.
    totp_secret: Mapped[str | None] = mapped_column(String(200))
    totp_enrolled_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    totp_last_step: Mapped[int | None] = mapped_column(Integer)

    # Never stored: set on the caller of an API token limited to some permissions (None: the
    # whole role), and read by `permissions.user_can`.
    token_scopes: frozenset[str] | None = None

    @property
    def is_staff(self) -> bool:
        return self.role != Role.requester

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email} {self.role}>"


class ApiToken(Base):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    # Only a SHA-256 of the token is kept: a stolen database yields no usable token.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # Space-separated permissions the token is limited to; None means all of its user's role.
    scopes: Mapped[str | None] = mapped_column(String(1000))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    user: Mapped[User] = relationship(lazy="joined", foreign_keys=[user_id])


class WebSession(Base):
    __tablename__ = "web_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    door: Mapped[Door] = mapped_column(EnumText(Door, 10), default=Door.staff)
    proof: Mapped[Proof] = mapped_column(EnumText(Proof, 20), default=Proof.password)

    user: Mapped[User] = relationship(lazy="joined")


class SignInFailures(Base):
    """Recent failed sign-ins per key (an account from one address, an address, an account):
    each key earns its own growing delay, so a stranger cannot lock an officer out."""

    __tablename__ = "sign_in_failures"

    key: Mapped[str] = mapped_column(String(400), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failed_at: Mapped[datetime] = mapped_column(UtcDateTime)


class RecoveryCode(Base):
    """A one-time code that stands in for the authenticator app (officers and staff alike);
    only its SHA-256 is kept."""

    __tablename__ = "portal_recovery_codes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
