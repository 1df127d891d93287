"""The content viewer's reveal/hide calls, and exposure pages for the person and for leads."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from exigent.db import MAX_ID, utcnow
from exigent.web.deps import PageUser, Reader, RowId, SessionDep
from exigent.web.render import render
from exigent.wellbeing import service

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
        },
    )
