"""Draft rosters' pages: ask the planner for a draft, watch it work, publish it. Thin.

The planner runs in the background (`drafts.Drafter`, on `app.state.drafter`); the draft's
page polls its progress with htmx until the run ends, then shows the whole result.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from exigent.auth.models import User
from exigent.auth.permissions import Permission
from exigent.db import utcnow
from exigent.errors import ExigentError
from exigent.staffing import drafts
from exigent.staffing.deps import DrafterDep
from exigent.staffing.draft_view import DAY_NAMES, draft_view
from exigent.staffing.drafting import MAX_DAYS, MIN_DAYS
from exigent.staffing.publish import publish
from exigent.web.deps import IntRowId, SessionDep, page_permission
from exigent.web.render import render

router = APIRouter(prefix="/staffing/drafts", include_in_schema=False)

Scheduler = Annotated[User, Depends(page_permission(Permission.roster_edit))]
DEFAULT_SECONDS = 60


def _next_monday() -> date:
    today = utcnow().date()
    return today + timedelta(days=7 - today.weekday())


def _list(
    request: Request, session: Session, user: User, *, error: str | None = None
) -> HTMLResponse:
    return render(
        request,
        user,
        "staffing/drafts.html",
        {
            "drafts": drafts.recent_drafts(session, now=utcnow()),
            "starts_on": _next_monday(),
            "min_days": MIN_DAYS,
            "max_days": MAX_DAYS,
            "default_seconds": DEFAULT_SECONDS,
            "error": error,
            "flash": None,
        },
        status_code=422 if error else 200,
    )


@router.get("", response_class=HTMLResponse)
def draft_list(request: Request, session: SessionDep, user: Scheduler) -> HTMLResponse:
    response = _list(request, session, user)
    session.commit()  # drafts a restart stopped were marked failed on the way
    return response


@router.post("")
def ask_for_draft(
    request: Request,
    session: SessionDep,
    user: Scheduler,
    drafter: DrafterDep,
    starts_on: Annotated[date, Form()],
    days: Annotated[int, Form(ge=1, le=366)] = 7,
    seconds: Annotated[int, Form(ge=1, le=3600)] = DEFAULT_SECONDS,
) -> Response:
    try:
        draft = drafts.request_draft(
            session, actor=user, starts_on=starts_on, days=days, seconds=seconds, now=utcnow()
        )
    except ExigentError as exc:
        session.rollback()
        if exc.status_code == 403:
            raise
        return _list(request, session, user, error=exc.message)
    session.commit()
    # Started only once committed: the run reads the draft in transactions of its own.
    drafter.start(draft.id)
    return RedirectResponse(f"/staffing/drafts/{draft.id}", 303)


def _draft_page(
    request: Request,
    session: Session,
    user: User,
    draft_id: int,
    *,
    template: str,
    error: str | None = None,
    done: str | None = None,
) -> HTMLResponse:
    # A run a restart stopped is marked failed, so the page stops polling it.
    drafts.stop_abandoned(session, utcnow())
    view = draft_view(session, drafts.draft_of(session, draft_id))
    flash = {"kind": "ok", "text": "Published; everyone whose shifts changed was told."}
    return render(
        request,
        user,
        template,
        {
            "view": view,
            "day_names": DAY_NAMES,
            "flash": flash if done == "published" else None,
            "error": error,
        },
        status_code=409 if error else 200,
    )


@router.get("/{draft_id}", response_class=HTMLResponse)
def draft_page(
    request: Request,
    draft_id: IntRowId,
    session: SessionDep,
    user: Scheduler,
    done: Annotated[str | None, Query(max_length=40)] = None,
) -> HTMLResponse:
    response = _draft_page(
        request, session, user, draft_id, template="staffing/draft.html", done=done
    )
    session.commit()
    return response


@router.get("/{draft_id}/progress", response_class=HTMLResponse)
def draft_progress(
    request: Request, draft_id: IntRowId, session: SessionDep, user: Scheduler
) -> HTMLResponse:
    """The part of the page that changes while the planner works (htmx polls it)."""
    response = _draft_page(
        request, session, user, draft_id, template="staffing/_draft_progress.html"
    )
    session.commit()
    return response


@router.post("/{draft_id}/publish")
def publish_draft(
    request: Request, draft_id: IntRowId, session: SessionDep, user: Scheduler
) -> Response:
    try:
        publish(session, actor=user, draft_id=draft_id, now=utcnow())
    except ExigentError as exc:
        session.rollback()
        if exc.status_code in (403, 404):
            raise
        return _draft_page(
            request, session, user, draft_id, template="staffing/draft.html", error=exc.message
        )
    session.commit()
    return RedirectResponse(f"/staffing/drafts/{draft_id}?done=published", 303)
