"""A scheduler's page for one person: terms, overrides, removing a shift, time off on their
behalf, the ledger and the exposure figure, with refusals beside the field they name."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from sqlalchemy import select

from conftest import PASSWORD
from console.helpers import csrf_of, post_login
from exigent.audit.models import AuditEvent
from exigent.auth.models import Role, User
from exigent.staffing.exposure import ExposureFigures
from exigent.staffing.models import Shift, ShiftType, StaffProfile, TimeOff, TimeOffStatus
from staffing.roster_world import build, day_shift, person, tomorrow

TERMS = {
    "timezone": "America/New_York",
    "country": "US",
    "skills": "emergency, lead",
    "contracted_hours": "32",
    "max_nights": "4",
    "max_weekends": "1",
    "earliest_start": "07:00",
    "latest_start": "15:00",
    "phone": "+15550001111",
}


def _scheduler(client, factory) -> tuple[dict[str, int], int]:  # type: ignore[no-untyped-def]
    with factory() as session:
        world = build(session)
        person(session, "kim", "Europe/Dublin", [], role=Role.scheduler)
        session.commit()
        ids = {h: u.id for h, u in world.people.items()}
        day = world.day.id
    assert post_login(client, email="kim@example.test", password=PASSWORD).status_code == 303
    return ids, day


def test_a_scheduler_sets_working_terms_on_the_person_page(client, factory) -> None:  # type: ignore[no-untyped-def]
    ids, _ = _scheduler(client, factory)
    page = client.get("/staffing/roster")
    assert f'href="/staffing/people/{ids["ana"]}"' in page.text
    page = client.get(f"/staffing/people/{ids['ana']}")
    assert page.status_code == 200 and 'value="Europe/Dublin"' in page.text
    csrf = csrf_of(page.text)
    refused = client.post(
        f"/staffing/people/{ids['ana']}/terms",
        data={**TERMS, "timezone": "Mars/Olympus", "csrf_token": csrf},
    )
    assert refused.status_code == 422
    assert 'data-error="terms.timezone"' in refused.text and 'value="Mars/Olympus"' in refused.text
    refused = client.post(
        f"/staffing/people/{ids['ana']}/terms",
        data={**TERMS, "contracted_hours": "many", "csrf_token": csrf},
    )
    assert refused.status_code == 422 and 'data-error="terms.contracted_hours"' in refused.text
    with factory() as session:
        assert session.get(User, ids["ana"]).timezone == "Europe/Dublin"  # type: ignore[union-attr]
    saved = client.post(
        f"/staffing/people/{ids['ana']}/terms",
        data={**TERMS, "csrf_token": csrf},
        follow_redirects=False,
    )
    assert saved.status_code == 303 and saved.headers["location"].endswith("#terms")
    assert "Working terms saved." in client.get(saved.headers["location"]).text
    with factory() as session:
        profile = session.get(StaffProfile, ids["ana"])
        assert profile is not None
        assert (profile.contracted_minutes_per_week, profile.max_nights) == (32 * 60, 4)
        assert (profile.earliest_start, profile.latest_start) == (time(7), time(15))
        assert session.get(User, ids["ana"]).timezone == "America/New_York"  # type: ignore[union-attr]
        audited = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "staffing.terms")
        ).one()
        assert audited.object_id == str(ids["ana"])


def test_an_override_is_checked_and_a_coming_shift_can_be_removed(client, factory) -> None:  # type: ignore[no-untyped-def]
    ids, day = _scheduler(client, factory)
    csrf = csrf_of(client.get(f"/staffing/people/{ids['cy']}").text)
    on = tomorrow().isoformat()
    added = client.post(
        f"/staffing/people/{ids['cy']}/shifts",
        data={"shift_type_id": str(day), "on": on, "csrf_token": csrf},
        follow_redirects=False,
    )
    assert added.status_code == 303
    page = client.get(added.headers["location"]).text
    assert "Shift added" in page and "08:00\u201316:00" in page
    twice = client.post(
        f"/staffing/people/{ids['cy']}/shifts",
        data={"shift_type_id": str(day), "on": on, "csrf_token": csrf},
    )
    assert twice.status_code == 422 and "overlaps Cy" in twice.text
    assert 'data-error="override.starts_at"' in twice.text
    with factory() as session:
        held = session.scalars(select(Shift).where(Shift.user_id == ids["cy"])).all()
        assert len(held) == 1
        shift_id = held[0].id
    removed = client.post(
        f"/staffing/people/{ids['cy']}/shifts/{shift_id}/remove",
        data={"csrf_token": csrf},
        follow_redirects=False,
    )
    assert removed.status_code == 303
    with factory() as session:
        assert session.get(Shift, shift_id) is None
        assert session.scalars(
            select(AuditEvent.action).where(
                AuditEvent.action.in_(["shift.override", "shift.remove"])
            )
        ).all() == ["shift.override", "shift.remove"]


def test_a_scheduler_files_time_off_for_someone_and_sees_their_ledger_and_exposure(
    client, factory
) -> None:  # type: ignore[no-untyped-def]
    ids, _ = _scheduler(client, factory)
    with factory() as session:
        night = ShiftType(code="N", name="Night", local_start=time(22), minutes=480, night=True)
        session.add(night)
        session.flush()
        ana = session.get(User, ids["ana"])
        assert ana is not None
        # Two nights on one past weekend (Saturday and Sunday): two nights, one weekend.
        today = datetime.now(UTC).date()
        saturday = today - timedelta(days=today.weekday() + 2 + 7)
        for on in (saturday, saturday + timedelta(days=1)):
            day_shift(session, night, ana, on)
        session.commit()
    severe = datetime.now(UTC) - timedelta(hours=1)
    client.app.state.drafter.exposure = lambda _s, _n: ExposureFigures(  # type: ignore[attr-defined]
        level={ids["ana"]: 0.75}, severe_at={ids["ana"]: severe}
    )
    page = client.get(f"/staffing/people/{ids['ana']}").text
    assert "data-recovering>After a severe exposure: no emergency shifts until" in page
    assert 'data-ledger="nights">2<' in page and 'data-ledger="weekends">1<' in page
    assert 'data-exposure="0.75"' in page and "high: fewer emergency shifts" in page
    csrf = csrf_of(page)
    start = tomorrow()
    backwards = client.post(
        f"/staffing/people/{ids['ana']}/time-off",
        data={
            "starts_on": start.isoformat(),
            "ends_on": (start - timedelta(days=1)).isoformat(),
            "reason": "Flu",
            "csrf_token": csrf,
        },
    )
    assert backwards.status_code == 422 and 'data-error="time_off.ends_on"' in backwards.text
    filed = client.post(
        f"/staffing/people/{ids['ana']}/time-off",
        data={
            "starts_on": start.isoformat(),
            "ends_on": start.isoformat(),
            "reason": "Flu",
            "csrf_token": csrf,
        },
        follow_redirects=False,
    )
    assert filed.status_code == 303
    with factory() as session:
        asked = session.scalars(select(TimeOff)).one()
        assert (asked.user_id, asked.status) == (ids["ana"], TimeOffStatus.requested)
    assert "Flu" in client.get("/staffing").text
