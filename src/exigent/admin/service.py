"""Staff accounts: invite, disable and re-enable, change role, reset the second factor.
Nothing here commits; every change is audited under the acting admin."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import available_timezones

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from exigent.audit.models import AuditEvent
from exigent.audit.service import record_event
from exigent.auth import second_factor
from exigent.auth.accounts import PortalToken, TokenPurpose
from exigent.auth.models import Role, User, WebSession
from exigent.auth.service import actor_for, create_user, sha256_hex
from exigent.auth.standing import shut_out
from exigent.auth.token_cache import forget_all
from exigent.config import Settings
from exigent.errors import BadInput, Conflict, NotFound
from exigent.notifications.email import MailNotSent, compose, send

STAFF_ROLES = tuple(role for role in Role if role != Role.requester)
SETUP_LINK_HOURS = 24
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
SIGN_INS = ("auth.login", "portal.sign_in")


@dataclass(frozen=True)
class UserRow:
    user: User
    last_sign_in_at: datetime | None


def list_users(session: Session) -> list[UserRow]:
    """Everyone with an account, active first, with their last sign-in from the audit log
    (one grouped read over the indexed sign-in events)."""
    users = session.execute(
        select(User).order_by(User.is_active.desc(), User.role, User.name, User.id)
    ).scalars()
    last = {
        actor_id: at
        for actor_id, at in session.execute(
            select(AuditEvent.actor_id, func.max(AuditEvent.at))
            .where(AuditEvent.action.in_(SIGN_INS))
            .group_by(AuditEvent.actor_id)
        ).all()
    }
    return [UserRow(user=user, last_sign_in_at=last.get(user.id)) for user in users]


def user_row(session: Session, user_id: int) -> UserRow:
    user = get_user(session, user_id)
    last = session.execute(
        select(func.max(AuditEvent.at)).where(
            AuditEvent.action.in_(SIGN_INS), AuditEvent.actor_id == user.id
        )
    ).scalar_one()
    return UserRow(user=user, last_sign_in_at=last)


def commit_now(session: Session) -> None:
    """Commit, then have this process forget cached tokens again: a request that read the old
    standing between the service's `forget_all` and the commit must not keep it cached."""
    session.commit()
    forget_all()


def get_user(session: Session, user_id: int, *, for_update: bool = False) -> User:
    user = session.get(User, user_id, with_for_update=for_update)
    if user is None:
        raise NotFound(f"there is no user {user_id}")
    return user


def staff_role(value: str) -> Role:
    """A staff role from its value; officers are made by registering at the portal."""
    if value not in {str(r) for r in STAFF_ROLES}:
        raise BadInput(
            f"role: {value!r} is not a staff role; one of {', '.join(STAFF_ROLES)}", field="role"
        )
    return Role(value)


def invite(
    session: Session,
    *,
    actor: User,
    email: str,
    name: str,
    role: str,
    timezone: str,
    us_data_cleared: bool,
    now: datetime,
) -> tuple[User, str]:
    """A new staff account with no usable password, and its set-up link's token."""
    email = email.strip().lower()
    if not EMAIL.match(email):
        raise BadInput("email: enter an address like name@example.com", field="email")
    if not name.strip():
        raise BadInput("name: enter the person's name", field="name")
    if timezone not in available_timezones():
        raise BadInput(f"timezone: {timezone!r} is not a time zone name", field="timezone")
    chosen = staff_role(role)
    if session.execute(select(User.id).where(User.email == email)).first() is not None:
        raise Conflict(f"email: there is already an account for {email}", field="email")
    user = create_user(
        session,
        actor=actor_for(actor),
        email=email,
        name=name.strip(),
        role=chosen,
        timezone=timezone,
        us_data_cleared=us_data_cleared,
    )
    return user, issue_setup_link(session, actor=actor, user=user, now=now)


