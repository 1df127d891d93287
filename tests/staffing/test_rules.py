"""Overrides, swaps and time off keep the roster's rules; a broken one names its field and
nothing of the change is kept."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from exigent.auth.models import Role
from exigent.db import utcnow
from exigent.errors import BadInput
from exigent.legal.models import Notification
from exigent.staffing import people, shifts, swaps
from exigent.staffing.clock import in_zone
from exigent.staffing.models import Shift, ShiftType, StaffProfile, Swap, SwapStatus, TimeOffStatus
from staffing.roster_world import build, day_shift, person, tomorrow


def _scheduler(db):  # type: ignore[no-untyped-def]
    return person(db, "sched", "Europe/Dublin", [], role=Role.scheduler)


def test_an_override_that_overlaps_is_refused_and_nothing_is_saved(db) -> None:  # type: ignore[no-untyped-def]
    world = build(db)
    scheduler = _scheduler(db)
    ana = world.people["ana"]
    day_shift(db, world.day, ana, tomorrow())
    before = db.scalar(select(func.count()).select_from(Shift))
    with pytest.raises(BadInput) as refused:
        shifts.add_override(
            db, actor=scheduler, user_id=ana.id, shift_type_id=world.day.id, on=tomorrow()
        )
    assert refused.value.detail["field"] == "starts_at"
    assert "overlaps" in refused.value.message
    assert db.scalar(select(func.count()).select_from(Shift)) == before


def test_an_override_that_breaks_the_eleven_hours_rest_is_refused(db) -> None:  # type: ignore[no-untyped-def]
    world = build(db)
    scheduler = _scheduler(db)
    ana = world.people["ana"]
    day_shift(db, world.day, ana, tomorrow())
    late = ShiftType(code="E", name="Evening", local_start=time(22), minutes=480)
    db.add(late)
    db.flush()
    # 16:00 end, 22:00 start: six hours' rest.
    with pytest.raises(BadInput) as refused:
        shifts.add_override(
            db, actor=scheduler, user_id=ana.id, shift_type_id=late.id, on=tomorrow()
        )
    assert "11 hours' rest" in refused.value.message


def test_a_swap_to_someone_without_the_skill_is_refused_naming_the_taker(db) -> None:  # type: ignore[no-untyped-def]
    world = build(db)
    ana, cy = world.people["ana"], world.people["cy"]
    shift = day_shift(db, world.day, ana, tomorrow())
    with pytest.raises(BadInput) as refused:
        swaps.file(db, actor=ana, shift_id=shift.id, to_user_id=cy.id, now=utcnow())
    assert refused.value.detail["field"] == "to_user_id"
    assert "lacks the skill lead" in refused.value.message
    assert db.scalar(select(func.count()).select_from(Swap)) == 0


def test_an_accepted_swap_moves_both_shifts_and_tells_both_people(db) -> None:  # type: ignore[no-untyped-def]
    world = build(db)
    scheduler = _scheduler(db)
    ana, ben = world.people["ana"], world.people["ben"]
    mine = day_shift(db, world.day, ana, tomorrow())
    theirs = day_shift(db, world.day, ben, tomorrow() + timedelta(days=1))
    swap = swaps.file(
        db, actor=ana, shift_id=mine.id, to_user_id=ben.id, return_shift_id=theirs.id, now=utcnow()
    )
    assert swap.status == SwapStatus.proposed
    swaps.decide(db, actor=scheduler, swap_id=swap.id, accept=True, now=utcnow())
    assert (mine.user_id, theirs.user_id) == (ben.id, ana.id)
    db.flush()
    told = db.scalars(select(Notification.user_id)).all()
    assert set(told) == {ana.id, ben.id}


def test_an_offer_taken_waits_for_the_scheduler(db) -> None:  # type: ignore[no-untyped-def]
    world = build(db)
    ana, ben = world.people["ana"], world.people["ben"]
    shift = day_shift(db, world.day, ana, tomorrow())
    offer = swaps.file(db, actor=ana, shift_id=shift.id, now=utcnow())
    assert offer.status == SwapStatus.open
    swaps.take(db, actor=ben, swap_id=offer.id, now=utcnow())
    assert offer.status == SwapStatus.proposed and shift.user_id == ana.id


def test_taking_the_current_shift_hands_over_the_rest_of_it(db) -> None:  # type: ignore[no-untyped-def]
    world = build(db)
    ana, ben = world.people["ana"], world.people["ben"]
    now = utcnow()
    running = Shift(
        user_id=ana.id,
        starts_at=now - timedelta(hours=2),
        ends_at=now + timedelta(hours=6),
        skills=["emergency"],
    )
    db.add(running)
    db.flush()
    swap = swaps.take_current(db, actor=ben, shift_id=running.id, now=now)
    rest = db.get(Shift, swap.shift_id)
    assert swap.status == SwapStatus.accepted and rest is not None and rest.user_id == ben.id
    assert running.user_id == ana.id and running.ends_at == rest.starts_at
    assert rest.ends_at == now + timedelta(hours=6)


def test_approved_time_off_takes_the_days_shifts_off_the_roster(db) -> None:  # type: ignore[no-untyped-def]
    world = build(db)
    scheduler = _scheduler(db)
    ana = world.people["ana"]
    day_shift(db, world.day, ana, tomorrow())
    asked = people.request_time_off(
        db, actor=ana, starts_on=tomorrow(), ends_on=tomorrow(), reason="", now=utcnow()
    )
    people.decide_time_off(db, actor=scheduler, time_off_id=asked.id, approve=True, now=utcnow())
    assert asked.status == TimeOffStatus.approved
    db.flush()
    assert db.scalar(select(func.count()).select_from(Shift).where(Shift.user_id == ana.id)) == 0


def test_time_off_that_ends_before_it_starts_is_refused(db) -> None:  # type: ignore[no-untyped-def]
    world = build(db)
    with pytest.raises(BadInput) as refused:
        people.request_time_off(
            db,
            actor=world.people["ana"],
            starts_on=tomorrow(),
            ends_on=tomorrow() - timedelta(days=1),
            reason="",
            now=utcnow(),
        )
    assert refused.value.detail["field"] == "ends_on"


def test_public_holidays_follow_the_persons_country() -> None:
    first, last = (
        datetime(2026, 12, 24, tzinfo=UTC).date(),
        datetime(2026, 12, 27, tzinfo=UTC).date(),
    )
    irish = people.public_holidays("IE", first, last)
    assert irish[datetime(2026, 12, 26, tzinfo=UTC).date()] == "Saint Stephen's Day"
    assert all("Stephen" not in name for name in people.public_holidays("US", first, last).values())


def test_a_day_shift_may_not_follow_a_night(db) -> None:  # type: ignore[no-untyped-def]
    world = build(db)
    scheduler = _scheduler(db)
    cy = world.people["cy"]
    night = ShiftType(
        code="N",
        name="Night",
        local_start=time(20),
        minutes=480,
        night=True,
        forbidden_successors=["D"],
    )
    db.add(night)
    db.flush()
    shifts.add_override(db, actor=scheduler, user_id=cy.id, shift_type_id=night.id, on=tomorrow())
    db.flush()
    # Off at 04:00, back at 08:00 the next day is a day shift after a night (and too little rest).
    with pytest.raises(BadInput) as refused:
        shifts.add_override(
            db,
            actor=scheduler,
            user_id=cy.id,
            shift_type_id=world.day.id,
            on=tomorrow() + timedelta(days=1),
        )
    problems = refused.value.detail["problems"]
    assert {"field": "shift_type_id", "problem": "Day may not follow Night"} in problems


def test_a_rotation_hands_over_five_on_two_off_on_each_members_clock(db) -> None:  # type: ignore[no-untyped-def]
    world = build(db)
    members = [world.people[h] for h in ("ana", "ben", "cy")]
    by_id = {u.id: (u, db.get(StaffProfile, u.id)) for u in members}
    first = tomorrow()
    layer = shifts.Layer(members=[u.id for u in members], shift_type=world.day, anchor=first)
    made = shifts.rotation_shifts(layer, first=first, last=first + timedelta(days=6), people=by_id)
    per_person = {u.id: sum(s.user_id == u.id for s in made) for u in members}
    assert set(per_person.values()) == {5}
    assert {in_zone(s.starts_at, "Europe/Dublin").time() for s in made} == {time(8)}
