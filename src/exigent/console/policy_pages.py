"""The legal policy in the console: read any version, and (legal only) publish a new one from
the edited document. Thin HTML routes; a refused or invalid edit shows the page again with
the reason and what was typed."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from exigent.auth.models import User
from exigent.auth.permissions import Permission
from exigent.errors import BadInput, ExigentError
from exigent.legal import versions
from exigent.web.deps import SessionDep, SessionFactoryDep, page_permission
from exigent.web.refusals import turned_down
from exigent.web.render import render

router = APIRouter(prefix="/console", include_in_schema=False)

PolicyReader = Annotated[User, Depends(page_permission(Permission.policy_read))]


@router.get("/policy", response_class=HTMLResponse)
def policy_page(
    request: Request,
    session: SessionDep,
    user: PolicyReader,
    version: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
) -> HTMLResponse:
    rows = versions.list_versions(session, user=user)
    current = rows[0].version if rows else 1
    shown = versions.get_version(session, user=user, version=version or current)
    session.commit()
    return render(
        request,
        user,
        "console/policy.html",
        {"versions": rows, "shown": shown, "doc": shown.document, "current": current},
    )


def _parsed(document: str) -> dict[str, Any]:
    try:
        parsed = json.loads(document)
    except json.JSONDecodeError as exc:
        raise BadInput(f"policy: not valid JSON (line {exc.lineno}: {exc.msg})") from None
    if not isinstance(parsed, dict):
        raise BadInput("policy: the document must be a JSON object")
    return parsed


@router.post("/policy", response_class=HTMLResponse)
def change_policy(
    request: Request,
    session: SessionDep,
    factory: SessionFactoryDep,
    user: PolicyReader,
    document: Annotated[str, Form(max_length=200_000)] = "",
    reason: Annotated[str, Form(max_length=20_000)] = "",
) -> Response:
    """A new policy version from the edited document (legal only; refusals are audited)."""
    try:
        row = versions.change_policy(session, user=user, document=_parsed(document), reason=reason)
        session.commit()
    except ExigentError as exc:
        return turned_down(
            session,
            exc,
            factory=factory,
            show=lambda error: _policy_error(request, session, user, error, document, reason),
            # The page stands on its own: even a missing version is said next to the form.
            not_found_raises=False,
        )
    return RedirectResponse(f"/console/policy?version={row.version}&saved=1", status_code=303)


def _policy_error(
    request: Request,
    session: Session,
    user: User,
    exc: ExigentError,
    document: str,
    reason: str,
) -> HTMLResponse:
    rows = versions.list_versions(session, user=user)
    shown = rows[0]
    session.commit()
    return render(
        request,
        user,
        "console/policy.html",
        {
            "versions": rows,
            "shown": shown,
            "doc": shown.document,
            "current": shown.version,
            "error": exc.message,
            "draft": document,
            "reason": reason,
        },
        status_code=exc.status_code,
    )
