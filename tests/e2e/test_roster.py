"""The roster in a browser: a scheduler approves time off and sees the gap it leaves; a
person issues their calendar address and a calendar app reads it."""

from __future__ import annotations

import re

from icalendar import Calendar
from playwright.sync_api import Page, expect

from conftest import PASSWORD
from exigent.auth.models import Role
from exigent.staffing.coverage import template_rows
from exigent.staffing.models import TimeOff
from staffing.roster_world import build, day_shift, person, tomorrow


def _sign_in(page: Page, base: str, email: str, lands: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{base}{lands}")
    page.wait_for_load_state("load")


def test_a_scheduler_approves_time_off_and_a_person_subscribes_to_their_shifts(
    page: Page, live_server: str, factory
) -> None:  # type: ignore[no-untyped-def]
    with factory() as session:
        world = build(session)
        person(session, "kim", "Europe/Dublin", [], role=Role.scheduler)
        session.add_all(template_rows("follow_the_sun"))
        ana, ben = world.people["ana"], world.people["ben"]
        day_shift(session, world.day, ana, tomorrow())
        day_shift(session, world.day, ben, tomorrow())
        session.add(
            TimeOff(user_id=ana.id, starts_on=tomorrow(), ends_on=tomorrow(), reason="Wedding")
        )
        session.commit()
    cell = f'[data-cover="emergency {tomorrow().isoformat()}"]'

    _sign_in(page, live_server, "kim@example.test", "/staffing")
    expect(page.get_by_role("heading", name="Time off waiting (1)")).to_be_visible()
    expect(page.locator(cell)).to_have_attribute("data-hours-short", "16")
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_role("status")).to_contain_text("Time off approved")
    expect(page.get_by_role("heading", name="Time off waiting (0)")).to_be_visible()
    expect(page.locator(cell)).to_have_attribute("data-hours-short", "24")

    _sign_in(page, live_server, "ben@example.test", "/console")
    page.get_by_role("link", name="My shifts").click()
    expect(page.get_by_text("Times on your own clock: Europe/Dublin.")).to_be_visible()
    page.get_by_role("button", name="Issue my address").click()
    address = page.locator("[data-feed-url]").input_value()
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/calendars/[\w-]+\.ics", address)
    feed = page.request.get(address)
    assert feed.ok and feed.headers["content-type"].startswith("text/calendar")
    events = Calendar.from_ical(feed.body()).walk("VEVENT")
    assert [str(e["DTSTART"].dt.tzinfo) for e in events] == ["Europe/Dublin"]
    assert events[0]["DTSTART"].dt.hour == 8
