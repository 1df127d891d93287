"""The audit log viewer (`/console/audit`) and the chain's verification panel. Thin routes.

The page reads in a read-only transaction (on SQLite it does not hold the one write lock
while it searches) and then records the look in a short write of its own.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from exigent.audit import checks
from exigent.audit.checks import ChainCheckerDep
from exigent.audit.queries import KINDS, LogFilter, decode_cursor, encode_cursor, known_actions
from exigent.auditing import filters, service
from exigent.auth.models import User
from exigent.auth.permissions import Permission
from exigent.auth.service import actor_for
from exigent.config import SettingsDep
from exigent.db import SessionDep, begin_read_only, utcnow
from exigent.errors import BadInput, ExigentError
from exigent.web.deps import page_permission
from exigent.web.render import render

router = APIRouter(prefix="/console/audit", include_in_schema=False)

AuditReader = Annotated[User, Depends(page_permission(Permission.audit_read))]
# What a refused filter shows: nothing, with the reason next to the form.
NOTHING = LogFilter(actions=())


@router.get("", response_class=HTMLResponse)
def audit_log(
    request: Request, session: SessionDep, settings: SettingsDep, user: AuditReader
) -> HTMLResponse:
    params = request.query_params
    begin_read_only(session)
    actions = known_actions(session)
    error: BadInput | None = None
    try:
        typed = filters.parse(params, lambda: actions)
        cursor = params.get("cursor")
        after = decode_cursor(cursor, settings.secret_key) if cursor else None
        page = service.read_log(session, user, typed, after=after)
    except BadInput as exc:
        error = exc
        typed = filters.Typed({n: params.get(n, "") for n in filters.FIELDS}, NOTHING, None)
        page = service.LogPage(entries=[], next_position=None)
    status = checks.chain_status(session, utcnow())
    actors = service.staff_actors(session)
    session.commit()
    if error is None:
        service.record_log_read(session, user, typed, page)
        session.commit()
    older = None
    if page.next_position is not None:
        query = {**typed.query, "cursor": encode_cursor(page.next_position, settings.secret_key)}
        older = "/console/audit?" + urlencode(query)
    return render(
        request,
        user,
        "auditing/log.html",
        {
            "typed": typed.values,
            "page": page,
            "older": older,
            "paged": bool(params.get("cursor")),
            "newest": "/console/audit?" + urlencode(typed.query),
            "error": error,
            "actions": actions,
            "families": sorted({a.split(".")[0] for a in actions}),
            "kinds": KINDS,
            "actors": actors,
            "chain": status,
        },
        status_code=error.status_code if error else 200,
    )


@router.get("/chain", response_class=HTMLResponse)
def chain_panel(request: Request, session: SessionDep, user: AuditReader) -> HTMLResponse:
    """The verification panel alone: polled while a verification runs."""
    return _chain(request, session, user)


@router.post("/checks", response_class=HTMLResponse)
def verify_chain(
    request: Request, session: SessionDep, checker: ChainCheckerDep, user: AuditReader
) -> Response:
    """Start walking the whole chain in the background; answer the panel saying so."""
    try:
        check = checks.start_check(session, actor=actor_for(user), now=utcnow())
        session.commit()
    except ExigentError as exc:
        session.rollback()
        if request.headers.get("HX-Request") != "true":
            raise
        # Answered with 200: htmx swaps only 2xx, and the panel says why.
        return _chain(request, session, user, refused=exc.message)
    checker.start(check.id)
    if request.headers.get("HX-Request") != "true":
        return RedirectResponse("/console/audit#chain", status_code=303)
    return _chain(request, session, user)


def _chain(
    request: Request, session: Session, user: User, *, refused: str | None = None
) -> HTMLResponse:
    begin_read_only(session)
    status = checks.chain_status(session, utcnow())
    session.commit()
    return render(request, user, "auditing/_chain.html", {"chain": status, "refused": refused})