def issue_setup_link(session: Session, *, actor: User, user: User, now: datetime) -> str:
    """A single-use set-up link (24 h) that replaces any earlier one; only its hash is kept."""
    session.execute(
        update(PortalToken)
        .where(
            PortalToken.user_id == user.id,
            PortalToken.purpose == TokenPurpose.staff_setup,
            PortalToken.used_at.is_(None),
        )
        .values(used_at=now)
    )
    token = secrets.token_urlsafe(32)
    session.add(
        PortalToken(
            user_id=user.id,
            purpose=TokenPurpose.staff_setup,
            token_hash=sha256_hex(token),
            created_at=now,
            expires_at=now + timedelta(hours=SETUP_LINK_HOURS),
        )
    )
    record_event(
        session,
        actor=actor_for(actor),
        action="user.setup_link",
        object_type="user",
        object_id=user.id,
        at=now,
    )
    return token


def mail_setup_link(settings: Settings, *, user: User, link: str) -> str | None:
    """Send the set-up link; None when sent, else what went wrong (a new link can be sent)."""
    text = (
        f"Hello {user.name},\n\n"
        "An Exigent account is ready for you. Open this link within 24 hours to choose your "
        "password and set up your authenticator app:\n\n"
        f"{link}\n\n"
        "The link works once. If you did not expect this message, tell your team lead.\n"
    )
    message = compose(settings, to=user.email, subject="Set up your Exigent sign-in", text=text)
    try:
        send(settings, message)
    except MailNotSent as exc:
        return exc.message
    return None


def _active_admins(session: Session) -> int:
    """How many admins are active, their rows locked: two admins demoting each other at the
    same moment take turns, and the second sees that only one is left."""
    ids = session.execute(
        select(User.id).where(User.role == Role.admin, User.is_active.is_(True)).with_for_update()
    ).scalars()
    return len(list(ids))


def _keep_an_admin(session: Session, user: User, what: str) -> None:
    if user.role == Role.admin and user.is_active and _active_admins(session) <= 1:
        raise Conflict(f"{what}: {user.email} is the last active admin; appoint another first")


def set_active(session: Session, *, actor: User, user_id: int, active: bool, now: datetime) -> User:
    """Disable (sessions end at once, tokens refused) or re-enable an account."""
    user = get_user(session, user_id, for_update=True)
    if user.id == actor.id:
        raise Conflict("you cannot disable or re-enable your own account")
    if user.is_active == active:
        return user
    if active:
        user.is_active = True
        forget_all()
    else:
        _keep_an_admin(session, user, "active")
        shut_out(session, [user.id], now)
        session.refresh(user)
    record_event(
        session,
        actor=actor_for(actor),
        action="user.enable" if active else "user.disable",
        object_type="user",
        object_id=user.id,
        after={"is_active": active},
        at=now,
    )
    return user


def change_role(session: Session, *, actor: User, user_id: int, role: str, now: datetime) -> User:
    """A staff member's new role; never your own, never the last active admin's."""
    new = staff_role(role)
    user = get_user(session, user_id, for_update=True)
    if user.id == actor.id:
        raise Conflict("role: you cannot change your own role; ask another admin", field="role")
    if not user.is_staff:
        raise Conflict("role: officers' accounts keep the requester role", field="role")
    if user.role == new:
        return user
    if new != Role.admin:
        _keep_an_admin(session, user, "role")
    before = str(user.role)
    user.role = new
    forget_all()  # a cached token must not keep the old role's permissions
    record_event(
        session,
        actor=actor_for(actor),
        action="user.role",
        object_type="user",
        object_id=user.id,
        before={"role": before},
        after={"role": str(new)},
        at=now,
    )
    return user


def reset_second_factor(
    session: Session, *, actor: User, user_id: int, now: datetime
) -> tuple[User, str]:
    """Forget the authenticator, end the sessions, and return a new set-up link's token."""
    user = get_user(session, user_id, for_update=True)
    if not user.is_staff:
        raise Conflict("officers reset their authenticator through the portal's staff page")
    if not user.is_active:
        raise Conflict("re-enable the account before sending it a set-up link")
    second_factor.reset(session, holder=user, user_id=user.id, now=now)
    session.execute(
        update(WebSession)
        .where(WebSession.user_id == user.id, WebSession.ended_at.is_(None))
        .values(ended_at=now)
    )
    record_event(
        session,
        actor=actor_for(actor),
        action="user.second_factor_reset",
        object_type="user",
        object_id=user.id,
        at=now,
    )
    return user, issue_setup_link(session, actor=actor, user=user, now=now)
