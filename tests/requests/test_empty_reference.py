"""An empty reference is no idempotency key: two such submissions are two cases."""

from __future__ import annotations

from factories import emergency_record


def test_two_submissions_with_an_empty_id_are_two_cases(client, analyst):
    first = client.post("/api/v1/requests", json=emergency_record(id=""), headers=analyst.headers)
    second = client.post(
        "/api/v1/requests",
        json=emergency_record(id="", case_number="other"),
        headers=analyst.headers,
    )
    assert first.status_code == 201, first.text
    assert second.status_code == 201, second.text
    assert first.json()["id"] != second.json()["id"]
