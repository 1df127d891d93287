"""The roster's pages and API as people use them: scheduler's home, week grid, My shifts,
the calendar feed, and bad input naming its field."""

from __future__ import annotations

import re
from datetime import date, timedelta

from icalendar import Calendar
from sqlalchemy import select

from conftest import PASSWORD
from console.helpers import csrf_of, post_login
from exigent.audit.models import AuditEvent
from exigent.auth.models import Role
from exigent.db import utcnow
from exigent.deadlines import Deadline
from exigent.legal.models import Notification
from exigent.staffing.coverage import template_rows
from exigent.staffing.jobs import READINESS, readiness
from exigent.staffing.models import CalendarFeed, StaffProfile, TimeOff, TimeOffStatus
from exigent.workflow.jobs import start_chains
from staffing.roster_world import build, day_shift, person, tomorrow


def _browser(client, email: str) -> str:  # type: ignore[no-untyped-def]
    assert post_login(client, email=email, password=PASSWORD).status_code == 303
    return csrf_of(client.get("/staffing/mine").text)


def _hours_short(html: str, skill: str, on: date) -> int:
    found = re.search(rf'data-cover="{skill} {on.isoformat()}" data-hours-short="(\d+)"', html)
    return int(found.group(1)) if found else 0


def test_a_scheduler_lands_on_the_roster_and_approving_time_off_shows_the_gap(
    client, factory
) -> None:  # type: ignore[no-untyped-def]
    with factory() as session:
        world = build(session)
        person(session, "kim", "Europe/Dublin", [], role=Role.scheduler)
        session.add_all(template_rows("follow_the_sun"))
        for handle in ("ana", "ben"):
            day_shift(session, world.day, world.people[handle], tomorrow())
        asked = TimeOff(
            user_id=world.people["ana"].id,
            starts_on=tomorrow(),
            ends_on=tomorrow(),
            reason="Wedding",
        )
        session.add(asked)
        session.commit()
        asked_id = asked.id
    landing = post_login(client, email="kim@example.test", password=PASSWORD)
    assert landing.headers["location"] == "/staffing"
    home = client.get("/staffing")
    assert home.status_code == 200 and "Ana" in home.text and "Wedding" in home.text
    before = _hours_short(home.text, "emergency", tomorrow())
    csrf = csrf_of(home.text)
    done = client.post(
        f"/staffing/time-off/{asked_id}/decision",
        data={"csrf_token": csrf, "approve": "true"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    after = client.get(done.headers["location"])
    assert "Time off approved" in after.text
    # Ana's day shift left the roster: her eight hours beside Ben are now short too.
    assert (before, _hours_short(after.text, "emergency", tomorrow())) == (16, 24)
    with factory() as session:
        assert session.get(TimeOff, asked_id).status == TimeOffStatus.approved  # type: ignore[union-attr]
        assert session.scalars(select(Notification.body)).first().startswith("Your time off")  # type: ignore[union-attr]


def test_my_shifts_are_shown_on_my_own_clock_and_my_feed_parses(client, factory) -> None:  # type: ignore[no-untyped-def]
    with factory() as session:
        world = build(session)
        shift = day_shift(session, world.day, world.people["ana"], tomorrow())
        session.commit()
        starts_at = shift.starts_at
    csrf = _browser(client, "ana@example.test")
    page = client.get("/staffing/mine").text
    assert "Europe/Dublin" in page and "08:00\u201316:00" in page
    issued = client.post("/staffing/mine/feed", data={"csrf_token": csrf})
    address = re.search(r'value="(http[^"]+\.ics)"', issued.text)
    assert address, "the new address is shown once"
    path = address.group(1).split("testserver")[-1]
    feed = client.get(path)
    assert feed.status_code == 200 and feed.headers["content-type"].startswith("text/calendar")
    events = [c for c in Calendar.from_ical(feed.content).walk("VEVENT")]
    assert len(events) == 1
    start = events[0]["DTSTART"].dt
    assert str(start.tzinfo) == "Europe/Dublin" and start == starts_at
    # Re-issuing closes the old address.
    client.post("/staffing/mine/feed", data={"csrf_token": csrf})
    assert client.get(path).status_code == 404


def test_a_time_zone_that_does_not_exist_is_refused_naming_the_field(
    client, factory, make_account
) -> None:  # type: ignore[no-untyped-def]
    scheduler = make_account(Role.scheduler)
    with factory() as session:
        ana = build(session).people["ana"]
        session.commit()
        ana_id = ana.id
    terms = {
        "timezone": "Europe/Atlantis",
        "country": "IE",
        "skills": ["emergency"],
        "contracted_hours": 40,
        "max_nights": 4,
        "max_weekends": 2,
    }
    refused = client.put(
        f"/api/v1/staffing/people/{ana_id}/terms", json=terms, headers=scheduler.headers
    )
    assert refused.status_code == 422 and "timezone" in refused.text
    refused = client.put(
        f"/api/v1/staffing/people/{ana_id}/terms",
        json={**terms, "timezone": "Asia/Singapore", "skills": ["juggling"]},
        headers=scheduler.headers,
    )
    assert refused.status_code == 422 and "skills" in refused.text
    with factory() as session:
        assert session.get(StaffProfile, ana_id).skills == ["emergency", "lead"]  # type: ignore[union-attr]
    saved = client.put(
        f"/api/v1/staffing/people/{ana_id}/terms",
        json={**terms, "timezone": "Asia/Singapore"},
        headers=scheduler.headers,
    )
    assert saved.status_code == 200 and saved.json()["timezone"] == "Asia/Singapore"


def test_the_daily_readiness_check_tells_schedulers_what_is_short(factory) -> None:  # type: ignore[no-untyped-def]
    with factory() as session:
        world = build(session)
        kim = person(session, "kim", "Europe/Dublin", [], role=Role.scheduler)
        session.add_all(template_rows("follow_the_sun"))
        ana = world.people["ana"]
        session.get(StaffProfile, ana.id).phone = None  # type: ignore[union-attr]
        day_shift(session, world.day, ana, tomorrow())
        now = utcnow()
        deadline = Deadline(kind=READINESS, due_at=now, data={})
        session.add(deadline)
        session.flush()
        assert readiness(session, deadline, now) == "fired"
        session.flush()
        body = session.scalars(
            select(Notification.body).where(Notification.user_id == kim.id)
        ).one()
        assert "short of cover" in body and "no phone or contact method for Ana" in body
        next_check = session.scalars(
            select(Deadline).where(Deadline.kind == READINESS, Deadline.id != deadline.id)
        ).one()
        assert next_check.due_at == now + timedelta(days=1)


def test_the_team_feed_is_for_roster_readers_and_serves_everyone_on_their_clock(
    client, factory
) -> None:  # type: ignore[no-untyped-def]
    with factory() as session:
        world = build(session)
        lead = person(session, "lou", "America/New_York", ["lead"], role=Role.lead)
        day_shift(session, world.day, world.people["ana"], tomorrow())
        day_shift(session, world.day, lead, tomorrow())
        session.commit()
    csrf = _browser(client, "cy@example.test")
    refused = client.post("/staffing/mine/feed", data={"csrf_token": csrf, "team": "true"})
    assert refused.status_code == 403
    client.cookies.clear()
    csrf = _browser(client, "lou@example.test")
    issued = client.post("/staffing/mine/feed", data={"csrf_token": csrf, "team": "true"})
    address = re.search(r'id="team-url" readonly value="(http[^"]+\.ics)"', issued.text)
    assert address
    feed = client.get(address.group(1).split("testserver")[-1])
    events = Calendar.from_ical(feed.content).walk("VEVENT")
    zones = sorted(str(e["DTSTART"].dt.tzinfo) for e in events)
    assert zones == ["America/New_York", "Europe/Dublin"]
    assert {e["DTSTART"].dt.hour for e in events} == {8}


def test_a_calendar_app_polling_leaves_one_audit_entry_an_hour_counting_its_reads(
    client, factory
) -> None:  # type: ignore[no-untyped-def]
    with factory() as session:
        world = build(session)
        day_shift(session, world.day, world.people["ana"], tomorrow())
        session.commit()
    csrf = _browser(client, "ana@example.test")
    issued = client.post("/staffing/mine/feed", data={"csrf_token": csrf})
    address = re.search(r'value="(http[^"]+\.ics)"', issued.text)
    assert address
    path = address.group(1).split("testserver")[-1]
    for _ in range(5):
        assert client.get(path).status_code == 200

    def reads() -> list[dict]:  # type: ignore[type-arg]
        with factory() as session:
            return list(
                session.scalars(
                    select(AuditEvent.detail)
                    .where(AuditEvent.action == "calendar_feed.read")
                    .order_by(AuditEvent.seq)
                )
            )

    assert [d["reads"] for d in reads()] == [1]
    # An hour on, the next read is audited with the four it stands for beside itself.
    with factory() as session:
        feed = session.scalars(select(CalendarFeed).where(CalendarFeed.revoked_at.is_(None))).one()
        feed.read_audited_at = feed.read_audited_at - timedelta(hours=1)  # type: ignore[operator]
        session.commit()
    assert client.get(path).status_code == 200
    assert [d["reads"] for d in reads()] == [1, 5]


def test_the_scheduler_home_writes_nothing_when_read(client, factory) -> None:  # type: ignore[no-untyped-def]
    with factory() as session:
        build(session)
        person(session, "kim", "Europe/Dublin", [], role=Role.scheduler)
        session.commit()
    assert post_login(client, email="kim@example.test", password=PASSWORD).status_code == 303

    def counts() -> tuple[int, int]:
        with factory() as session:
            return (
                len(session.scalars(select(Deadline.id)).all()),
                len(session.scalars(select(AuditEvent.seq)).all()),
            )

    before = counts()
    assert client.get("/staffing").status_code == 200
    assert counts() == before


def test_the_readiness_chain_starts_with_the_worker_once(factory) -> None:  # type: ignore[no-untyped-def]
    now = utcnow()
    start_chains(factory, now)
    start_chains(factory, now)
    with factory() as session:
        waiting = session.scalars(select(Deadline).where(Deadline.kind == READINESS)).all()
        assert [d.due_at for d in waiting] == [now]
