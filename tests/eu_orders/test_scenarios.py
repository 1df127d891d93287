"""Each kind of order through intake, decision, execution and answer, on both databases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from eu_orders.flows import clock, fresh, message, order_of, post, submit_order
from exigent.deadlines import run_due
from exigent.platform_data.demo import DemoAdapter
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


def stand_in_url(settings) -> str:  # type: ignore[no-untyped-def]
    """A post of the demo platform made for removal orders to name."""
    adapter = DemoAdapter(settings.platform_store)
    try:
        return adapter.content.stand_ins(limit=1)[0].url
    finally:
        adapter.close()


def removal_decided(client, analyst, lead, case_id: int) -> None:  # type: ignore[no-untyped-def]
    """An order on content names no account and asks for no data: the decision is to act."""
    to_review(client, analyst, case_id)
    drafted = put_decision(client, analyst, case_id, [], rationale=RATIONALE)
    assert drafted.status_code == 200, drafted.text
    assert submit(client, analyst, case_id).status_code == 200
    # The two-person rule: the drafter cannot approve their own decision.
    assert approve(client, analyst, case_id).status_code == 403
    assert approve(client, lead, case_id).status_code == 200


def test_a_removal_order_is_executed_in_the_eu_within_its_hour_and_confirmed(
    client, analyst, lead, factory, mailbox, settings
) -> None:  # type: ignore[no-untyped-def]
    url = stand_in_url(settings)
    record = fresh("eu_removal_order", eu_order__content=[{"locator": url, "reason": "TCO"}])
    case = submit_order(client, analyst, record)
    send(client, analyst, case["id"], "receipt", factory, settings)
    removal_decided(client, analyst, lead, case["id"])
    executed = post(client, analyst, f"/requests/{case['id']}/eu-order/execute")
    assert executed.status_code == 200, executed.text
    order = executed.json()
    [item] = order["content"]
    assert item["restricted_at"] and item["hold_id"]
    assert clock(order, "eu_execute_by")["status"] == "met"
    assert message(order, "content_provider")["status"] == "draft"
    adapter = DemoAdapter(settings.platform_store)
    try:
        content = adapter.find_content(url)
        assert content is not None
        assert any(r.covers("DE") and r.covers("FR") for r in adapter.restriction_of(content))
    finally:
        adapter.close()
    holds = client.get(f"/api/v1/requests/{case['id']}/holds", headers=analyst.headers).json()
    kept = datetime.fromisoformat(holds[0]["expires_at"]) - datetime.now(UTC)
    assert kept > timedelta(days=180)
    answer = send(client, analyst, case["id"], "execution", factory, settings)
    assert answer["status"] == "sent"
    assert "disabled in the EU" in answer["body"]
    # Executing again changes nothing: the order was executed once.
    assert post(client, analyst, f"/requests/{case['id']}/eu-order/execute").status_code == 409


def test_a_removal_order_for_missing_content_names_it_and_restarts_its_hour_later(
    client, analyst, lead, factory, settings
) -> None:  # type: ignore[no-untyped-def]
    record = fresh(
        "eu_removal_order", eu_order__content=[{"locator": "https://platform.example/p/nope"}]
    )
    case = submit_order(client, analyst, record)
    removal_decided(client, analyst, lead, case["id"])
    refused = post(client, analyst, f"/requests/{case['id']}/eu-order/execute")
    assert refused.status_code == 422
    assert refused.json()["field"] == "eu_order.content[0].locator"
    order = order_of(client, analyst, case["id"])
    assert order["status"] == "obstructed"
    assert order["obstacle"] == "manifest_errors"
    assert clock(order, "eu_execute_by")["status"] == "paused"
    drafted = message(order, "cannot_execute")
    assert "https://platform.example/p/nope" in drafted["body"]
    assert "start again" in drafted["body"]
    # The authority clarifies: the hour runs again, in full, from now.
    ended = post(client, analyst, f"/requests/{case['id']}/eu-order/obstacle/end")
    assert ended.status_code == 200, ended.text
    hour = clock(ended.json(), "eu_execute_by")
    assert hour["status"] == "running"
    left = datetime.fromisoformat(hour["due_at"]) - datetime.now(UTC)
    assert timedelta(minutes=58) < left <= timedelta(hours=1)


def test_a_platform_that_cannot_act_is_a_de_facto_impossibility(
    client, analyst, lead, factory, settings
) -> None:  # type: ignore[no-untyped-def]
    url = stand_in_url(settings)
    case = submit_order(
        client, analyst, fresh("eu_removal_order", eu_order__content=[{"locator": url}])
    )
    removal_decided(client, analyst, lead, case["id"])
    adapter = DemoAdapter(settings.platform_store)
    adapter.fail_content_control("the moderation backend is down")
    try:
        refused = post(client, analyst, f"/requests/{case['id']}/eu-order/execute")
    finally:
        adapter.fail_content_control(None)
        adapter.close()
    assert refused.status_code == 422
    order = order_of(client, analyst, case["id"])
    assert order["obstacle"] == "de_facto_impossibility"
    assert order["content"][0]["restricted_at"] is None
