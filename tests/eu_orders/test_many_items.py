"""An order naming many items is removed by the worker, one item at a time, while the page
answers at once and shows the progress; a few items are removed while the analyst waits."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

from console.helpers import sign_in
from eu_orders.flows import clock, fresh, order_of, post, submit_order
from eu_orders.test_scenarios import removal_decided
from exigent.deadlines import run_due
from exigent.platform_data.generate import generate_one
from exigent.workflow.jobs import deadline_handlers


def urls(settings, count: int) -> list[str]:  # type: ignore[no-untyped-def]
    """`count` items of the demo platform, from two more accounts than the order's own."""
    for username in ("riverside_news", "cold.harbour"):
        generate_one(settings.platform_store, username=username, records=50, days=30)
    with sqlite3.connect(settings.platform_store) as store:
        found = [row[0] for row in store.execute("SELECT url FROM content ORDER BY rowid")]
    assert len(found) >= count
    return found[:count]


def ordered(client, analyst, lead, locators: list[str]) -> int:  # type: ignore[no-untyped-def]
    content = [{"locator": url, "reason": "TCO"} for url in locators]
    case = submit_order(client, analyst, fresh("eu_removal_order", eu_order__content=content))
    removal_decided(client, analyst, lead, case["id"])
    return case["id"]  # type: ignore[no-any-return]


def disabled(order: dict) -> int:  # type: ignore[type-arg]
    return sum(1 for item in order["content"] if item["restricted_at"])


def test_many_items_are_removed_by_the_worker_and_the_page_shows_the_progress(
    client, analyst, lead, factory, settings
) -> None:  # type: ignore[no-untyped-def]
    case_id = ordered(client, analyst, lead, urls(settings, 7))
    started = post(client, analyst, f"/requests/{case_id}/eu-order/execute")
    assert started.status_code == 202, started.text
    assert started.json()["status"] == "removing"
    assert disabled(started.json()) == 0

    sign_in(client, analyst.user.email)
    panel = client.get(f"/console/cases/{case_id}/eu-order")
    assert 'data-progress="0/7"' in panel.text
    assert 'hx-trigger="every 2s"' in panel.text
    assert "data-execute" not in panel.text
    again = post(client, analyst, f"/requests/{case_id}/eu-order/execute")
    assert again.status_code == 409
    assert "under way" in again.json()["error"]

    first = datetime.now(UTC) + timedelta(seconds=1)
    run_due(factory, deadline_handlers(), now=first, limit=3, settings=settings)
    order = order_of(client, analyst, case_id)
    assert (order["status"], disabled(order)) == ("removing", 3)
    assert 'data-progress="3/7"' in client.get(f"/console/cases/{case_id}/eu-order").text

    last = first + timedelta(seconds=30)
    run_due(factory, deadline_handlers(), now=last, settings=settings)
    order = order_of(client, analyst, case_id)
    assert (order["status"], disabled(order)) == ("executed", 7)
    # Effect was given when the last item was disabled.
    times = [datetime.fromisoformat(i["restricted_at"]) for i in order["content"]]
    assert datetime.fromisoformat(order["effect_given_at"]) == max(times) == last
    assert clock(order, "eu_execute_by")["status"] == "met"
    assert [m["kind"] for m in order["messages"]].count("execution") == 1
    # The items are two accounts': each provider is told at its own address.
    notices = [m["to_address"] for m in order["messages"] if m["kind"] == "content_provider"]
    assert sorted(notices) == ["nightowl_88@icloud.com", "riverside_news@icloud.com"]
    panel = client.get(f"/console/cases/{case_id}/eu-order")
    assert "data-removing" not in panel.text


def test_an_item_the_platform_lacks_is_reported_once_every_item_was_tried(
    client, analyst, lead, factory, settings
) -> None:  # type: ignore[no-untyped-def]
    locators = urls(settings, 6)
    locators.insert(2, "https://platform.example/p/nope")
    case_id = ordered(client, analyst, lead, locators)
    assert post(client, analyst, f"/requests/{case_id}/eu-order/execute").status_code == 202
    later = datetime.now(UTC) + timedelta(seconds=1)
    run_due(factory, deadline_handlers(), now=later, settings=settings)
    order = order_of(client, analyst, case_id)
    assert (order["status"], order["obstacle"], disabled(order)) == (
        "obstructed",
        "manifest_errors",
        6,
    )
    assert clock(order, "eu_execute_by")["status"] == "paused"
    drafted = [m for m in order["messages"] if m["kind"] == "cannot_execute"][-1]
    assert "Item 3 of the order: no content at https://platform.example/p/nope" in drafted["body"]


def test_a_handful_of_items_is_removed_while_the_analyst_waits(
    client, analyst, lead, settings
) -> None:  # type: ignore[no-untyped-def]
    case_id = ordered(client, analyst, lead, urls(settings, 5))
    done = post(client, analyst, f"/requests/{case_id}/eu-order/execute")
    assert done.status_code == 200, done.text
    assert (done.json()["status"], disabled(done.json())) == ("executed", 5)
