"""Whole journeys in Chromium, each role in its own browser: an emergency from the officer's
registration to the download of the sealed production, and a look-alike domain that never gets
past approval. With EXIGENT_SCREENSHOTS=<folder> the main pages of the journey are saved there.
"""

from __future__ import annotations

import os
import re
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pyotp
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from conftest import PASSWORD
from exigent.auth.models import Role
from exigent.config import Settings
from exigent.db import utcnow
from exigent.directory.models import Agency, AgencyDomain
from exigent.platform_data.generate import generate_one
from exigent.production.package import verify
from mail_relay import MailRelay

pytestmark = pytest.mark.browser

SHOTS = os.environ.get("EXIGENT_SCREENSHOTS")
OFFICER = "dwhitfield@chicagopolice.org"
LOOKALIKE = "dana@chicag0police.org"
CONFIRM = re.compile(r"(http://\S+/portal/confirm/[A-Za-z0-9_\-]+)")
DIRECTORY_NUMBER = "+13127464000"


@pytest.fixture
def settings(settings: Settings, tmp_path: Path) -> Settings:
    """The demo platform store holds the target account's data over the last 60 days."""
    store = tmp_path / "platform.db"
    generate_one(store, username="night.owl.77", records=600, now=utcnow(), days=60)
    return settings.model_copy(update={"platform_store": store})


@pytest.fixture
def chicago(factory) -> None:  # type: ignore[no-untyped-def]
    """The directory knows the Chicago Police Department, its domain and its own number."""
    with factory() as session:
        agency = Agency(
            name="Chicago Police Department",
            state="IL",
            country="US",
            source="staff",
            verified_phone=DIRECTORY_NUMBER,
            phone_source="chicagopolice.org, non-emergency line",
        )
        session.add(agency)
        session.flush()
        session.add(AgencyDomain(domain="chicagopolice.org", agency_id=agency.id, source="staff"))
        session.commit()


@pytest.fixture
def contexts(browser: Browser) -> Iterator[dict[str, BrowserContext]]:
    opened = {role: browser.new_context() for role in ("officer", "analyst", "lead")}
    yield opened
    for context in opened.values():
        context.close()


def shot(page: Page, name: str) -> None:
    if not SHOTS:
        return
    folder = Path(SHOTS)
    folder.mkdir(parents=True, exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def confirmation_link(mailbox: MailRelay, email: str) -> str:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        for message in mailbox.to(email):
            match = CONFIRM.search(message.get_content())
            if match:
                return match.group(1)
        time.sleep(0.05)
    raise AssertionError(f"no confirmation mail for {email} reached the relay")


def officer_registers(page: Page, base: str, mailbox: MailRelay, email: str) -> None:
    page.goto(base + "/portal/register")
    page.get_by_label("Full name").fill("Dana Whitfield")
    page.get_by_label("Rank or title").fill("Detective")
    page.get_by_label("Badge or ID number").fill("4471")
    page.get_by_label("Official email address").fill(email)
    page.get_by_label("Phone where you can be reached").fill("+1 312 555 0143")
    page.get_by_label("Agency name").fill("Chicago Police Department")
    page.get_by_label("State or region").fill("IL")
    page.get_by_label("Your supervisor", exact=False).first.fill("Lt. Omar Reyes")
    page.get_by_label("Password").fill("a long portal passphrase")
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    page.goto(confirmation_link(mailbox, email))
    page.get_by_role("button", name="Confirm my email").click()
    secret = page.locator("#secret").inner_text().replace(" ", "")
    page.get_by_label("Code from the app").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Turn on").click()
    page.get_by_role("link", name="I have saved them: sign in").click()
    page.get_by_label("Official email address").fill(email)
    page.get_by_label("Password").fill("a long portal passphrase")
    page.get_by_label("Code from your authenticator app").fill(
        pyotp.TOTP(secret).at(time.time() + 30)
    )
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="My requests")).to_be_visible()


