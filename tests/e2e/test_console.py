"""The console in Chromium: sign in, the queue by urgency, keyboard, viewer, decision, approval."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import update

from e2e.staff import sign_in
from exigent.cases.models import Request
from exigent.db import utcnow
from exigent.demo.media import png
from factories import subpoena_record
from legal.flows import create_case, ready_for_approval, to_review, verify_requester

pytestmark = pytest.mark.browser


def test_queue_by_urgency_with_countdowns_and_keyboard(  # type: ignore[no-untyped-def]
    live_server: str, page: Page, client, analyst, factory
) -> None:
    later = create_case(client, analyst, subpoena_record())
    overdue = create_case(client, analyst)
    now = utcnow()
    with factory() as session:
        for case_id, due in (
            (later["id"], now + timedelta(days=3)),
            (overdue["id"], now - timedelta(minutes=3)),
        ):
            session.execute(
                update(Request)
                .where(Request.id == case_id)
                .values(decide_due_at=due, acknowledged_at=now - timedelta(hours=1))
            )
        session.commit()
    sign_in(page, live_server, analyst.user.email)
    rows = page.locator("#queue-body tr[data-case-id]")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_have_attribute("data-case-id", str(overdue["id"]))
    first_clock = rows.nth(0).locator("[data-clock]")
    expect(first_clock).to_contain_text("Overdue")
    expect(first_clock).to_have_attribute("data-state", "breached")
    expect(rows.nth(1).locator("[data-clock]")).to_contain_text("to decide")

    page.keyboard.press("?")
    expect(page.get_by_role("dialog")).to_be_visible()
    page.keyboard.press("Escape")
    page.keyboard.press("/")
    expect(page.get_by_label("Find a case")).to_be_focused()
    page.get_by_label("Find a case").press("Escape")
    page.keyboard.press("j")
    page.keyboard.press("j")
    expect(rows.nth(1)).to_have_class(re.compile("selected"))
    page.keyboard.press("k")
    expect(rows.nth(0)).to_have_class(re.compile("selected"))
    # The 30-second refresh keeps the selection where it was.
    page.evaluate("htmx.trigger('#queue-body', 'every 30s')")
    page.evaluate(
        "htmx.ajax('GET', '/console/queue-rows', {target: '#queue-body', swap: 'innerHTML'})"
    )
    expect(page.locator("#queue-body tr.selected")).to_have_attribute(
        "data-case-id", str(overdue["id"])
    )
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server}/console/cases/{overdue['id']}")
    expect(page.get_by_role("heading", name=re.compile(f"EXG-{overdue['id']:07d}"))).to_be_visible()


def test_reveal_a_blurred_item_and_see_the_exposure(  # type: ignore[no-untyped-def]
    live_server: str, page: Page, client, analyst
) -> None:
    case = create_case(client, analyst)
    upload = client.post(
        f"/api/v1/requests/{case['id']}/documents",
        files={"file": ("scene.png", io.BytesIO(png(160, 100, 2.0)), "image/png")},
        headers=analyst.headers,
    )
    assert upload.status_code == 201
    sign_in(page, live_server, analyst.user.email)
    page.goto(f"{live_server}/console/cases/{case['id']}")
    image = page.locator("[data-viewer-item] img")
    expect(image).to_be_visible()
    assert "blur" in image.evaluate("el => getComputedStyle(el).filter")
    assert "grayscale" in image.evaluate("el => getComputedStyle(el).filter")
    page.get_by_role("button", name="Reveal").click()
    expect(page.locator("[data-viewer-item].revealed")).to_have_count(1)
    expect(image).to_have_css("filter", "none")
    page.wait_for_timeout(1200)
    page.get_by_role("button", name="Hide").click()
    expect(page.locator("[data-exposure-status]")).to_contain_text("recorded as exposure")
    expect(image).to_have_css("filter", re.compile(r"blur\(24px\) grayscale\(1\)"))
    page.get_by_role("link", name="My exposure").click()
    expect(page.get_by_role("heading", name="Your exposure this shift")).to_be_visible()
    cell = page.locator("td[data-seconds]").first
    expect(page.get_by_role("cell", name="Suicide or self-harm").first).to_be_visible()
    assert 1 <= int(cell.get_attribute("data-seconds") or 0) <= 5


def test_decision_then_approval_by_a_second_person(  # type: ignore[no-untyped-def]
    live_server: str, browser: Browser, page: Page, client, analyst, lead, factory
) -> None:
    case = create_case(client, analyst)
    to_review(client, analyst, case["id"])
    verify_requester(client, analyst, factory, case["id"])
    sign_in(page, live_server, analyst.user.email)
    page.goto(f"{live_server}/console/cases/{case['id']}")
    decision = page.locator("#decision")
    for reason in decision.get_by_placeholder("why").all():
        reason.fill("needed to locate the person at risk")
    decision.get_by_label("Rationale").fill("Imminent risk to life; data is the minimum needed.")
    decision.get_by_label(re.compile("I believe in good faith")).check()
    decision.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("status").first).to_contain_text("Draft decision saved")
    page.locator("#decision").get_by_role("button", name="Submit for approval").click()
    expect(page.locator("#approval")).to_contain_text("a second person approves it")

    other = browser.new_context()
    lead_page = other.new_page()
    sign_in(lead_page, live_server, lead.user.email)
    lead_page.goto(f"{live_server}/console/cases/{case['id']}")
    lead_page.locator("#approval").get_by_role("button", name="Approve decision").click()
    expect(lead_page.get_by_role("status").first).to_contain_text("Decision approved")
    expect(lead_page.locator("#production-panel")).to_contain_text("Build production")
    other.close()


def test_an_approval_blocked_by_verification_says_why(  # type: ignore[no-untyped-def]
    live_server: str, page: Page, client, analyst, lead, factory
) -> None:
    case = ready_for_approval(client, analyst, factory, verified=False)
    sign_in(page, live_server, lead.user.email)
    page.goto(f"{live_server}/console/cases/{case['id']}")
    # An approval that would be refused is not offered; the panel says why instead.
    blocked = page.locator("#approval [data-approval-blocked]")
    expect(blocked).to_contain_text("disclosure cannot be approved")
    expect(blocked).to_contain_text("no callback")
    expect(page.get_by_role("button", name="Approve decision")).to_have_count(0)
    verify_requester(client, analyst, factory, case["id"])
    page.reload()
    page.locator("#approval").get_by_role("button", name="Approve decision").click()
    expect(page.get_by_role("status")).to_contain_text("Decision approved")
