"""Each commit that changes a case leaves its fact row equal to what the raw rows say."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import text, update

from exigent.analytics.facts import rebuild_facts
from exigent.analytics.upkeep import install
from exigent.cases.models import Request, TimelineEvent
from exigent.db import utcnow
from factories import emergency_record, subpoena_record
from legal.flows import (
    approve,
    create_case,
    items_for,
    legal_view,
    link_agency,
    move,
    put_decision,
    ready_for_approval,
    submit,
    to_review,
    verify_requester,
)

install()


@pytest.fixture
def legal(make_account):  # type: ignore[no-untyped-def]
    from exigent.auth.models import Role

    return make_account(Role.legal)


def _fact(factory, case_id: int) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    with factory() as session:
        row = session.execute(
            text("SELECT * FROM analytics_case_facts WHERE request_id = :id"), {"id": case_id}
        )
        found = row.mappings().one()
    return dict(found)


def _same_instant(first: Any, second: Any) -> bool:
    if first is None or second is None:
        return first is second
    a = datetime.fromisoformat(first) if isinstance(first, str) else first
    b = datetime.fromisoformat(second) if isinstance(second, str) else second
    return a.replace(tzinfo=None) == b.replace(tzinfo=None)


def _raw(factory, case_id: int) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """The case as plain SQL over the raw rows reads it, independent of the fact code."""
    with factory() as session:
        case = (
            session.execute(
                text(
                    "SELECT r.status, r.acknowledged_at, r.decided_at, r.closed_at, r.kind,"
                    " a.country AS agency_country, r.record,"
                    " (SELECT COUNT(*) FROM targets t WHERE t.request_id = r.id) AS accounts,"
                    " (SELECT MIN(e.at) FROM timeline_events e WHERE e.request_id = r.id"
                    "   AND e.to_status = 'delivered') AS delivered_at,"
                    " (SELECT COUNT(*) FROM callbacks c WHERE c.request_id = r.id"
                    "   AND c.outcome = 'denied') AS denied"
                    " FROM requests r LEFT JOIN agencies a ON a.id = r.agency_id"
                    " WHERE r.id = :id"
                ),
                {"id": case_id},
            )
            .mappings()
            .one()
        )
    found = dict(case)
    record = found.pop("record")
    record = json.loads(record) if isinstance(record, str) else record
    declared = (record.get("requester") or {}).get("agency_country")
    found["country"] = (found.pop("agency_country") or declared or "ZZ").upper()
    return found


def _assert_matches_raw(factory, case_id: int, outcome: str) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    fact, raw = _fact(factory, case_id), _raw(factory, case_id)
    assert fact["status"] == raw["status"]
    answered = {"delivered", "preserved", "closed", "rejected", "withdrawn"}
    assert bool(fact["is_open"]) is (raw["status"] not in answered)
    assert fact["kind"] == raw["kind"]
    assert fact["country"] == raw["country"]
    assert fact["accounts"] == raw["accounts"]
    for column in ("acknowledged_at", "decided_at", "closed_at", "delivered_at"):
        assert _same_instant(fact[column], raw[column]), column
    assert fact["outcome"] == outcome
    return fact


def test_a_case_through_its_life_keeps_its_fact_row_current(client, analyst, lead, factory):
    case = ready_for_approval(client, analyst, factory)
    case_id = case["id"]
    fact = _assert_matches_raw(factory, case_id, "pending")
    assert fact["emergency"] and fact["harm"] == "suicide_self_harm"
    assert fact["acknowledge_seconds"] is not None
    assert approve(client, lead, case_id).status_code == 200
    _assert_matches_raw(factory, case_id, "pending")
    for status in ("producing", "delivered"):
        assert move(client, lead, case_id, status).status_code == 200, status
    fact = _assert_matches_raw(factory, case_id, "produced_full")
    assert fact["deliver_seconds"] is not None and fact["deliver_seconds"] >= 0
    assert move(client, lead, case_id, "closed").status_code == 200
    fact = _assert_matches_raw(factory, case_id, "produced_full")
    assert not fact["is_open"]


def test_a_partly_disclosed_case_counts_as_produced_in_part(client, analyst, lead, factory):
    record = subpoena_record(data_requested=["subscriber_info", "account_activity"])
    case = create_case(client, analyst, record)
    to_review(client, analyst, case["id"])
    view = legal_view(client, analyst, case["id"])
    items = items_for(view)
    items[-1]["outcome"] = "withhold"
    items[-1]["reason"] = "outside the subpoena's scope"
    assert put_decision(client, analyst, case["id"], items).status_code == 200
    assert submit(client, analyst, case["id"]).status_code == 200
    verify_requester(client, analyst, factory, case["id"])
    assert approve(client, lead, case["id"]).status_code == 200
    for status in ("producing", "delivered"):
        assert move(client, lead, case["id"], status).status_code == 200
    _assert_matches_raw(factory, case["id"], "produced_partial")


def test_a_withdrawn_case_counts_as_withdrawn_once_closed(client, analyst, factory):
    case = create_case(client, analyst, subpoena_record())
    assert move(client, analyst, case["id"], "triaged").status_code == 200
    _assert_matches_raw(factory, case["id"], "pending")
    assert (
        move(client, analyst, case["id"], "withdrawn", "the officer withdrew it").status_code == 200
    )
    _assert_matches_raw(factory, case["id"], "withdrawn")
    assert move(client, analyst, case["id"], "closed").status_code == 200
    _assert_matches_raw(factory, case["id"], "withdrawn")


def test_a_fraud_denied_on_callback_and_rejected_is_caught(client, analyst, factory):
    case = create_case(client, analyst, emergency_record())
    link_agency(factory, case["id"])
    callback = client.post(f"/api/v1/requests/{case['id']}/callbacks", headers=analyst.headers)
    assert callback.status_code == 201, callback.text
    denied = client.post(
        f"/api/v1/callbacks/{callback.json()['id']}/outcome",
        json={"outcome": "denied", "answered_by": "Desk sergeant", "supervisor_confirmed": True},
        headers=analyst.headers,
    )
    assert denied.status_code == 200, denied.text
    fact = _assert_matches_raw(factory, case["id"], "pending")
    assert _raw(factory, case["id"])["denied"] == 1
    assert fact["fraud_caught_by"] == "callback_denied"
    assert fact["fraud_caught_at"] is not None
    reason = "fraud: the agency has no such detective"
    assert move(client, analyst, case["id"], "rejected", reason).status_code == 200
    fact = _assert_matches_raw(factory, case["id"], "rejected")
    assert fact["fraud_caught_by"] == "callback_denied"
    # The requester now stands as fraudulent: their next case is caught from the start.
    second = create_case(client, analyst, emergency_record())
    assert _fact(factory, second["id"])["fraud_caught_by"] == "requester_marked"


def test_a_rejection_for_fraud_is_caught_by_the_rejection(client, analyst, factory):
    case = create_case(client, analyst, subpoena_record())
    assert _fact(factory, case["id"])["fraud_caught_by"] is None
    rejected = client.post(
        f"/api/v1/requests/{case['id']}/transitions",
        json={"to": "rejected", "reason": "No such officer", "reason_code": "fraud"},
        headers=analyst.headers,
    )
    assert rejected.status_code == 200, rejected.text
    fact = _assert_matches_raw(factory, case["id"], "rejected")
    assert fact["fraud_caught_by"] == "rejected_fraud"


def test_a_rolled_back_change_leaves_the_fact_row_as_it_was(client, analyst, factory):
    case = create_case(client, analyst, subpoena_record())
    before = _fact(factory, case["id"])
    with factory() as session:
        now = utcnow()
        session.execute(update(Request).where(Request.id == case["id"]).values(status="triaged"))
        session.add(
            TimelineEvent(
                request_id=case["id"],
                at=now,
                kind="transition",
                actor="someone",
                from_status="received",
                to_status="triaged",
            )
        )
        session.flush()
        session.rollback()
    assert _fact(factory, case["id"]) == before
    assert before["status"] == "received"


def test_rebuild_writes_the_same_rows_the_upkeep_kept(client, analyst, lead, factory):
    done = ready_for_approval(client, analyst, factory)
    approve(client, lead, done["id"])
    open_case = create_case(client, analyst, subpoena_record())
    kept = {case_id: _fact(factory, case_id) for case_id in (done["id"], open_case["id"])}
    with factory() as session:
        session.execute(text("DELETE FROM analytics_case_facts"))
        assert rebuild_facts(session) == 2
        session.commit()
    for case_id, fact in kept.items():
        rebuilt = _fact(factory, case_id)
        fact.pop("updated_at"), rebuilt.pop("updated_at")
        assert rebuilt == fact
