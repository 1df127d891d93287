"""Every role in Chromium: where sign-in lands, the navigation and sign-out on every page and
error page, no form a role cannot use, and the auditor's audit log."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from conftest import PASSWORD
from e2e.test_content_policy import watch_policy
from exigent.auth.models import Role
from legal.flows import create_case

pytestmark = pytest.mark.browser

LANDING = {
    Role.analyst: ("/console", "Queue"),
    Role.lead: ("/console", "Queue"),
    Role.legal: ("/console", "Queue"),
    Role.admin: ("/console/admin/users", "Administration"),
    Role.auditor: ("/console/audit", "Audit log"),
    Role.leadership: ("/console/analytics", "Analytics"),
    Role.scheduler: ("/staffing", "Roster"),
}


def sign_in(page: Page, base: str, email: str) -> None:
    """The sign-in form alone, as someone opening Exigent would: no page asked for."""
    page.goto(f"{base}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).not_to_have_url(re.compile(r"/login"))
    page.wait_for_load_state("load")


def test_every_role_lands_on_its_own_page_and_can_always_sign_out(  # type: ignore[no-untyped-def]
    browser: Browser, live_server: str, make_account
) -> None:
    problems: list[str] = []
    for role, (path, heading) in LANDING.items():
        account = make_account(role)
        context = browser.new_context()
        page = context.new_page()
        problems += watch_policy(page)
        sign_in(page, live_server, account.user.email)
        expect(page).to_have_url(f"{live_server}{path}")
        expect(page.get_by_role("heading", name=heading).first).to_be_visible()
        nav = page.get_by_role("navigation", name="Main")
        expect(nav.locator("a[aria-current=page]")).to_have_count(1)
        # An address that is nowhere still offers the way home and out.
        page.goto(f"{live_server}/console/nowhere")
        expect(page.get_by_role("heading", name="Not found")).to_be_visible()
        expect(nav).to_be_visible()
        page.get_by_role("button", name="Sign out").click()
        expect(page).to_have_url(re.compile(r"/login\?signed_out=1"))
        context.close()
    assert problems == []


def test_a_scheduler_refused_a_page_still_has_a_way_on(  # type: ignore[no-untyped-def]
    live_server: str, page: Page, make_account
) -> None:
    scheduler = make_account(Role.scheduler)
    sign_in(page, live_server, scheduler.user.email)
    page.goto(f"{live_server}/console/cases/1")
    expect(page.get_by_role("heading", name="You cannot do this")).to_be_visible()
    page.get_by_role("link", name="Team exposure").click()
    expect(page.get_by_role("heading", name=re.compile("exposure", re.I)).first).to_be_visible()
    page.get_by_role("link", name="Roster", exact=True).click()
    expect(page.get_by_role("heading", name="Coverage, next 14 days")).to_be_visible()


@pytest.mark.parametrize("role", [Role.leadership, Role.auditor])
def test_readers_are_offered_no_note_form_on_a_case(  # type: ignore[no-untyped-def]
    live_server: str, page: Page, client, analyst, make_account, role: Role
) -> None:
    case = create_case(client, analyst)
    reader = make_account(role)
    sign_in(page, live_server, reader.user.email)
    page.goto(f"{live_server}/console/cases/{case['id']}")
    expect(page.get_by_role("heading", name="Timeline and notes")).to_be_visible()
    expect(page.locator("#production-panel")).to_be_visible()  # the panels have loaded
    expect(page.get_by_label("Add a note")).to_have_count(0)
    expect(page.get_by_role("button", name="Add note")).to_have_count(0)
    expect(page.locator("main form[method=post]")).to_have_count(0)


def test_the_auditor_finds_a_case_trail_and_verifies_the_chain(  # type: ignore[no-untyped-def]
    live_server: str, page: Page, client, analyst, lead, make_account
) -> None:
    case = create_case(client, analyst)
    other = create_case(client, analyst)
    client.get(f"/api/v1/requests/{case['id']}", headers=lead.headers)
    client.get(f"/api/v1/requests/{other['id']}", headers=lead.headers)
    auditor = make_account(Role.auditor)
    problems = watch_policy(page)
    sign_in(page, live_server, auditor.user.email)
    chain = page.locator("#chain")
    expect(chain).to_contain_text("Not verified yet")
    page.get_by_label("Case").fill(f"EXG-{case['id']:07d}")
    page.get_by_label("Actor").fill(lead.user.email)
    page.get_by_role("button", name="Find").click()
    rows = page.locator("[data-audit-entries] tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Case: read")
    expect(rows.first.locator(".badge")).to_have_text("read")
    expect(rows.first).to_contain_text("Test lead")
    # The filtered page's scripts first: a click before htmx has wired the button is lost.
    page.wait_for_load_state("networkidle")
    page.get_by_role("button", name="Verify the whole chain now").click()
    expect(chain.locator("[data-chain-state=intact]")).to_be_visible(timeout=20_000)
    expect(chain).to_contain_text(auditor.user.email)
    rows.first.get_by_role("link", name=f"EXG-{case['id']:07d}").click()
    expect(page).to_have_url(f"{live_server}/console/cases/{case['id']}")
    assert problems == []
