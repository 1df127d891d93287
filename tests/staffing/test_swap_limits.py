"""A take or swap keeps the limits the planner keeps: the start window, nights and weekends
per period, days and nights in a row, and the exposure budget. Each refusal names its rule,
and nothing of the change is kept."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from conftest import PASSWORD
from console.helpers import csrf_of, post_login
from exigent.errors import BadInput
from exigent.staffing import swaps
from exigent.staffing.exposure import ExposureFigures
from exigent.staffing.models import ShiftType, StaffProfile, Swap
from exigent.staffing.shift_limits import period_of
from staffing.roster_world import World, build, day_shift, tomorrow


def _night(db) -> ShiftType:  # type: ignore[no-untyped-def]
    kind = ShiftType(code="N", name="Night", local_start=time(22), minutes=480, night=True)
    db.add(kind)
    db.flush()
    return kind


def _terms(db, world: World, handle: str, **terms: object) -> None:  # type: ignore[no-untyped-def]
    profile = db.get(StaffProfile, world.people[handle].id)
    for name, value in terms.items():
        setattr(profile, name, value)
    db.flush()


def _cy_takes(db, world: World, kind: ShiftType, on: date, exposure=None) -> str:  # type: ignore[no-untyped-def]
    """Ana's shift on `on`, taken by Cy: every problem named, with nothing of the swap kept."""
    ana, cy = world.people["ana"], world.people["cy"]
    _terms(db, world, "cy", skills=["emergency", "lead"])
    shift = day_shift(db, kind, ana, on)
    with pytest.raises(BadInput) as refused:
        swaps.file(
            db,
            actor=cy,
            shift_id=shift.id,
            to_user_id=cy.id,
            now=datetime.now(UTC),
            exposure=exposure,
        )
    assert db.scalar(select(func.count()).select_from(Swap)) == 0
    return " | ".join(f"{p['field']}: {p['problem']}" for p in refused.value.detail["problems"])


def _future_period(db) -> date:  # type: ignore[no-untyped-def]
    """The first day of a whole roster period that lies in the future."""
    start, _ = period_of(db, datetime.now(UTC) + timedelta(days=40))
    return start.date()


def test_a_take_outside_the_takers_start_window_is_refused(db) -> None:  # type: ignore[no-untyped-def]
    world = build(db)
    _terms(db, world, "cy", earliest_start=time(10))
    refused = _cy_takes(db, world, world.day, tomorrow())
    assert "starts_at: start window: Cy starts shifts from 10:00" in refused
    assert "this one starts at 08:00" in refused


def test_a_take_over_the_takers_nights_per_period_is_refused(db) -> None:  # type: ignore[no-untyped-def]
    world = build(db)
    night = _night(db)
    _terms(db, world, "cy", max_nights=1)
    first = _future_period(db)
    day_shift(db, night, world.people["cy"], first + timedelta(days=1))
    refused = _cy_takes(db, world, night, first + timedelta(days=8))
    assert "nights per period: Cy would work 2 nights" in refused
    assert "over their maximum of 1" in refused


def test_a_take_over_the_takers_weekends_per_period_is_refused(db) -> None:  # type: ignore[no-untyped-def]
    world = build(db)
    _terms(db, world, "cy", max_weekends=1)
    first = _future_period(db)  # a Monday
    day_shift(db, world.day, world.people["cy"], first + timedelta(days=5))
    refused = _cy_takes(db, world, world.day, first + timedelta(days=13))
    assert "weekends per period: Cy would work 2 weekends" in refused


def test_a_take_that_makes_six_days_in_a_row_is_refused(db) -> None:  # type: ignore[no-untyped-def]
    world = build(db)
    # A contract big enough that the week's hours are not what stops it.
    _terms(db, world, "cy", contracted_minutes_per_week=60 * 60)
    first = tomorrow()
    for offset in range(5):
        day_shift(db, world.day, world.people["cy"], first + timedelta(days=offset))
    refused = _cy_takes(db, world, world.day, first + timedelta(days=5))
    assert "days in a row: Cy would work 6 days in a row, over the limit of 5" in refused


