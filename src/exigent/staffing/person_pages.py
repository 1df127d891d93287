"""A person's page for a scheduler: working terms, time off, coming shifts, ledger, exposure.

Every change is a form post (Post/Redirect/Get through `web.actions`): the terms, time off
filed on the person's behalf, an override putting them on a shift, and taking a coming shift
off the roster. A change that breaks a rule shows the page again with the problem beside the
field it names and what was typed kept, with its 4xx status; nothing of it is kept.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import time, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from exigent.auth.models import User
from exigent.auth.permissions import Permission
from exigent.db import utcnow
from exigent.errors import BadInput, ExigentError, NotFound
from exigent.staffing import people, shifts
from exigent.staffing.clock import in_zone
from exigent.staffing.deps import DrafterDep
from exigent.staffing.drafts import Drafter
from exigent.staffing.ledger import LEDGER_WEEKS, ledger_of
from exigent.staffing.models import Shift, ShiftType, TimeOff
from exigent.staffing.planning import ExposureBudget
from exigent.staffing.schemas import RosterDay
from exigent.web.actions import confirmation, see_done
from exigent.web.deps import IntRowId, SessionDep, SessionFactoryDep, page_permission
from exigent.web.refusals import turned_down
from exigent.web.render import render

router = APIRouter(prefix="/staffing", include_in_schema=False)

Scheduler = Annotated[User, Depends(page_permission(Permission.roster_edit))]
Short = Annotated[str, Form(max_length=200)]
SHIFT_DAYS = 28

DONE = {
    "terms": "Working terms saved.",
    "time_off": "Time off filed on their behalf; it waits for a decision on the roster home.",
    "override": "Shift added; the rules were checked.",
    "removed": "Shift taken off the roster; its hours show as gaps until someone fills them.",
}


def _number(
    typed: dict[str, str], name: str, low: float, high: float, errors: dict[str, str]
) -> float:
    try:
        value = float(typed[name].strip())
    except ValueError:
        errors[f"terms.{name}"] = f"{name}: a number from {low:g} to {high:g}"
        return 0
    if not low <= value <= high:
        errors[f"terms.{name}"] = f"{name}: a number from {low:g} to {high:g}"
    return value


def _clock(typed: dict[str, str], name: str, errors: dict[str, str]) -> time | None:
    text = typed[name].strip()
    if not text:
        return None
    try:
        return time.fromisoformat(text)
    except ValueError:
        errors[f"terms.{name}"] = f"{name}: a time of day such as 07:00, or empty"
        return None


def terms_of(typed: dict[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    """The terms form as `people.set_terms` takes them, and what is wrong, by field."""
    errors: dict[str, str] = {}
    terms = {
        "timezone": typed["timezone"].strip(),
        "country": typed["country"].strip(),
        "skills": [s for s in typed["skills"].replace(",", " ").split() if s],
        "contracted_hours": _number(typed, "contracted_hours", 0, 60, errors),
        "max_nights": int(_number(typed, "max_nights", 0, 31, errors)),
        "max_weekends": int(_number(typed, "max_weekends", 0, 6, errors)),
        "earliest_start": _clock(typed, "earliest_start", errors),
        "latest_start": _clock(typed, "latest_start", errors),
        "phone": typed["phone"].strip() or None,
    }
    if len(typed["country"].strip()) != 2:
        errors["terms.country"] = "country: two letters, such as US or IE"
    return terms, errors


def _typed_terms(person: User, session: Session) -> dict[str, str]:
    profile = people.profile_of(session, person.id)
    return {
        "timezone": person.timezone,
        "country": profile.country,
        "skills": ", ".join(profile.skills),
        "contracted_hours": f"{profile.contracted_minutes_per_week / 60:g}",
        "max_nights": str(profile.max_nights),
        "max_weekends": str(profile.max_weekends),
        "earliest_start": profile.earliest_start.strftime("%H:%M")
        if profile.earliest_start
        else "",
        "latest_start": profile.latest_start.strftime("%H:%M") if profile.latest_start else "",
        "phone": profile.phone or "",
    }


def _person_page(
    request: Request,
    session: Session,
    user: User,
    drafter: Drafter,
    user_id: int,
    *,
    typed: dict[str, dict[str, str]] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    person = session.get(User, user_id)
    if person is None or not person.is_staff:
        raise NotFound("no staff member with that id")
    now = utcnow()
    profile = people.profile_of(session, person.id)
    kinds = list(session.scalars(select(ShiftType).order_by(ShiftType.code)))
    names = {k.id: k.name for k in kinds}
    coming = shifts.shifts_of(session, person.id, now, now + timedelta(days=SHIFT_DAYS))
    figures = drafter.exposure(session, now)
    exposure = figures.level.get(person.id, 0.0)
    recovering = figures.recovering_until(person.id, ExposureBudget())
    today = in_zone(now, person.timezone).date()
    return render(
        request,
        user,
        "staffing/person.html",
        {
            "person": person,
            "profile": profile,
            "typed": {"terms": _typed_terms(person, session), **(typed or {})},
            "errors": errors or {},
            "kinds": kinds,
            "shifts": [
                (s, in_zone(s.starts_at, person.timezone), in_zone(s.ends_at, person.timezone))
                for s in coming
            ],
            "kind_names": names,
            "time_off": list(
                session.scalars(
                    select(TimeOff)
                    .where(TimeOff.user_id == person.id)
                    .order_by(TimeOff.starts_on.desc())
                    .limit(10)
                )
            ),
            "holidays": people.public_holidays(profile.country, today, today + timedelta(28)),
            "ledger": ledger_of(session, person, profile, now.date()),
            "ledger_weeks": LEDGER_WEEKS,
            "exposure": exposure,
            "exposure_high": exposure >= ExposureBudget().high,
            "recovering_until": (
                in_zone(recovering, person.timezone) if recovering and recovering > now else None
            ),
            "today": today,
            "confirmed": confirmation(request, DONE),
        },
        status_code=status_code,
    )


def _act(
    request: Request,
    session: Session,
    factory: sessionmaker[Session],
    user: User,
    drafter: Drafter,
    user_id: int,
    *,
    form: str,
    typed: dict[str, str],
    change: Callable[[], object],
    done: str,
) -> Response:
    """Run `change` and commit, then show the person's page saying `done` in the `form` panel;
    turned down, the page again with the problem beside its field and what was typed."""
    try:
        change()
        session.commit()
    except ExigentError as exc:
        return turned_down(
            session,
            exc,
            factory=factory,
            not_found_raises=False,
            show=lambda e: _person_page(
                request,
                session,
                user,
                drafter,
                user_id,
                typed={form: typed},
                errors=_field_errors(e, form),
                status_code=e.status_code,
            ),
        )
    return see_done(f"/staffing/people/{user_id}", done, form)


def _field_errors(exc: ExigentError, form: str) -> dict[str, str]:
    field = exc.detail.get("field")
    return {f"{form}.{field}" if field else form: exc.message}


@router.get("/people/{user_id}", response_class=HTMLResponse)
def person_page(
    request: Request, user_id: IntRowId, session: SessionDep, user: Scheduler, drafter: DrafterDep
) -> HTMLResponse:
    response = _person_page(request, session, user, drafter, user_id)
    session.commit()
    return response


@router.post("/people/{user_id}/terms", response_class=HTMLResponse)
def save_terms(
    request: Request,
    user_id: IntRowId,
    session: SessionDep,
    factory: SessionFactoryDep,
    user: Scheduler,
    drafter: DrafterDep,
    timezone: Short = "",
    country: Short = "",
    skills: Short = "",
    contracted_hours: Short = "",
    max_nights: Short = "",
    max_weekends: Short = "",
    earliest_start: Short = "",
    latest_start: Short = "",
    phone: Short = "",
) -> Response:
    typed = {k: v for k, v in locals().items() if isinstance(v, str)}
    terms, errors = terms_of(typed)
    if errors:
        return _person_page(
            request,
            session,
            user,
            drafter,
            user_id,
            typed={"terms": typed},
            errors=errors,
            status_code=422,
        )
    return _act(
        request,
        session,
        factory,
        user,
        drafter,
        user_id,
        form="terms",
        typed=typed,
        change=lambda: people.set_terms(session, actor=user, user_id=user_id, **terms),
        done="terms",
    )


@router.post("/people/{user_id}/time-off", response_class=HTMLResponse)
def file_time_off(
    request: Request,
    user_id: IntRowId,
    session: SessionDep,
    factory: SessionFactoryDep,
    user: Scheduler,
    drafter: DrafterDep,
    starts_on: Annotated[RosterDay, Form()],
    ends_on: Annotated[RosterDay, Form()],
    reason: Short = "",
) -> Response:
    typed = {"starts_on": str(starts_on), "ends_on": str(ends_on), "reason": reason}
    return _act(
        request,
        session,
        factory,
        user,
        drafter,
        user_id,
        form="time_off",
        typed=typed,
        change=lambda: people.request_time_off(
            session,
            actor=user,
            user_id=user_id,
            starts_on=starts_on,
            ends_on=ends_on,
            reason=reason,
            now=utcnow(),
        ),
        done="time_off",
    )


@router.post("/people/{user_id}/shifts", response_class=HTMLResponse)
def add_override(
    request: Request,
    user_id: IntRowId,
    session: SessionDep,
    factory: SessionFactoryDep,
    user: Scheduler,
    drafter: DrafterDep,
    shift_type_id: Annotated[int, Form(ge=1, le=2**31 - 1)],
    on: Annotated[RosterDay, Form()],
) -> Response:
    typed = {"shift_type_id": str(shift_type_id), "on": str(on)}
    return _act(
        request,
        session,
        factory,
        user,
        drafter,
        user_id,
        form="override",
        typed=typed,
        change=lambda: shifts.add_override(
            session,
            actor=user,
            user_id=user_id,
            shift_type_id=shift_type_id,
            on=on,
            exposure=drafter.exposure(session, utcnow()),
        ),
        done="override",
    )


@router.post("/people/{user_id}/shifts/{shift_id}/remove", response_class=HTMLResponse)
def remove_shift(
    request: Request,
    user_id: IntRowId,
    shift_id: IntRowId,
    session: SessionDep,
    factory: SessionFactoryDep,
    user: Scheduler,
    drafter: DrafterDep,
) -> Response:
    def change() -> None:
        held = session.get(Shift, shift_id)
        if held is None or held.user_id != user_id:
            raise BadInput("shift_id: not one of this person's shifts", field="shift_id")
        shifts.remove_shift(session, actor=user, shift_id=shift_id, now=utcnow())

    return _act(
        request,
        session,
        factory,
        user,
        drafter,
        user_id,
        form="shifts",
        typed={},
        change=change,
        done="removed",
    )
