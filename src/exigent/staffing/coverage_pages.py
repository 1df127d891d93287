"""The coverage requirements' page: list, add, change, delete, and apply a template after a
preview of what it changes. Thin; the rules are in `coverage_edit`.

Every change is a form post (Post/Redirect/Get through `web.actions`); one that is turned
down shows the page again with the problem beside the field it names and what was typed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import time
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session, sessionmaker

from exigent.auth.models import User
from exigent.auth.permissions import Permission
from exigent.errors import BadInput, ExigentError
from exigent.staffing import coverage_edit
from exigent.staffing.coverage import TEMPLATES, Need
from exigent.staffing.people import SKILLS
from exigent.web.actions import confirmation, see_done
from exigent.web.deps import IntRowId, SessionDep, SessionFactoryDep, page_permission
from exigent.web.refusals import turned_down
from exigent.web.render import render

router = APIRouter(prefix="/staffing/coverage", include_in_schema=False)

Scheduler = Annotated[User, Depends(page_permission(Permission.roster_edit))]
Short = Annotated[str, Form(max_length=64)]
Days = Annotated[list[int], Form()]
DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
TEMPLATE_NAMES = {"follow_the_sun": "Follow the sun", "us_only": "US only"}

DONE = {
    "added": "Requirement added.",
    "changed": "Requirement changed.",
    "deleted": "Requirement deleted.",
    "template": "Template applied; the requirements below replace the ones before.",
}


def _page(
    request: Request,
    session: Session,
    user: User,
    *,
    template: str | None = None,
    typed: dict[str, dict[str, object]] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    planned = coverage_edit.preview(session, template) if template in TEMPLATES else None
    return render(
        request,
        user,
        "staffing/coverage.html",
        {
            "rows": coverage_edit.requirements(session),
            "skills": SKILLS,
            "day_names": DAY_NAMES,
            "templates": TEMPLATE_NAMES,
            "planned": planned,
            "typed": typed or {},
            "errors": errors or {},
            "confirmed": confirmation(request, DONE),
        },
        status_code=status_code,
    )


@router.get("", response_class=HTMLResponse)
def coverage_page(
    request: Request,
    session: SessionDep,
    user: Scheduler,
    template: Annotated[str | None, Query(max_length=40)] = None,
) -> HTMLResponse:
    """The requirements; with `template`, a preview of what applying it would change."""
    response = _page(request, session, user, template=template)
    session.commit()
    return response


def _clock(text: str, name: str) -> time:
    try:
        return time.fromisoformat(text.strip())
    except ValueError:
        raise BadInput(f"{name}: a time of day such as 08:00", field=name) from None


def _need(skill: str, minimum: str, zone: str, weekdays: list[int], start: str, end: str) -> Need:
    try:
        count = int(minimum.strip())
    except ValueError:
        raise BadInput("minimum: a whole number of people", field="minimum") from None
    return coverage_edit.checked_need(
        skill=skill,
        minimum=count,
        zone_name=zone.strip(),
        weekdays=weekdays,
        start=_clock(start, "start"),
        end=_clock(end, "end"),
    )


def _act(
    request: Request,
    session: Session,
    factory: sessionmaker[Session],
    user: User,
    *,
    panel: str,
    typed: dict[str, object],
    change: Callable[[], object],
    done: str,
) -> Response:
    try:
        change()
        session.commit()
    except ExigentError as exc:
        return turned_down(
            session,
            exc,
            factory=factory,
            not_found_raises=False,
            show=lambda e: _page(
                request,
                session,
                user,
                typed={panel: typed},
                errors={
                    f"{panel}.{e.detail['field']}" if "field" in e.detail else panel: e.message
                },
                status_code=e.status_code,
            ),
        )
    return see_done("/staffing/coverage", done, panel)


@router.post("", response_class=HTMLResponse)
def add_requirement(
    request: Request,
    session: SessionDep,
    factory: SessionFactoryDep,
    user: Scheduler,
    skill: Short = "",
    minimum: Short = "",
    zone: Short = "UTC",
    start: Short = "",
    end: Short = "",
    weekdays: Days = [],  # noqa: B006 - FastAPI copies a form default; none checked is []
) -> Response:
    typed: dict[str, object] = {
        "skill": skill,
        "minimum": minimum,
        "zone": zone,
        "start": start,
        "end": end,
        "weekdays": weekdays,
    }
    return _act(
        request,
        session,
        factory,
        user,
        panel="add",
        typed=typed,
        done="added",
        change=lambda: coverage_edit.add(
            session, actor=user, need=_need(skill, minimum, zone, weekdays, start, end)
        ),
    )


@router.post("/template", response_class=HTMLResponse)
def apply_template(
    request: Request,
    session: SessionDep,
    factory: SessionFactoryDep,
    user: Scheduler,
    template: Short = "",
) -> Response:
    return _act(
        request,
        session,
        factory,
        user,
        panel="templates",
        typed={"template": template},
        done="template",
        change=lambda: coverage_edit.apply_template(session, actor=user, name=template),
    )


@router.post("/{row_id}", response_class=HTMLResponse)
def change_requirement(
    request: Request,
    row_id: IntRowId,
    session: SessionDep,
    factory: SessionFactoryDep,
    user: Scheduler,
    skill: Short = "",
    minimum: Short = "",
    zone: Short = "UTC",
    start: Short = "",
    end: Short = "",
    weekdays: Days = [],  # noqa: B006 - FastAPI copies a form default; none checked is []
) -> Response:
    typed: dict[str, object] = {
        "skill": skill,
        "minimum": minimum,
        "zone": zone,
        "start": start,
        "end": end,
        "weekdays": weekdays,
    }
    return _act(
        request,
        session,
        factory,
        user,
        panel=f"row-{row_id}",
        typed=typed,
        done="changed",
        change=lambda: coverage_edit.change(
            session,
            actor=user,
            row_id=row_id,
            need=_need(skill, minimum, zone, weekdays, start, end),
        ),
    )


@router.post("/{row_id}/delete", response_class=HTMLResponse)
def delete_requirement(
    request: Request,
    row_id: IntRowId,
    session: SessionDep,
    factory: SessionFactoryDep,
    user: Scheduler,
) -> Response:
    return _act(
        request,
        session,
        factory,
        user,
        panel="requirements",
        typed={},
        done="deleted",
        change=lambda: coverage_edit.delete(session, actor=user, row_id=row_id),
    )
