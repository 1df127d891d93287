"""The roster's pages: the scheduler's home, the week grid, "My shifts", and the feeds. Thin.

Every change is a form post (Post/Redirect/Get). One that breaks a rule renders its page
again with the problem and its 4xx status; nothing of it is kept.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from exigent.auth.models import User
from exigent.auth.permissions import Permission
from exigent.db import utcnow
from exigent.errors import ExigentError
from exigent.staffing import feeds, people, queries, shifts, swaps
from exigent.staffing.clock import in_zone
from exigent.staffing.deps import ExposureDep
from exigent.staffing.models import Shift, StaffProfile
from exigent.staffing.readiness import Reachable, check
from exigent.staffing.schemas import RosterDay
from exigent.web.deps import IntRowId, SessionDep, page_permission
from exigent.web.render import render

router = APIRouter(prefix="/staffing", include_in_schema=False)
calendars = APIRouter(include_in_schema=False)

Scheduler = Annotated[User, Depends(page_permission(Permission.roster_edit))]
RosterReader = Annotated[User, Depends(page_permission(Permission.roster_read))]
Rostered = Annotated[User, Depends(page_permission(Permission.shifts_own))]
Note = Annotated[str, Form(max_length=200)]

DONE = {
    "time_off_approved": "Time off approved; the person was told.",
    "time_off_refused": "Time off refused; the person was told.",
    "swap_accepted": "Change accepted; everyone whose shifts moved was told.",
    "swap_refused": "Change refused.",
    "time_off_requested": "Time off requested; a scheduler will decide.",
    "offered": "Shift offered to the team.",
    "taken": "You took the shift; a scheduler will confirm it.",
    "took_current": "The rest of the shift is yours now.",
    "feed_issued": "New calendar address issued; the old one no longer works.",
    "feed_revoked": "Calendar address revoked.",
}


def _flash(done: str | None) -> dict[str, str] | None:
    return {"kind": "ok", "text": DONE[done]} if done in DONE else None


def _attempt(
    session: Session, change: Callable[[], Any], redirect: str, again: Callable[[str], Response]
) -> Response:
    """Run `change` and commit, then redirect; on a broken rule roll back and show `again`."""
    try:
        change()
    except ExigentError as exc:
        session.rollback()
        if exc.status_code == 403:
            raise
        return again(exc.message)
    session.commit()
    return RedirectResponse(redirect, 303)


# The scheduler's home


def _home(
    request: Request,
    session: Session,
    user: User,
    *,
    error: str | None = None,
    done: str | None = None,
) -> HTMLResponse:
    now = utcnow()
    reachable: Reachable = request.app.state.reachable
    readiness = check(session, now, reachable)
    return render(
        request,
        user,
        "staffing/home.html",
        {
            "coverage": queries.coverage_ahead(session, now),
            "days": [
                queries.day_start(now).date() + timedelta(days=i)
                for i in range(queries.COVERAGE_DAYS)
            ],
            "time_off": people.pending_time_off(session),
            "swaps": queries.swap_rows(session, swaps.pending(session)),
            "readiness": readiness,
            "flash": _flash(done),
            "error": error,
        },
        status_code=422 if error else 200,
    )


@router.get("", response_class=HTMLResponse)
def home(
    request: Request,
    session: SessionDep,
    user: Scheduler,
    done: Annotated[str | None, Query(max_length=40)] = None,
) -> HTMLResponse:
    # Read-only: the daily readiness chain is started with the worker (`workflow.jobs`).
    response = _home(request, session, user, done=done)
    session.commit()
    return response


@router.post("/time-off/{time_off_id}/decision")
def decide_time_off(
    request: Request,
    time_off_id: IntRowId,
    session: SessionDep,
    user: Scheduler,
    approve: Annotated[bool, Form()] = False,
) -> Response:
    return _attempt(
        session,
        lambda: people.decide_time_off(
            session, actor=user, time_off_id=time_off_id, approve=approve, now=utcnow()
        ),
        f"/staffing?done=time_off_{'approved' if approve else 'refused'}",
        lambda message: _home(request, session, user, error=message),
    )


@router.post("/swaps/{swap_id}/decision")
def decide_swap(
    request: Request,
    swap_id: IntRowId,
    session: SessionDep,
    user: Scheduler,
    exposure: ExposureDep,
    accept: Annotated[bool, Form()] = False,
) -> Response:
    return _attempt(
        session,
        lambda: swaps.decide(
            session, actor=user, swap_id=swap_id, accept=accept, now=utcnow(), exposure=exposure
        ),
        f"/staffing?done=swap_{'accepted' if accept else 'refused'}",
        lambda message: _home(request, session, user, error=message),
    )


# The roster


@router.get("/roster", response_class=HTMLResponse)
def roster(
    request: Request,
    session: SessionDep,
    user: RosterReader,
    week: Annotated[RosterDay | None, Query()] = None,
    by: Annotated[str, Query(pattern="^(person|skill)$")] = "person",
) -> HTMLResponse:
    monday = queries.monday_of(week or utcnow().date())
    if by == "skill":
        days, rows = queries.roster_by_skill(session, monday)
    else:
        days, rows = queries.roster_by_person(session, monday)  # type: ignore[assignment]
    session.commit()
    return render(
        request,
        user,
        "staffing/roster.html",
        {
            "days": days,
            "rows": rows,
            "by": by,
            "week": monday,
            "previous_week": monday - timedelta(days=7),
            "next_week": monday + timedelta(days=7),
        },
    )


# My shifts


def _mine(
    request: Request,
    session: Session,
    user: User,
    *,
    error: str | None = None,
    done: str | None = None,
    token: str | None = None,
    team_token: str | None = None,
) -> HTMLResponse:
    now = utcnow()
    base = str(request.base_url).rstrip("/")
    return render(
        request,
        user,
        "staffing/mine.html",
        {
            "shifts": queries.my_shifts(session, user, now),
            "time_off": queries.my_time_off(session, user),
            "offers": queries.open_offers(session, user, now),
            "running": queries.running_shifts(session, user, now),
            "feeds": feeds.live_feeds(session, user),
            "feed_url": f"{base}/calendars/{token}.ics" if token else None,
            "team_url": f"{base}/calendars/{team_token}.ics" if team_token else None,
            "today": now.date(),
            "holidays": _holidays(session, user, now),
            "ending": _ending(session, user, now),
            "local": lambda moment: in_zone(moment, user.timezone),
            "flash": _flash(done),
            "error": error,
        },
        status_code=422 if error else 200,
    )


# The check-in is offered from an hour before a shift ends until three hours after.
CHECK_IN_BEFORE = timedelta(hours=1)
CHECK_IN_AFTER = timedelta(hours=3)


def _ending(session: Session, user: User, now: datetime) -> Shift | None:
    """The person's shift ending about now, when a check-in is worth offering."""
    near = shifts.shifts_of(session, user.id, now - CHECK_IN_AFTER, now + CHECK_IN_BEFORE)
    ending = [s for s in near if now - CHECK_IN_AFTER <= s.ends_at <= now + CHECK_IN_BEFORE]
    return ending[-1] if ending else None


