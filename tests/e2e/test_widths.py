"""Every console page fits a phone (390 px) without scrolling sideways, and at 1440 px the
queue shows every column."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import update

from e2e.staff import sign_in
from exigent.auth.models import Role, User
from exigent.cases.models import Request
from exigent.db import utcnow
from factories import emergency_record, subpoena_record
from legal.flows import create_case, ready_for_approval

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1440, "height": 900}


def _long_agency_case(client, analyst):  # type: ignore[no-untyped-def]
    """A case with the long names that push tables wide."""
    record = emergency_record()
    record["requester"]["agency_name"] = (
        "Office of the Sheriff of Saint Bernard Parish Criminal Investigations Division"
    )
    record["case_number"] = "2026-CID-000123456789-SUPPLEMENTAL"
    return create_case(client, analyst, record)


def test_every_console_page_fits_a_phone(  # type: ignore[no-untyped-def]
    live_server: str, page: Page, client, analyst, factory, make_account
) -> None:
    case = _long_agency_case(client, analyst)
    ready_for_approval(client, analyst, factory, subpoena_record())
    legal = make_account(Role.legal, "legal.widths@example.test")
    long_hook = "http://127.0.0.1:9/" + "services/T0123456789/B0123456789/" * 4
    for target in (long_hook, "legal.widths@example.test"):
        kind = "webhook" if target.startswith("http") else "email"
        added = client.post(
            "/api/v1/oncall/contacts", json={"kind": kind, "target": target}, headers=legal.headers
        )
        assert added.status_code == 201, added.text
    sign_in(page, live_server, legal.user.email)
    page.set_viewport_size(PHONE)
    reference = f"EXG-{case['id']:07d}"
    pages = {
        "queue": ("/console", reference),
        "case": (f"/console/cases/{case['id']}", reference),
        "find": ("/console/find?ref=example", "Find"),
        "directory": ("/console/directory", "Directory"),
        "policy": ("/console/policy", "Policy"),
        "audit": ("/console/audit", "Audit log"),
        "home": ("/console/home", "Exigent"),
        "contacts": ("/oncall/contacts", "How to reach me"),
        "on call": ("/oncall/alerts", "Who answers now"),
        "escalation policies": ("/oncall/policies", "Escalation policies"),
    }
    for name, (path, key) in pages.items():
        page.goto(f"{live_server}{path}")
        page.wait_for_load_state("load")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"the {name} page is {width} px wide on a phone"
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        expect(page.get_by_text(key, exact=False).first).to_be_visible()
    # On the queue the case is a card: its reference, priority and clock all in view.
    page.goto(f"{live_server}/console")
    row = page.locator(f'#queue-body tr[data-case-id="{case["id"]}"]')
    for part in (
        row.get_by_role("link", name=reference),
        row.locator(".badge-p0"),
        row.locator(".clock"),
    ):
        box = part.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]


def test_the_queue_shows_every_column_at_1440(  # type: ignore[no-untyped-def]
    live_server: str, page: Page, client, analyst, lead, factory
) -> None:
    overdue = _long_agency_case(client, analyst)
    create_case(client, analyst, subpoena_record())
    with factory() as session:
        # Days overdue and a long name: the longest clock and assignee the queue shows.
        session.execute(
            update(Request)
            .where(Request.id == overdue["id"])
            .values(acknowledge_due_at=utcnow() - timedelta(days=3, hours=4))
        )
        session.execute(
            update(User)
            .where(User.id == analyst.user.id)
            .values(name="Alexandra Montgomery-Fitzgerald")
        )
        session.commit()
    client.post(
        f"/api/v1/requests/{overdue['id']}/assignment",
        json={"assignee_id": analyst.user.id},
        headers=lead.headers,
    )
    page.set_viewport_size(DESKTOP)
    sign_in(page, live_server, analyst.user.email)
    header = page.locator(".queue-table thead th").last
    expect(header).to_have_text(re.compile("Risk", re.I))
    for cell in (header, page.locator("#queue-body tr[data-case-id] td").last):
        box = cell.bounding_box()
        assert box is not None and box["x"] + box["width"] <= DESKTOP["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= DESKTOP["width"]
    queue = page.locator("section.queue")
    assert queue.evaluate("el => el.scrollWidth <= el.clientWidth")
