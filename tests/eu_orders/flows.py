"""Orders from EU authorities over the API, as the authority and the team do."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from eu_orders.records import eu_record
from legal.flows import create_case


def fresh(kind: str, *categories: str, minutes_ago: int = 5, **changes: Any) -> dict[str, Any]:
    """An order of `kind` received a few minutes ago."""
    received = datetime.now(UTC) - timedelta(minutes=minutes_ago)
    return eu_record(kind, *categories, received_at=received.isoformat(), **changes)


def submit_order(client, account, record: dict[str, Any]) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    return create_case(client, account, record)


def order_of(client, account, case_id: int) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    response = client.get(f"/api/v1/requests/{case_id}/eu-order", headers=account.headers)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def post(client, account, path: str, body: dict[str, Any] | None = None):  # type: ignore[no-untyped-def]
    return client.post(f"/api/v1{path}", json=body or {}, headers=account.headers)


def clock(order: dict[str, Any], kind: str) -> dict[str, Any]:
    return next(c for c in order["clocks"] if c["kind"] == kind)


def message(order: dict[str, Any], kind: str) -> dict[str, Any]:
    return [m for m in order["messages"] if m["kind"] == kind][-1]
