"""In Chromium: legal edits one cell of the policy in the table editor, reviews its impact,
saves it and reads the diff; an approver approves a decision drafted under the old version;
legal re-checks every case judged under an earlier version in one action."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from e2e.staff import sign_in
from exigent.auth.models import Role
from legal.flows import ready_for_approval
from legal.intake import complete

pytestmark = pytest.mark.browser


def change_policy(client, legal, kind: str, category: str, verdict: str) -> None:  # type: ignore[no-untyped-def]
    document: dict[str, Any] = client.get("/api/v1/policy", headers=legal.headers).json()[
        "document"
    ]
    document["kinds"][kind]["categories"][category] = verdict
    answer = client.post(
        "/api/v1/policy", json={"policy": document, "reason": "counsel"}, headers=legal.headers
    )
    assert answer.status_code == 201, answer.text


def test_legal_edits_one_cell_sees_the_impact_saves_and_reads_the_diff(  # type: ignore[no-untyped-def]
    live_server: str, page: Page, client, analyst, make_account, factory
) -> None:
    legal = make_account(Role.legal)
    touched = ready_for_approval(client, analyst, factory)  # discloses account activity
    kept = ready_for_approval(client, analyst, factory, complete("emergency", "subscriber_info"))
    sign_in(page, live_server, legal.user.email, fresh=True)

    page.get_by_role("link", name="Policy").click()
    page.get_by_role("link", name="Edit the policy").click()
    expect(page.get_by_role("heading", name="Edit the disclosure policy")).to_be_visible()
    cell = page.get_by_label("Emergency · Account activity")
    expect(cell).to_have_value("P")
    cell.select_option("L")
    expect(page.locator("[data-changed-count]")).to_contain_text("1 cell changed")
    expect(page.locator("td.changed")).to_have_count(1)
    page.get_by_role("button", name="Review the change").first.click()

    expect(page.get_by_role("heading", name="Review the change")).to_be_visible()
    change = page.locator("tr[data-path='kinds.emergency.categories.account_activity']")
    expect(change).to_contain_text("permitted")
    expect(change).to_contain_text("legal review")
    expect(page.locator("[data-count=need-recheck]")).to_contain_text("1 open decision")
    expect(page.locator("[data-count=approvable]")).to_contain_text("1 open decision")
    need = page.locator(f".impact-table tr[data-case='{touched['id']}']")
    expect(need).to_contain_text("account activity: permitted → legal review")
    page.get_by_text("Decisions that could still be approved as drafted").click()
    expect(page.locator(f".impact-table tr[data-case='{kept['id']}']")).to_be_visible()

    page.get_by_label("Reason for the change").fill("activity logs need counsel first")
    page.get_by_role("button", name="Save as version 2").click()
    saved = page.locator("[data-saved]")
    expect(saved).to_contain_text("Version 2 saved.")
    expect(saved).to_contain_text("1 needs a re-check because v2 changes what it discloses")

    versions = page.locator(".versions li[data-version='2']")
    versions.get_by_role("link", name="What changed in v2").click()
    expect(
        page.get_by_role("heading", name=re.compile("1 cell differs from v1 to v2"))
    ).to_be_visible()
    row = page.locator("tr[data-path='kinds.emergency.categories.account_activity']")
    expect(row.locator(".before")).to_contain_text("permitted")
    expect(row.locator(".after")).to_contain_text("legal review")
    expect(page.get_by_text("activity logs need counsel first")).to_be_visible()


def test_a_bad_cell_is_named_next_to_it(  # type: ignore[no-untyped-def]
    live_server: str, page: Page, make_account
) -> None:
    legal = make_account(Role.legal)
    sign_in(page, live_server, legal.user.email, fresh=True)
    page.goto(f"{live_server}/console/policy/edit")
    field = page.get_by_label("P0 · acknowledge within")
    field.evaluate("el => el.removeAttribute('min')")
    field.fill("0")
    page.get_by_role("button", name="Review the change").first.click()
    expect(page.get_by_role("alert")).to_contain_text("sla.P0.acknowledge")
    expect(page.get_by_label("P0 · acknowledge within")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("[data-error='sla.P0.acknowledge']")).to_be_visible()


def test_an_approver_approves_a_decision_drafted_under_the_old_version(  # type: ignore[no-untyped-def]
    live_server: str, page: Page, client, analyst, lead, make_account, factory
) -> None:
    legal = make_account(Role.legal)
    kept = ready_for_approval(client, analyst, factory, complete("emergency", "subscriber_info"))
    touched = ready_for_approval(client, analyst, factory)
    change_policy(client, legal, "emergency", "account_activity", "L")
    sign_in(page, live_server, lead.user.email, fresh=True)

    page.goto(f"{live_server}/console/cases/{touched['id']}")
    approval = page.locator("#approval")
    expect(approval.get_by_role("button", name="Approve decision")).to_have_count(0)
    expect(approval).to_contain_text("You cannot approve this decision yet")
    expect(approval).to_contain_text("account activity: permitted → legal review")
    expect(approval.get_by_role("button", name="Re-check under policy v2")).to_be_visible()

    page.goto(f"{live_server}/console/cases/{kept['id']}")
    expect(page.locator("[data-policy-drift=unchanged]")).to_contain_text(
        "can be approved as drafted, under v1"
    )
    approval = page.locator("#approval")
    approval.get_by_label("Note (optional)").fill("scope unchanged by v2")
    approval.get_by_role("button", name="Approve decision").click()
    expect(page.get_by_role("status")).to_contain_text("Decision approved")
    expect(page.locator("#decision")).to_contain_text("under policy v1")
    expect(page.locator("#timeline")).to_contain_text(
        "Approved as drafted under policy v1: v2 changes nothing it discloses."
    )


def test_legal_rechecks_every_stale_case_in_one_action(  # type: ignore[no-untyped-def]
    live_server: str, page: Page, client, analyst, make_account, factory
) -> None:
    legal = make_account(Role.legal)
    touched = ready_for_approval(client, analyst, factory)
    kept = ready_for_approval(client, analyst, factory, complete("emergency", "subscriber_info"))
    change_policy(client, legal, "emergency", "account_activity", "L")
    sign_in(page, live_server, legal.user.email, fresh=True)

    page.goto(f"{live_server}/console/policy")
    work = page.locator("#open-work")
    expect(work).to_contain_text("2 open cases")
    expect(work.locator(f"tr[data-case='{touched['id']}']")).to_contain_text("account activity")
    work.get_by_role("button", name="Re-check 2 open cases under v2").click()
    expect(page.locator("[data-rechecked]")).to_contain_text(
        "2 open cases checked again under v2; 1 decision was withdrawn"
    )
    expect(page.locator("#open-work")).to_have_count(0)

    page.goto(f"{live_server}/console/cases/{touched['id']}")
    expect(page.locator("#timeline")).to_contain_text("withdrawn from approval")
    expect(page.locator("[data-draft-basis]")).to_be_visible()
    page.goto(f"{live_server}/console/cases/{kept['id']}")
    expect(page.locator("#timeline")).to_contain_text("can be approved as drafted")
