"""The referral's recipients panel: who the facts point to and why, and the analyst's choice.

Loaded into the case page with htmx. Each action posts (CSRF checked by `PageUser`) and answers
the panel again with 200, saying what was done or, inline, why it was refused.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from exigent.auth.models import User
from exigent.auth.permissions import Permission
from exigent.auth.service import actor_for
from exigent.cases import service as cases
from exigent.cases.models import Request as Case
from exigent.config import Settings
from exigent.db import utcnow
from exigent.directory.service import list_agencies
from exigent.errors import BadInput, ExigentError, NotFound
from exigent.platform_data.adapter import AdapterUnavailable
from exigent.platform_data.registry import get_adapter
from exigent.referrals import recipient_choices, recipients
from exigent.referrals.models import Referral, ReferralRecipient
from exigent.web.deps import (
    CaseId,
    RowId,
    SessionDep,
    SessionFactoryDep,
    SettingsDep,
    page_permission,
)
from exigent.web.refusals import turned_down
from exigent.web.templating import templates

router = APIRouter(prefix="/console", include_in_schema=False)
Recipients = Annotated[User, Depends(page_permission(Permission.referral_recipients))]
BASE = "/cases/{case_id}/referral/recipients"


def _referral(session: Session, case: Case) -> Referral | None:
    try:
        return recipients.referral_of(session, case)
    except NotFound:
        return None


def _panel(
    request: Request,
    session: Session,
    user: User,
    case_id: int,
    *,
    done: str | None = None,
    error: tuple[str, str] | None = None,
    search: dict[str, Any] | None = None,
) -> HTMLResponse:
    case = cases.load_for(session, user, case_id)
    referral = _referral(session, case)
    rows = recipients.recipients_of(session, referral.id) if referral else []
    people = {r.chosen_by_id for r in rows if r.chosen_by_id}
    names = dict(session.execute(select(User.id, User.name).where(User.id.in_(people))).all())
    context = {
        "c": case,
        "referral": referral,
        "rows": [r for r in rows if str(r.status) != "withdrawn"],
        "withdrawn": [r for r in rows if str(r.status) == "withdrawn"],
        "names": names,
        "done": done,
        "error": error,
        "search": search,
        "csrf_token": getattr(request.state, "csrf_token", None),
    }
    cases.record_read(session, user, case)
    session.commit()
    return templates.TemplateResponse(request, "referrals/_recipients.html", context)


@router.get(BASE, response_class=HTMLResponse)
def recipients_panel(
    case_id: CaseId, request: Request, session: SessionDep, user: Recipients
) -> HTMLResponse:
    return _panel(request, session, user, case_id)


def _act(
    request: Request,
    session: Session,
    factory: sessionmaker[Session],
    user: User,
    case_id: int,
    where: str,
    action: Callable[[Case], str],
) -> HTMLResponse:
    """Run one action on the case; answer the panel with what was done, or why not."""
    try:
        case = cases.load_for(session, user, case_id, for_update=True)
        done = action(case)
        session.commit()
    except ExigentError as exc:
        return turned_down(
            session,
            exc,
            factory=factory,
            show=lambda e: _panel(
                request, session, user, case_id, error=(where, f"{e.message} ({e.status_code})")
            ),
        )
    return _panel(request, session, user, case_id, done=done)


@router.post(BASE + "/propose", response_class=HTMLResponse)
def propose_again(
    case_id: CaseId,
    request: Request,
    session: SessionDep,
    factory: SessionFactoryDep,
    settings: SettingsDep,
    user: Recipients,
) -> HTMLResponse:
    def run(case: Case) -> str:
        referral = recipients.referral_of(session, case)
        rows = _propose(session, settings, user, referral)
        return f"Proposed again from the facts as they stand: {len(rows)} recipient(s)."

    return _act(request, session, factory, user, case_id, "propose", run)


def _propose(
    session: Session, settings: Settings, user: User, referral: Referral
) -> list[ReferralRecipient]:
    now, actor = utcnow(), actor_for(user)
    try:
        adapter = get_adapter(settings)
    except AdapterUnavailable as exc:
        # The referral's own facts still point somewhere; the rows say what was missing.
        note = f"Platform location history unavailable: {exc.message}"
        return recipients.propose_recipients(
            session, referral, None, now, actor=actor, notes=[note]
        )
    try:
        return recipients.propose_recipients(session, referral, adapter, now, actor=actor)
    finally:
        adapter.close()


@router.post(BASE + "/{recipient_id}/choose", response_class=HTMLResponse)
def choose(
    case_id: CaseId,
    recipient_id: RowId,
    request: Request,
    session: SessionDep,
    factory: SessionFactoryDep,
    user: Recipients,
) -> HTMLResponse:
    def run(case: Case) -> str:
        row = recipients.choose(
            session, user=user, case=case, recipient_id=recipient_id, now=utcnow()
        )
        return f"Chosen: {row.name}."

    return _act(request, session, factory, user, case_id, f"recipient-{recipient_id}", run)


@router.post(BASE + "/{recipient_id}/withdraw", response_class=HTMLResponse)
def withdraw(
    case_id: CaseId,
    recipient_id: RowId,
    request: Request,
    session: SessionDep,
    factory: SessionFactoryDep,
    user: Recipients,
) -> HTMLResponse:
    def run(case: Case) -> str:
        row = recipients.withdraw(
            session, user=user, case=case, recipient_id=recipient_id, now=utcnow()
        )
        return f"Withdrawn: {row.name}."

    return _act(request, session, factory, user, case_id, f"recipient-{recipient_id}", run)


@router.get(BASE + "/search", response_class=HTMLResponse)
def search_directory(
    case_id: CaseId,
    request: Request,
    session: SessionDep,
    user: Recipients,
    q: Annotated[str, Query(max_length=200)] = "",
    state: Annotated[str, Query(max_length=10)] = "",
) -> HTMLResponse:
    found = (
        list_agencies(session, user=user, name=q.strip(), state=state.strip() or None, limit=20)
        if q.strip()
        else []
    )
    search = {"q": q, "state": state, "agencies": found}
    return _panel(request, session, user, case_id, search=search)


@router.post(BASE + "/agency", response_class=HTMLResponse)
def choose_agency(
    case_id: CaseId,
    request: Request,
    session: SessionDep,
    factory: SessionFactoryDep,
    user: Recipients,
    agency_id: Annotated[int, Form(ge=1, le=2**31 - 1)] = 0,
) -> HTMLResponse:
    def run(case: Case) -> str:
        if not agency_id:
            raise BadInput("agency: pick an agency from the search")
        row = recipient_choices.choose_agency(
            session, user=user, case=case, agency_id=agency_id, now=utcnow()
        )
        return f"Chosen from the directory: {row.name}."

    return _act(request, session, factory, user, case_id, "another", run)


@router.post(BASE + "/other", response_class=HTMLResponse)
def choose_other(
    case_id: CaseId,
    request: Request,
    session: SessionDep,
    factory: SessionFactoryDep,
    user: Recipients,
    name: Annotated[str, Form(max_length=300)] = "",
    phone: Annotated[str, Form(max_length=40)] = "",
    email: Annotated[str, Form(max_length=320)] = "",
) -> HTMLResponse:
    def run(case: Case) -> str:
        row = recipient_choices.choose_other(
            session, user=user, case=case, name=name, phone=phone, email=email, now=utcnow()
        )
        return f"Chosen: {row.name} (entered by hand)."

    return _act(request, session, factory, user, case_id, "another", run)
