"""The console's queue: the filtered list of cases, its refresh, jumping to a case by its
reference, and the saved views (named filters) above it. Thin HTML routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from exigent.analytics.surge_alerts import banner_lines
from exigent.auth.permissions import Permission, user_can
from exigent.auth.service import require
from exigent.cases import search
from exigent.cases import service as case_service
from exigent.console import queries, service
from exigent.console.params import PageNo
from exigent.db import utcnow
from exigent.errors import BadInput
from exigent.web.deps import PageUser, Reader, RowId, SessionDep
from exigent.web.places import landing_path
from exigent.web.render import render

router = APIRouter(prefix="/console", include_in_schema=False)


@router.get("", response_class=HTMLResponse)
def queue_page(request: Request, session: SessionDep, user: PageUser, page: PageNo = 1) -> Response:
    if not user_can(user, Permission.request_read_all) and landing_path(user) != "/console":
        # The console's front door: whoever cannot read cases goes to their own start page.
        return RedirectResponse(landing_path(user), status_code=303)
    require(user, Permission.request_read_all)
    filters = queries.parse_filters(request.query_params)
    rows, more = queries.queue(session, user, filters, now=utcnow(), page=page)
    fresh = queries.new_emergencies(session, user)
    case_service.record_list(session, user, [row.case.id for row in rows] + [c.id for c in fresh])
    context = {
        "rows": rows,
        "filters": filters,
        "more": more,
        "page": page,
        "count": queries.queue_count(session, user, filters, now=utcnow()),
        "staff": queries.assignable_staff(session),
        "agencies": queries.open_agencies(session),
        "views": queries.saved_views(session, user),
        "query": filters.query_string(),
        "fresh": fresh,
        # Surges under way, for those who run the team (the queue is a lead's home).
        "surge_banners": (
            banner_lines(session) if user_can(user, Permission.analytics_read) else []
        ),
    }
    session.commit()
    return render(request, user, "console/queue.html", context)


@router.get("/queue-rows", response_class=HTMLResponse)
def queue_rows(
    request: Request, session: SessionDep, user: Reader, page: PageNo = 1
) -> HTMLResponse:
    """The queue's rows alone, for the 30-second refresh."""
    filters = queries.parse_filters(request.query_params)
    rows, _ = queries.queue(session, user, filters, now=utcnow(), page=page)
    case_service.record_list(session, user, [row.case.id for row in rows])
    session.commit()
    return render(request, user, "console/_queue_rows.html", {"rows": rows})


@router.get("/new-emergencies", response_class=HTMLResponse)
def new_emergencies(request: Request, session: SessionDep, user: Reader) -> HTMLResponse:
    """The band of emergencies nobody has acknowledged yet, for its 30-second refresh."""
    fresh = queries.new_emergencies(session, user)
    if fresh:  # an empty band every 30 s from every open queue would only be noise in the log
        case_service.record_list(session, user, [c.id for c in fresh])
        session.commit()
    return render(request, user, "console/_new_emergencies.html", {"fresh": fresh})


@router.get("/find", response_class=HTMLResponse)
def find_case(request: Request, session: SessionDep, user: Reader, ref: str = "") -> Response:
    """Find a case by what people say on the phone: its reference, the agency's case number,
    a target identifier, or the requester's email or phone. One match opens the case."""
    if len(ref) > search.MAX_SEARCH_LENGTH:
        raise BadInput(f"ref: longer than {search.MAX_SEARCH_LENGTH} characters")
    number = search.exact_reference(ref)
    if number is not None:
        return RedirectResponse(f"/console/cases/{number}", status_code=303)
    found = search.find_cases(session, user, ref)
    if len(found) == 1:
        case_service.record_list(session, user, [found[0].case.id])
        session.commit()
        return RedirectResponse(f"/console/cases/{found[0].case.id}", status_code=303)
    case_service.record_list(session, user, [each.case.id for each in found])
    session.commit()
    context = {"text": ref.strip(), "found": found, "limit": search.MAX_FOUND}
    return render(request, user, "console/find.html", context)


# Saved views


@router.post("/views")
def save_view(
    session: SessionDep,
    user: Reader,
    name: Annotated[str, Form(max_length=200)] = "",
    query: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    view = service.save_view(session, user=user, name=name, query=query)
    session.commit()
    return RedirectResponse(f"/console?{view.query}", status_code=303)


@router.post("/views/{view_id}/delete")
def delete_view(view_id: RowId, session: SessionDep, user: Reader) -> Response:
    service.delete_view(session, user=user, view_id=view_id)
    session.commit()
    return RedirectResponse("/console", status_code=303)
