"""API tokens for requesters and integrations: issue (shown once), list, revoke.
Nothing here commits; every change is audited under the acting admin."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from exigent.admin.service import get_user
from exigent.audit.service import record_event
from exigent.auth.models import ApiToken, User
from exigent.auth.permissions import ROLE_PERMISSIONS, Permission
from exigent.auth.service import actor_for, issue_api_token, sha256_hex
from exigent.auth.token_cache import forget_all
from exigent.errors import BadInput, Conflict, NotFound

MAX_DAYS = 365


def check_scopes(user: User, scopes: list[str] | None) -> frozenset[Permission] | None:
    """The scopes as permissions, each one the user's role holds; None is the whole role."""
    if scopes is None:
        return None
    allowed = ROLE_PERMISSIONS.get(user.role, frozenset())
    wanted = {s.strip() for s in scopes if s.strip()}
    if not wanted:
        raise BadInput("scopes: name at least one permission, or leave scopes out", field="scopes")
    outside = sorted(s for s in wanted if s not in {str(p) for p in allowed})
    if outside:
        raise BadInput(
            f"scopes: {', '.join(outside)} is not among the permissions of the role "
            f"{user.role} ({', '.join(sorted(allowed)) or 'none'})",
            field="scopes",
        )
    return frozenset(Permission(s) for s in wanted)


def issue(
    session: Session,
    *,
    actor: User,
    user_id: int,
    name: str,
    days: int,
    scopes: list[str] | None,
) -> tuple[ApiToken, str]:
    """A new token for the user; the plain value is returned this once."""
    owner = get_user(session, user_id)
    if not name.strip():
        raise BadInput("name: say what the token is for", field="name")
    if not 1 <= days <= MAX_DAYS:
        raise BadInput(f"days: between 1 and {MAX_DAYS}", field="days")
    if not owner.is_active:
        raise Conflict("user_id: this account is disabled", field="user_id")
    permissions = check_scopes(owner, scopes)
    value = issue_api_token(
        session,
        actor=actor_for(actor),
        user=owner,
        name=name.strip(),
        days=days,
        scopes=permissions,
    )
    row = session.execute(
        select(ApiToken).where(ApiToken.token_hash == sha256_hex(value))
    ).scalar_one()
    return row, value


def list_tokens(session: Session, *, user_id: int | None = None) -> list[ApiToken]:
    """Tokens, newest first, live ones before revoked."""
    statement = select(ApiToken).order_by(ApiToken.revoked_at.is_not(None), ApiToken.id.desc())
    if user_id is not None:
        statement = statement.where(ApiToken.user_id == user_id)
    return list(session.execute(statement).scalars())


def revoke(session: Session, *, actor: User, token_id: int, now: datetime) -> ApiToken:
    """Refuse the token from now on, in this process at once (other processes within the
    token cache's two seconds)."""
    # Only the token's row: PostgreSQL cannot lock the outer-joined user it loads with it.
    row = session.get(ApiToken, token_id, with_for_update={"of": ApiToken})
    if row is None:
        raise NotFound(f"there is no API token {token_id}")
    if row.revoked_at is not None:
        return row
    row.revoked_at = now
    forget_all()
    record_event(
        session,
        actor=actor_for(actor),
        action="api_token.revoke",
        object_type="api_token",
        object_id=row.id,
        after={"user_id": row.user_id, "prefix": row.prefix},
        at=now,
    )
    return row
