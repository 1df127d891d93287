"""Offers, takes and swaps of shifts, checked by the shift rules before anyone accepts them.

A person offers a shift; another takes it or proposes one of theirs in exchange; a scheduler
accepts or refuses. A scheduler may file a take or a swap on someone's behalf. Taking the
shift now running (its holder is busy with a page) needs no scheduler: the rules accept it
when they pass. The rules run when the change is proposed and again when it is accepted,
since the roster may have moved in between; whoever's future shifts change is told.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from exigent.audit.service import record_event
from exigent.auth.models import User
from exigent.auth.permissions import Permission, user_can
from exigent.auth.service import actor_for, require
from exigent.errors import BadInput, Conflict, Forbidden, NotFound
from exigent.legal.notify import notify
from exigent.staffing.clock import in_zone
from exigent.staffing.exposure import ExposureFigures
from exigent.staffing.models import Shift, ShiftSource, Swap, SwapKind, SwapStatus
from exigent.staffing.shift_limits import Problem
from exigent.staffing.shifts import problems_for, refuse


def _shift(session: Session, shift_id: int, *, field: str) -> Shift:
    shift = session.get(Shift, shift_id, with_for_update=True)
    if shift is None:
        raise BadInput(f"{field}: no such shift", field=field)
    return shift


def _staff(session: Session, user_id: int, *, field: str) -> User:
    person = session.get(User, user_id)
    if person is None or not person.is_staff or not person.is_active:
        raise BadInput(f"{field}: no active staff member with that id", field=field)
    return person


def exchange_problems(
    session: Session, swap: Swap, exposure: ExposureFigures | None = None
) -> list[Problem]:
    """What the exchange would break for either side."""
    shift = _shift(session, swap.shift_id, field="shift_id")
    taker = _staff(session, swap.to_user_id or 0, field="to_user_id")
    leaving = [swap.return_shift_id] if swap.return_shift_id else []
    found = problems_for(
        session,
        person=taker,
        starts_at=shift.starts_at,
        ends_at=shift.ends_at,
        skills=shift.skills,
        leaving=leaving,
        field="to_user_id",
        shift_type_id=shift.shift_type_id,
        exposure=exposure,
    )
    if swap.return_shift_id:
        back = _shift(session, swap.return_shift_id, field="return_shift_id")
        giver = _staff(session, swap.from_user_id, field="from_user_id")
        found += problems_for(
            session,
            person=giver,
            starts_at=back.starts_at,
            ends_at=back.ends_at,
            skills=back.skills,
            leaving=[shift.id],
            field="return_shift_id",
            shift_type_id=back.shift_type_id,
            exposure=exposure,
        )
    return found


def file(
    session: Session,
    *,
    actor: User,
    shift_id: int,
    now: datetime,
    to_user_id: int | None = None,
    return_shift_id: int | None = None,
    note: str = "",
    exposure: ExposureFigures | None = None,
) -> Swap:
    """Offer a shift (no taker), or propose a take or swap; a scheduler may file for others."""
    require(actor, Permission.shifts_own)
    shift = _shift(session, shift_id, field="shift_id")
    on_behalf = shift.user_id != actor.id and to_user_id != actor.id
    if on_behalf and not user_can(actor, Permission.roster_edit):
        raise Forbidden("only a scheduler files a change between other people's shifts")
    if shift.starts_at <= now:
        raise BadInput(
            "shift_id: this shift has started; take the current shift instead", field="shift_id"
        )
    if to_user_id == shift.user_id:
        raise BadInput("to_user_id: the shift is already theirs", field="to_user_id")
    kind = SwapKind.swap if return_shift_id else SwapKind.offer
    swap = Swap(
        kind=kind,
        status=SwapStatus.proposed if to_user_id else SwapStatus.open,
        shift_id=shift.id,
        from_user_id=shift.user_id,
        to_user_id=to_user_id,
        return_shift_id=return_shift_id,
        filed_by_id=actor.id,
        note=note.strip()[:200],
        created_at=now,
    )
    if return_shift_id:
        back = _shift(session, return_shift_id, field="return_shift_id")
        if to_user_id is None or back.user_id != to_user_id:
            raise BadInput(
                "return_shift_id: must be a shift of the person taking", field="return_shift_id"
            )
        if back.starts_at <= now:
            raise BadInput("return_shift_id: this shift has started", field="return_shift_id")
    if to_user_id:
        refuse(exchange_problems(session, swap, exposure))
    session.add(swap)
    session.flush()
    _record(session, actor, swap, "swap.file")
    return swap


def take(
    session: Session,
    *,
    actor: User,
    swap_id: int,
    now: datetime,
    exposure: ExposureFigures | None = None,
) -> Swap:
    """Take an open offer: it waits for a scheduler, checked against the taker's shifts."""
    require(actor, Permission.shifts_own)
    swap = _open(session, swap_id, SwapStatus.open)
    if swap.from_user_id == actor.id:
        raise BadInput("swap_id: you cannot take your own offer", field="swap_id")
    swap.to_user_id = actor.id
    refuse(exchange_problems(session, swap, exposure))
    swap.status = SwapStatus.proposed
    _record(session, actor, swap, "swap.take")
    return swap


