"""A mistyped target account, in the browser: the case page says the platform has no such
account, and Build production says why it refuses instead of a click that shows nothing."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from e2e.staff import sign_in
from exigent.config import Settings
from exigent.db import utcnow
from exigent.platform_data.generate import generate_one
from factories import emergency_record
from production.flows import approved_case

pytestmark = pytest.mark.browser

SHOTS = os.environ.get("EXIGENT_SCREENSHOTS")


@pytest.fixture
def settings(settings: Settings, tmp_path: Path) -> Settings:
    """The platform knows night.owl.77; the officer typed night.owl.7."""
    store = tmp_path / "platform.db"
    generate_one(store, username="night.owl.77", records=200, now=utcnow(), days=30)
    return settings.model_copy(update={"platform_store": store})


def test_a_mistyped_target_is_shown_and_its_production_refused_by_name(  # type: ignore[no-untyped-def]
    live_server: str, page: Page, client, analyst, lead, officer, factory, settings
) -> None:
    record = emergency_record(targets=[{"identifier_type": "username", "value": "night.owl.7"}])
    case = approved_case(client, analyst, lead, factory, record, submitter=officer)
    sign_in(page, live_server, analyst.user.email)
    page.goto(f"{live_server}/console/cases/{case['id']}")

    targets = page.locator("#targets")
    expect(targets.get_by_role("row", name="night.owl.7")).to_contain_text(
        "no such account on the platform"
    )
    panel = page.locator("#production-panel")
    expect(panel.locator("[data-unknown-target]").first).to_be_visible()
    panel.get_by_role("button", name="Build production").click()
    refusal = panel.locator("[data-error=build]")
    expect(refusal).to_contain_text("username:night.owl.7: no such account on the platform")
    expect(refusal).to_contain_text("nothing was built")
    expect(panel).to_contain_text("No production yet.")
    if SHOTS:
        shots(page, Path(SHOTS))
    root = settings.productions_root
    assert not root.exists() or not list(root.iterdir())


def shots(page: Page, folder: Path) -> None:
    """The refused build as the panel shows it, desktop and phone, light and dark."""
    folder.mkdir(parents=True, exist_ok=True)
    page.evaluate("document.querySelector('.topbar').style.position = 'static'")
    for theme in ("light", "dark"):
        page.emulate_media(color_scheme=theme)
        for suffix, width in (("", 1440), ("-phone", 390)):
            page.set_viewport_size({"width": width, "height": 900})
            path = folder / f"case-production-unknown-target{suffix}-{theme}.png"
            page.locator("#production").screenshot(path=str(path))