def _holidays(session: Session, user: User, now: datetime) -> dict[date, str]:
    """Public holidays of the person's country in the four weeks ahead."""
    profile = session.get(StaffProfile, user.id)
    if profile is None:
        return {}
    today = in_zone(now, user.timezone).date()
    return people.public_holidays(profile.country, today, today + timedelta(days=28))


@router.get("/mine", response_class=HTMLResponse)
def mine(
    request: Request,
    session: SessionDep,
    user: Rostered,
    done: Annotated[str | None, Query(max_length=40)] = None,
) -> HTMLResponse:
    response = _mine(request, session, user, done=done)
    session.commit()
    return response


@router.post("/mine/time-off")
def ask_time_off(
    request: Request,
    session: SessionDep,
    user: Rostered,
    starts_on: Annotated[RosterDay, Form()],
    ends_on: Annotated[RosterDay, Form()],
    reason: Note = "",
) -> Response:
    return _attempt(
        session,
        lambda: people.request_time_off(
            session, actor=user, starts_on=starts_on, ends_on=ends_on, reason=reason, now=utcnow()
        ),
        "/staffing/mine?done=time_off_requested",
        lambda message: _mine(request, session, user, error=message),
    )


@router.post("/shifts/{shift_id}/offer")
def offer(
    request: Request, shift_id: IntRowId, session: SessionDep, user: Rostered, note: Note = ""
) -> Response:
    return _attempt(
        session,
        lambda: swaps.file(session, actor=user, shift_id=shift_id, now=utcnow(), note=note),
        "/staffing/mine?done=offered",
        lambda message: _mine(request, session, user, error=message),
    )


@router.post("/swaps/{swap_id}/take")
def take(
    request: Request,
    swap_id: IntRowId,
    session: SessionDep,
    user: Rostered,
    exposure: ExposureDep,
) -> Response:
    return _attempt(
        session,
        lambda: swaps.take(session, actor=user, swap_id=swap_id, now=utcnow(), exposure=exposure),
        "/staffing/mine?done=taken",
        lambda message: _mine(request, session, user, error=message),
    )


@router.post("/shifts/{shift_id}/take-current")
def take_current(
    request: Request,
    shift_id: IntRowId,
    session: SessionDep,
    user: Rostered,
    exposure: ExposureDep,
    note: Note = "",
) -> Response:
    return _attempt(
        session,
        lambda: swaps.take_current(
            session, actor=user, shift_id=shift_id, now=utcnow(), note=note, exposure=exposure
        ),
        "/staffing/mine?done=took_current",
        lambda message: _mine(request, session, user, error=message),
    )


@router.post("/mine/feed", response_class=HTMLResponse)
def issue_feed(
    request: Request, session: SessionDep, user: Rostered, team: Annotated[bool, Form()] = False
) -> Response:
    """The address is shown once, on this answer; only its hash is kept."""
    try:
        token = feeds.issue(session, actor=user, team=team, now=utcnow())
    except ExigentError as exc:
        session.rollback()
        if exc.status_code == 403:
            raise
        return _mine(request, session, user, error=exc.message)
    session.commit()
    tokens = {"team_token": token} if team else {"token": token}
    return _mine(request, session, user, done="feed_issued", **tokens)


@router.post("/mine/feed/revoke")
def revoke_feed(
    session: SessionDep, user: Rostered, team: Annotated[bool, Form()] = False
) -> Response:
    feeds.revoke(session, actor=user, team=team, now=utcnow())
    session.commit()
    return RedirectResponse("/staffing/mine?done=feed_revoked", 303)


@calendars.get("/calendars/{token}.ics")
def calendar_feed(token: str, session: SessionDep) -> Response:
    """A calendar app's fetch: the secret address is the only credential it has."""
    body = feeds.calendar(session, token=token[:100], now=utcnow())
    session.commit()
    return Response(
        body,
        media_type="text/calendar; charset=utf-8",
        headers={"Cache-Control": "private, no-store"},
    )