def officer_sends_emergency(page: Page) -> int:
    page.get_by_role("link", name="New request").first.click()
    page.get_by_role("link", name="Emergency").click()
    page.get_by_label("Suicide or self-harm").check()
    page.get_by_label("What has happened, and what do you fear will happen?").fill(
        "The user posted a goodbye note and a photo of pills at 01:40 tonight."
    )
    page.get_by_label("Who is at risk?").fill("The account holder, believed 19")
    page.get_by_label("Why is there no time to get legal process?").fill(
        "A warrant takes hours; the risk is now."
    )
    page.get_by_label("How will the data help you resolve the emergency?").fill(
        "Recent sign-in IPs locate the home for a welfare check."
    )
    page.get_by_label("Account 1", exact=True).fill("night.owl.77")
    page.get_by_label("Subscriber information").check()
    page.get_by_label("I attest that I am a law-enforcement officer").check()
    page.get_by_role("button", name="Send the request").click()
    expect(page.get_by_text("Request received.")).to_be_visible()
    reference = page.get_by_role("heading", level=1).inner_text().split(" ")[0]
    return int(reference.removeprefix("EXG-"))


def staff_signs_in(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/console")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{base}/console")


def move(page: Page, to: str) -> None:
    """Move the case through the full list of moves (the next move's button aside)."""
    status = page.locator("#status")
    if status.locator("details.other-moves").get_attribute("open") is None:
        status.get_by_text("Another move").click()
    page.get_by_label("Move to").select_option(to)
    status.get_by_role("button", name="Move", exact=True).click()
    expect(status.get_by_role("status")).to_contain_text(f"Case moved to {to.replace('_', ' ')}")


def draft_and_submit(page: Page) -> None:
    decision = page.locator("#decision")
    for reason in decision.get_by_placeholder("why").all():
        reason.fill("needed to locate the person at risk")
    decision.get_by_label("Rationale").fill("Imminent risk to life; data is the minimum needed.")
    decision.get_by_label(re.compile("I believe in good faith")).check()
    decision.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("status").first).to_contain_text("Draft decision saved")
    page.locator("#decision").get_by_role("button", name="Submit for approval").click()
    expect(page.locator("#approval")).to_contain_text("a second person approves it")


def test_emergency_from_registration_to_download(  # type: ignore[no-untyped-def]
    live_server: str,
    contexts: dict[str, BrowserContext],
    mailbox: MailRelay,
    make_account,
    chicago,
    tmp_path: Path,
) -> None:
    analyst, lead = make_account(Role.analyst), make_account(Role.lead)
    officer = contexts["officer"].new_page()
    officer_registers(officer, live_server, mailbox, OFFICER)
    number = officer_sends_emergency(officer)
    case_url = f"{live_server}/console/cases/{number}"

    # The analyst triages, verifies by calling the directory's number, and drafts.
    desk = contexts["analyst"].new_page()
    staff_signs_in(desk, live_server, analyst.user.email)
    desk.goto(case_url)
    expect(desk.locator("#production")).to_contain_text("not approved")
    move(desk, "triaged")
    move(desk, "under_review")
    verification = desk.locator("#verification")
    verification.get_by_role("button", name="Open a callback task").click()
    expect(verification).to_contain_text(DIRECTORY_NUMBER)
    expect(verification).to_contain_text("chicagopolice.org, non-emergency line")
    verification.get_by_label("Confirmed", exact=True).check()
    verification.get_by_label("Answered by").fill("Desk sergeant Ruiz")
    verification.get_by_label("A supervisor confirmed").check()
    verification.get_by_role("button", name="Record outcome").click()
    expect(desk.get_by_role("status").first).to_contain_text("Callback outcome recorded")
    draft_and_submit(desk)

    # A lead approves.
    approver = contexts["lead"].new_page()
    staff_signs_in(approver, live_server, lead.user.email)
    expect(approver.get_by_role("link", name="Portal accounts")).to_be_visible()
    approver.goto(case_url)
    approver.locator("#approval").get_by_role("button", name="Approve decision").click()
    expect(approver.get_by_role("status").first).to_contain_text("Decision approved")

    # The analyst builds the production and delivers it; the panel changes in place.
    desk.goto(case_url)
    panel = desk.locator("#production-panel")
    expect(panel.locator("[data-scope]")).to_contain_text("username:night.owl.77")
    panel.get_by_role("button", name="Build production").click()
    expect(panel.locator("[data-done]")).to_contain_text("built:")
    seal = panel.locator("[data-seal]").first.inner_text()
    assert re.fullmatch(r"[0-9a-f]{64}", seal)
    panel.get_by_role("button", name="Deliver to requester").click()
    expect(panel.locator("[data-done]")).to_contain_text(f"link mailed to {OFFICER}")
    expect(panel.locator("[data-custody]")).to_contain_text("Link issued")
    expect(desk.locator("#case-status")).to_contain_text("Delivered")
    expect(panel.get_by_role("button", name="Build again")).to_be_visible()
    assert any("ready" in m["subject"] for m in mailbox.to(OFFICER))

    # The officer downloads the zip; its files match the manifest, whose digest is the seal.
    officer.goto(f"{live_server}/portal/home")
    row = officer.locator("[data-delivery]").first
    expect(row).to_contain_text(seal)
    shot(officer, "portal-home-download")
    with officer.expect_download() as info:
        row.get_by_role("link", name="Download").click()
    archive = tmp_path / "production.zip"
    info.value.save_as(archive)
    with zipfile.ZipFile(archive) as opened:
        opened.extractall(tmp_path / "unzipped")
    (folder,) = list((tmp_path / "unzipped").iterdir())
    checked = verify(folder, seal=seal)
    assert checked.intact, checked.problems
    assert checked.checked > 0

    desk.reload()
    expect(desk.locator("[data-custody]")).to_contain_text("downloaded")
    expect(desk.locator("[data-custody]")).to_contain_text("127.0.0.1")
    shot(desk, "case-production-light")
    if SHOTS:
        desk.emulate_media(color_scheme="dark")
        desk.wait_for_timeout(200)
        shot(desk, "case-production-dark")


