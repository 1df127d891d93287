"""In Chromium: a removal order naming many items. The analyst disables access and the page
answers at once; the worker disables the items one by one and the order panel, refreshing
itself, shows each as it goes, then the order executed. With EXIGENT_SCREENSHOTS=<folder>
the panel in progress is saved there at 1440 and 390 px."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect

from e2e.staff import sign_in
from e2e.test_eu_removal_order import _shots
from eu_orders.records import eu_record
from exigent.auth.models import Role
from exigent.config import Settings
from exigent.deadlines import run_due
from exigent.platform_data.generate import generate_one
from exigent.workflow.jobs import deadline_handlers

pytestmark = pytest.mark.browser


@pytest.fixture
def settings(settings: Settings, tmp_path: Path) -> Settings:
    store = tmp_path / "platform.db"
    for username in ("nightowl_88", "riverside_news", "cold.harbour"):
        generate_one(store, username=username, records=60, now=datetime.now(UTC), days=30)
    return settings.model_copy(update={"platform_store": store})


def _decided(api: httpx.Client, analyst, lead, case_id: int) -> None:  # type: ignore[no-untyped-def]
    for status in ("triaged", "under_review"):
        moved = api.post(
            f"/requests/{case_id}/transitions", json={"to": status}, headers=analyst.headers
        )
        assert moved.status_code == 200, moved.text
    drafted = api.put(
        f"/requests/{case_id}/decision",
        json={"rationale": "Valid, in scope, binding: execute.", "items": []},
        headers=analyst.headers,
    )
    assert drafted.status_code == 200, drafted.text
    assert api.post(f"/requests/{case_id}/decision/submit", headers=analyst.headers).is_success
    approved = api.post(f"/requests/{case_id}/decision/approve", json={}, headers=lead.headers)
    assert approved.status_code == 200, approved.text


def test_many_items_are_removed_in_the_background_while_the_panel_shows_them(
    page: Page, live_server: str, make_account, settings: Settings, factory
) -> None:  # type: ignore[no-untyped-def]
    analyst, lead = make_account(Role.analyst), make_account(Role.lead)
    with sqlite3.connect(settings.platform_store) as store:
        urls = [row[0] for row in store.execute("SELECT url FROM content ORDER BY rowid")][:8]
    api = httpx.Client(base_url=f"{live_server}/api/v1")
    record = eu_record(
        "eu_removal_order",
        received_at=(datetime.now(UTC) - timedelta(minutes=3)).isoformat(),
        eu_order__content=[
            {"locator": url, "reason": "Incites terrorist offences"} for url in urls
        ],
    )
    made = api.post("/requests", json=record, headers=analyst.headers)
    assert made.status_code == 201, made.text
    case_id = made.json()["id"]
    _decided(api, analyst, lead, case_id)

    sign_in(page, live_server, analyst.user.email)
    page.goto(f"{live_server}/console/cases/{case_id}")
    panel = page.locator("#eu-order-panel")
    expect(panel).to_be_visible(timeout=20_000)
    panel.get_by_role("button", name="Disable access in the EU now").click()
    expect(panel.locator("[data-done]")).to_contain_text("Removing 8 items")
    expect(panel.locator("[data-progress]")).to_have_attribute("data-progress", "0/8")

    run_due(factory, deadline_handlers(), now=datetime.now(UTC), limit=3, settings=settings)
    # The panel asks again by itself every two seconds: no reload.
    expect(panel.locator("[data-progress]")).to_have_attribute(
        "data-progress", "3/8", timeout=10_000
    )
    expect(panel.locator("[data-restricted]")).to_have_count(3)
    _shots(page, "eu-removal-progress")

    run_due(factory, deadline_handlers(), now=datetime.now(UTC), settings=settings)
    expect(panel.locator('[data-order-status="executed"]')).to_be_visible(timeout=10_000)
    expect(panel.locator("[data-restricted]")).to_have_count(8)
    expect(panel.locator('[data-order-clock="eu_execute_by"]')).to_have_attribute(
        "data-clock-status", "met"
    )
    # Four items each of two accounts: each provider has its own notice.
    expect(panel.locator('[data-message="content_provider"]')).to_have_count(2)
    api.close()
