"""The administration pages in Chromium, under the strict content policy, wide and narrow."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from e2e.staff import sign_in
from e2e.test_content_policy import watch_policy
from exigent.auth.models import Role

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("EXIGENT_SCREENSHOTS")


@pytest.mark.parametrize("width", [1440, 390])
def test_the_admin_pages_work_under_the_policy(  # type: ignore[no-untyped-def]
    browser: Browser, live_server, make_account, mailbox, width: int
) -> None:
    admin = make_account(Role.admin, "chris.vega@example.test")
    make_account(Role.lead)
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    problems = watch_policy(page)
    sign_in(page, live_server, admin.user.email)
    page.get_by_role("link", name="Admin", exact=True).click()
    expect(page.get_by_role("heading", name="Invite a staff member")).to_be_visible()
    page.get_by_label("Email").fill("riley.stone@example.test")
    page.get_by_label("Name").fill("Riley Stone")
    page.get_by_label("Role").select_option("legal")
    page.get_by_label("Time zone").fill("Europe/Dublin")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text("Invitation sent")).to_be_visible()
    page.get_by_label("What it is for").fill("Intake gateway")
    page.get_by_role("button", name="Issue token").click()
    expect(page.get_by_text("Copy this token now")).to_be_visible()
    page.get_by_role("link", name="People").click()
    expect(page.get_by_role("cell", name="invited")).to_be_visible()
    if SHOTS:
        folder = Path(SHOTS)
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / f"admin-users-{width}.png"), full_page=True)
    assert problems == []
    context.close()
