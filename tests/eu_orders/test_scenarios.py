"""Each kind of order through intake, decision, execution and answer, on both databases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from eu_orders.flows import clock, fresh, message, order_of, post, submit_order
from exigent.deadlines import run_due
from exigent.workflow.jobs import deadline_handlers
from legal.flows import (
    approve,
    items_for,
    legal_view,
    put_decision,
    submit,
    to_review,
    verify_requester,
)
from production.flows import produce

RATIONALE = "The order is valid on its face, within its scope, and binding on us."


def decided(client, analyst, lead, factory, case_id: int, *, verify: bool = True) -> None:  # type: ignore[no-untyped-def]
    """Reviewed and decided by the analyst, approved by a second person (the lead)."""
    to_review(client, analyst, case_id)
    view = legal_view(client, analyst, case_id)
    drafted = put_decision(client, analyst, case_id, items_for(view), rationale=RATIONALE)
    assert drafted.status_code == 200, drafted.text
    assert submit(client, analyst, case_id).status_code == 200
    if verify:
        verify_requester(client, analyst, factory, case_id)
    approved = approve(client, lead, case_id)
    assert approved.status_code == 200, approved.text


def send(client, account, case_id: int, kind: str, factory, settings) -> dict:  # type: ignore[no-untyped-def]
    """Send the order's drafted message of `kind` and let the worker hand it to the relay."""
    drafted = message(order_of(client, account, case_id), kind)
    sent = post(client, account, f"/requests/{case_id}/eu-order/messages/{drafted['id']}/send")
    assert sent.status_code == 200, sent.text
    later = datetime.now(UTC) + timedelta(seconds=1)
    run_due(factory, deadline_handlers(), now=later, settings=settings)
    return message(order_of(client, account, case_id), kind)


def test_a_production_order_is_produced_after_approval_and_answered(
    client, analyst, lead, factory, mailbox, settings
) -> None:  # type: ignore[no-untyped-def]
    case = submit_order(client, analyst, fresh("eu_production_order"))
    receipt = send(client, analyst, case["id"], "receipt", factory, settings)
    assert receipt["status"] == "sent"
    assert any("Receipt:" in m["Subject"] for m in mailbox.messages)

    # Nothing is executed before a second person approves the decision.
    early = post(client, analyst, f"/requests/{case['id']}/eu-order/execute")
    assert early.status_code == 409
    assert "second person" in early.json()["error"]

    decided(client, analyst, lead, factory, case["id"])
    assert produce(client, analyst, case["id"]).status_code == 201
    executed = post(client, analyst, f"/requests/{case['id']}/eu-order/execute")
    assert executed.status_code == 200, executed.text
    order = executed.json()
    assert order["status"] == "executed"
    assert clock(order, "eu_execute_by")["status"] == "met"
    answer = send(client, analyst, case["id"], "execution", factory, settings)
    assert answer["status"] == "sent"
    order = order_of(client, analyst, case["id"])
    assert order["receipt_told_at"] and order["effect_given_at"] and order["effect_told_at"]


def test_production_waits_for_the_enforcing_state_unless_an_emergency(
    client, analyst, lead, factory, settings
) -> None:  # type: ignore[no-untyped-def]
    record = fresh(
        "eu_production_order",
        "content",
        eu_order__data_categories=["content_data"],
        eu_order__person_residence_state="FR",
    )
    case = submit_order(client, analyst, record)
    to_review(client, analyst, case["id"])
    view = legal_view(client, analyst, case["id"])
    put_decision(client, analyst, case["id"], items_for(view), rationale=RATIONALE)
    submit(client, analyst, case["id"])
    verify_requester(client, analyst, factory, case["id"])
    refused = approve(client, lead, case["id"])
    assert refused.status_code == 409
    assert "enforcing state" in refused.json()["error"]
    order = order_of(client, analyst, case["id"])
    assert clock(order, "eu_enforcing_period_ends")["status"] == "running"


def test_a_preservation_order_is_kept_by_a_hold_and_extended_when_production_follows(
    client, analyst, lead, factory, settings
) -> None:  # type: ignore[no-untyped-def]
    case = submit_order(client, analyst, fresh("eu_preservation_order"))
    decided(client, analyst, lead, factory, case["id"], verify=False)
    held = client.post(f"/api/v1/requests/{case['id']}/holds", headers=analyst.headers)
    assert held.status_code == 201, held.text
    executed = post(client, analyst, f"/requests/{case['id']}/eu-order/execute")
    assert executed.status_code == 200, executed.text
    before = datetime.fromisoformat(clock(executed.json(), "eu_preservation_expires")["due_at"])
    follows = post(
        client,
        analyst,
        f"/requests/{case['id']}/eu-order/preservation",
        {"production_follows": True},
    )
    assert follows.status_code == 200, follows.text
    after = datetime.fromisoformat(clock(follows.json(), "eu_preservation_expires")["due_at"])
    assert after == before + timedelta(days=90)
    assert follows.json()["production_follows_at"]


def test_a_dsa_information_order_tells_the_authority_of_receipt_and_effect(
    client, analyst, lead, factory, mailbox, settings
) -> None:  # type: ignore[no-untyped-def]
    case = submit_order(client, analyst, fresh("dsa_information_order"))
    send(client, analyst, case["id"], "receipt", factory, settings)
    order = order_of(client, analyst, case["id"])
    assert clock(order, "eu_inform_receipt")["status"] == "met"
    decided(client, analyst, lead, factory, case["id"])
    assert produce(client, analyst, case["id"]).status_code == 201
    assert post(client, analyst, f"/requests/{case['id']}/eu-order/execute").status_code == 200
    send(client, analyst, case["id"], "execution", factory, settings)
    order = order_of(client, analyst, case["id"])
    assert clock(order, "eu_inform_effect")["status"] == "met"


def test_the_transparency_figures_list_each_orders_times(
    client, analyst, factory, settings
) -> None:  # type: ignore[no-untyped-def]
    case = submit_order(client, analyst, fresh("dsa_order_to_act"))
    send(client, analyst, case["id"], "receipt", factory, settings)
    now = datetime.now(UTC)
    response = client.get(
        "/api/v1/eu-orders/figures",
        params={"since": (now - timedelta(days=1)).isoformat(), "until": now.isoformat()},
        headers=analyst.headers,
    )
    assert response.status_code == 200, response.text
    [figures] = response.json()
    assert figures["reference"] == case["reference"]
    assert figures["receipt_told_at"] is not None
    assert figures["effect_given_at"] is None


def test_a_clock_about_to_break_pages_the_on_call_lead(client, analyst, factory, settings) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from exigent.oncall.models import Alert
    from exigent.oncall.policies import ensure_defaults

    with factory() as session:
        ensure_defaults(session, now=datetime.now(UTC))
        session.commit()
    case = submit_order(client, analyst, fresh("eu_removal_order", minutes_ago=55))
    later = datetime.now(UTC) + timedelta(seconds=1)
    run_due(factory, deadline_handlers(), now=later, settings=settings)
    with factory() as session:
        alerts = list(session.scalars(select(Alert).where(Alert.request_id == case["id"])))
    assert any(a.trigger == "sla_warning" and "eu_execute_by" in a.dedup_key for a in alerts)
