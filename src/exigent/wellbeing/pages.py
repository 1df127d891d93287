"""The content viewer's reveal/hide calls, and exposure pages for the person and for leads."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from sqlalchemy.orm import Session

from exigent.auth.models import User
from exigent.auth.permissions import Permission
from exigent.db import MAX_ID, utcnow
from exigent.errors import ExigentError
from exigent.web.actions import confirmation, see_done, take_action
from exigent.web.deps import (
    PageUser,
    Reader,
    RowId,
    SessionDep,
    SessionFactoryDep,
    page_permission,
)
from exigent.web.render import render
from exigent.wellbeing import checkins, service

router = APIRouter(prefix="/wellbeing", include_in_schema=False)


@router.post("/reveals")
def reveal(
    session: SessionDep,
    user: Reader,
    document_id: Annotated[int, Form(ge=1, le=MAX_ID)],
) -> JSONResponse:
    """One click reveals one item; the answer carries the id the browser reports seconds to."""
    event = service.reveal(session, user=user, document_id=document_id)
    session.commit()
    return JSONResponse({"id": event.id, "harm_category": event.harm_category}, status_code=201)


@router.post("/reveals/{exposure_id}/hide", status_code=204)
def hide(
    exposure_id: RowId,
    session: SessionDep,
    user: Reader,
    seconds: Annotated[float, Form(ge=0, le=86_400)],
) -> Response:
    """Sent on hide and by `sendBeacon` when the page is left; capped at the time since reveal."""
    service.hide(session, user=user, exposure_id=exposure_id, seconds=seconds)
    session.commit()
    return Response(status_code=204)


@router.get("", response_class=HTMLResponse)
def my_exposure(
    request: Request,
    session: SessionDep,
    user: Reader,
    day: Annotated[date | None, Query()] = None,
) -> HTMLResponse:
    now = utcnow()
    shown, totals, events = service.my_exposure(session, user=user, day=day, now=now)
    session.commit()
    return render(
        request,
        user,
        "wellbeing/mine.html",
        {
            "day": shown,
            "today": service.shift_day(user, now),
            "totals": totals,
            "events": events,
            "total_seconds": sum(t.seconds for t in totals),
            "check_ins": checkins.mine(session, user=user, since=shown - timedelta(days=13)),
            "counted": lambda e: service.counted_seconds(e, now),
            "previous_day": shown - timedelta(days=1),
            "next_day": shown + timedelta(days=1),
        },
    )


@router.get("/team", response_class=HTMLResponse)
def team_exposure(
    request: Request,
    session: SessionDep,
    user: PageUser,
    days: Annotated[int, Query(ge=1, le=90)] = 7,
) -> HTMLResponse:
    since, until = service.default_window(utcnow(), days)
    people = service.team_exposure(session, user=user, since=since, until=until)
    # Closed days only: a lead refreshing the page would otherwise see an anonymous check-in
    # arrive, and the minute it arrived names who just finished their shift.
    check_ins = checkins.team(session, user=user, since=since, until=until - timedelta(days=1))
    session.commit()
    categories = sorted({c for p in people for c in p.by_category})
    chart = {
        "labels": [p.name for p in people],
        "datasets": [
            {
                "label": c.replace("_", " "),
                "data": [round(p.by_category.get(c, 0) / 60, 1) for p in people],
            }
            for c in categories
        ],
    }
    return render(
        request,
        user,
        "wellbeing/team.html",
        {
            "people": people,
            "categories": categories,
            "chart": chart,
            "since": since,
            "until": until,
            "days": days,
            "check_ins": check_ins,
            "crowd_min": checkins.CROWD_MIN,
        },
    )


# End-of-shift check-ins

Rostered = Annotated[User, Depends(page_permission(Permission.shifts_own))]
# One answer for both kinds: the address it redirects to is written to the server's access
# log beside the client's address and time, so it must not say which kind was sent.
SAID = {
    "kept": "Thank you, your check-in is kept. With your name it is listed below and counts in "
    "your exposure; without it, it counts only in the team's totals.",
}


def _check_in_page(
    request: Request,
    session: Session,
    user: User,
    *,
    error: ExigentError | None = None,
    typed: dict[str, object] | None = None,
) -> HTMLResponse:
    today = service.shift_day(user, utcnow())
    return render(
        request,
        user,
        "wellbeing/check_in.html",
        {
            "check_ins": checkins.mine(session, user=user, since=today - timedelta(days=13)),
            "confirmed": confirmation(request, SAID),
            "error": error,
            "field": str(error.detail.get("field", "")) if error else "",
            "typed": typed or {},
        },
        status_code=error.status_code if error else 200,
    )


@router.get("/check-in", response_class=HTMLResponse)
def check_in_page(request: Request, session: SessionDep, user: Rostered) -> HTMLResponse:
    response = _check_in_page(request, session, user)
    session.commit()
    return response


@router.post("/check-in")
def check_in(
    request: Request,
    session: SessionDep,
    factory: SessionFactoryDep,
    user: Rostered,
    effort: Annotated[int, Form(ge=0, le=10)] = 0,
    off_hours_minutes: Annotated[int, Form(ge=0, le=100_000)] = 0,
    note: Annotated[str, Form(max_length=checkins.NOTE_MAX)] = "",
    anonymous: Annotated[bool, Form()] = False,
) -> Response:
    """Post/Redirect/Get: the check-in page says it was kept, and how."""
    typed: dict[str, object] = {
        "effort": effort,
        "off_hours_minutes": off_hours_minutes,
        "note": note,
        "anonymous": anonymous,
    }
    return take_action(
        session,
        lambda: checkins.check_in(
            session,
            actor=user,
            effort=effort,
            off_hours_minutes=off_hours_minutes,
            note=note,
            anonymous=anonymous,
            now=utcnow(),
        ),
        factory=factory,
        done=lambda: see_done("/wellbeing/check-in", "kept", "check-in"),
        refused=lambda e: _check_in_page(request, session, user, error=e, typed=typed),
    )
