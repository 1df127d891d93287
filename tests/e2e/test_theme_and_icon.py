"""Small things seen on every page: the icon, and a theme toggle that can go back to the system."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

pytestmark = pytest.mark.browser


def test_no_page_asks_for_something_missing(live_server: str, page: Page) -> None:
    missing: list[str] = []
    page.on("response", lambda r: missing.append(r.url) if r.status == 404 else None)
    for path in ["/", "/login", "/portal/sign-in"]:
        page.goto(live_server + path)
        page.wait_for_load_state("networkidle")
    icon = page.request.get(f"{live_server}/favicon.ico")
    assert icon.ok and "svg" in icon.headers["content-type"]
    assert missing == []


def test_the_theme_toggle_comes_back_to_following_the_system(
    live_server: str, browser: Browser
) -> None:
    context = browser.new_context(color_scheme="dark")
    page = context.new_page()
    page.goto(f"{live_server}/login")
    toggle = page.locator("[data-theme-toggle]")
    expect(toggle).to_have_attribute("aria-label", "Theme: follow the system. Switch to light")
    toggle.click()
    expect(page.locator("html")).to_have_attribute("data-theme", "light")
    toggle.click()
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    expect(toggle).to_have_attribute("aria-label", "Theme: dark. Switch to follow the system")
    page.reload()
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    page.locator("[data-theme-toggle]").click()
    expect(page.locator("html")).to_have_attribute("data-theme", "auto")
    assert page.evaluate("localStorage.getItem('exigent-theme')") is None
    context.close()
