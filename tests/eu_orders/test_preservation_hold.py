"""A European Preservation Order's hold follows the order's own clock (2023/1543 Art. 11):
it ends when the period ends, moves with an extension, and is kept once production follows."""

from __future__ import annotations

from datetime import datetime, timedelta

from console.helpers import sign_in
from eu_orders.flows import clock, fresh, order_of, post, submit_order
from eu_orders.test_scenarios import decided


def held(client, analyst, case_id: int) -> dict:  # type: ignore[no-untyped-def, type-arg]
    holds = client.get(f"/api/v1/requests/{case_id}/holds", headers=analyst.headers)
    assert holds.status_code == 200, holds.text
    [hold] = [h for h in holds.json() if h["status"] == "active"]
    return hold  # type: ignore[no-any-return]


def period_end(client, analyst, case_id: int) -> datetime:  # type: ignore[no-untyped-def]
    order = order_of(client, analyst, case_id)
    return datetime.fromisoformat(clock(order, "eu_preservation_expires")["due_at"])


def shown_on_the_panel(client, case_id: int, expires: datetime) -> bool:  # type: ignore[no-untyped-def]
    panel = client.get(f"/console/cases/{case_id}/production")
    assert panel.status_code == 200
    return f"{expires:%Y-%m-%d %H:%M} UTC" in panel.text


def placed(client, analyst, lead, factory, record: dict) -> int:  # type: ignore[no-untyped-def, type-arg]
    case = submit_order(client, analyst, record)
    decided(client, analyst, lead, factory, case["id"], verify=False)
    response = client.post(f"/api/v1/requests/{case['id']}/holds", headers=analyst.headers)
    assert response.status_code == 201, response.text
    return case["id"]  # type: ignore[no-any-return]


def test_the_hold_ends_with_the_order_moves_on_extension_and_is_kept_when_production_follows(
    client, analyst, lead, factory
) -> None:  # type: ignore[no-untyped-def]
    record = fresh("eu_preservation_order")
    case_id = placed(client, analyst, lead, factory, record)
    received = datetime.fromisoformat(record["received_at"])
    sign_in(client, analyst.user.email)

    # After receipt: 60 days from receipt, not the holds' default 90.
    expires = datetime.fromisoformat(held(client, analyst, case_id)["expires_at"])
    assert expires == period_end(client, analyst, case_id) == received + timedelta(days=60)
    assert shown_on_the_panel(client, case_id, expires)

    # The authority extends the order: 30 days more, for the hold too.
    extended = post(
        client, analyst, f"/requests/{case_id}/eu-order/preservation", {"production_follows": False}
    )
    assert extended.status_code == 200, extended.text
    expires = datetime.fromisoformat(held(client, analyst, case_id)["expires_at"])
    assert expires == period_end(client, analyst, case_id) == received + timedelta(days=90)
    assert shown_on_the_panel(client, case_id, expires)

    # It confirms a production order follows: kept 90 days more, and again on renewal.
    for days in (180, 270):
        follows = post(
            client,
            analyst,
            f"/requests/{case_id}/eu-order/preservation",
            {"production_follows": True},
        )
        assert follows.status_code == 200, follows.text
        expires = datetime.fromisoformat(held(client, analyst, case_id)["expires_at"])
        assert expires == period_end(client, analyst, case_id) == received + timedelta(days=days)
    assert shown_on_the_panel(client, case_id, expires)


def test_a_shorter_period_on_the_certificate_ends_the_hold_sooner(
    client, analyst, lead, factory
) -> None:  # type: ignore[no-untyped-def]
    record = fresh("eu_preservation_order", eu_order__preservation_days=20)
    case_id = placed(client, analyst, lead, factory, record)
    received = datetime.fromisoformat(record["received_at"])
    expires = datetime.fromisoformat(held(client, analyst, case_id)["expires_at"])
    assert expires == period_end(client, analyst, case_id) == received + timedelta(days=20)


def test_a_hold_placed_after_an_extension_follows_the_order_once_executed(
    client, analyst, lead, factory
) -> None:  # type: ignore[no-untyped-def]
    record = fresh("eu_preservation_order")
    case = submit_order(client, analyst, record)
    decided(client, analyst, lead, factory, case["id"], verify=False)
    extended = post(
        client,
        analyst,
        f"/requests/{case['id']}/eu-order/preservation",
        {"production_follows": False},
    )
    assert extended.status_code == 200, extended.text
    response = client.post(f"/api/v1/requests/{case['id']}/holds", headers=analyst.headers)
    assert response.status_code == 201, response.text
    executed = post(client, analyst, f"/requests/{case['id']}/eu-order/execute")
    assert executed.status_code == 200, executed.text
    received = datetime.fromisoformat(record["received_at"])
    expires = datetime.fromisoformat(held(client, analyst, case["id"])["expires_at"])
    assert expires == period_end(client, analyst, case["id"]) == received + timedelta(days=90)


def test_the_panel_extends_the_period_and_records_that_production_follows(
    client, analyst, lead, factory
) -> None:  # type: ignore[no-untyped-def]
    record = fresh("eu_preservation_order")
    case_id = placed(client, analyst, lead, factory, record)
    received = datetime.fromisoformat(record["received_at"])
    csrf = sign_in(client, analyst.user.email)
    panel = client.get(f"/console/cases/{case_id}/eu-order")
    assert "data-preservation-extend" in panel.text
    assert "data-production-follows>" not in panel.text

    url = f"/console/cases/{case_id}/eu-order/preservation"
    refused = client.post(url, data={"csrf_token": csrf, "step": "forever"})
    assert "step: choose extend or follows" in refused.text
    assert period_end(client, analyst, case_id) == received + timedelta(days=60)

    extended = client.post(url, data={"csrf_token": csrf, "step": "extend"})
    assert extended.status_code == 200
    assert "30 days later" in extended.text
    expires = datetime.fromisoformat(held(client, analyst, case_id)["expires_at"])
    assert expires == period_end(client, analyst, case_id) == received + timedelta(days=90)

    follows = client.post(url, data={"csrf_token": csrf, "step": "follows"})
    assert "data-production-follows>" in follows.text
    expires = datetime.fromisoformat(held(client, analyst, case_id)["expires_at"])
    assert expires == received + timedelta(days=180)


def test_an_order_to_remove_has_no_preservation_period_to_move(client, analyst) -> None:  # type: ignore[no-untyped-def]
    case = submit_order(client, analyst, fresh("eu_removal_order"))
    csrf = sign_in(client, analyst.user.email)
    panel = client.get(f"/console/cases/{case['id']}/eu-order")
    assert "data-preservation-extend" not in panel.text
    refused = client.post(
        f"/console/cases/{case['id']}/eu-order/preservation",
        data={"csrf_token": csrf, "step": "extend"},
    )
    assert "only a European Preservation Order is extended this way" in refused.text


def test_the_holds_own_extension_cannot_outrun_the_authoritys_period(
    client, analyst, lead, factory
) -> None:  # type: ignore[no-untyped-def]
    record = fresh("eu_preservation_order")
    case_id = placed(client, analyst, lead, factory, record)
    hold = held(client, analyst, case_id)
    refused = client.post(f"/api/v1/holds/{hold['id']}/extend", headers=analyst.headers)
    assert refused.status_code == 409
    assert "European Preservation Order" in refused.json()["error"]
    assert held(client, analyst, case_id)["expires_at"] == hold["expires_at"]