def take_current(
    session: Session,
    *,
    actor: User,
    shift_id: int,
    now: datetime,
    note: str = "",
    exposure: ExposureFigures | None = None,
) -> Swap:
    """Take over a running shift from someone busy with a page; accepted when the rules pass."""
    require(actor, Permission.shifts_own)
    shift = _shift(session, shift_id, field="shift_id")
    if not shift.starts_at <= now < shift.ends_at:
        raise BadInput("shift_id: only a shift running now can be taken over", field="shift_id")
    if shift.user_id == actor.id:
        raise BadInput("shift_id: this shift is already yours", field="shift_id")
    holder = shift.user_id
    # The rest of the running shift moves; the part already worked stays with its holder.
    remainder = Shift(
        user_id=holder,
        shift_type_id=shift.shift_type_id,
        starts_at=now.replace(second=0, microsecond=0),
        ends_at=shift.ends_at,
        skills=list(shift.skills),
        source=ShiftSource.swap,
    )
    found = problems_for(
        session,
        person=actor,
        starts_at=remainder.starts_at,
        ends_at=remainder.ends_at,
        skills=remainder.skills,
        field="shift_id",
        shift_type_id=remainder.shift_type_id,
        exposure=exposure,
    )
    refuse(found)
    shift.ends_at = remainder.starts_at
    session.add(remainder)
    session.flush()
    swap = Swap(
        kind=SwapKind.take_current,
        status=SwapStatus.proposed,
        shift_id=remainder.id,
        from_user_id=holder,
        to_user_id=actor.id,
        filed_by_id=actor.id,
        note=note.strip()[:200],
        created_at=now,
    )
    session.add(swap)
    session.flush()
    _accept(session, actor, swap, now)
    return swap


def decide(
    session: Session,
    *,
    actor: User,
    swap_id: int,
    accept: bool,
    now: datetime,
    exposure: ExposureFigures | None = None,
) -> Swap:
    """A scheduler accepts (the rules are checked again) or refuses a proposed change."""
    require(actor, Permission.roster_edit)
    swap = _open(session, swap_id, SwapStatus.proposed)
    if not accept:
        swap.status = SwapStatus.refused
        swap.decided_by_id = actor.id
        swap.decided_at = now
        _record(session, actor, swap, "swap.refuse")
        for user_id in {swap.from_user_id, swap.to_user_id}:
            if user_id is not None:
                notify(
                    session,
                    user_id=user_id,
                    request_id=None,
                    body=f"The change of shift #{swap.shift_id} was refused.",
                    at=now,
                )
        return swap
    refuse(exchange_problems(session, swap, exposure))
    _accept(session, actor, swap, now)
    return swap


def _open(session: Session, swap_id: int, status: SwapStatus) -> Swap:
    swap = session.get(Swap, swap_id, with_for_update=True)
    if swap is None:
        raise NotFound("no such swap")
    if swap.status != status:
        raise Conflict(f"this swap is {swap.status}, not {status}")
    return swap


def _accept(session: Session, actor: User, swap: Swap, now: datetime) -> None:
    shift = session.get(Shift, swap.shift_id)
    assert shift is not None and swap.to_user_id is not None
    shift.user_id = swap.to_user_id
    shift.source = ShiftSource.swap
    if swap.return_shift_id:
        back = session.get(Shift, swap.return_shift_id)
        assert back is not None
        back.user_id = swap.from_user_id
        back.source = ShiftSource.swap
    swap.status = SwapStatus.accepted
    swap.decided_by_id = actor.id
    swap.decided_at = now
    _record(session, actor, swap, "swap.accept")
    _tell(session, swap, shift, now)


def _tell(session: Session, swap: Swap, shift: Shift, now: datetime) -> None:
    """Each person whose shifts changed hears it on their own clock."""
    for user_id in (swap.from_user_id, swap.to_user_id):
        person = session.get(User, user_id or 0)
        if person is None:
            continue
        local = in_zone(shift.starts_at, person.timezone)
        gained = "now yours" if user_id == swap.to_user_id else "no longer yours"
        body = f"The shift of {local:%a %d %b %H:%M} ({person.timezone}) is {gained}."
        if swap.return_shift_id:
            body += " A shift came back in exchange; see My shifts."
        notify(session, user_id=person.id, request_id=None, body=body, at=now)


def _record(session: Session, actor: User, swap: Swap, action: str) -> None:
    record_event(
        session,
        actor=actor_for(actor),
        action=action,
        object_type="swap",
        object_id=swap.id,
        after={
            "kind": str(swap.kind),
            "status": str(swap.status),
            "shift_id": swap.shift_id,
            "from_user_id": swap.from_user_id,
            "to_user_id": swap.to_user_id,
            "return_shift_id": swap.return_shift_id,
        },
    )


def pending(session: Session) -> list[Swap]:
    return list(
        session.scalars(
            select(Swap)
            .where(Swap.status.in_([SwapStatus.open, SwapStatus.proposed]))
            .order_by(Swap.created_at)
        )
    )
