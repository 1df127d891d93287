"""JSON routes of the administration: staff accounts and API tokens. Thin; `users.manage`."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from exigent.admin import service, tokens
from exigent.admin.schemas import (
    Invited,
    InviteIn,
    RoleIn,
    TokenIn,
    TokenIssued,
    TokenRead,
    UserRead,
)
from exigent.admin.service import UserRow, commit_now
from exigent.auth.models import ApiToken, User
from exigent.auth.permissions import Permission, parse_scopes
from exigent.auth.service import require
from exigent.config import Settings
from exigent.db import utcnow
from exigent.web.deps import CurrentUser, IntRowId, SessionDep, SettingsDep

router = APIRouter(prefix="/api/v1/admin", tags=["admin"])

RowId = IntRowId


def admin_user(user: CurrentUser) -> User:
    require(user, Permission.users_manage)
    return user


Admin = Annotated[User, Depends(admin_user)]


def user_read(row: UserRow) -> UserRead:
    user = row.user
    return UserRead(
        id=user.id,
        email=user.email,
        name=user.name,
        role=str(user.role),
        timezone=user.timezone,
        is_active=user.is_active,
        us_data_cleared=user.us_data_cleared,
        authenticator=user.totp_enrolled_at is not None,
        last_sign_in_at=row.last_sign_in_at,
    )


def token_read(row: ApiToken) -> TokenRead:
    scopes = parse_scopes(row.scopes)
    return TokenRead(
        id=row.id,
        prefix=row.prefix,
        name=row.name,
        user_id=row.user_id,
        owner=row.user.email,
        scopes=sorted(scopes) if scopes is not None else None,
        created_at=row.created_at,
        created_by_id=row.created_by_id,
        expires_at=row.expires_at,
        last_used_at=row.last_used_at,
        revoked_at=row.revoked_at,
    )


def _one(session: SessionDep, user_id: int) -> UserRead:
    return user_read(service.user_row(session, user_id))


@router.get("/users", response_model=list[UserRead])
def list_users(session: SessionDep, admin: Admin) -> list[UserRead]:
    """Every account: role, standing, authenticator, last sign-in."""
    return [user_read(row) for row in service.list_users(session)]


@router.post("/users", response_model=Invited, status_code=201)
def invite(
    body: InviteIn, request: Request, session: SessionDep, admin: Admin, settings: SettingsDep
) -> Invited:
    """Invite a staff member: the account has no password until they open the mailed link."""
    user, token = service.invite(
        session,
        actor=admin,
        email=body.email,
        name=body.name,
        role=body.role,
        timezone=body.timezone,
        us_data_cleared=body.us_data_cleared,
        now=utcnow(),
    )
    session.commit()
    problem = _mail(request, settings, user, token)
    return Invited(user=_one(session, user.id), mail_problem=problem)


def _mail(request: Request, settings: Settings, user: User, token: str) -> str | None:
    link = str(request.base_url).rstrip("/") + f"/welcome/{token}"
    return service.mail_setup_link(settings, user=user, link=link)


@router.post("/users/{user_id}/disable", response_model=UserRead)
def disable(user_id: RowId, session: SessionDep, admin: Admin) -> UserRead:
    """Disable the account: its sessions end and its tokens are refused at once."""
    service.set_active(session, actor=admin, user_id=user_id, active=False, now=utcnow())
    commit_now(session)
    return _one(session, user_id)


@router.post("/users/{user_id}/enable", response_model=UserRead)
def enable(user_id: RowId, session: SessionDep, admin: Admin) -> UserRead:
    """Re-enable a disabled account (it signs in again as before)."""
    service.set_active(session, actor=admin, user_id=user_id, active=True, now=utcnow())
    commit_now(session)
    return _one(session, user_id)


@router.post("/users/{user_id}/role", response_model=UserRead)
def change_role(user_id: RowId, body: RoleIn, session: SessionDep, admin: Admin) -> UserRead:
    """Change a staff member's role (not your own; never the last active admin's)."""
    service.change_role(session, actor=admin, user_id=user_id, role=body.role, now=utcnow())
    commit_now(session)
    return _one(session, user_id)


@router.post("/users/{user_id}/second-factor/reset", response_model=Invited)
def reset_second_factor(
    user_id: RowId, request: Request, session: SessionDep, admin: Admin, settings: SettingsDep
) -> Invited:
    """Forget the authenticator, end the sessions and mail a new set-up link."""
    user, token = service.reset_second_factor(session, actor=admin, user_id=user_id, now=utcnow())
    session.commit()
    problem = _mail(request, settings, user, token)
    return Invited(user=_one(session, user_id), mail_problem=problem)


@router.get("/tokens", response_model=list[TokenRead])
def list_tokens(
    session: SessionDep,
    admin: Admin,
    user_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
) -> list[TokenRead]:
    """API tokens (never their values), optionally of one user."""
    return [token_read(row) for row in tokens.list_tokens(session, user_id=user_id)]


@router.post("/tokens", response_model=TokenIssued, status_code=201)
def issue_token(body: TokenIn, session: SessionDep, admin: Admin) -> TokenIssued:
    """Issue a token for a user; its value is in this answer only."""
    row, value = tokens.issue(
        session,
        actor=admin,
        user_id=body.user_id,
        name=body.name,
        days=body.days,
        scopes=body.scopes,
    )
    session.commit()
    return TokenIssued(token=value, details=token_read(row))


@router.post("/tokens/{token_id}/revoke", response_model=TokenRead)
def revoke_token(token_id: RowId, session: SessionDep, admin: Admin) -> TokenRead:
    """Revoke a token: refused from the next call on."""
    row = tokens.revoke(session, actor=admin, token_id=token_id, now=utcnow())
    commit_now(session)
    return token_read(row)
