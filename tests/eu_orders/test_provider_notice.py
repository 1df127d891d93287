"""The removed content's provider is told (2021/784 Art. 11) at the address the platform has
for the account behind the content; the analyst may correct it before it is sent."""

from __future__ import annotations

import sqlite3

from eu_orders.flows import fresh, order_of, post, submit_order
from eu_orders.test_scenarios import removal_decided
from exigent.platform_data.demo import DemoAdapter


def stand_ins(settings, count: int) -> list[str]:  # type: ignore[no-untyped-def]
    adapter = DemoAdapter(settings.platform_store)
    try:
        return [c.url for c in adapter.content.stand_ins(limit=count)]
    finally:
        adapter.close()


def notices(order: dict) -> list[dict]:  # type: ignore[type-arg]
    return [m for m in order["messages"] if m["kind"] == "content_provider"]


def removed(client, analyst, lead, urls: list[str]) -> dict:  # type: ignore[no-untyped-def, type-arg]
    content = [{"locator": url, "reason": "TCO"} for url in urls]
    case = submit_order(client, analyst, fresh("eu_removal_order", eu_order__content=content))
    removal_decided(client, analyst, lead, case["id"])
    executed = post(client, analyst, f"/requests/{case['id']}/eu-order/execute")
    assert executed.status_code == 200, executed.text
    return case  # type: ignore[no-any-return]


def test_the_notice_goes_to_the_address_the_platform_has_for_the_account(
    client, analyst, lead, settings
) -> None:  # type: ignore[no-untyped-def]
    urls = stand_ins(settings, 2)
    case = removed(client, analyst, lead, urls)
    [notice] = notices(order_of(client, analyst, case["id"]))
    # Both items are the same account's: one notice, naming both.
    assert notice["to_address"] == "nightowl_88@icloud.com"
    assert all(url in notice["body"] for url in urls)

    # The analyst may still correct it.
    corrected = client.put(
        f"/api/v1/requests/{case['id']}/eu-order/messages/{notice['id']}",
        json={"subject": notice["subject"], "body": notice["body"], "to_address": "n@owl.example"},
        headers=analyst.headers,
    )
    assert corrected.status_code == 200, corrected.text
    [notice] = notices(corrected.json())
    assert notice["to_address"] == "n@owl.example"


def test_without_an_address_on_the_platform_the_analyst_addresses_the_notice(
    client, analyst, lead, settings
) -> None:  # type: ignore[no-untyped-def]
    with sqlite3.connect(settings.platform_store) as store:
        store.execute("UPDATE accounts SET email = NULL")
    case = removed(client, analyst, lead, stand_ins(settings, 1))
    [notice] = notices(order_of(client, analyst, case["id"]))
    assert notice["to_address"] is None
    assert notice["status"] == "draft"


def test_no_notice_when_the_authority_said_the_provider_must_not_be_told(
    client, analyst, lead, settings
) -> None:  # type: ignore[no-untyped-def]
    content = [{"locator": stand_ins(settings, 1)[0]}]
    record = fresh(
        "eu_removal_order",
        eu_order__content=content,
        eu_order__content_provider_may_be_told=False,
    )
    case = submit_order(client, analyst, record)
    removal_decided(client, analyst, lead, case["id"])
    assert post(client, analyst, f"/requests/{case['id']}/eu-order/execute").status_code == 200
    assert notices(order_of(client, analyst, case["id"])) == []
