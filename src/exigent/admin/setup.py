"""The set-up link an invited (or reset) staff member opens: choose a password, then set up the
authenticator. Opening the link changes nothing; each step is a form post. Nothing here commits.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from exigent.audit.service import record_event
from exigent.auth import second_factor
from exigent.auth.accounts import PortalToken, TokenPurpose
from exigent.auth.models import User
from exigent.auth.service import actor_for, hash_password, sha256_hex
from exigent.errors import BadInput, Conflict, ExigentError

MIN_PASSWORD = 12
MAX_PASSWORD = 1000


class LinkGone(ExigentError):
    status_code = 410


def open_link(
    session: Session, token: str, now: datetime, *, for_update: bool = False
) -> tuple[PortalToken, User]:
    """The live set-up link with this token and its user; a read only."""
    statement = select(PortalToken).where(
        PortalToken.token_hash == sha256_hex(token),
        PortalToken.purpose == TokenPurpose.staff_setup,
    )
    if for_update:  # two tabs posting the same step take turns
        statement = statement.with_for_update()
    row = session.execute(statement).scalar_one_or_none()
    if row is None or row.used_at is not None or row.expires_at <= now:
        raise LinkGone(
            "this set-up link has expired or was already used; ask an administrator to send "
            "you a new one"
        )
    user = session.get(User, row.user_id)
    if user is None or not user.is_active:
        raise LinkGone("this account is disabled; ask an administrator")
    return row, user


def awaits_authenticator(user: User) -> bool:
    """Whether the password is chosen and the authenticator's secret is waiting for a code."""
    return user.totp_secret is not None and user.totp_enrolled_at is None


def choose_password(
    session: Session, *, token: str, password: str, again: str, secret_key: str, now: datetime
) -> tuple[User, str]:
    """Set the password and return the authenticator secret to show next."""
    _, user = open_link(session, token, now, for_update=True)
    if len(password) < MIN_PASSWORD:
        raise BadInput(
            f"password: use at least {MIN_PASSWORD} characters (a few words make a good one)",
            field="password",
        )
    if len(password) > MAX_PASSWORD:
        raise BadInput(f"password: use at most {MAX_PASSWORD} characters", field="password")
    if password != again:
        raise BadInput("password_again: the two passwords differ", field="password_again")
    user.password_hash = hash_password(password)
    secret = second_factor.enrolment_secret(user, secret_key=secret_key)
    record_event(
        session,
        actor=actor_for(user),
        action="user.password_set",
        object_type="user",
        object_id=user.id,
        at=now,
    )
    return user, secret


def finish(
    session: Session, *, token: str, code: str, secret_key: str, now: datetime
) -> tuple[User, list[str]]:
    """Check the app's first code, use up the link, and return the recovery codes."""
    row, user = open_link(session, token, now, for_update=True)
    if not awaits_authenticator(user):
        raise Conflict("choose your password first", field="password")
    codes = second_factor.complete_enrolment(
        session, holder=user, user_id=user.id, code=code, secret_key=secret_key, now=now
    )
    row.used_at = now
    record_event(
        session,
        actor=actor_for(user),
        action="auth.totp_enrolled",
        object_type="user",
        object_id=user.id,
        at=now,
    )
    return user, codes
