"""In Chromium: legal withholds a user notice from the case page; a lead publishes weights."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from e2e.staff import sign_in
from exigent.auth.models import Role
from exigent.db import utcnow
from exigent.verification.scoring import default_weights
from legal.flows import create_case
from notice.helpers import permitted_subpoena, work

pytestmark = pytest.mark.browser


def test_legal_withholds_a_notice_from_the_case_page(  # type: ignore[no-untyped-def]
    live_server: str, page: Page, client, analyst, make_account, factory, settings
) -> None:
    legal = make_account(Role.legal)
    case = create_case(client, analyst, permitted_subpoena())
    work(factory, settings, utcnow())
    sign_in(page, live_server, legal.user.email)
    page.goto(f"{live_server}/console/cases/{case['id']}")
    panel = page.locator("#notices")
    expect(panel.locator("[data-field=status]")).to_have_text("Due: a draft waits for a decision")

    # A refusal from the service is shown inline in the panel (a 4xx swapped in by htmx).
    panel.get_by_text("Edit the text").click()
    panel.get_by_label("Subject").fill("")
    panel.get_by_label("Body").fill("")
    panel.get_by_role("button", name="Save text").click()
    expect(panel.get_by_role("alert")).to_contain_text("body: give the new subject or body")

    # The browser asks for the reason before anything is sent.
    panel.get_by_role("button", name="Withhold notice").click()
    expect(panel.locator("[data-notice-id]")).to_have_attribute("data-status", "drafted")

    panel.get_by_label("Reason for withholding").fill("the user is the suspect's minor child")
    panel.get_by_role("button", name="Withhold notice").click()
    expect(panel.get_by_role("status")).to_have_text("Notice withheld.")
    expect(panel.locator("[data-field=status]")).to_have_text("Withheld")
    expect(panel.locator("[data-field=decision]")).to_contain_text(
        "the user is the suspect's minor child"
    )
    # The page itself did not reload: the panel was swapped in place.
    expect(page).to_have_url(f"{live_server}/console/cases/{case['id']}")
    page.reload()
    expect(page.locator("#notices [data-field=status]")).to_have_text("Withheld")


def test_lead_publishes_new_weights_and_sees_the_new_version(  # type: ignore[no-untyped-def]
    live_server: str, page: Page, lead
) -> None:
    sign_in(page, live_server, lead.user.email)
    page.get_by_role("link", name="Risk weights").click()
    expect(page.get_by_role("heading", name="Fraud risk weights")).to_be_visible()
    expect(page.locator("[data-current-version]")).to_have_attribute("data-current-version", "1")

    page.locator("#w-free_mail_domain").fill("60")
    page.get_by_label("Reason").fill("free-mail fraud doubled this quarter")
    page.get_by_role("button", name="Publish version 2").click()

    expect(page.get_by_role("status")).to_contain_text("Version 2 published.")
    expect(page.locator("[data-current-version]")).to_have_attribute("data-current-version", "2")
    expect(page.locator("#w-free_mail_domain")).to_have_value("60")
    newest = page.locator(".weights-history li[data-version='2']")
    expect(newest).to_contain_text("free-mail fraud doubled this quarter")
    shipped = default_weights().signals["free_mail_domain"]
    expect(newest).to_contain_text(f"free_mail_domain from {shipped} to 60")
