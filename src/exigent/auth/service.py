"""Passwords, API tokens and login sessions. Nothing here commits."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from exigent.audit.service import Actor, record_event
from exigent.auth import second_factor, throttle
from exigent.auth.models import ApiToken, Door, Proof, Role, User, WebSession
from exigent.auth.permissions import Permission, parse_scopes, user_can
from exigent.db import utcnow
from exigent.errors import BadInput, Forbidden, Unauthorized

_hasher = PasswordHasher()
TOKEN_PREFIX = "exg_"


def hash_password(password: str) -> str:
    return _hasher.hash(password)


@cache
def _dummy_hash() -> str:
    """A real hash to verify against when the user does not exist, so that timing does not
    tell. Made once, not at import: a hash takes a fifth of a second, and every process
    would pay it at start-up (the server makes it in its warm-up, see `prepare_password_checks`)."""
    return _hasher.hash("not-a-real-password")


def prepare_password_checks() -> None:
    """Make the stand-in hash now, so that no sign-in after a restart is the one slower by it."""
    _dummy_hash()


def password_matches(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _dummy_hash(), password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def sha256_hex(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def actor_for(user: User) -> Actor:
    return Actor(id=user.id, label=user.email, role=str(user.role))


def require(user: User, permission: Permission) -> None:
    if not user_can(user, permission):
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
    """A new account. An officer's account is linked to a requester (`requester_id`) only by
    whoever vouches for it: staff verifying a registration, or a seeded officer."""
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
    session: Session,
    *,
    actor: Actor,
    user: User,
    name: str,
    days: int | None = 365,
    scopes: frozenset[Permission] | None = None,
) -> str:
    """A new token for `user`, limited to `scopes` when given (None: all of the user's role);
    the plain value is returned once and never stored."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    expires = utcnow() + timedelta(days=days) if days else None
    row = ApiToken(
        user_id=user.id,
        name=name,
        token_hash=sha256_hex(token),
        prefix=token[:10],
        expires_at=expires,
        scopes=" ".join(sorted(scopes)) if scopes is not None else None,
        created_by_id=actor.id,
    )
    session.add(row)
    session.flush()
    record_event(
        session,
        actor=actor,
        action="api_token.issue",
        object_type="api_token",
        object_id=row.id,
        after={"user_id": user.id, "name": name, "prefix": row.prefix, "scopes": row.scopes},
    )
    return token


def caller_of(token: ApiToken) -> User:
    """The user behind a live token, carrying the token's scopes for `user_can`."""
    user = token.user
    user.token_scopes = parse_scopes(token.scopes)
    return user


def merged(session: Session, user: User) -> User:
    """`user` taken into `session` without losing its token's scopes (merge copies columns)."""
    copy = session.merge(user, load=False)
    copy.token_scopes = user.token_scopes
    return copy


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


WRONG_PASSWORD = "email or password is wrong"


def log_in(
    session: Session,
    *,
    email: str,
    password: str,
    hours: int,
    code: str = "",
    address: str = "",
    secret_key: str = "",
    second_factor_required: bool = False,
    now: datetime | None = None,
) -> tuple[str, WebSession]:
    """The staff door: password, then the authenticator's code when one is set up (always when
    `second_factor_required`). The cookie value is returned, only its hash kept. The caller
    commits even when this raises, so failures are counted and audited."""
    now = now or utcnow()
    email = email.strip().lower()
    throttle.check(session, email=email, address=address, now=now)
    user = session.execute(select(User).where(User.email == email)).scalar_one_or_none()
    if not password_matches(user.password_hash if user else None, password) or user is None:
        _login_failed(session, user, email, address, now, "password")
        raise Unauthorized(WRONG_PASSWORD, field="password")
    if not user.is_staff:
        # Officers prove more (a confirmed address, always an authenticator) at their own door.
        raise Forbidden(
            "this sign-in is for staff; officers sign in to the law-enforcement portal at "
            "/portal/sign-in",
            field="email",
        )
    if not user.is_active:
        raise Unauthorized("this account is disabled; ask an administrator")
    proof = _second_factor(session, user, email, code, address, secret_key, now)
    if proof is None and second_factor_required:
        raise Forbidden(
            "staff accounts need an authenticator app here, and yours is not set up: ask an "
            "administrator to send you a set-up link",
            field="code",
        )
    throttle.succeeded(session, email=email, address=address)
    token, web_session = open_session(
        session, user=user, door=Door.staff, proof=proof or Proof.password, hours=hours, now=now
    )
    record_event(
        session,
        actor=actor_for(user),
        action="auth.login",
        object_type="user",
        object_id=user.id,
        detail={"proof": str(web_session.proof)},
        at=now,
    )
    return token, web_session


def _second_factor(
    session: Session,
    user: User,
    email: str,
    code: str,
    address: str,
    secret_key: str,
    now: datetime,
) -> Proof | None:
    """`Proof.second_factor` when the user has an authenticator and gave a good code; None
    when they have none; refuses a missing or wrong code."""
    if user.totp_enrolled_at is None:
        return None
    if not code.strip():
        raise BadInput("code: enter the 6-digit code from your authenticator app", field="code")
    if not second_factor.code_proves(session, user, user.id, code, secret_key, now):
        _login_failed(session, user, email, address, now, "code")
        raise Unauthorized(
            "code: this code is wrong or was already used; wait for the next code and try again",
            field="code",
        )
    return Proof.second_factor


def _login_failed(
    session: Session, user: User | None, email: str, address: str, now: datetime, what: str
) -> None:
    throttle.failed(session, email=email, address=address, now=now)
    record_event(
        session,
        actor=Actor.system("login"),
        action="auth.login_failed",
        object_type="user",
        object_id=user.id if user else None,
        detail={"email": email[:320], "address": address[:64], "failed": what},
        at=now,
    )


def open_session(
    session: Session, *, user: User, door: Door, proof: Proof, hours: int, now: datetime
) -> tuple[str, WebSession]:
    """A new web session recording the door it came through and what its holder proved."""
    token = secrets.token_urlsafe(32)
    web_session = WebSession(
        token_hash=sha256_hex(token),
        csrf_token=secrets.token_urlsafe(24),
        user_id=user.id,
        created_at=now,
        expires_at=now + timedelta(hours=hours),
        door=door,
        proof=proof,
    )
    session.add(web_session)
    session.flush()
    return token, web_session


def session_for_cookie(session: Session, token: str, now: datetime) -> WebSession:
    """The live session behind a cookie, whatever it proved (see `fully_signed_in`)."""
    row = session.execute(
        select(WebSession).where(WebSession.token_hash == sha256_hex(token))
    ).scalar_one_or_none()
    if row is None or row.ended_at is not None or row.expires_at <= now:
        raise Unauthorized("your session has ended; log in again")
    if not row.user.is_active:
        raise Unauthorized("this account is disabled; ask an administrator")
    return row


def fully_signed_in(web_session: WebSession) -> bool:
    """Whether the session proved all its holder's door asks: staff come through the staff
    door; officers through the portal with their authenticator. A session opened by a mailed
    link proves the mailbox only, enough to set up an authenticator and nothing else."""
    if web_session.user.is_staff:
        return web_session.door == Door.staff and web_session.proof in (
            Proof.password,
            Proof.second_factor,
        )
    return web_session.door == Door.portal and web_session.proof == Proof.second_factor


def signed_in_session(session: Session, token: str, now: datetime) -> WebSession:
    """The live, fully signed-in session behind a cookie (what every page and API call needs)."""
    row = session_for_cookie(session, token, now)
    if not fully_signed_in(row):
        raise Unauthorized("this session has not finished signing in; sign in again")
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
