"""After an action on the case page: the address is the case's, the confirmation is in view next
to the panel acted on, and a reload repeats nothing (Post/Redirect/Get)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Locator, Page, expect
from sqlalchemy import select

from e2e.staff import sign_in
from exigent.cases.models import TimelineEvent
from exigent.verification.models import Callback
from legal.flows import create_case, link_agency, ready_for_approval

pytestmark = pytest.mark.browser


def in_view_below_the_top_bar(page: Page, note: Locator) -> None:
    """The note is on screen, and not hidden under the sticky top bar."""
    expect(note).to_be_in_viewport()
    box = note.bounding_box()
    bar = page.locator(".topbar").bounding_box()
    assert box is not None and bar is not None
    assert box["y"] >= bar["y"] + bar["height"] - 1, (box, bar)
    assert box["y"] + box["height"] <= page.viewport_size["height"]  # type: ignore[index]


def at_the_case(page: Page, base: str, case_id: int, panel: str) -> None:
    """The address bar holds the case page's own address, opened at the panel."""
    expect(page).to_have_url(f"{base}/console/cases/{case_id}#{panel}")


def count(factory, model, **where) -> int:  # type: ignore[no-untyped-def]
    with factory() as session:
        query = select(model)
        for name, value in where.items():
            query = query.where(getattr(model, name) == value)
        return len(session.execute(query).scalars().all())


@pytest.mark.parametrize("width", [1440, 390])
def test_the_next_move_is_one_button_and_a_reload_does_not_move_again(  # type: ignore[no-untyped-def]
    live_server: str, page: Page, client, analyst, factory, width: int
) -> None:
    case = create_case(client, analyst)
    page.set_viewport_size({"width": width, "height": 800})
    sign_in(page, live_server, analyst.user.email)
    page.goto(f"{live_server}/console/cases/{case['id']}")
    status = page.locator("#status")
    status.get_by_role("button", name="Triage").click()

    at_the_case(page, live_server, case["id"], "status")
    note = status.get_by_role("status")
    expect(note).to_have_text("Case moved to triaged.")
    in_view_below_the_top_bar(page, note)
    expect(note).to_be_focused()
    expect(page.locator("#case-status")).to_have_text("Status: Triaged")
    # The next one is offered at once; the full list stays behind "Another move".
    expect(status.get_by_role("button", name="Start verification")).to_be_visible()
    expect(status.get_by_label("Move to")).to_be_hidden()

    page.reload()
    expect(page.locator("#case-status")).to_have_text("Status: Triaged")
    expect(status.get_by_role("status")).to_have_count(0)
    assert count(factory, TimelineEvent, request_id=case["id"], kind="transition") == 1


def test_a_note_is_added_once_however_often_the_page_is_reloaded(  # type: ignore[no-untyped-def]
    live_server: str, page: Page, client, analyst, factory
) -> None:
    case = create_case(client, analyst)
    sign_in(page, live_server, analyst.user.email)
    page.goto(f"{live_server}/console/cases/{case['id']}")
    timeline = page.locator("#timeline")
    timeline.get_by_label("Add a note").fill("Called the desk sergeant; waiting on the form.")
    timeline.get_by_role("button", name="Add note").click()

    at_the_case(page, live_server, case["id"], "timeline")
    in_view_below_the_top_bar(page, timeline.get_by_role("status"))
    expect(timeline.get_by_role("status")).to_have_text("Note added.")
    page.reload()
    page.reload()
    expect(timeline.get_by_text("Called the desk sergeant")).to_have_count(1)
    assert count(factory, TimelineEvent, request_id=case["id"], kind="note") == 1


def test_a_callback_task_is_opened_once_and_said_beside_the_verification_panel(  # type: ignore[no-untyped-def]
    live_server: str, page: Page, client, analyst, factory
) -> None:
    case = create_case(client, analyst)
    link_agency(factory, case["id"], name="Springfield PD", phone_source="agency website")
    sign_in(page, live_server, analyst.user.email)
    page.goto(f"{live_server}/console/cases/{case['id']}")
    verification = page.locator("#verification")
    verification.get_by_role("button", name="Open a callback task").click()

    at_the_case(page, live_server, case["id"], "verification")
    note = verification.get_by_role("status")
    expect(note).to_contain_text("Callback task opened")
    in_view_below_the_top_bar(page, note)
    page.reload()
    expect(verification.locator(".callback")).to_have_count(1)
    assert count(factory, Callback, request_id=case["id"]) == 1


def test_approving_from_the_next_move_lands_on_the_case_not_on_the_approve_address(  # type: ignore[no-untyped-def]
    live_server: str, page: Page, client, analyst, lead, factory
) -> None:
    case = ready_for_approval(client, analyst, factory)
    sign_in(page, live_server, lead.user.email)
    page.goto(f"{live_server}/console/cases/{case['id']}")
    status = page.locator("#status")
    status.get_by_role("button", name="Approve decision").click()

    at_the_case(page, live_server, case["id"], "status")
    assert "/decision/approve" not in page.url
    note = status.get_by_role("status")
    expect(note).to_contain_text("Decision approved")
    in_view_below_the_top_bar(page, note)
    expect(page.locator("#case-status")).to_have_text("Status: Approved")
    page.reload()
    expect(page.locator("#approval")).to_contain_text("Approved.")
    assert count(factory, TimelineEvent, request_id=case["id"], to_status="approved") == 1


def test_a_refused_move_stays_with_its_reason_and_the_list_open(  # type: ignore[no-untyped-def]
    live_server: str, page: Page, client, analyst
) -> None:
    case = create_case(client, analyst)
    sign_in(page, live_server, analyst.user.email)
    page.goto(f"{live_server}/console/cases/{case['id']}")
    status = page.locator("#status")
    status.get_by_text("Another move").click()
    status.get_by_label("Move to").select_option("rejected")
    status.get_by_role("button", name="Move", exact=True).click()
    expect(status.locator("[data-error=status]")).to_contain_text("reason: required")
    expect(status.get_by_label("Move to")).to_be_visible()
    expect(page.locator("#case-status")).to_have_text("Status: Received")
