"""The administration pages: staff accounts and API tokens. Thin HTML routes (`users.manage`).

Actions are form posts answered with a redirect to the account's page (Post/Redirect/Get); a
refused or invalid action renders the page again with the reason next to its form.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from exigent.admin import service, tokens
from exigent.admin.service import STAFF_ROLES, commit_now
from exigent.auth.models import User
from exigent.auth.permissions import ROLE_PERMISSIONS, Permission, parse_scopes
from exigent.config import Settings
from exigent.db import utcnow
from exigent.errors import ExigentError
from exigent.web.deps import IntRowId, SessionDep, SettingsDep, page_permission
from exigent.web.render import render

router = APIRouter(prefix="/console/admin", include_in_schema=False)

AdminPage = Annotated[User, Depends(page_permission(Permission.users_manage))]
RowId = IntRowId
Text = Annotated[str, Form(max_length=320)]
DONE = {
    "invited": ("ok", "Invitation sent: the set-up link works once, for 24 hours."),
    "disabled": ("ok", "Account disabled: its sessions ended and its tokens are refused."),
    "enabled": ("ok", "Account enabled again."),
    "role": ("ok", "Role changed."),
    "reset": ("ok", "Authenticator reset: a new set-up link was mailed."),
    "revoked": ("ok", "Token revoked: it is refused from now on."),
    "unsent": ("warn", "The set-up link could not be mailed; send a new one below."),
}


def flash_for(request: Request) -> dict[str, str] | None:
    done = DONE.get(request.query_params.get("done", ""))
    return {"kind": done[0], "text": done[1]} if done else None


def problem_of(exc: ExigentError) -> dict[str, str]:
    field = str(exc.detail.get("field") or "form")
    return {field: exc.message.split(": ", 1)[-1] if field != "form" else exc.message}


def _see(path: str) -> Response:
    return RedirectResponse(path, status_code=303)


@router.get("", response_class=HTMLResponse)
def admin_home(admin: AdminPage) -> Response:
    return _see("/console/admin/users")


@router.get("/users", response_class=HTMLResponse)
def users_page(request: Request, session: SessionDep, admin: AdminPage) -> Response:
    return _users(request, session, admin)


def _users(
    request: Request,
    session: Session,
    admin: User,
    problems: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    context = {
        "rows": service.list_users(session),
        "roles": STAFF_ROLES,
        "problems": problems or {},
        "values": values or {"timezone": "UTC", "role": "analyst"},
        "flash": flash_for(request),
    }
    return render(request, admin, "admin/users.html", context, status_code)


@router.post("/users", response_class=HTMLResponse)
def invite(
    request: Request,
    session: SessionDep,
    admin: AdminPage,
    settings: SettingsDep,
    email: Text = "",
    name: Text = "",
    role: Annotated[str, Form(max_length=20)] = "",
    timezone: Annotated[str, Form(max_length=64)] = "UTC",
    us_data_cleared: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    try:
        user, token = service.invite(
            session,
            actor=admin,
            email=email,
            name=name,
            role=role,
            timezone=timezone.strip(),
            us_data_cleared=bool(us_data_cleared),
            now=utcnow(),
        )
    except ExigentError as exc:
        session.rollback()
        values = {"email": email, "name": name, "role": role, "timezone": timezone}
        return _users(request, session, admin, problem_of(exc), values, exc.status_code)
    session.commit()
    unsent = _mail(request, settings, user, token)
    return _see(f"/console/admin/users/{user.id}?done={'unsent' if unsent else 'invited'}")


def _mail(request: Request, settings: Settings, user: User, token: str) -> str | None:
    link = str(request.base_url).rstrip("/") + f"/welcome/{token}"
    return service.mail_setup_link(settings, user=user, link=link)


@router.get("/users/{user_id}", response_class=HTMLResponse)
def user_page(user_id: RowId, request: Request, session: SessionDep, admin: AdminPage) -> Response:
    return user_view(request, session, admin, user_id)


def user_view(
    request: Request,
    session: Session,
    admin: User,
    user_id: int,
    problems: dict[str, str] | None = None,
    status_code: int = 200,
    issued: str | None = None,
) -> HTMLResponse:
    row = service.user_row(session, user_id)
    context = {
        "row": row,
        "person": row.user,
        "roles": STAFF_ROLES,
        "permissions": sorted(ROLE_PERMISSIONS.get(row.user.role, frozenset())),
        "tokens": tokens.list_tokens(session, user_id=user_id),
        "scopes_of": parse_scopes,
        "problems": problems or {},
        "flash": flash_for(request),
        "issued": issued,
        "now": utcnow(),
    }
    return render(request, admin, "admin/user.html", context, status_code)


def _act(
    request: Request, session: Session, admin: User, user_id: int, done: str, act: Any
) -> Response:
    try:
        act()
    except ExigentError as exc:
        session.rollback()
        return user_view(request, session, admin, user_id, problem_of(exc), exc.status_code)
    commit_now(session)
    return _see(f"/console/admin/users/{user_id}?done={done}")


@router.post("/users/{user_id}/disable", response_class=HTMLResponse)
def disable(user_id: RowId, request: Request, session: SessionDep, admin: AdminPage) -> Response:
    return _act(
        request,
        session,
        admin,
        user_id,
        "disabled",
        lambda: service.set_active(
            session, actor=admin, user_id=user_id, active=False, now=utcnow()
        ),
    )


@router.post("/users/{user_id}/enable", response_class=HTMLResponse)
def enable(user_id: RowId, request: Request, session: SessionDep, admin: AdminPage) -> Response:
    return _act(
        request,
        session,
        admin,
        user_id,
        "enabled",
        lambda: service.set_active(
            session, actor=admin, user_id=user_id, active=True, now=utcnow()
        ),
    )


@router.post("/users/{user_id}/role", response_class=HTMLResponse)
def change_role(
    user_id: RowId,
    request: Request,
    session: SessionDep,
    admin: AdminPage,
    role: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    return _act(
        request,
        session,
        admin,
        user_id,
        "role",
        lambda: service.change_role(session, actor=admin, user_id=user_id, role=role, now=utcnow()),
    )


@router.post("/users/{user_id}/second-factor/reset", response_class=HTMLResponse)
def reset_second_factor(
    user_id: RowId,
    request: Request,
    session: SessionDep,
    admin: AdminPage,
    settings: SettingsDep,
) -> Response:
    try:
        user, token = service.reset_second_factor(
            session, actor=admin, user_id=user_id, now=utcnow()
        )
    except ExigentError as exc:
        session.rollback()
        return user_view(request, session, admin, user_id, problem_of(exc), exc.status_code)
    session.commit()
    unsent = _mail(request, settings, user, token)
    return _see(f"/console/admin/users/{user_id}?done={'unsent' if unsent else 'reset'}")