def test_a_take_that_makes_four_nights_in_a_row_is_refused(db) -> None:  # type: ignore[no-untyped-def]
    world = build(db)
    night = _night(db)
    first = tomorrow()
    for offset in range(3):
        day_shift(db, night, world.people["cy"], first + timedelta(days=offset))
    refused = _cy_takes(db, world, night, first + timedelta(days=3))
    assert "nights in a row: Cy would work 4 nights in a row, over the limit of 3" in (refused)


def test_no_emergency_shift_is_taken_in_the_recovery_block_after_a_severe_exposure(db) -> None:  # type: ignore[no-untyped-def]
    world = build(db)
    on = tomorrow()
    severe = datetime.combine(on, time(), tzinfo=UTC) - timedelta(days=1)
    figures = ExposureFigures(severe_at={world.people["cy"].id: severe})
    refused = _cy_takes(db, world, world.day, on, exposure=figures)
    assert "exposure budget: Cy is in a recovery block after a severe exposure" in refused
    # Once the block is over, the same take passes.
    later = ExposureFigures(severe_at={world.people["cy"].id: severe - timedelta(days=3)})
    shift = day_shift(db, world.day, world.people["ana"], on + timedelta(days=1))
    cy = world.people["cy"]
    swap = swaps.file(
        db, actor=cy, shift_id=shift.id, to_user_id=cy.id, now=datetime.now(UTC), exposure=later
    )
    assert swap.to_user_id == cy.id


def test_a_highly_exposed_person_takes_no_third_emergency_shift_in_a_row(db) -> None:  # type: ignore[no-untyped-def]
    world = build(db)
    cy = world.people["cy"]
    first = tomorrow()
    for offset in range(2):
        day_shift(db, world.day, cy, first + timedelta(days=offset))
    high = ExposureFigures(level={cy.id: 0.9})
    refused = _cy_takes(db, world, world.day, first + timedelta(days=2), exposure=high)
    assert "exposure budget: Cy's exposure to harmful content is high" in refused
    assert "at most 2 emergency shifts in a row, and this would make 3" in refused
    # Someone less exposed may take the same third day.
    shift = day_shift(db, world.day, world.people["ana"], first + timedelta(days=3))
    low = ExposureFigures(level={cy.id: 0.2})
    swap = swaps.file(
        db, actor=cy, shift_id=shift.id, to_user_id=cy.id, now=datetime.now(UTC), exposure=low
    )
    assert swap.status == "proposed"


def test_taking_an_offer_on_the_page_checks_the_takers_exposure(client, factory) -> None:  # type: ignore[no-untyped-def]
    with factory() as session:
        world = build(session)
        _terms(session, world, "cy", skills=["emergency", "lead"])
        shift = day_shift(session, world.day, world.people["ana"], tomorrow())
        offer = swaps.file(
            session, actor=world.people["ana"], shift_id=shift.id, now=datetime.now(UTC)
        )
        session.commit()
        offer_id, cy_id, starts_at = offer.id, world.people["cy"].id, shift.starts_at
    client.app.state.drafter.exposure = lambda _s, _n: ExposureFigures(  # type: ignore[attr-defined]
        severe_at={cy_id: starts_at - timedelta(hours=12)}
    )
    assert post_login(client, email="cy@example.test", password=PASSWORD).status_code == 303
    csrf = csrf_of(client.get("/staffing/mine").text)
    refused = client.post(f"/staffing/swaps/{offer_id}/take", data={"csrf_token": csrf})
    assert refused.status_code == 422
    assert "exposure budget: Cy is in a recovery block" in refused.text
    with factory() as session:
        assert session.get(Swap, offer_id).to_user_id is None  # type: ignore[union-attr]
