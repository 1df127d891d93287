"""Passwords, API tokens and login sessions. Nothing here commits."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from exigent.audit.service import Actor, record_event
from exigent.auth.models import ApiToken, Role, User, WebSession
from exigent.auth.permissions import Permission, has_permission
from exigent.db import utcnow
from exigent.errors import Forbidden, Unauthorized

_hasher = PasswordHasher()
# Verifying against a real hash when the user does not exist keeps timing from telling.
_DUMMY_HASH = _hasher.hash("not-a-real-password")
TOKEN_PREFIX = "exg_"


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def password_matches(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def sha256_hex(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def actor_for(user: User) -> Actor:
    return Actor(id=user.id, label=user.email, role=str(user.role))


def require(user: User, permission: Permission) -> None:
    if not user.is_active or not has_permission(Role(user.role), permission):
        raise Forbidden(f"your role ({user.role}) does not allow {permission}")


def create_user(
    session: Session,
    *,
    actor: Actor,
    email: str,
    name: str,
    role: Role,
    password: str | None = None,
    timezone: str = "UTC",
    us_data_cleared: bool = False,
    requester_id: int | None = None,
) -> User:
    user = User(
        email=email.strip().lower(),
        name=name,
        role=role,
        timezone=timezone,
        password_hash=hash_password(password) if password else None,
        us_data_cleared=us_data_cleared,
        requester_id=requester_id,
    )
    session.add(user)
    session.flush()
    record_event(
        session,
        actor=actor,
        action="user.create",
        object_type="user",
        object_id=user.id,
        after={"email": user.email, "role": str(role)},
    )
    return user


def issue_api_token(
    session: Session, *, actor: Actor, user: User, name: str, days: int | None = 365
) -> str:
    """A new token for `user`; the plain value is returned once and never stored."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    expires = utcnow() + timedelta(days=days) if days else None
    row = ApiToken(
        user_id=user.id,
        name=name,
        token_hash=sha256_hex(token),
        prefix=token[:10],
        expires_at=expires,
    )
    session.add(row)
    session.flush()
    record_event(
        session,
        actor=actor,
        action="api_token.issue",
        object_type="api_token",
        object_id=row.id,
        after={"user_id": user.id, "name": name, "prefix": row.prefix},
    )
    return token


TOKEN_USE_PRECISION = timedelta(minutes=1)


def token_for(session: Session, token: str, now: datetime) -> ApiToken:
    """The live API token with this value (a read only: see `touch_token`)."""
    row = session.execute(
        select(ApiToken).where(ApiToken.token_hash == sha256_hex(token))
    ).scalar_one_or_none()
    if row is None or row.revoked_at is not None:
        raise Unauthorized("the API token is unknown or revoked")
    if row.expires_at is not None and row.expires_at <= now:
        raise Unauthorized("the API token has expired; ask an administrator for a new one")
    if not row.user.is_active:
        raise Unauthorized("the account behind this API token is disabled")
    return row


def token_use_is_stale(token: ApiToken, now: datetime) -> bool:
    # Recording use on every call would turn each read into a write; a minute is precise enough.
    return token.last_used_at is None or now - token.last_used_at > TOKEN_USE_PRECISION


def touch_token(session: Session, token_id: int, now: datetime) -> None:
    """Record that a token was used (`last_used_at`), for admins reviewing idle tokens."""
    session.execute(update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=now))


def log_in(session: Session, *, email: str, password: str, hours: int) -> tuple[str, WebSession]:
    """Check the password and open a session; the cookie value is returned, only its hash kept."""
    user = session.execute(
        select(User).where(User.email == email.strip().lower())
    ).scalar_one_or_none()
    if not password_matches(user.password_hash if user else None, password) or user is None:
        record_event(
            session,
            actor=Actor.system("login"),
            action="auth.login_failed",
            object_type="user",
            object_id=None,
            detail={"email": email.strip().lower()[:320]},
        )
        raise Unauthorized("email or password is wrong")
    if not user.is_active:
        raise Unauthorized("this account is disabled; ask an administrator")
    token = secrets.token_urlsafe(32)
    web_session = WebSession(
        token_hash=sha256_hex(token),
        csrf_token=secrets.token_urlsafe(24),
        user_id=user.id,
        expires_at=utcnow() + timedelta(hours=hours),
    )
    session.add(web_session)
    session.flush()
    record_event(
        session,
        actor=actor_for(user),
        action="auth.login",
        object_type="user",
        object_id=user.id,
    )
    return token, web_session


def session_for_cookie(session: Session, token: str, now: datetime) -> WebSession:
    row = session.execute(
        select(WebSession).where(WebSession.token_hash == sha256_hex(token))
    ).scalar_one_or_none()
    if row is None or row.ended_at is not None or row.expires_at <= now:
        raise Unauthorized("your session has ended; log in again")
    if not row.user.is_active:
        raise Unauthorized("this account is disabled; ask an administrator")
    return row


def log_out(session: Session, web_session: WebSession) -> None:
    web_session.ended_at = utcnow()
    record_event(
        session,
        actor=actor_for(web_session.user),
        action="auth.logout",
        object_type="user",
        object_id=web_session.user_id,
    )
