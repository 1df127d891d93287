"""The scheduler's pages for a person and for coverage fit a phone (390 px) without
scrolling sideways, and keep their forms side by side at 1440 px."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from conftest import PASSWORD
from exigent.auth.models import Role
from exigent.staffing.coverage import template_rows
from staffing.roster_world import build, day_shift, person, tomorrow

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1440, "height": 900}


def _sign_in(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/login" not in url)


def test_the_person_and_coverage_pages_fit_a_phone_and_a_wide_screen(  # type: ignore[no-untyped-def]
    live_server: str, page: Page, factory
) -> None:
    with factory() as session:
        world = build(session)
        person(session, "kim", "Europe/Dublin", [], role=Role.scheduler)
        session.add_all(template_rows("follow_the_sun"))
        ana = world.people["ana"]
        day_shift(session, world.day, ana, tomorrow())
        session.commit()
        ana_id = ana.id
    _sign_in(page, live_server, "kim@example.test")
    pages = {
        "person": (f"/staffing/people/{ana_id}", "Working terms"),
        "coverage": ("/staffing/coverage?template=us_only", "Coverage requirements"),
    }
    for size in (PHONE, DESKTOP):
        page.set_viewport_size(size)
        for name, (path, key) in pages.items():
            page.goto(f"{live_server}{path}")
            page.wait_for_load_state("load")
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= size["width"], f"the {name} page is {width} px wide at {size}"
            expect(page.get_by_text(key, exact=False).first).to_be_visible()
    # Wide, the terms and the coming shifts sit side by side.
    page.goto(f"{live_server}/staffing/people/{ana_id}")
    terms = page.locator("#terms").bounding_box()
    shifts = page.locator("#shifts").bounding_box()
    assert terms and shifts and shifts["x"] > terms["x"] + terms["width"] - 1
