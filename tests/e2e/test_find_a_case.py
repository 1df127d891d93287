"""Finding a case in Chromium by what the caller says: the agency's number, a target, a phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from e2e.staff import sign_in
from factories import emergency_record
from legal.flows import create_case

pytestmark = pytest.mark.browser


def test_a_caller_quotes_their_own_case_number_then_a_target(  # type: ignore[no-untyped-def]
    live_server: str, page: Page, client, analyst
) -> None:
    case = create_case(client, analyst, emergency_record(case_number="MPD-26-118842"))
    other = create_case(client, analyst, emergency_record(case_number="MPD-26-000001"))
    sign_in(page, live_server, analyst.user.email)

    page.keyboard.press("/")
    page.keyboard.type("mpd-26-118842")
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server}/console/cases/{case['id']}")

    page.goto(f"{live_server}/console")
    page.get_by_label("Find a case").fill("night.owl.77")
    page.get_by_label("Find a case").press("Enter")
    expect(page.get_by_role("heading", name="Find a case")).to_be_visible()
    results = page.locator("tr[data-case-id]")
    expect(results).to_have_count(2)
    expect(results.first).to_contain_text("target")
    page.get_by_role("link", name=f"EXG-{other['id']:07d}").click()
    expect(page).to_have_url(f"{live_server}/console/cases/{other['id']}")

    page.goto(f"{live_server}/console/find?ref=nobody-said-this")
    expect(page.get_by_text("No case you may read matches")).to_be_visible()
