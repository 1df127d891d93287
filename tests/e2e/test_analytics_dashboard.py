"""Leadership opens the dashboards, picks a period and a kind, follows the breached cases and
downloads a panel as CSV; at 1440 and 390 px nothing is wider than the screen.

With EXIGENT_SCREENSHOTS set to a folder, the pages are saved there as analytics-*.png.
"""

from __future__ import annotations

import csv
import io
import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from analytics.dashboard_world import build, write_facts
from e2e.test_roles import sign_in
from exigent.auth.models import Role

pytestmark = pytest.mark.browser
WIDTHS = {"wide": (1440, 1000), "phone": (390, 844)}


def _shoot(page: Page, name: str) -> None:
    folder = os.environ.get("EXIGENT_SCREENSHOTS")
    for label, (width, height) in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_timeout(150)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{name} at {width} px is {overflow} px wider than the screen"
        if folder:
            path = Path(folder) / f"analytics-{name}-{label}.png"
            page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size({"width": 1440, "height": 1000})


def test_leadership_picks_a_period_and_a_kind_and_downloads_a_csv(  # type: ignore[no-untyped-def]
    live_server: str, page: Page, client, factory, make_account
) -> None:
    analyst = make_account(Role.analyst)
    other = make_account(Role.analyst, "second.analyst@example.test")
    build(client, analyst, factory, analyst.user.id, other.user.id)
    with factory() as session:
        write_facts(session)
    leadership = make_account(Role.leadership)
    sign_in(page, live_server, leadership.user.email)

    page.get_by_role("link", name="Analytics").first.click()
    expect(page.get_by_role("heading", name="Analytics", level=1)).to_be_visible()
    page.get_by_label("Period", exact=True).select_option("custom")
    page.get_by_label(re.compile("^From")).fill("2026-11-01")
    page.get_by_label(re.compile("^To")).fill("2026-11-30")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("[data-period-said]")).to_contain_text("2026-11-01 to 2026-11-30 (UTC)")
    volume = page.locator('[data-panel="volume"]')
    expect(volume.locator("canvas")).to_be_visible()
    expect(volume.locator("table td").last).to_be_attached()
    _shoot(page, "dashboard")

    page.get_by_label("Kind", exact=True).select_option("subpoena")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"kind=subpoena"))
    expect(page).to_have_url(re.compile(r"period=custom"))
    with page.expect_download() as waiting:
        volume.locator('[data-csv="volume"]').click()
    download = waiting.value
    rows = list(csv.DictReader(io.StringIO(Path(download.path()).read_text())))
    assert len(rows) == 30
    # The two subpoenas of November (UTC): one withdrawn, one rejected.
    assert sum(int(r["total"]) for r in rows) == 2

    page.get_by_label("Kind", exact=True).select_option("")
    page.get_by_role("button", name="Show").click()
    page.locator('[data-breached="acknowledge"]').click()
    expect(
        page.get_by_role("heading", name=re.compile("breached the acknowledge clock"))
    ).to_be_visible()
    expect(page.get_by_role("link", name=re.compile(r"^#\d+$")).first).to_be_visible()
    _shoot(page, "breaches")

    page.goto(
        f"{live_server}/console/analytics/workload?period=custom&from=2026-11-01&to=2026-11-30"
    )
    expect(page.get_by_role("heading", name="Workload", level=1)).to_be_visible()
    expect(page.get_by_text("Team total")).to_be_visible()
    _shoot(page, "workload")
