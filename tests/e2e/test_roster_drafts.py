"""A scheduler drafts next week's roster in Chromium, watches the planner work, publishes it,
and finds the new shifts on the week grid."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from e2e.test_content_policy import watch_policy
from e2e.test_roles import sign_in
from staffing.test_drafts import next_monday, team

pytestmark = pytest.mark.browser


def _shoot(page: Page, name: str) -> None:
    """With EXIGENT_SCREENSHOTS set, keep a picture of the page (as the other journeys do)."""
    folder = os.environ.get("EXIGENT_SCREENSHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def test_a_scheduler_drafts_watches_and_publishes_a_roster(  # type: ignore[no-untyped-def]
    live_server: str, page: Page, factory
) -> None:
    with factory() as session:
        team(session)
        session.commit()
    problems = watch_policy(page)
    monday = next_monday()
    sign_in(page, live_server, "kim@example.test")
    page.goto(f"{live_server}/staffing")
    page.get_by_role("link", name="Draft a roster").click()
    expect(page.get_by_role("heading", name="Draft rosters")).to_be_visible()
    page.get_by_label("First day (00:00 UTC)").fill(monday.isoformat())
    page.get_by_label("Time to search (seconds)").fill("6")
    page.get_by_role("button", name="Draft", exact=True).click()

    # The planner works in the background; the page follows it without a reload.
    expect(page).to_have_url(re.compile(r"/staffing/drafts/\d+$"))
    expect(page.get_by_role("heading", name="Progress")).to_be_visible()
    expect(page.locator('[data-draft-status="done"]')).to_be_visible(timeout=60_000)
    expect(page.locator('figure.heat[data-skill="emergency"]')).to_be_visible()
    expect(page.get_by_role("heading", name="Each person's share")).to_be_visible()
    assert page.locator("td.heat-short").count() == 0, "three people cover one analyst a day"
    _shoot(page, "staffing-draft-journey")

    page.get_by_role("button", name="Publish this roster").click()
    expect(page.get_by_role("status")).to_contain_text("Published")
    expect(page.locator('[data-draft-status="published"]')).to_be_visible()

    page.goto(f"{live_server}/staffing/roster?week={monday.isoformat()}")
    first_row = page.locator("table.roster-grid tbody tr").filter(has_text="Ana")
    # Ana works five of the seven days, on her own clock.
    expect(first_row.locator(".shift-chip")).to_have_count(5)
    assert not problems, problems
