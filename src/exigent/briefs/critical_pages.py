"""Critical-event briefs from a case, a sent brief, and the distribution lists. Thin."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from exigent.auth.models import User
from exigent.auth.permissions import Permission
from exigent.briefs import critical, lists
from exigent.briefs.critical import BODY_MAX, SUBJECT_MAX, Draft
from exigent.briefs.models import AUTOMATIC_EVENTS, BriefEvent, DistributionList
from exigent.config import Settings
from exigent.db import utcnow
from exigent.errors import ExigentError
from exigent.web.actions import confirmation, see_done, take_action
from exigent.web.deps import (
    CaseId,
    IntRowId,
    RowId,
    SessionDep,
    SessionFactoryDep,
    SettingsDep,
    page_permission,
)
from exigent.web.render import render

router = APIRouter(prefix="/briefs", include_in_schema=False)

Sender = Annotated[User, Depends(page_permission(Permission.brief_send))]
CaseReader = Annotated[User, Depends(page_permission(Permission.request_read_all))]
ListEditor = Annotated[User, Depends(page_permission(Permission.brief_lists_edit))]
Ids = Annotated[list[int], Form()]

SAID = {
    "sent": "Brief sent; it is kept on the case with each recipient's delivery.",
    "saved": "Distribution list saved.",
}


def _field(error: ExigentError | None) -> str | None:
    if error is None:
        return None
    return str(error.detail.get("field") or error.message.split(":", 1)[0])


def _compose(
    request: Request,
    session: Session,
    user: User,
    case_id: int,
    settings: Settings,
    *,
    typed: Draft | None = None,
    chosen: list[int] | None = None,
    error: ExigentError | None = None,
) -> HTMLResponse:
    case, drafted = critical.draft(session, actor=user, request_id=case_id, settings=settings)
    everything = lists.all_lists(session)
    manual = [dl.id for dl in everything if str(BriefEvent.manual) in dl.events]
    return render(
        request,
        user,
        "briefs/compose.html",
        {
            "case": case,
            "draft": typed or drafted,
            "lists": everything,
            "chosen": chosen if chosen is not None else manual,
            "error": error,
            "field": _field(error),
            "subject_max": SUBJECT_MAX,
            "body_max": BODY_MAX,
        },
        status_code=error.status_code if error else 200,
    )


@router.get("/cases/{case_id}/new", response_class=HTMLResponse)
def compose(
    request: Request, case_id: CaseId, session: SessionDep, settings: SettingsDep, user: Sender
) -> HTMLResponse:
    """The one-click draft: what happened, disclosed or refused, risk, people and clocks."""
    response = _compose(request, session, user, case_id, settings)
    session.commit()
    return response


@router.post("/cases/{case_id}")
def send(
    request: Request,
    case_id: CaseId,
    session: SessionDep,
    factory: SessionFactoryDep,
    settings: SettingsDep,
    user: Sender,
    subject: Annotated[str, Form(max_length=SUBJECT_MAX)] = "",
    body: Annotated[str, Form(max_length=BODY_MAX)] = "",
    list_ids: Ids = [],  # noqa: B006 - FastAPI copies a form default
) -> Response:
    sent: list[int] = []

    def act() -> None:
        brief = critical.send_by_hand(
            session,
            actor=user,
            request_id=case_id,
            subject=subject,
            body=body,
            list_ids=list_ids,
            settings=settings,
            now=utcnow(),
        )
        sent.append(brief.id)

    return take_action(
        session,
        act,
        factory=factory,
        done=lambda: see_done(f"/briefs/critical/{sent[0]}", "sent", "brief"),
        refused=lambda e: _compose(
            request,
            session,
            user,
            case_id,
            settings,
            typed=Draft(subject, body),
            chosen=list_ids,
            error=e,
        ),
    )


@router.get("/critical/{brief_id}", response_class=HTMLResponse)
def sent_brief(
    request: Request, brief_id: RowId, session: SessionDep, user: CaseReader
) -> HTMLResponse:
    brief = critical.load_brief(session, actor=user, brief_id=brief_id)
    sender = session.get(User, brief.sent_by_id) if brief.sent_by_id else None
    response = render(
        request,
        user,
        "briefs/sent.html",
        {"brief": brief, "sender": sender, "confirmed": confirmation(request, SAID)},
    )
    session.commit()
    return response


def _lists_page(
    request: Request,
    session: Session,
    user: User,
    *,
    error: ExigentError | None = None,
    typed: dict[str, Any] | None = None,
) -> HTMLResponse:
    return render(
        request,
        user,
        "briefs/lists.html",
        {
            "lists": lists.all_lists(session),
            "staff": lists.staff(session),
            "events": list(BriefEvent),
            "automatic": AUTOMATIC_EVENTS,
            "error": error,
            "field": _field(error),
            "typed": typed or {},
            "confirmed": confirmation(request, SAID),
        },
        status_code=error.status_code if error else 200,
    )


@router.get("/lists", response_class=HTMLResponse)
def lists_page(request: Request, session: SessionDep, user: ListEditor) -> HTMLResponse:
    response = _lists_page(request, session, user)
    session.commit()
    return response


def _save(
    request: Request,
    session: Session,
    factory: Any,
    user: User,
    list_id: int | None,
    form: dict[str, Any],
) -> Response:
    saved: list[DistributionList] = []

    def act() -> None:
        saved.append(lists.save(session, actor=user, list_id=list_id, now=utcnow(), **form))

    return take_action(
        session,
        act,
        factory=factory,
        done=lambda: see_done("/briefs/lists", "saved", f"list-{saved[0].id}"),
        refused=lambda e: _lists_page(
            request, session, user, error=e, typed={"list_id": list_id, **form}
        ),
    )


@router.post("/lists")
def create_list(
    request: Request,
    session: SessionDep,
    factory: SessionFactoryDep,
    user: ListEditor,
    name: Annotated[str, Form(max_length=80)] = "",
    events: Annotated[list[str], Form()] = [],  # noqa: B006 - FastAPI copies a form default
    member_ids: Ids = [],  # noqa: B006
    emails: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    form = {"name": name, "events": events, "member_ids": member_ids, "emails": emails}
    return _save(request, session, factory, user, None, form)


@router.post("/lists/{list_id}")
def update_list(
    request: Request,
    list_id: IntRowId,
    session: SessionDep,
    factory: SessionFactoryDep,
    user: ListEditor,
    name: Annotated[str, Form(max_length=80)] = "",
    events: Annotated[list[str], Form()] = [],  # noqa: B006 - FastAPI copies a form default
    member_ids: Ids = [],  # noqa: B006
    emails: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    form = {"name": name, "events": events, "member_ids": member_ids, "emails": emails}
    return _save(request, session, factory, user, list_id, form)
