"""The API token pages: every token, issuing one for a user (shown once), revoking."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from exigent.admin import tokens
from exigent.admin.pages import AdminPage, RowId, flash_for, problem_of, user_view
from exigent.admin.service import commit_now
from exigent.auth.permissions import parse_scopes
from exigent.db import utcnow
from exigent.errors import BadInput, ExigentError
from exigent.web.deps import SessionDep
from exigent.web.render import render

router = APIRouter(prefix="/console/admin", include_in_schema=False)


@router.get("/tokens", response_class=HTMLResponse)
def tokens_page(request: Request, session: SessionDep, admin: AdminPage) -> Response:
    context = {
        "tokens": tokens.list_tokens(session),
        "scopes_of": parse_scopes,
        "flash": flash_for(request),
        "now": utcnow(),
    }
    return render(request, admin, "admin/tokens.html", context)


@router.post("/users/{user_id}/tokens", response_class=HTMLResponse)
def issue(
    user_id: RowId,
    request: Request,
    session: SessionDep,
    admin: AdminPage,
    name: Annotated[str, Form(max_length=200)] = "",
    days: Annotated[str, Form(max_length=10)] = "",
    limited: Annotated[str, Form(max_length=10)] = "",
    scopes: Annotated[list[str] | None, Form(max_length=64)] = None,
) -> Response:
    """Issue a token; its value is on this answer only (never stored, never redirected)."""
    try:
        if not (days.strip().isascii() and days.strip().isdigit()):
            raise BadInput("days: a whole number of days, 1 to 365", field="days")
        _, value = tokens.issue(
            session,
            actor=admin,
            user_id=user_id,
            name=name,
            days=int(days),
            scopes=(scopes or []) if limited else None,
        )
    except ExigentError as exc:
        session.rollback()
        return user_view(request, session, admin, user_id, problem_of(exc), exc.status_code)
    session.commit()
    return user_view(request, session, admin, user_id, issued=value)


@router.post("/tokens/{token_id}/revoke", response_class=HTMLResponse)
def revoke(
    token_id: RowId,
    session: SessionDep,
    admin: AdminPage,
    back: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    row = tokens.revoke(session, actor=admin, token_id=token_id, now=utcnow())
    commit_now(session)
    target = f"/console/admin/users/{row.user_id}" if back == "user" else "/console/admin/tokens"
    return RedirectResponse(f"{target}?done=revoked", status_code=303)
