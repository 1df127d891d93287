"""In Chromium: an officer with many requests finds one by their case number and pages through
the rest, and every portal page gives the team's number to call. The home and
the emergency form fit a phone and a desktop, light and dark; with EXIGENT_SCREENSHOTS=<folder>
their screenshots are kept there."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from exigent.config import Settings
from portal.conftest import PASSWORD, Portal, sign_up
from portal.test_home import send

pytestmark = pytest.mark.browser

SHOTS = os.environ.get("EXIGENT_SCREENSHOTS")
PHONE = "+1 650 555 0142"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"intake_limit_unverified": 100, "team_phone": PHONE})


def signed_in(browser: Browser, base: str, officer: Portal, width: int, scheme: str) -> Page:
    context = browser.new_context(
        viewport={"width": width, "height": 900},
        color_scheme=scheme,  # type: ignore[arg-type]
    )
    page = context.new_page()
    page.goto(f"{base}/portal/sign-in")
    page.get_by_label("Official email address").fill(officer.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Code from your authenticator app").fill(officer.code())
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{base}/portal/home")
    return page


def shot(page: Page, folder: Path, name: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(folder / f"portal-{name}.png"), full_page=True)
    # At either width the page fits: nothing scrolls the whole page sideways.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], name  # type: ignore[index]


def test_an_officer_finds_a_request_by_case_number_and_pages_through(  # type: ignore[no-untyped-def]
    browser: Browser, live_server: str, client, mailbox
) -> None:
    officer = sign_up(client, mailbox)
    numbers = send(client, 27)
    page = signed_in(browser, live_server, officer, 1440, "light")
    rows = page.locator("tr[data-request]")
    expect(rows).to_have_count(25)
    expect(page.locator("[data-page]")).to_have_text("Page 1 of 2")
    footer = page.get_by_role("contentinfo")
    expect(footer.get_by_role("link", name=PHONE)).to_have_attribute("href", "tel:+16505550142")
    page.get_by_role("link", name="Older").click()
    expect(rows).to_have_count(2)

    page.get_by_label("Reference or your case number").fill("26-00004")
    page.get_by_role("button", name="Find").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(f"EXG-{numbers[4]:07d}")
    page.get_by_role("link", name="Show all").click()
    page.get_by_label("Status").select_option(label="Closed")
    page.get_by_role("button", name="Find").click()
    expect(page.locator("[data-none-found]")).to_be_visible()

    page.goto(f"{live_server}/portal/requests/new/emergency")
    call = page.locator("[data-call-now]")
    expect(call).to_contain_text(
        f"If a life is at risk now, also call the Emergency Response Team at {PHONE}"
    )
    page.context.close()


def test_the_home_and_the_emergency_form_fit_a_phone_and_a_desktop(  # type: ignore[no-untyped-def]
    browser: Browser, live_server: str, client, mailbox, tmp_path
) -> None:
    folder = Path(SHOTS) if SHOTS else tmp_path
    officer = sign_up(client, mailbox)
    send(client, 27)
    # A code signs in once: one sign-in, then each width and scheme on the same page.
    page = signed_in(browser, live_server, officer, 1440, "light")
    for width, size in ((1440, ""), (390, "-phone")):
        for scheme in ("light", "dark"):
            page.set_viewport_size({"width": width, "height": 900})
            page.emulate_media(color_scheme=scheme)  # type: ignore[arg-type]
            page.goto(f"{live_server}/portal/home")
            expect(page.locator("tr[data-request]")).to_have_count(25)
            shot(page, folder, f"home-many{size}-{scheme}")
            page.goto(f"{live_server}/portal/requests/new/emergency")
            expect(page.locator("[data-call-now]")).to_be_visible()
            shot(page, folder, f"emergency-call{size}-{scheme}")
    page.context.close()
