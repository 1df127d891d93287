"""What a newcomer sees first: the front page and working API docs, with no outside host."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def test_front_page_links_to_docs_and_docs_render_offline(live_server: str, page: Page) -> None:
    outside: list[str] = []
    page.on(
        "request", lambda r: outside.append(r.url) if not r.url.startswith(live_server) else None
    )
    page.goto(live_server + "/")
    expect(page.get_by_role("heading", name="Exigent")).to_be_visible()
    page.get_by_role("link", name="API documentation").click()
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Exigent")
    expect(page.get_by_text("/api/v1/requests").first).to_be_visible()
    assert outside == []


def test_health_link_reports_ok(live_server: str, page: Page) -> None:
    page.goto(live_server + "/")
    page.get_by_role("link", name="Service health").click()
    expect(page.locator("body")).to_contain_text('"status":"ok"')
