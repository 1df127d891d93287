"""In Chromium: an analyst raises an escalation from the console form (a captured picture
attached as a file), fixes the problems the form names, lands on the new referral case, reads
its facts panel with the picture blurred until revealed, and records an outcome. With
EXIGENT_SCREENSHOTS=<folder> the form and the case page are saved there at 1440 and 390."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from e2e.staff import sign_in
from exigent.auth.models import Role
from referrals.helpers import picture

pytestmark = pytest.mark.browser

SHOTS = os.environ.get("EXIGENT_SCREENSHOTS")


PHONE = {"width": 390, "height": 844}


def _fits_a_phone(page: Page) -> None:
    page.set_viewport_size(PHONE)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width} px wide on a phone"
    page.set_viewport_size({"width": 1280, "height": 900})


def _shots(page: Page, name: str) -> None:
    if not SHOTS:
        return
    for width, height in ((1440, 1000), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(
            path=str(Path(SHOTS) / f"{name}-{width}.png"), full_page=True, caret="initial"
        )
    page.set_viewport_size({"width": 1280, "height": 900})


def test_an_analyst_raises_an_escalation_and_records_its_outcome(
    page: Page, live_server: str, make_account, tmp_path: Path
) -> None:
    analyst = make_account(Role.analyst)
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    capture = tmp_path / "capture.png"
    capture.write_bytes(picture())
    sign_in(page, live_server, analyst.user.email)
    page.get_by_role("link", name="Escalate").first.click()
    expect(page.get_by_role("heading", name="Raise an escalation")).to_be_visible()
    _fits_a_phone(page)
    _shots(page, "escalation-form")

    # First try: no harm type, no content, a country that does not exist.
    page.get_by_label("Reporting team").fill("Trust & Safety, Americas")
    page.get_by_label("Country").fill("QQ")
    page.evaluate("document.querySelector('[name=harm_type]').removeAttribute('required')")
    page.get_by_role("button", name="Raise escalation").click()
    expect(page.locator('[data-error="harm_type"]')).to_be_visible()
    expect(page.locator('[data-error="content"]')).to_contain_text("at least one content id")
    expect(page.locator('[data-error="location.country"]')).to_contain_text("QQ")
    expect(page.get_by_label("Reporting team")).to_have_value("Trust & Safety, Americas")
    _shots(page, "escalation-form-problems")

    page.get_by_label("Harm type").select_option("suicide_self_harm")
    page.get_by_label("Imminent").check()
    page.get_by_label("Country").fill("US")
    page.get_by_label("City").fill("Columbus")
    page.get_by_label("Content ids and URLs").fill("post:9912345\nhttps://platform.example/p/1")
    page.get_by_label("Captured media").set_input_files(str(capture))
    page.get_by_label("Accounts").fill("username: quiet.river.19")
    page.get_by_label("What was found").fill("A goodbye note and a photo of pills, tonight.")
    page.get_by_role("button", name="Raise escalation").click()

    expect(page).to_have_url(re.compile(r"/console/cases/\d+"))
    panel = page.locator("#referral-facts")
    expect(panel).to_contain_text("Suicide or self-harm")
    expect(panel.locator("[data-imminent]")).to_be_visible()
    expect(panel).to_contain_text("from the console form")
    expect(panel).to_contain_text("quiet.river.19")
    item = panel.locator("[data-viewer-item]")
    expect(item).to_be_visible()
    expect(item).not_to_have_class(re.compile("revealed"))
    item.get_by_role("button", name="Reveal").click()
    expect(item).to_have_class(re.compile("revealed"))
    item.get_by_role("button", name="Hide").click()
    _fits_a_phone(page)
    _shots(page, "referral-case")

    panel.get_by_label("Outcome").select_option("person_safe")
    panel.get_by_label("Note").fill("Police visited; she is safe with her mother.")
    panel.get_by_role("button", name="Record outcome").click()
    expect(page.locator("#referral-facts [data-done]")).to_contain_text("person safe")
    expect(page.locator('#referral-facts [data-outcome="person_safe"]')).to_contain_text(
        "Police visited"
    )
    assert not [p for p in problems if "Content Security Policy" in p], problems
