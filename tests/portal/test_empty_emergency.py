"""An emergency sent with nothing filled in: accepted, and both sides told what is missing."""

from __future__ import annotations

import re

from sqlalchemy import select

from console.helpers import sign_in
from exigent.cases.models import Request
from portal.conftest import Portal
from portal.test_requests import case_id, emergency_form, submit


def _items(html: str, marker: str) -> list[str]:
    block = html.split(marker, 1)[1].split("</ul>", 1)[0]
    return [re.sub(r"<[^>]+>", "", item).strip() for item in block.split("<li>")[1:]]


def test_an_empty_emergency_is_accepted_and_what_is_missing_is_said_on_both_sides(  # type: ignore[no-untyped-def]
    client, portal: Portal, analyst, factory
):
    response = submit(client, "emergency", {"idempotency_key": "k-empty"})
    number = case_id(response)
    with factory() as session:
        assert session.execute(select(Request.priority)).scalar_one() == "P0"

    confirmation = client.get(response.headers["location"]).text
    assert "Request received." in confirmation
    missing = _items(confirmation, "data-sent-missing")
    assert "the facts that show the emergency" in missing
    assert any(m.startswith("the account(s) concerned") for m in missing)
    assert "your signed attestation that the request is genuine and urgent" in missing

    client.cookies.clear()
    sign_in(client, analyst.user.email)
    page = client.get(f"/console/cases/{number}").text
    summary = page.split("data-missing-summary>", 1)[1].split("</p>", 1)[0]
    reason = re.sub(r"<[^>]+>", "", summary).removeprefix("Not passed:").strip()
    assert reason.startswith("no ") and reason.endswith(".")
    for gap in ("no target account", "no description of the emergency", "no signed attestation"):
        assert gap in reason


def test_a_complete_emergency_lists_nothing_missing(client, portal: Portal):  # type: ignore[no-untyped-def]
    response = submit(client, "emergency", emergency_form())
    confirmation = client.get(response.headers["location"]).text
    assert "Request received." in confirmation and "data-sent-missing" not in confirmation
