"""Every staff page's header says who is on call, and the person paged acknowledges from
the band, on a wide screen and on a phone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session, sessionmaker

from e2e.staff import sign_in
from exigent.config import Settings
from exigent.db import utcnow
from exigent.deadlines import run_due
from exigent.oncall.paging import open_page
from exigent.workflow.jobs import deadline_handlers
from oncall.conftest import OnCallWorld, receiver, world  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser

WIDTHS = {"desktop": {"width": 1440, "height": 900}, "phone": {"width": 390, "height": 844}}


def _page_ana(factory: sessionmaker[Session], settings: Settings) -> None:
    now = utcnow()
    with factory() as session:
        open_page(
            session,
            trigger="p0_new",
            summary="A teenager at risk tonight",
            request_id=None,
            severity="critical",
            dedup_key="band:1",
            now=now,
        )
        session.commit()
    run_due(factory, deadline_handlers(), now=now, settings=settings)


@pytest.mark.parametrize("width", list(WIDTHS))
def test_the_band_names_who_is_on_call_and_acknowledges(
    live_server: str,
    page: Page,
    factory: sessionmaker[Session],
    settings: Settings,
    world: OnCallWorld,  # noqa: F811
    width: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    _page_ana(factory, settings)
    page.set_viewport_size(WIDTHS[width])
    sign_in(page, live_server, "ana@example.test")
    page.goto(f"{live_server}/staffing/mine")
    band = page.get_by_role("region", name="On call")
    expect(band).to_contain_text("On call: Ana (emergency), Lee (lead)")
    expect(band).to_contain_text("You are paged: A teenager at risk tonight")
    button = band.get_by_role("button", name="Acknowledge")
    box = button.bounding_box()
    assert box is not None and box["x"] + box["width"] <= WIDTHS[width]["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTHS[width]["width"]
    page.screenshot(path=str(tmp_path_factory.getbasetemp() / f"oncall-band-{width}.png"))
    button.click()
    expect(page).to_have_url(re.compile(r"/staffing/mine"))
    expect(page.get_by_text("You are paged")).to_have_count(0)
    expect(page.get_by_text("Page acknowledged: its escalation has stopped.")).to_be_visible()
