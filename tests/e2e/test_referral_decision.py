"""A referral in the browser: the analyst answers the checklist and sees its advice change,
saves it, drafts the decision on the proposed legal bases, and a second person approves."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from e2e.staff import sign_in
from referrals.referral_cases import make_referral

pytestmark = pytest.mark.browser


def test_assessment_then_decision_then_approval_by_a_second_person(  # type: ignore[no-untyped-def]
    live_server: str, browser: Browser, page: Page, client, analyst, lead, factory
) -> None:
    case_id = make_referral(client, analyst, factory)
    sign_in(page, live_server, analyst.user.email)
    page.goto(f"{live_server}/console/cases/{case_id}")
    panel = page.locator("#referral-assessment-panel")
    expect(panel).to_contain_text("No assessment yet")
    advice = panel.locator("#referral-advice")
    expect(advice).to_contain_text("recommends: monitor")
    for item in ("specific_threat", "means", "time_frame"):
        panel.locator(f"[data-item={item}]").get_by_label("Yes").check()
    # The advice follows the answers before anything is saved.
    expect(panel.locator("#referral-advice")).to_contain_text("recommends: refer now")
    panel.get_by_label(re.compile("Your summary")).fill("He names the manager and the depot.")
    panel.get_by_role("button", name="Save assessment").click()
    expect(page.locator("#referral-assessment-panel [data-done]")).to_contain_text(
        "saved: refer now"
    )

    # The decision form ticks the proposed bases; the drafter attests from the assessment.
    page.reload()
    decision = page.locator("#decision")
    expect(decision.get_by_label(re.compile(r"18 U.S.C. 2702\(b\)\(8\)"))).to_be_checked()
    expect(decision.get_by_label(re.compile(r"Regulation \(EU\) 2022/2065"))).not_to_be_checked()
    for reason in decision.get_by_placeholder("why").all():
        reason.fill("to find him before the morning")
    decision.get_by_label("Rationale").fill("A specific threat to kill tomorrow morning.")
    decision.get_by_label(re.compile("From threat assessment")).check()
    decision.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("status").first).to_contain_text("Draft decision saved")
    page.locator("#decision").get_by_role("button", name="Submit for approval").click()
    expect(page.get_by_role("status").first).to_contain_text("awaiting approval")
    expect(page.locator("#approval")).to_contain_text("a second person approves it")

    other = browser.new_context()
    lead_page = other.new_page()
    sign_in(lead_page, live_server, lead.user.email)
    lead_page.goto(f"{live_server}/console/cases/{case_id}")
    approval = lead_page.locator("#approval")
    expect(approval.locator("[data-approval-bases]")).to_contain_text("18 U.S.C. 2702(c)(4)")
    expect(approval.locator("[data-approval-assessment]")).to_contain_text("refer now")
    approval.get_by_role("button", name="Approve decision").click()
    expect(lead_page.get_by_role("status").first).to_contain_text("Decision approved")
    expect(lead_page.locator("#referral-assessment-panel")).to_contain_text(
        "Send 1 referral package"
    )
    other.close()
