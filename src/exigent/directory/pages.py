"""The directory in the console: find agencies, read one, and (leads, admins) correct it. Thin.

Every change is a plain form post (Post/Redirect/Get). A refused or invalid change renders
the agency's page again with what was typed and the problem next to the field it names,
with its 4xx status; nothing of it is kept.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session, sessionmaker

from exigent.auth.models import User
from exigent.auth.permissions import Permission, user_can
from exigent.cases.models import TrustStatus
from exigent.directory import editing, numbers, queries, service
from exigent.directory.forms import (
    DONE,
    KIND_CHOICES,
    details_of,
    field_errors,
    phone_of,
    validated,
)
from exigent.directory.schemas import AgencyUpdate, DomainCreate
from exigent.errors import BadInput, ExigentError
from exigent.web.actions import confirmation, see_done, take_action
from exigent.web.deps import IntRowId, SessionDep, SessionFactoryDep, page_permission
from exigent.web.refusals import turned_down
from exigent.web.render import render

router = APIRouter(prefix="/console/directory", include_in_schema=False)

DirectoryReader = Annotated[User, Depends(page_permission(Permission.directory_read))]
DirectoryEditor = Annotated[User, Depends(page_permission(Permission.directory_edit))]
Text = Annotated[str, Form(max_length=20_000)]
Short = Annotated[str, Form(max_length=500)]
KIND_LABELS = dict(KIND_CHOICES)
# The card of the agency's page each form is in (a number's own forms are in "numbers").
CARD_OF = {"details": "details", "standing": "standing", "domain": "domains", "phone": "numbers"}


@router.get("", response_class=HTMLResponse)
def search_page(
    request: Request,
    session: SessionDep,
    factory: SessionFactoryDep,
    user: DirectoryReader,
    q: Annotated[str, Query(max_length=300)] = "",
    state: Annotated[str, Query(max_length=10)] = "",
) -> HTMLResponse:
    """Agencies by name, ORI or domain, in a state."""
    found = queries.search_agencies(session, text=q, state=state)
    session.commit()
    return render(
        request,
        user,
        "directory/search.html",
        {"q": q, "state": state, "found": found, "limit": queries.SEARCH_LIMIT},
    )


@router.get("/agencies/new", response_class=HTMLResponse)
def new_agency_page(request: Request, user: DirectoryEditor) -> HTMLResponse:
    return _new_page(request, user)


def _new_page(
    request: Request,
    user: User,
    *,
    typed: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    return render(
        request,
        user,
        "directory/new.html",
        {"typed": typed or {}, "errors": errors or {}, "kinds": KIND_CHOICES},
        status_code=status_code,
    )


@router.post("/agencies", response_class=HTMLResponse)
def create_agency(
    request: Request,
    session: SessionDep,
    factory: SessionFactoryDep,
    user: DirectoryEditor,
    name: Short = "",
    agency_type: Short = "",
    country: Short = "US",
    state: Short = "",
    ori: Short = "",
    homepage_url: Short = "",
    notes: Text = "",
    number: Short = "",
    label: Short = "",
    source_kind: Short = "",
    source: Short = "",
) -> Response:
    """A lead adds an agency; a number is optional here, but never without its source."""
    typed = {k: v for k, v in locals().items() if isinstance(v, str)}
    details, errors = details_of(typed, "agency")
    phone = None
    if any(typed[k].strip() for k in ("number", "source")):
        phone, phone_errors = phone_of(typed, "agency", dialled=True)
        errors.update(phone_errors)
    if errors or details is None:
        return _new_page(request, user, typed=typed, errors=errors, status_code=422)
    try:
        agency = editing.create_agency(session, user=user, details=details, phone=phone)
        session.commit()
    except ExigentError as exc:
        return turned_down(
            session,
            exc,
            factory=factory,
            show=lambda e: _new_page(
                request,
                user,
                typed=typed,
                errors=field_errors(e, "agency"),
                status_code=e.status_code,
            ),
            not_found_raises=False,
        )
    return see_done(f"/console/directory/agencies/{agency.id}", "created", "details")


@router.get("/agencies/{agency_id}", response_class=HTMLResponse)
def agency_page(
    agency_id: IntRowId, request: Request, session: SessionDep, user: DirectoryReader
) -> HTMLResponse:
    """The agency with its domains, numbers and their sources, marks, changes and cases."""
    return show_agency(request, session, user, agency_id)


def show_agency(
    request: Request,
    session: Session,
    user: User,
    agency_id: int,
    *,
    typed: dict[str, dict[str, str]] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    view = queries.agency_view(session, user, agency_id)
    session.commit()
    return render(
        request,
        user,
        "directory/agency.html",
        {
            "v": view,
            "a": view.agency,
            "typed": typed or {},
            "errors": errors or {},
            "confirmed": confirmation(request, DONE),
            "kinds": KIND_CHOICES,
            "statuses": [str(s) for s in TrustStatus],
            "can_edit": user_can(user, Permission.directory_edit),
            "kind_labels": KIND_LABELS,
        },
        status_code=status_code,
    )


def _change(
    request: Request,
    session: Session,
    factory: sessionmaker[Session],
    user: User,
    agency_id: int,
    form: str,
    typed: dict[str, str],
    done: str,
    action: Callable[[], object],
) -> Response:
    """Run one change; done, show the agency saying so in the form's card, else say why
    beside `form`."""
    return take_action(
        session,
        action,
        factory=factory,
        done=lambda: see_done(
            f"/console/directory/agencies/{agency_id}", done, CARD_OF.get(form, "numbers")
        ),
        refused=lambda e: show_agency(
            request,
            session,
            user,
            agency_id,
            typed={form: typed},
            errors=field_errors(e, form),
            status_code=e.status_code,
        ),
    )


@router.post("/agencies/{agency_id}", response_class=HTMLResponse)
def edit_agency(
    agency_id: IntRowId,
    request: Request,
    session: SessionDep,
    factory: SessionFactoryDep,
    user: DirectoryEditor,
    name: Short = "",
    agency_type: Short = "",
    country: Short = "",
    state: Short = "",
    ori: Short = "",
    homepage_url: Short = "",
    notes: Text = "",
) -> Response:
    typed = {k: v for k, v in locals().items() if isinstance(v, str)}

    def run() -> object:
        details, errors = details_of(typed, "details")
        if errors or details is None:
            raise BadInput("details: correct the fields marked", problems=errors)
        return editing.edit_details(session, user=user, agency_id=agency_id, details=details)

    return _change(request, session, factory, user, agency_id, "details", typed, "edited", run)


@router.post("/agencies/{agency_id}/standing", response_class=HTMLResponse)
def set_standing(
    agency_id: IntRowId,
    request: Request,
    session: SessionDep,
    factory: SessionFactoryDep,
    user: DirectoryEditor,
    status: Short = "",
    reason: Text = "",
) -> Response:
    typed = {"status": status, "reason": reason}

    def run() -> object:
        changes = validated(AgencyUpdate, {"status": status, "reason": reason}, "standing")
        if changes.status == queries.get_agency(session, agency_id).status:
            raise BadInput(f"status: the agency is already {status}", field="status")
        return service.update_agency(session, user=user, agency_id=agency_id, changes=changes)

    return _change(request, session, factory, user, agency_id, "standing", typed, "standing", run)


@router.post("/agencies/{agency_id}/domains", response_class=HTMLResponse)
def add_domain(
    agency_id: IntRowId,
    request: Request,
    session: SessionDep,
    factory: SessionFactoryDep,
    user: DirectoryEditor,
    domain: Short = "",
    source_note: Short = "",
) -> Response:
    typed = {"domain": domain, "source_note": source_note}

    def run() -> object:
        if len(source_note.strip()) < 3:
            raise BadInput(
                "source_note: say where you confirmed the domain is the agency's own",
                field="source_note",
            )
        data = validated(
            DomainCreate,
            {"domain": domain, "agency_id": agency_id, "source_note": source_note},
            "domain",
        )
        return service.add_domain(session, user=user, data=data)

    return _change(request, session, factory, user, agency_id, "domain", typed, "domain", run)


@router.post("/agencies/{agency_id}/phones", response_class=HTMLResponse)
def add_phone(
    agency_id: IntRowId,
    request: Request,
    session: SessionDep,
    factory: SessionFactoryDep,
    user: DirectoryEditor,
    number: Short = "",
    label: Short = "",
    source_kind: Short = "",
    source: Short = "",
    use_for_callbacks: Short = "",
) -> Response:
    typed = {k: v for k, v in locals().items() if isinstance(v, str)}

    def run() -> object:
        phone, errors = phone_of(typed, "phone", dialled=use_for_callbacks == "yes")
        if errors or phone is None:
            raise BadInput("phone: correct the fields marked", problems=errors)
        return numbers.add_phone(session, user=user, agency_id=agency_id, data=phone)

    return _change(request, session, factory, user, agency_id, "phone", typed, "phone", run)


@router.post("/agencies/{agency_id}/phones/{phone_id}/callback", response_class=HTMLResponse)
def dial_this(
    agency_id: IntRowId,
    phone_id: IntRowId,
    request: Request,
    session: SessionDep,
    factory: SessionFactoryDep,
    user: DirectoryEditor,
) -> Response:
    def run() -> object:
        owned = _own(session, agency_id, phone_id)
        return numbers.use_for_callbacks(session, user=user, phone_id=owned)

    form = f"phone-{phone_id}"
    return _change(request, session, factory, user, agency_id, form, {}, "dialled", run)


@router.post("/agencies/{agency_id}/phones/{phone_id}/retire", response_class=HTMLResponse)
def retire(
    agency_id: IntRowId,
    phone_id: IntRowId,
    request: Request,
    session: SessionDep,
    factory: SessionFactoryDep,
    user: DirectoryEditor,
    reason: Short = "",
) -> Response:
    def run() -> object:
        owned = _own(session, agency_id, phone_id)
        return numbers.retire_phone(session, user=user, phone_id=owned, reason=reason)

    form = f"phone-{phone_id}"
    typed = {"reason": reason}
    return _change(request, session, factory, user, agency_id, form, typed, "retired", run)


def _own(session: Session, agency_id: int, phone_id: int) -> int:
    """The number, if it is this agency's (a page names both)."""
    if not any(p.id == phone_id for p in queries.phones_of(session, agency_id)):
        raise BadInput(f"number: {agency_id} has no number {phone_id}; reload the page")
    return phone_id
