"""Contact methods as people keep them: the API, its refusals naming the field, who may see
and change whose, the audit trail, and test messages reaching a local receiver."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from exigent.audit.models import AuditEvent
from exigent.auth.models import Role
from exigent.oncall.models import ContactMethod
from exigent.oncall.transports import verify_signature
from http_receiver import HttpReceiver

API = "/api/v1/oncall/contacts"


@pytest.fixture
def receiver() -> Iterator[HttpReceiver]:
    with HttpReceiver() as fake:
        yield fake


def test_a_person_adds_orders_and_reads_back_their_methods(client, make_account, factory) -> None:  # type: ignore[no-untyped-def]
    ana = make_account(Role.analyst, "ana@example.test")
    first = client.post(
        API, json={"kind": "email", "target": "Ana@Example.test"}, headers=ana.headers
    )
    assert first.status_code == 201, first.text
    assert first.json()["target"] == "Ana@example.test" and first.json()["position"] == 0
    second = client.post(
        API,
        json={
            "kind": "slack",
            "label": "team channel",
            "target": "https://hooks.allowed.test/services/T/B/c",
        },
        headers=ana.headers,
    )
    assert second.status_code == 201 and second.json()["position"] == 1
    moved = client.patch(f"{API}/{second.json()['id']}", json={"move": "up"}, headers=ana.headers)
    assert moved.status_code == 200
    listed = client.get(API, headers=ana.headers).json()
    assert [m["kind"] for m in listed] == ["slack", "email"]
    off = client.patch(f"{API}/{first.json()['id']}", json={"enabled": False}, headers=ana.headers)
    assert off.json()["enabled"] is False
    gone = client.delete(f"{API}/{second.json()['id']}", headers=ana.headers)
    assert gone.status_code == 204
    assert [m["kind"] for m in client.get(API, headers=ana.headers).json()] == ["email"]
    with factory() as session:
        trail = session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.action.like("oncall.contact_%"))
            .order_by(AuditEvent.seq)
        ).all()
    assert trail == [
        "oncall.contact_added",
        "oncall.contact_added",
        "oncall.contact_moved",
        "oncall.contact_changed",
        "oncall.contact_removed",
    ]


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"kind": "email", "target": "not-an-address"}, "target", "valid email"),
        (
            {"kind": "slack", "target": "https://hooks.evil.example/x"},
            "target",
            "not on the allowed list",
        ),
        ({"kind": "webhook", "target": "http://hooks.allowed.test/x"}, "target", "https"),
        ({"kind": "webhook", "target": "https://192.168.1.10/x"}, "target", "private"),
        ({"kind": "pagerduty", "target": "  "}, "target", "routing key"),
        ({"kind": "fax", "target": "+15550100"}, "kind", "Input should be"),
        ({"kind": "webhook", "target": "http://127.0.0.1:9/x", "secret": "short"}, "secret", "16"),
    ],
)
def test_bad_input_is_a_422_naming_the_field_and_nothing_is_kept(
    client, make_account, factory, body, field, words
) -> None:  # type: ignore[no-untyped-def]
    ana = make_account(Role.analyst, "ana@example.test")
    answer = client.post(API, json=body, headers=ana.headers)
    assert answer.status_code == 422, answer.text
    said = answer.text
    assert field in said and words in said
    with factory() as session:
        assert session.scalars(select(ContactMethod)).all() == []


def test_a_webhook_secret_is_shown_once_signs_the_test_and_stays_out_of_the_audit_log(
    client, make_account, factory, receiver
) -> None:  # type: ignore[no-untyped-def]
    ana = make_account(Role.analyst, "ana@example.test")
    added = client.post(
        API, json={"kind": "webhook", "target": f"{receiver.url}/hook"}, headers=ana.headers
    ).json()
    secret = added["secret"]
    assert secret and len(secret) >= 32 and added["has_secret"]
    assert client.get(API, headers=ana.headers).json()[0]["secret"] is None
    tested = client.post(f"{API}/{added['id']}/test", headers=ana.headers)
    assert tested.status_code == 200 and tested.json()["ok"] is True
    [got] = receiver.requests
    assert got.json()["subject"] == "Exigent test message"
    assert verify_signature(
        secret,
        got.headers["x-exigent-timestamp"],
        got.body,
        got.headers["x-exigent-signature"],
        datetime.now(UTC),
    )
    again = client.get(API, headers=ana.headers).json()[0]
    assert again["last_ok"] is True and again["last_detail"].startswith("200")
    with factory() as session:
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.action.like("oncall.contact_%"))
        ).all()
    assert [e.action for e in events] == ["oncall.contact_added", "oncall.contact_tested"]
    assert all(secret not in str(e.detail) for e in events)
    assert events[1].detail["ok"] is True


def test_a_failing_far_end_is_reported_with_its_reason(client, make_account, receiver) -> None:  # type: ignore[no-untyped-def]
    receiver.script(500)
    ana = make_account(Role.analyst, "ana@example.test")
    added = client.post(
        API, json={"kind": "slack", "target": f"{receiver.url}/x"}, headers=ana.headers
    ).json()
    tested = client.post(f"{API}/{added['id']}/test", headers=ana.headers).json()
    assert (tested["ok"], tested["retry"], tested["status"]) == (False, True, 500)
    assert client.get(API, headers=ana.headers).json()[0]["last_ok"] is False


def test_one_person_cannot_see_or_change_anothers_methods_but_a_scheduler_can(
    client, make_account
) -> None:  # type: ignore[no-untyped-def]
    ana = make_account(Role.analyst, "ana@example.test")
    ben = make_account(Role.analyst, "ben@example.test")
    kim = make_account(Role.scheduler, "kim@example.test")
    mine = client.post(
        API, json={"kind": "email", "target": "ana@example.test"}, headers=ana.headers
    )
    method_id = mine.json()["id"]
    assert client.get(API, params={"user_id": ana.user.id}, headers=ben.headers).status_code == 403
    assert client.get(API, headers=ben.headers).json() == []
    assert (
        client.patch(f"{API}/{method_id}", json={"label": "x"}, headers=ben.headers).status_code
        == 404
    )
    assert client.delete(f"{API}/{method_id}", headers=ben.headers).status_code == 404
    assert client.post(f"{API}/{method_id}/test", headers=ben.headers).status_code == 404
    refused = client.post(
        API,
        json={"kind": "email", "target": "ben@example.test", "user_id": ana.user.id},
        headers=ben.headers,
    )
    assert refused.status_code == 403
    seen = client.get(API, params={"user_id": ana.user.id}, headers=kim.headers).json()
    assert [m["id"] for m in seen] == [method_id]
    set_for_ana = client.post(
        API,
        json={"kind": "email", "target": "ana.home@example.test", "user_id": ana.user.id},
        headers=kim.headers,
    )
    assert set_for_ana.status_code == 201 and set_for_ana.json()["user_id"] == ana.user.id
    assert (
        client.patch(f"{API}/{method_id}", json={"label": "work"}, headers=kim.headers).json()[
            "label"
        ]
        == "work"
    )


def test_a_pagerduty_key_reads_back_only_by_its_end(client, make_account) -> None:  # type: ignore[no-untyped-def]
    ana = make_account(Role.analyst, "ana@example.test")
    added = client.post(
        API, json={"kind": "pagerduty", "target": "abcdef0123456789WXYZ"}, headers=ana.headers
    )
    assert added.status_code == 201
    assert added.json()["target"] == "…WXYZ"