def test_a_lookalike_domain_is_flagged_and_cannot_be_approved(  # type: ignore[no-untyped-def]
    live_server: str,
    contexts: dict[str, BrowserContext],
    mailbox: MailRelay,
    make_account,
    chicago,
) -> None:
    analyst, lead = make_account(Role.analyst), make_account(Role.lead)
    officer = contexts["officer"].new_page()
    officer_registers(officer, live_server, mailbox, LOOKALIKE)
    number = officer_sends_emergency(officer)
    case_url = f"{live_server}/console/cases/{number}"

    desk = contexts["analyst"].new_page()
    staff_signs_in(desk, live_server, analyst.user.email)
    desk.goto(case_url)
    signals = desk.locator("#verification .signals")
    expect(signals).to_contain_text("Lookalike")
    expect(signals).to_contain_text("chicag0police.org looks like a known agency domain")
    move(desk, "triaged")
    move(desk, "under_review")
    draft_and_submit(desk)
    shot(desk, "case-lookalike-light")

    approver = contexts["lead"].new_page()
    staff_signs_in(approver, live_server, lead.user.email)
    approver.goto(case_url)
    # No approval is offered that would be refused: the panel says why instead.
    blocked = approver.locator("#approval [data-approval-blocked]")
    expect(blocked).to_contain_text("disclosure cannot be approved")
    expect(approver.get_by_role("button", name="Approve decision")).to_have_count(0)

    # Nothing can be produced: the panel says why, and a build is refused with the reason.
    panel = approver.locator("#production-panel")
    expect(panel.locator("[data-not-ready]")).to_contain_text("not approved")
    desk.goto(case_url)
    expect(desk.locator("#production-panel [data-not-ready]")).to_be_visible()
    expect(desk.get_by_role("button", name="Build production")).to_have_count(0)
    # Even a hand-made build request (with the page's own CSRF header) is refused, inline.
    desk.evaluate(
        f"htmx.ajax('POST', '/console/cases/{number}/production/build', "
        "{target: '#production-panel', swap: 'outerHTML'})"
    )
    expect(desk.locator("[data-error='build']")).to_contain_text("not approved")
    expect(desk.locator("#production-panel")).to_contain_text("No production yet.")
