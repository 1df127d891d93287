"""The roster's JSON routes: a person's own shifts, time off, swaps; a scheduler's edits. Thin."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends

from exigent.auth.models import User
from exigent.auth.permissions import Permission
from exigent.auth.service import require
from exigent.db import utcnow
from exigent.staffing import people, queries, shifts, swaps
from exigent.staffing.clock import in_zone
from exigent.staffing.deps import ExposureDep
from exigent.staffing.models import Shift
from exigent.staffing.schemas import (
    OverrideCreate,
    ShiftRead,
    SwapCreate,
    SwapRead,
    TermsRead,
    TermsUpdate,
    TimeOffCreate,
    TimeOffRead,
)
from exigent.web.deps import CurrentUser, IntRowId, SessionDep

router = APIRouter(prefix="/api/v1/staffing", tags=["staffing"])


def holding(permission: Permission) -> Callable[[User], User]:
    """The caller, refused before their body is read when they lack `permission`."""

    def check(user: CurrentUser) -> User:
        require(user, permission)
        return user

    return check


Rostered = Annotated[User, Depends(holding(Permission.shifts_own))]
Scheduler = Annotated[User, Depends(holding(Permission.roster_edit))]


def _shift(shift: Shift, holder: User) -> ShiftRead:
    return ShiftRead(
        id=shift.id,
        user_id=shift.user_id,
        starts_at=shift.starts_at,
        ends_at=shift.ends_at,
        local_start=in_zone(shift.starts_at, holder.timezone),
        local_end=in_zone(shift.ends_at, holder.timezone),
        zone=holder.timezone,
        skills=list(shift.skills),
    )


@router.get("/my-shifts")
def my_shifts(session: SessionDep, user: Rostered) -> list[ShiftRead]:
    """The caller's shifts from now for four weeks, with their own clock's times."""
    rows = queries.my_shifts(session, user, utcnow())
    session.commit()
    return [_shift(row.shift, user) for row in rows]


@router.put("/people/{user_id}/terms")
def set_terms(
    user_id: IntRowId, body: TermsUpdate, session: SessionDep, user: Scheduler
) -> TermsRead:
    profile = people.set_terms(session, actor=user, user_id=user_id, **body.model_dump())
    session.commit()
    person = session.get(User, user_id)
    return TermsRead(
        user_id=user_id,
        timezone=person.timezone if person else "UTC",
        country=profile.country,
        skills=list(profile.skills),
        contracted_minutes_per_week=profile.contracted_minutes_per_week,
    )


@router.post("/shifts", status_code=201)
def add_override(
    body: OverrideCreate, session: SessionDep, user: Scheduler, exposure: ExposureDep
) -> ShiftRead:
    """A scheduler's override: one person on one shift, checked against the roster's rules."""
    shift = shifts.add_override(
        session,
        actor=user,
        user_id=body.user_id,
        shift_type_id=body.shift_type_id,
        on=body.on,
        exposure=exposure,
    )
    session.commit()
    holder = session.get(User, shift.user_id)
    assert holder is not None
    return _shift(shift, holder)


@router.post("/swaps", status_code=201)
def file_swap(
    body: SwapCreate, session: SessionDep, user: Rostered, exposure: ExposureDep
) -> SwapRead:
    """Offer, take or swap a shift (a scheduler may file one between others)."""
    swap = swaps.file(session, actor=user, now=utcnow(), exposure=exposure, **body.model_dump())
    session.commit()
    return SwapRead(
        id=swap.id,
        kind=str(swap.kind),
        status=str(swap.status),
        shift_id=swap.shift_id,
        from_user_id=swap.from_user_id,
        to_user_id=swap.to_user_id,
        return_shift_id=swap.return_shift_id,
    )


@router.post("/time-off", status_code=201)
def ask_time_off(body: TimeOffCreate, session: SessionDep, user: Rostered) -> TimeOffRead:
    time_off = people.request_time_off(session, actor=user, now=utcnow(), **body.model_dump())
    session.commit()
    return TimeOffRead(
        id=time_off.id,
        starts_on=time_off.starts_on,
        ends_on=time_off.ends_on,
        status=str(time_off.status),
    )
