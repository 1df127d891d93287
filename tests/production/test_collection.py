"""Collection takes exactly what the approved decision allows, and refuses everything else."""

from __future__ import annotations

import json

import pytest

from exigent.files import FileStore
from exigent.platform_data.demo import DemoAdapter
from exigent.production.collect import ScopedCollector
from exigent.production.scope import OutOfScope, Scope
from factories import emergency_record, subpoena_record
from legal.flows import audit_actions, create_case, to_review
from production.flows import approved_case, package_dir, produce


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
    package = package_dir(factory, production["id"])
    manifest = json.loads((package / "manifest.json").read_text())
    datasets = {f["dataset"] for f in manifest["files"]}
    assert datasets == {"subscriber", "logins"}
    logins = next(f for f in manifest["files"] if f["path"].endswith("logins.json"))
    body = json.loads((package / logins["path"]).read_text())
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
    # Found out while the targets are looked up, before a production row is written.
    listed = client.get(f"/api/v1/requests/{case['id']}/productions", headers=analyst.headers)
    assert listed.json() == []
    assert str(settings.platform_store.parent) not in response.text
    assert (
        not list(settings.productions_root.glob("*"))
        if settings.productions_root.exists()
        else True
    )


def test_a_decision_that_discloses_nothing_builds_nothing_and_says_why(  # type: ignore[no-untyped-def]
    client, analyst, lead, factory, settings
):
    withheld = {"subscriber_info": "withhold", "account_activity": "withhold"}
    case = approved_case(client, analyst, lead, factory, emergency_record(), outcomes=withheld)
    response = produce(client, analyst, case["id"])
    assert response.status_code == 409, response.text
    assert set(response.json()) == {"error"}
    error = response.json()["error"]
    assert "discloses nothing" in error and "there is nothing to produce" in error
    assert str(settings.file_store) not in response.text and "/" not in error
    listed = client.get(f"/api/v1/requests/{case['id']}/productions", headers=analyst.headers)
    assert listed.json() == []
    assert "production.build.refused" in audit_actions(factory)
    root = settings.productions_root
    assert not root.exists() or not list(root.iterdir())
    status = client.get(f"/api/v1/requests/{case['id']}", headers=analyst.headers).json()
    assert status["status"] == "approved"


def test_a_target_the_platform_does_not_know_is_refused_by_name_and_nothing_is_built(  # type: ignore[no-untyped-def]
    client, analyst, lead, factory, settings
):
    record = emergency_record(targets=[{"identifier_type": "username", "value": "no.such.user"}])
    case = approved_case(client, analyst, lead, factory, record)
    response = produce(client, analyst, case["id"])
    assert response.status_code == 409, response.text
    error = response.json()["error"]
    assert "username:no.such.user: no such account on the platform" in error
    assert "nothing was built" in error
    listed = client.get(f"/api/v1/requests/{case['id']}/productions", headers=analyst.headers)
    assert listed.json() == []
    root = settings.productions_root
    assert not root.exists() or not list(root.iterdir())
    assert "production.build.refused" in audit_actions(factory)
