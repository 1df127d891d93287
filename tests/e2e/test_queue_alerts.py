"""New emergencies are not silent, approvals waiting are counted, and the queue's status and
kind filters are ticks a keyboard can reach."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from e2e.staff import sign_in
from factories import subpoena_record
from legal.flows import create_case, ready_for_approval

pytestmark = pytest.mark.browser


def refresh(page: Page) -> None:
    """What the 30-second timer does, without waiting 30 seconds."""
    with page.expect_response(re.compile(r"/console/new-emergencies")):
        page.evaluate("htmx.trigger(document.body, 'queue-refresh')")


def test_a_new_emergency_is_seen_heard_and_counted_in_the_title(  # type: ignore[no-untyped-def]
    live_server: str, page: Page, client, analyst, lead
) -> None:
    first = create_case(client, analyst)
    create_case(client, analyst, subpoena_record())
    sign_in(page, live_server, analyst.user.email)

    band = page.get_by_role("region", name=re.compile("New emergencies"))
    expect(band.locator("[data-new-p0]")).to_have_count(1)
    expect(page).to_have_title("(1) Queue · Exigent")
    # The first look only shows the band: nothing has arrived since.
    expect(page.get_by_role("alert")).to_have_count(0)

    sound = page.get_by_role("button", name=re.compile("Sound for new emergencies"))
    expect(sound).to_have_attribute("aria-pressed", "false")
    sound.click()
    expect(sound).to_have_attribute("aria-pressed", "true")
    expect(sound).to_have_attribute("data-tones", "1")  # the sample, so people know the tone

    second = create_case(client, analyst)
    refresh(page)
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("New emergency:")
    expect(alert.get_by_role("link", name=re.compile(f"EXG-{second['id']:07d}"))).to_be_visible()
    expect(page).to_have_title("(2) Queue · Exigent")
    expect(sound).to_have_attribute("data-tones", "2")
    # The newest is on top of the band, above every older emergency.
    expect(band.locator("[data-new-p0]").first).to_have_attribute("data-new-p0", str(second["id"]))

    # Back on the queue later: the same emergencies do not sound again; the choice is kept.
    page.reload()
    expect(page.get_by_role("button", name=re.compile("Sound for new"))).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(page.get_by_role("alert")).to_have_count(0)

    # Acknowledged (assigned) emergencies leave the band and the title's count.
    client.post(
        f"/api/v1/requests/{first['id']}/assignment",
        json={"assignee_id": analyst.user.id},
        headers=lead.headers,
    )
    refresh(page)
    expect(page).to_have_title("(1) Queue · Exigent")
    expect(band.locator("[data-new-p0]")).to_have_count(1)


def test_a_lead_follows_the_count_of_approvals_to_the_cases(  # type: ignore[no-untyped-def]
    live_server: str, page: Page, client, analyst, lead, factory
) -> None:
    waiting = ready_for_approval(client, analyst, factory)
    create_case(client, analyst, subpoena_record())
    sign_in(page, live_server, lead.user.email)
    page.goto(f"{live_server}/account/security")
    link = page.get_by_role("navigation", name="Main").get_by_role("link", name="To approve 1")
    link.click()
    rows = page.locator("#queue-body tr[data-case-id]")
    expect(rows).to_have_count(1)
    expect(rows.first).to_have_attribute("data-case-id", str(waiting["id"]))
    expect(page.get_by_label("Waiting for my approval")).to_be_checked()


def test_status_and_kind_are_ticks_in_folds_a_keyboard_can_use(  # type: ignore[no-untyped-def]
    live_server: str, page: Page, client, analyst
) -> None:
    create_case(client, analyst)
    subpoena = create_case(client, analyst, subpoena_record())
    sign_in(page, live_server, analyst.user.email)
    filters = page.get_by_role("complementary", name="Filters")
    received = filters.get_by_role("checkbox", name="Received")
    expect(received).to_be_hidden()  # folded until wanted

    kind_fold = filters.locator("summary", has_text="Kind")
    kind_fold.focus()
    page.keyboard.press("Enter")
    subpoena_box = filters.get_by_role("checkbox", name="Subpoena")
    subpoena_box.focus()
    page.keyboard.press("Space")
    expect(subpoena_box).to_be_checked()
    filters.locator("summary", has_text="Status").click()
    received.check()
    filters.get_by_role("button", name="Apply").click()

    expect(page).to_have_url(re.compile(r"status=received.*kind=subpoena"))
    rows = page.locator("#queue-body tr[data-case-id]")
    expect(rows).to_have_count(1)
    expect(rows.first).to_have_attribute("data-case-id", str(subpoena["id"]))
    # The folds with a choice open again, saying how many are chosen.
    expect(filters.get_by_role("checkbox", name="Subpoena")).to_be_checked()
    expect(filters.locator("summary", has_text="Status")).to_contain_text("1 chosen")
