"""An empty idempotency key or record id is no key at all: two such submissions are two cases."""

from __future__ import annotations

from factories import emergency_record


def test_two_submissions_with_empty_ids_are_two_cases(client, analyst) -> None:  # type: ignore[no-untyped-def]
    first = client.post("/api/v1/requests", json=emergency_record(id=""), headers=analyst.headers)
    second = client.post(
        "/api/v1/requests",
        json=emergency_record(id="", case_number="26-99999"),
        headers={**analyst.headers, "Idempotency-Key": ""},
    )
    assert first.status_code == 201, first.text
    assert second.status_code == 201, second.text
    assert first.json()["id"] != second.json()["id"]
