"""Preservation holds: data kept as of the request survives deletion, until the hold ends."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from exigent.deadlines import Deadline, run_due
from exigent.legal.models import Notification
from exigent.platform_data.demo import DemoAdapter
from exigent.workflow.jobs import deadline_handlers
from factories import emergency_record, subpoena_record
from legal.flows import create_case, move
from production.flows import approved_case, produce


def _hold(client, account, case_id: int):  # type: ignore[no-untyped-def]
    response = client.post(f"/api/v1/requests/{case_id}/holds", headers=account.headers)
    assert response.status_code == 201, response.text
    return response.json()


def test_preserved_data_is_produced_after_the_user_deleted_it(  # type: ignore[no-untyped-def]
    client, analyst, lead, officer, factory, settings
):
    case = approved_case(client, analyst, lead, factory, emergency_record(), submitter=officer)
    hold = _hold(client, analyst, case["id"])
    assert hold["categories"] == ["subscriber_info", "account_activity"]
    kept = {s["dataset"]: s["records"] for s in hold["snapshots"]}
    assert kept["logins"] > 0 and kept["subscriber"] == 1
    adapter = DemoAdapter(settings.platform_store)
    account = adapter.find_account("username", "night.owl.77")
    assert account is not None
    in_range = [r for r in adapter.stream(account, "logins") if "2026-11-20" <= r[0] < "2026-11-25"]
    assert in_range
    assert adapter.delete_records(account, "logins") > 0
    adapter.close()

    production = produce(client, analyst, case["id"]).json()
    logins = next(c for c in production["counts"] if c["dataset"] == "logins")
    assert logins["records"] == len(in_range)
    assert logins["preserved"] is True
    custody = client.get(f"/api/v1/requests/{case['id']}/custody", headers=analyst.headers).json()
    assert [e["event"] for e in custody][:2] == ["preserved", "preserved"]


def test_a_hold_extends_once(client, analyst, factory):  # type: ignore[no-untyped-def]
    case = create_case(client, analyst, emergency_record(kind="preservation"))
    hold = _hold(client, analyst, case["id"])
    expires = datetime.fromisoformat(hold["expires_at"])
    received = datetime.fromisoformat("2026-11-24T02:10:00-05:00")
    assert expires == received + timedelta(days=90)
    again = client.post(f"/api/v1/requests/{case['id']}/holds", headers=analyst.headers)
    assert again.status_code == 409
    extended = client.post(f"/api/v1/holds/{hold['id']}/extend", headers=analyst.headers)
    assert extended.status_code == 200
    assert datetime.fromisoformat(extended.json()["expires_at"]) == expires + timedelta(days=90)
    assert extended.json()["extensions"] == 1
    twice = client.post(f"/api/v1/holds/{hold['id']}/extend", headers=analyst.headers)
    assert twice.status_code == 409
    assert "already extended" in twice.json()["error"]


def test_the_worker_reminds_before_expiry_and_releases_at_it(  # type: ignore[no-untyped-def]
    client, analyst, factory
):
    case = create_case(client, analyst, emergency_record(kind="preservation"))
    assigned = client.post(
        f"/api/v1/requests/{case['id']}/assignment",
        json={"assignee_id": analyst.user.id},
        headers=analyst.headers,
    )
    assert assigned.status_code == 200, assigned.text
    hold = _hold(client, analyst, case["id"])
    expires = datetime.fromisoformat(hold["expires_at"])
    run_due(factory, deadline_handlers(), now=expires - timedelta(days=13))
    with factory() as session:
        notes = session.execute(
            select(Notification.body).where(Notification.user_id == analyst.user.id)
        ).scalars()
        assert any(f"Preservation hold {hold['id']}" in n for n in notes)
    still = client.get(f"/api/v1/requests/{case['id']}/holds", headers=analyst.headers).json()
    assert still[0]["status"] == "active"
    run_due(factory, deadline_handlers(), now=expires + timedelta(seconds=1))
    released = client.get(f"/api/v1/requests/{case['id']}/holds", headers=analyst.headers).json()
    assert released[0]["status"] == "released"
    assert "preservation period ended" in released[0]["release_reason"]
    with factory() as session:
        rows = session.execute(
            select(Deadline.kind, Deadline.outcome).where(
                Deadline.kind.in_(["preservation_reminder", "preservation_release"])
            )
        ).all()
        outcomes = {kind: outcome for kind, outcome in rows}
    assert outcomes == {"preservation_reminder": "fired", "preservation_release": "fired"}


def test_an_extended_hold_is_not_released_at_its_old_date(client, analyst, factory):  # type: ignore[no-untyped-def]
    case = create_case(client, analyst, emergency_record(kind="preservation"))
    hold = _hold(client, analyst, case["id"])
    client.post(f"/api/v1/holds/{hold['id']}/extend", headers=analyst.headers)
    run_due(
        factory,
        deadline_handlers(),
        now=datetime.fromisoformat(hold["expires_at"]) + timedelta(days=1),
    )
    after = client.get(f"/api/v1/requests/{case['id']}/holds", headers=analyst.headers).json()
    assert after[0]["status"] == "active"


def test_a_warrant_after_preservation_produces_what_the_user_deleted_since(  # type: ignore[no-untyped-def]
    client, analyst, lead, officer, factory, settings
):
    """The usual order: preserve now, the warrant follows, the user deletes in between."""
    record = emergency_record(kind="preservation", data_requested=["content"])
    for key in ("emergency", "attestation"):
        record.pop(key)
    case = create_case(client, officer, record)
    assert move(client, analyst, case["id"], "triaged").status_code == 200
    hold = _hold(client, analyst, case["id"])
    assert {s["dataset"] for s in hold["snapshots"]} == {"messages", "posts"}
    status = client.get(f"/api/v1/requests/{case['id']}", headers=analyst.headers).json()
    assert status["status"] == "preserved"

    adapter = DemoAdapter(settings.platform_store)
    account = adapter.find_account("username", "night.owl.77")
    assert account is not None
    wanted = [r for r in adapter.stream(account, "messages") if "2026-11-01" <= r[0] < "2026-11-25"]
    assert adapter.delete_records(account, "messages") > 0
    adapter.close()

    # The warrant arrives as a new request from the same agency, citing the same case number.
    warrant = subpoena_record(
        kind="search_warrant",
        case_number=record["case_number"],
        legal_authority="18 U.S.C. 2703(a); state search warrant",
        data_requested=["content"],
        date_range={"start": "2026-11-01", "end": "2026-11-24"},
    )
    later = approved_case(client, analyst, lead, factory, warrant, submitter=officer)
    production = produce(client, analyst, later["id"]).json()
    messages = next(c for c in production["counts"] if c["dataset"] == "messages")
    assert messages["records"] == len(wanted) > 0
    assert messages["preserved"] is True

    # Another agency's request that happens to use the same case number draws on nothing.
    elsewhere = subpoena_record(
        kind="search_warrant",
        case_number=record["case_number"],
        data_requested=["content"],
        date_range={"start": "2026-11-01", "end": "2026-11-24"},
    )
    elsewhere["requester"] = {
        **elsewhere["requester"],
        "email": "jdoe@shelbyvillepd.org",
        "agency_name": "Shelbyville Police Department",
    }
    other = approved_case(client, analyst, lead, factory, elsewhere)
    unrelated = produce(client, analyst, other["id"]).json()
    assert not any(c["preserved"] for c in unrelated["counts"])
    assert next(c for c in unrelated["counts"] if c["dataset"] == "messages")["records"] == 0


def _preservation(kind: str = "preservation", **changes):  # type: ignore[no-untyped-def]
    record = emergency_record(kind=kind, data_requested=[], **changes)
    for key in ("emergency", "attestation"):
        record.pop(key)
    return record


def test_an_extension_request_extends_the_agencys_hold_once(client, analyst, factory):  # type: ignore[no-untyped-def]
    first = _preservation()
    case = create_case(client, analyst, first)
    hold = _hold(client, analyst, case["id"])
    assert len(hold["categories"]) == 6  # nothing named: everything is kept
    extension = create_case(
        client,
        analyst,
        _preservation("preservation_extension", case_number=first["case_number"]),
    )
    move(client, analyst, extension["id"], "triaged")
    extended = _hold(client, analyst, extension["id"])
    assert extended["id"] == hold["id"]
    assert extended["extensions"] == 1
    status = client.get(f"/api/v1/requests/{extension['id']}", headers=analyst.headers).json()
    assert status["status"] == "preserved"
    again = create_case(
        client,
        analyst,
        _preservation("preservation_extension", case_number=first["case_number"]),
    )
    refused = client.post(f"/api/v1/requests/{again['id']}/holds", headers=analyst.headers)
    assert refused.status_code == 409
    assert "already extended" in refused.json()["error"]
