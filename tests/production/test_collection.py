"""Collection takes exactly what the approved decision allows, and refuses everything else."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from exigent.files import FileStore
from exigent.platform_data.demo import DemoAdapter
from exigent.production.collect import ScopedCollector
from exigent.production.scope import OutOfScope, Scope
from factories import emergency_record, subpoena_record
from legal.flows import audit_actions, create_case, to_review
from production.flows import approved_case, produce


def test_a_case_that_is_not_approved_cannot_be_collected(client, analyst, factory):  # type: ignore[no-untyped-def]
    case = create_case(client, analyst, emergency_record())
    to_review(client, analyst, case["id"])
    response = produce(client, analyst, case["id"])
    assert response.status_code == 409
    assert "not approved" in response.json()["error"]
    assert "production.build.refused" in audit_actions(factory)
    listed = client.get(f"/api/v1/requests/{case['id']}/productions", headers=analyst.headers)
    assert listed.json() == []


def test_only_approved_categories_and_the_date_range_are_produced(  # type: ignore[no-untyped-def]
    client, analyst, lead, officer, factory, settings
):
    record = emergency_record(
        data_requested=["subscriber_info", "account_activity", "location"],
    )
    case = approved_case(
        client, analyst, lead, factory, record, submitter=officer,
        outcomes={"location": "withhold"},
    )  # fmt: skip
    response = produce(client, analyst, case["id"])
    assert response.status_code == 201, response.text
    production = response.json()
    assert {c["category"] for c in production["counts"]} == {"subscriber_info", "account_activity"}
    assert [w["category"] for w in production["withheld"]] == ["location"]
    manifest = json.loads((Path(production["package_path"]) / "manifest.json").read_text())
    datasets = {f["dataset"] for f in manifest["files"]}
    assert datasets == {"subscriber", "logins"}
    logins = next(f for f in manifest["files"] if f["path"].endswith("logins.json"))
    body = json.loads((Path(production["package_path"]) / logins["path"]).read_text())
    times = [r["at"] for r in body["records"]]
    assert times and all("2026-11-20" <= t < "2026-11-25" for t in times)
    assert len(times) == logins["records"]
    # The platform holds logins outside the range too; none of them left.
    adapter = DemoAdapter(settings.platform_store)
    account = adapter.find_account("username", "night.owl.77")
    assert account is not None
    assert len(list(adapter.stream(account, "logins"))) > len(times)
    status = client.get(f"/api/v1/requests/{case['id']}", headers=analyst.headers).json()
    assert status["status"] == "producing"


def test_asking_for_more_than_was_approved_is_refused_naming_it(  # type: ignore[no-untyped-def]
    client, analyst, lead, factory
):
    case = approved_case(client, analyst, lead, factory, subpoena_record())
    response = produce(client, analyst, case["id"], categories=["subscriber_info", "content"])
    assert response.status_code == 403
    assert "content" in response.json()["error"]
    assert "production.build.refused" in audit_actions(factory)
    narrowed = produce(client, analyst, case["id"], categories=["subscriber_info"])
    assert narrowed.status_code == 201, narrowed.text


def test_the_collector_refuses_any_other_target_category_or_range(  # type: ignore[no-untyped-def]
    client, analyst, lead, factory, settings
):
    case = approved_case(client, analyst, lead, factory, subpoena_record())
    production = produce(client, analyst, case["id"]).json()
    scope = Scope.from_json(production["scope"])
    adapter = DemoAdapter(settings.platform_store)
    account = adapter.find_account("username", "night.owl.77")
    other = adapter.find_account("username", "little.fox9")
    assert account is not None and other is not None
    collector = ScopedCollector(adapter, scope, store=FileStore(settings.file_store))
    target = scope.items[0].target_id
    rows = list(collector.rows(target, "subscriber_info", "subscriber"))
    assert [r[2] for r in rows] == ["night.owl.77"]
    attempts = [
        lambda: collector.rows(target, "content", "messages"),
        lambda: collector.rows(target, "account_activity", "logins"),
        lambda: collector.rows(target + 99, "subscriber_info", "subscriber"),
        lambda: collector.rows(target, "subscriber_info", "logins"),
        lambda: collector.rows(
            target, "subscriber_info", "subscriber", start="2020-01-01T00:00:00Z"
        ),
    ]
    for attempt in attempts:
        with pytest.raises(OutOfScope):
            list(attempt())


def test_a_production_without_the_platform_store_fails_plainly(  # type: ignore[no-untyped-def]
    client, analyst, lead, factory, settings
):
    case = approved_case(client, analyst, lead, factory, subpoena_record())
    settings.platform_store.rename(settings.platform_store.with_suffix(".gone"))
    response = produce(client, analyst, case["id"])
    assert response.status_code == 503
    assert "does not exist" in response.json()["error"]
    listed = client.get(f"/api/v1/requests/{case['id']}/productions", headers=analyst.headers)
    (failed,) = listed.json()
    assert failed["status"] == "failed" and failed["package_path"] is None
    assert "does not exist" in failed["error"]
    assert (
        not list(settings.productions_root.glob("*"))
        if settings.productions_root.exists()
        else True
    )
