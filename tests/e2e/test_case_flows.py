"""Case work without dead ends: every console action either happens or says why not."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from e2e.staff import sign_in
from legal.flows import create_case, move, verify_requester

pytestmark = pytest.mark.browser


def draft_in_the_form(page: Page) -> None:
    decision = page.locator("#decision")
    for reason in decision.get_by_placeholder("why").all():
        reason.fill("needed to locate the person at risk")
    decision.get_by_label("Rationale").fill("Imminent risk to life; data is the minimum needed.")
    decision.get_by_label(re.compile("I believe in good faith")).check()
    decision.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("status").first).to_contain_text("Draft decision saved")


def test_submitting_a_triaged_case_puts_it_in_front_of_the_approver(  # type: ignore[no-untyped-def]
    live_server: str, browser: Browser, page: Page, client, analyst, lead, factory
) -> None:
    case = create_case(client, analyst)
    assert move(client, analyst, case["id"], "triaged").status_code == 200
    verify_requester(client, analyst, factory, case["id"])
    sign_in(page, live_server, analyst.user.email)
    page.goto(f"{live_server}/console/cases/{case['id']}")
    draft_in_the_form(page)
    page.locator("#decision").get_by_role("button", name="Submit for approval").click()
    expect(page.get_by_role("status").first).to_contain_text("awaiting approval")
    expect(page.locator("#timeline")).to_contain_text("Triaged → Under review")
    expect(page.locator("#timeline")).to_contain_text("Under review → Awaiting approval")

    other = browser.new_context()
    lead_page = other.new_page()
    sign_in(lead_page, live_server, lead.user.email)
    lead_page.goto(f"{live_server}/console?status=awaiting_approval")
    lead_page.get_by_role("link", name=case["reference"]).click()
    lead_page.locator("#approval").get_by_role("button", name="Approve decision").click()
    expect(lead_page.get_by_role("status").first).to_contain_text("Decision approved")
    other.close()


def test_a_decision_form_with_gaps_keeps_what_was_typed(  # type: ignore[no-untyped-def]
    live_server: str, page: Page, client, analyst
) -> None:
    case = create_case(client, analyst)
    assert move(client, analyst, case["id"], "triaged").status_code == 200
    sign_in(page, live_server, analyst.user.email)
    page.goto(f"{live_server}/console/cases/{case['id']}")
    decision = page.locator("#decision")
    decision.get_by_label("Rationale").fill("Imminent risk to life; typed once.")
    decision.get_by_role("button", name="Save draft").click()
    expect(decision.locator("[data-error=decision]")).to_contain_text("need attention")
    expect(decision.get_by_label("Rationale")).to_have_value("Imminent risk to life; typed once.")
    reasons = decision.get_by_placeholder("why")
    expect(reasons.first).to_be_focused()
    for reason in reasons.all():
        expect(reason).to_have_attribute("aria-invalid", "true")
    expect(decision).to_contain_text("Attestation: required")
    decision.get_by_label(re.compile("I believe in good faith")).check()
    for reason in reasons.all():
        reason.fill("needed to locate the person at risk")
    decision.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("status").first).to_contain_text("Draft decision saved")
