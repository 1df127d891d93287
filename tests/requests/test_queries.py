"""Listing cases a page at a time: a cursor is only ever one this API handed out."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from itsdangerous import URLSafeSerializer

from exigent.cases.queries import CURSOR_SALT
from exigent.config import DEV_SECRET
from factories import emergency_record, subpoena_record


def unsigned(values: Any) -> str:
    """A cursor in the old unsigned form, as someone who read one might forge it."""
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


def signed(values: Any, key: str = DEV_SECRET) -> str:
    """A cursor signed with a key: ours stands for a format an older release may have used."""
    return str(URLSafeSerializer(key, salt=CURSOR_SALT).dumps(values))


def first_page(client, account, order: str = "urgency") -> dict[str, Any]:  # type: ignore[no-untyped-def]
    for _ in range(3):
        client.post("/api/v1/requests", json=emergency_record(), headers=account.headers)
    client.post("/api/v1/requests", json=subpoena_record(), headers=account.headers)
    page = client.get(f"/api/v1/requests?limit=2&order={order}", headers=account.headers)
    assert page.status_code == 200
    return page.json()  # type: ignore[no-any-return]


FORGED = [
    unsigned(["2026-11-24T08:10:00+00:00", 1]),
    unsigned([20261124, "1"]),
    unsigned(["2026-11-24T08:10:00+00:00", 2**70]),
    unsigned([{"$gt": ""}, None]),
    signed(["urgency", "2026-11-24T08:10:00+00:00", 1], key="someone else's key"),
    signed(["urgency", 20261124, 1]),
    signed(["urgency", "tomorrow", 1]),
    signed(["urgency", "2026-11-24T08:10:00", 1]),  # no offset: compared with what?
    signed(["urgency", "2026-11-24T08:10:00+00:00", "1"]),
    signed(["urgency", "2026-11-24T08:10:00+00:00", 2**63]),
    signed(["urgency", "2026-11-24T08:10:00+00:00", True]),
    signed(["urgency", "2026-11-24T08:10:00+00:00", -5]),
    signed(["urgency", "2026-11-24T08:10:00+00:00"]),
    signed({"order": "urgency"}),
    "ÿ€日本語.カーソル",
    "\x00",
    "a" * 400,
]


@pytest.mark.parametrize("cursor", FORGED)
def test_a_cursor_exigent_did_not_issue_is_refused_by_name(client, analyst, cursor: str) -> None:
    first_page(client, analyst)
    response = client.get(
        "/api/v1/requests", params={"cursor": cursor, "limit": 2}, headers=analyst.headers
    )
    assert response.status_code == 422, response.text
    assert response.json()["error"].startswith("cursor: not a cursor this API returned")
    assert response.json()["field"] == "cursor"


def test_a_cursor_is_kept_to_the_order_it_was_issued_for(client, analyst) -> None:
    newest = first_page(client, analyst, order="newest")
    response = client.get(
        "/api/v1/requests",
        params={"cursor": newest["next_cursor"], "order": "urgency"},
        headers=analyst.headers,
    )
    assert response.status_code == 422
    assert response.json()["field"] == "cursor"


@pytest.mark.parametrize("order", ["urgency", "newest"])
def test_issued_cursors_walk_every_case_once(client, analyst, order: str) -> None:
    page = first_page(client, analyst, order=order)
    seen = [item["id"] for item in page["items"]]
    while page["next_cursor"]:
        answer = client.get(
            "/api/v1/requests",
            params={"cursor": page["next_cursor"], "limit": 2, "order": order},
            headers=analyst.headers,
        )
        assert answer.status_code == 200, answer.text
        page = answer.json()
        seen += [item["id"] for item in page["items"]]
    assert sorted(seen) == [1, 2, 3, 4]


def test_an_overlong_cursor_is_refused_before_it_is_read(client, analyst) -> None:
    response = client.get(
        "/api/v1/requests", params={"cursor": "a" * 5000}, headers=analyst.headers
    )
    assert response.status_code == 422
    assert response.json()["error"].startswith("cursor:")
