"""The hand-off page in a browser: the incoming lead reads the brief and acknowledges it, at
desk width and on a phone. EXIGENT_SCREENSHOTS=<folder> keeps a picture of each width."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from briefs.handoff_world import build
from e2e.staff import sign_in
from exigent.db import utcnow
from exigent.deadlines import run_due
from exigent.workflow.jobs import deadline_handlers
from legal.flows import create_case

pytestmark = pytest.mark.browser

SHOTS = os.environ.get("EXIGENT_SCREENSHOTS")
WIDTHS = {"desktop": {"width": 1440, "height": 900}, "phone": {"width": 390, "height": 844}}


def test_the_incoming_lead_reads_and_acknowledges_the_brief_at_both_widths(  # type: ignore[no-untyped-def]
    live_server: str, page: Page, client, analyst, factory, settings, mailbox
) -> None:
    case = create_case(client, analyst)
    with factory() as session:
        world = build(session, utcnow())
    run_due(factory, deadline_handlers(), now=world.at, settings=settings)
    sign_in(page, live_server, world.lead.email)
    reference = f"EXG-{case['id']:07d}"
    for name, size in WIDTHS.items():
        page.set_viewport_size(size)
        page.goto(f"{live_server}/briefs/handoff")
        page.wait_for_load_state("load")
        expect(page.get_by_role("heading", level=1)).to_contain_text("Shift hand-off")
        expect(page.get_by_role("link", name=reference)).to_be_visible()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= size["width"], f"the hand-off page is {width} px wide at {name}"
        if SHOTS:
            Path(SHOTS).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=f"{SHOTS}/handoff-{name}.png", full_page=True)
    page.get_by_role("button", name="I have read the brief").click()
    expect(page.locator('[data-handoff-state="acknowledged"]')).to_be_visible()
    expect(page.get_by_role("status").first).to_contain_text("Brief acknowledged")
