"""Signing a staff member in through the real form, as every browser journey starts."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from conftest import PASSWORD


def sign_in(page: Page, base: str, email: str, *, fresh: bool = False) -> None:
    """Sign in from the console's door and wait until its scripts answer keys.

    The URL changes as soon as the console's document arrives, before its
    deferred scripts run; a key pressed in that gap would be lost, so the
    journey waits for the page's load event before it goes on.
    """
    if fresh:
        page.context.clear_cookies()
    page.goto(f"{base}/console")
    expect(page).to_have_url(re.compile(r"/login\?next="))
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{base}/console")
    page.wait_for_load_state("load")
