"""An emergency with gaps, in the browser: sent empty, or with a 30 MB attachment the browser
would take off and the server refuses when the browser's check did not run. Each is taken,
and the officer reads what is missing or what was left off."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from e2e.test_portal import register_and_enrol, shot
from exigent.config import Settings
from mail_relay import MailRelay

pytestmark = pytest.mark.browser

MB = 1024 * 1024


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The limit as shipped: 25 MB a file."""
    return settings.model_copy(update={"max_upload_bytes": 25 * MB})


def test_an_empty_emergency_is_sent_and_the_confirmation_lists_what_is_missing(
    live_server: str, page: Page, mailbox: MailRelay
) -> None:
    register_and_enrol(page, live_server, mailbox)
    page.goto(live_server + "/portal/requests/new/emergency")
    page.get_by_role("button", name="Send the request").click()
    expect(page.get_by_text("Request received.")).to_be_visible()
    missing = page.locator("ul[data-sent-missing]")
    expect(missing).to_contain_text("the facts that show the emergency")
    expect(missing).to_contain_text("the account(s) concerned")
    expect(missing).to_contain_text("your signed attestation")
    shot(page, "case-received-empty")


def test_a_30_mb_attachment_the_browser_did_not_stop_is_refused_and_the_emergency_goes(
    live_server: str, page: Page, mailbox: MailRelay
) -> None:
    register_and_enrol(page, live_server, mailbox)
    page.goto(live_server + "/portal/requests/new/emergency")
    expect(page.locator("#documents-hint")).to_contain_text("Up to 25 MB each")
    page.get_by_label("Suicide or self-harm").check()
    page.get_by_label("What has happened, and what do you fear will happen?").fill(
        "The user posted a goodbye note and a photo of pills at 01:40 tonight."
    )
    page.get_by_label("Account 1", exact=True).fill("night.owl.77")
    # As a browser whose script did not run would: the size check in the page is skipped.
    page.locator("#documents").evaluate("input => input.removeAttribute('data-max-bytes')")
    page.locator("#documents").set_input_files(
        [{"name": "bodycam.pdf", "mimeType": "application/pdf", "buffer": b"0" * (30 * MB)}]
    )
    expect(page.locator("#documents-too-large")).to_be_hidden()
    page.get_by_role("button", name="Send the request").click()
    expect(page.get_by_text("Request received.")).to_be_visible()
    warning = page.locator("[data-refused-files]")
    expect(warning).to_contain_text("Sent without its attachment.")
    expect(warning).to_contain_text("bodycam.pdf: larger than the 25 MB limit")
    expect(page.locator("#documents-card")).to_contain_text("Not attached when you sent")
    shot(page, "case-received-attachment-refused")
