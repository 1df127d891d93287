"""An officer's first night in the portal, in a real browser: register, confirm by the mailed
link, set up the authenticator, send an emergency and see it listed; then a question from the
team answered. With EXIGENT_SCREENSHOTS=<folder> each main page is saved there."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import httpx
import pyotp
import pytest
from playwright.sync_api import Browser, Page, expect

from exigent.auth.models import Role
from mail_relay import MailRelay

pytestmark = pytest.mark.browser

SHOTS = os.environ.get("EXIGENT_SCREENSHOTS")
EMAIL = "dwhitfield@chicagopolice.org"
LINK = re.compile(r"(http://\S+/portal/confirm/[A-Za-z0-9_\-]+)")


def shot(page: Page, name: str) -> None:
    if not SHOTS:
        return
    folder = Path(SHOTS)
    folder.mkdir(parents=True, exist_ok=True)
    # The sticky top bar would be drawn where the page was scrolled to.
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(folder / f"portal-{name}.png"), full_page=True)


def wait_for_link(mailbox: MailRelay) -> str:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        for message in mailbox.to(EMAIL):
            match = LINK.search(message.get_content())
            if match:
                return match.group(1)
        time.sleep(0.05)
    raise AssertionError("no confirmation mail reached the relay")


def register_and_enrol(page: Page, live_server: str, mailbox: MailRelay) -> str:
    page.goto(live_server + "/portal/sign-in")
    shot(page, "sign-in")
    page.get_by_role("link", name="Register with your official email").click()
    page.get_by_label("Full name").fill("Dana Whitfield")
    page.get_by_label("Rank or title").fill("Detective")
    page.get_by_label("Badge or ID number").fill("4471")
    page.get_by_label("Official email address").fill("dana.whitfield@gmail.com")
    page.get_by_label("Phone where you can be reached").fill("+1 312 555 0143")
    page.get_by_label("Agency name").fill("Chicago Police Department")
    page.get_by_label("State or region").fill("IL")
    page.get_by_label("Your supervisor", exact=False).first.fill("Lt. Omar Reyes")
    page.get_by_label("Password").fill("a long portal passphrase")
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_text("is a free-mail provider")).to_be_visible()
    shot(page, "register-refused")
    page.get_by_label("Official email address").fill(EMAIL)
    page.get_by_label("Password").fill("a long portal passphrase")
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    shot(page, "check-mail")

    page.goto(wait_for_link(mailbox))
    shot(page, "confirm")
    page.get_by_role("button", name="Confirm my email").click()
    expect(page.get_by_role("heading", name="Set up your authenticator app")).to_be_visible()
    shot(page, "totp")
    secret = page.locator("#secret").inner_text().replace(" ", "")
    page.get_by_label("Code from the app").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Turn on").click()
    expect(page.get_by_role("heading", name="Your authenticator is set up")).to_be_visible()
    shot(page, "recovery-codes")
    page.get_by_role("link", name="I have saved them: sign in").click()
    # The mailed link's session only set up the app: the password and the app sign in now.
    page.get_by_label("Official email address").fill(EMAIL)
    page.get_by_label("Password").fill("a long portal passphrase")
    page.get_by_label("Code from your authenticator app").fill(
        pyotp.TOTP(secret).at(time.time() + 30)
    )
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="My requests")).to_be_visible()
    expect(page.get_by_text("Your account awaits verification.")).to_be_visible()
    return secret


def send_emergency(page: Page) -> str:
    page.get_by_role("link", name="New request").first.click()
    shot(page, "choose-kind")
    page.get_by_role("link", name="Emergency").click()
    missing = page.locator("#missing")
    expect(missing).to_contain_text("The facts that show the emergency")
    page.get_by_label("Suicide or self-harm").check()
    page.get_by_label("What has happened, and what do you fear will happen?").fill(
        "The user posted a goodbye note and a photo of pills at 01:40 tonight."
    )
    page.get_by_label("Who is at risk?").fill("The account holder, believed 19")
    page.get_by_label("Why is there no time to get legal process?").fill(
        "A warrant takes hours; the risk is now."
    )
    page.get_by_label("Account 1", exact=True).fill("night.owl.77")
    page.get_by_label("Subscriber information").check()
    expect(missing).not_to_contain_text("The facts that show the emergency")
    expect(missing).to_contain_text("How the data you ask for will help")
    shot(page, "emergency-form")
    page.get_by_label("How will the data help you resolve the emergency?").fill(
        "Recent sign-in IPs locate the home for a welfare check."
    )
    page.get_by_label("I attest that I am a law-enforcement officer").check()
    expect(missing).to_contain_text("Everything we need is there.")
    expect(page.locator("#missing-summary")).to_contain_text("Everything we need is there.")
    page.get_by_role("button", name="Send the request").click()
    expect(page.get_by_text("Request received.")).to_be_visible()
    shot(page, "case-received")
    reference = page.get_by_role("heading", level=1).inner_text().split(" ")[0]
    page.get_by_role("link", name="Back to my requests").click()
    row = page.get_by_role("row", name=re.compile(reference))
    expect(row).to_contain_text("Emergency")
    expect(row).to_contain_text("Received")
    shot(page, "home")
    return reference


def test_register_confirm_enrol_and_send_an_emergency(
    live_server: str, page: Page, mailbox: MailRelay
) -> None:
    register_and_enrol(page, live_server, mailbox)
    send_emergency(page)


def test_answer_a_question_and_staff_verify(
    live_server: str, page: Page, browser: Browser, mailbox: MailRelay, make_account
) -> None:  # type: ignore[no-untyped-def]
    register_and_enrol(page, live_server, mailbox)
    reference = send_emergency(page)
    number = int(reference.removeprefix("EXG-"))
    analyst, lead = make_account(Role.analyst), make_account(Role.lead)
    api = httpx.Client(base_url=live_server, headers=analyst.headers)
    api.post(f"/api/v1/requests/{number}/transitions", json={"to": "triaged"})
    asked = api.post(
        f"/api/v1/requests/{number}/notes",
        json={"body": "Which school does she attend?", "visible_to_requester": True},
    )
    assert asked.status_code == 201
    moved = api.post(
        f"/api/v1/requests/{number}/transitions",
        json={"to": "need_info", "reason": "Which school does she attend?"},
    )
    assert moved.status_code == 200, moved.text

    page.get_by_role("link", name=reference).click()
    expect(page.get_by_role("heading", name="We need more information from you")).to_be_visible()
    shot(page, "case-need-info")
    page.get_by_label("Your answer").fill("Lincoln High School, 9th grade.")
    page.get_by_role("button", name="Send my answer").click()
    expect(page).to_have_url(f"{live_server}/portal/requests/{number}#messages")
    expect(page.locator("#messages").get_by_role("status")).to_be_in_viewport()
    expect(page.locator("#messages")).to_contain_text("Lincoln High School, 9th grade.")
    expect(page.locator(".badge")).to_contain_text("In review")

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server + "/portal/home")
    shot(page, "home-phone")
    page.goto(live_server + "/portal/requests/new/emergency")
    shot(page, "emergency-form-phone")
    page.emulate_media(color_scheme="dark")
    page.goto(live_server + f"/portal/requests/{number}")
    shot(page, "case-dark-phone")
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(live_server + "/portal/requests/new/subpoena")
    shot(page, "subpoena-form-dark")

    context = browser.new_context(extra_http_headers={"Authorization": f"Bearer {lead.token}"})
    staff = context.new_page()
    staff.goto(live_server + "/portal/staff/accounts")
    expect(staff.get_by_role("heading", name="Portal accounts")).to_be_visible()
    shot(staff, "staff-accounts")
    context.close()


def test_an_attachment_over_the_limit_is_taken_off_and_the_emergency_still_goes(
    live_server: str, page: Page, mailbox: MailRelay
) -> None:
    register_and_enrol(page, live_server, mailbox)
    page.goto(live_server + "/portal/requests/new/emergency")
    # The test server allows 1 MB a file; the form says so before anything is chosen.
    expect(page.locator("#documents-hint")).to_contain_text("Up to 1 MB each")
    page.get_by_label("Suicide or self-harm").check()
    page.get_by_label("What has happened, and what do you fear will happen?").fill(
        "The user posted a goodbye note and a photo of pills at 01:40 tonight."
    )
    page.locator("#documents").set_input_files(
        [
            {"name": "video.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n" * 240_000},
            {"name": "note.txt", "mimeType": "text/plain", "buffer": b"a goodbye note"},
        ]
    )
    refusal = page.locator("#documents-too-large")
    expect(refusal).to_be_visible()
    expect(refusal).to_contain_text("video.pdf is larger than the 1 MB limit and will not be sent")
    shot(page, "emergency-attachment-too-large")
    page.get_by_role("button", name="Send the request").click()
    expect(page.get_by_text("Request received.")).to_be_visible()
    expect(page.locator("#documents-card")).to_contain_text("note.txt")
    expect(page.locator("#documents-card")).not_to_contain_text("video.pdf")
