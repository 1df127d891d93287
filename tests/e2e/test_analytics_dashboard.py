"""Leadership opens the dashboards, picks a period and a kind, follows the breached cases and
downloads a panel as CSV; the workload page shows leadership the shifts without names and a
lead each person; at 1440 and 390 px nothing is wider than the screen.

With EXIGENT_SCREENSHOTS set to a folder, the pages are saved there as analytics-*.png.
"""

from __future__ import annotations

import csv
import io
import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from analytics.dashboard_world import build, write_facts
from analytics.workload_world import NAMES, build_ops
from e2e.test_roles import sign_in
from exigent.auth.models import Role
from legal.flows import create_case

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
    expect(page.get_by_role("heading", name="Team totals")).to_be_visible()
    _shoot(page, "workload")


def test_workload_per_shift_for_leadership_and_per_person_for_a_lead(  # type: ignore[no-untyped-def]
    live_server: str, browser: Browser, client, factory, make_account
) -> None:
    maker = make_account(Role.analyst, "maker@workload.test")
    case = create_case(client, maker)
    officer = make_account(Role.requester, "officer@police.example.gov")
    ops = build_ops(factory, make_account, case["id"], officer.user.id)
    address = (
        f"{live_server}/console/analytics/workload?period=custom&from=2026-11-01&to=2026-11-30"
    )
    for reader, named in (("leadership", False), ("lead", True)):
        context = browser.new_context()
        page = context.new_page()
        sign_in(page, live_server, ops.accounts[reader].user.email)
        page.goto(address)
        expect(page.get_by_role("heading", name="How it is counted")).to_be_visible()
        expect(page.get_by_text("outside 08:00-20:00 on their home clock")).to_be_visible()
        shifts = page.locator('[data-panel="workload-shifts"]')
        expect(shifts.locator("canvas")).to_be_visible()
        shifts.get_by_text("Table").click()
        expect(shifts.get_by_role("rowheader", name="Night", exact=True)).to_be_visible()
        people = page.locator('[data-panel="workload-people"]')
        if named:
            expect(people.get_by_role("rowheader", name=NAMES["ben"])).to_be_visible()
        else:
            expect(people).to_have_count(0)
            assert NAMES["ben"] not in page.content()
        with page.expect_download() as waiting:
            shifts.locator('[data-csv="workload-shifts"]').click()
        rows = list(csv.DictReader(io.StringIO(Path(waiting.value.path()).read_text())))
        night = next(r for r in rows if r["shift"] == "Night")
        assert night["% of severe exposure"] == "66.7"
        _shoot(page, f"workload-{reader}")
        context.close()
