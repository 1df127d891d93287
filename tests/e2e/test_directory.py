"""In Chromium: an emergency from an agency the directory lacks is verified from its case page
and approved; a lead finds an agency in the directory, corrects it and adds its number."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from e2e.test_journeys import draft_and_submit, move, staff_signs_in
from exigent.auth.models import Role
from exigent.directory.models import Agency
from legal.flows import create_case

pytestmark = pytest.mark.browser

LIST_NUMBER = "+12175557000"


def test_an_emergency_from_an_unknown_agency_is_linked_called_back_and_approved(  # type: ignore[no-untyped-def]
    live_server: str, browser: Browser, client, make_account
) -> None:
    analyst, lead = make_account(Role.analyst), make_account(Role.lead)
    case = create_case(client, analyst)  # Springfield PD (IL), which the directory lacks
    case_url = f"{live_server}/console/cases/{case['id']}"
    desk = browser.new_context().new_page()
    staff_signs_in(desk, live_server, analyst.user.email)
    desk.goto(case_url)
    panel = desk.locator("#agency")
    expect(panel.locator("[data-unlinked]")).to_contain_text("cannot be called back")
    expect(desk.locator("[data-no-callback]")).to_be_visible()
    # The directory has no such agency: the suggested search finds nothing.
    expect(panel.locator("[data-no-match]")).to_contain_text("Springfield Police Department")

    panel.get_by_text("Not in the directory? Add it").click()
    form = panel.locator("#agency_new")
    expect(form.get_by_label("Agency name")).to_have_value("Springfield Police Department")
    form.get_by_label(re.compile("^Number")).fill("+1 217 555 0143")  # the request's own
    form.get_by_label("Where you found it").select_option("directory")
    form.get_by_label(re.compile("^Source")).fill("Illinois POST agency list")
    form.get_by_role("button", name="Add the agency and link the case").click()
    expect(desk.locator("[data-error='agency_new.number']")).to_contain_text(
        "never one the request supplied"
    )
    form = desk.locator("#agency_new")
    form.get_by_label(re.compile("^Number")).fill("(217) 555-7000")
    form.get_by_role("button", name="Add the agency and link the case").click()

    expect(desk.get_by_role("status").first).to_contain_text("Agency added to the directory")
    panel = desk.locator("#agency")
    expect(panel.locator("[data-linked-agency]")).to_have_text("Springfield Police Department")
    expect(panel.locator("[data-callback-number]")).to_have_text(LIST_NUMBER)
    expect(panel).to_contain_text("official directory or list: Illinois POST agency list")
    timeline = desk.locator("#timeline")
    expect(timeline).to_contain_text("Linked to Springfield Police Department (IL, US)")
    expect(timeline).to_contain_text(
        "Risk assessed again (linked to Springfield Police Department)"
    )

    move(desk, "triaged")
    move(desk, "under_review")
    verification = desk.locator("#verification")
    verification.get_by_role("button", name="Open a callback task").click()
    expect(verification.locator(".callback")).to_contain_text(LIST_NUMBER)
    verification.get_by_label("Confirmed", exact=True).check()
    verification.get_by_label("Answered by").fill("Sgt. Ito, records desk")
    verification.get_by_label("A supervisor confirmed").check()
    verification.get_by_role("button", name="Record outcome").click()
    expect(desk.locator(".verification-state")).to_contain_text("Passed")
    # Once called back, the case's agency is settled.
    expect(desk.locator("#agency")).to_contain_text("The agency can no longer change")
    draft_and_submit(desk)

    approver = browser.new_context().new_page()
    staff_signs_in(approver, live_server, lead.user.email)
    approver.goto(case_url)
    approver.locator("#approval").get_by_role("button", name="Approve decision").click()
    expect(approver.get_by_role("status").first).to_contain_text("Decision approved")


def seed(factory) -> None:  # type: ignore[no-untyped-def]
    with factory() as session:
        session.add_all(
            [
                Agency(
                    name="Springfield Police Department",
                    state="IL",
                    ori="IL0840200",
                    agency_type="City",
                    source="fbi",
                ),
                Agency(
                    name="Springfield Police Department",
                    state="MA",
                    ori="MA0071800",
                    agency_type="City",
                    source="fbi",
                ),
            ]
        )
        session.commit()


def test_a_lead_finds_corrects_and_gives_an_agency_its_number(  # type: ignore[no-untyped-def]
    live_server: str, page: Page, lead, factory
) -> None:
    seed(factory)
    staff_signs_in(page, live_server, lead.user.email)
    page.get_by_role("link", name="Directory").click()
    expect(page.get_by_role("heading", name="Agency directory")).to_be_visible()
    page.get_by_label("Name, ORI or domain").fill("springfield police")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("[data-agency-id]")).to_have_count(2)
    page.get_by_label("State").fill("IL")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("[data-agency-id]")).to_have_count(1)
    page.locator("[data-agency-id] a").click()
    expect(page.get_by_role("heading", name="Springfield Police Department")).to_be_visible()
    expect(page.locator("#numbers")).to_contain_text("No callback number")

    details = page.locator("#details")
    details.get_by_text("Edit details").click()
    details.get_by_label(re.compile("^Homepage")).fill("https://www.springfield.il.us/police")
    details.get_by_role("button", name="Save details").click()
    expect(page.get_by_role("status")).to_have_text("Agency details saved.")

    numbers = page.locator("#numbers")
    numbers.get_by_text("Add a number").click()
    numbers.get_by_label(re.compile("^Number")).fill("+1 217 788 8311")
    numbers.get_by_role("button", name="Add number").click()
    # The browser will not send it without a source; once given, it is kept with it.
    expect(numbers.get_by_label(re.compile("^Number"))).to_have_value("+1 217 788 8311")
    numbers.get_by_label("Where you found it").select_option("agency_website")
    numbers.get_by_label(re.compile("^Source")).fill("springfield.il.us/police/contact")
    numbers.get_by_role("button", name="Add number").click()
    expect(page.get_by_role("status")).to_have_text("Number added.")
    expect(page.locator("[data-callback-number]")).to_have_text("+12177888311")
    history = page.locator("#history")
    expect(history).to_contain_text("Callbacks dial +12177888311")
    expect(history).to_contain_text("Homepage: — → https://www.springfield.il.us/police")
    expect(history).to_contain_text(lead.user.email)
