"""Staff add and edit directory entries; the engine sees them on its next assessment."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from exigent.audit.models import AuditEvent
from factories import emergency_record


def _agency(client: TestClient, account: Any, **changes: Any) -> dict[str, Any]:
    body = {"name": "Metropolitan Police Service", "country": "GB", **changes}
    response = client.post("/api/v1/directory/agencies", json=body, headers=account.headers)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def _assess(client: TestClient, account: Any, record: dict[str, Any]) -> dict[str, Any]:
    response = client.post("/api/v1/assess", json=record, headers=account.headers)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def codes(result: dict[str, Any]) -> set[str]:
    return {signal["code"] for signal in result["signals"]}


def uk_record() -> dict[str, Any]:
    record = emergency_record()
    record["requester"].update(
        email="j.smith@met.police.example.uk",
        agency_name="Metropolitan Police Service",
        agency_country="GB",
        agency_state=None,
        phone="+442079461000",
        supervisor_phone="+442079461001",
    )
    return record


def test_a_staff_added_domain_is_listed_for_the_engine(client, analyst, lead, factory) -> None:  # type: ignore[no-untyped-def]
    before = _assess(client, analyst, uk_record())
    assert "domain_unlisted" in codes(before)
    agency = _agency(client, lead)
    response = client.post(
        "/api/v1/directory/domains",
        json={"domain": "met.police.example.uk", "agency_id": agency["id"]},
        headers=lead.headers,
    )
    assert response.status_code == 201, response.text
    after = _assess(client, analyst, uk_record())
    assert "domain_unlisted" not in codes(after)
    listed = client.get(
        "/api/v1/directory/agencies", params={"name": "metropolitan"}, headers=analyst.headers
    ).json()
    assert listed[0]["domains"] == ["met.police.example.uk"]
    with factory() as session:
        actions = set(session.execute(select(AuditEvent.action)).scalars())
    assert {"directory.agency_create", "directory.domain_add"} <= actions


def test_a_domain_already_listed_is_a_conflict(client, lead) -> None:  # type: ignore[no-untyped-def]
    agency = _agency(client, lead)
    body = {"domain": "www.Police.Example.UK", "agency_id": agency["id"]}
    assert (
        client.post("/api/v1/directory/domains", json=body, headers=lead.headers).status_code == 201
    )
    again = client.post("/api/v1/directory/domains", json=body, headers=lead.headers)
    assert again.status_code == 409
    assert again.json()["error"].startswith("domain: police.example.uk is already")


def test_phone_needs_its_source_and_status_a_reason(client, lead) -> None:  # type: ignore[no-untyped-def]
    agency = _agency(client, lead)
    url = f"/api/v1/directory/agencies/{agency['id']}"
    bad = client.patch(url, json={"verified_phone": "+442079461000"}, headers=lead.headers)
    assert bad.status_code == 422 and bad.json()["error"].startswith("phone_source:")
    good = client.patch(
        url,
        json={"verified_phone": "+442079461000", "phone_source": "agency_website"},
        headers=lead.headers,
    )
    assert good.status_code == 200 and good.json()["phone_source"] == "agency_website"
    no_reason = client.patch(url, json={"status": "fraudulent"}, headers=lead.headers)
    assert no_reason.status_code == 422 and no_reason.json()["error"].startswith("reason:")


def test_a_fraudulent_agency_domain_is_no_longer_listed(client, analyst, lead) -> None:  # type: ignore[no-untyped-def]
    agency = _agency(client, lead)
    client.post(
        "/api/v1/directory/domains",
        json={"domain": "met.police.example.uk", "agency_id": agency["id"]},
        headers=lead.headers,
    )
    assert "domain_unlisted" not in codes(_assess(client, analyst, uk_record()))
    response = client.patch(
        f"/api/v1/directory/agencies/{agency['id']}",
        json={"status": "fraudulent", "reason": "a fake force set up for EDR fraud"},
        headers=lead.headers,
    )
    assert response.status_code == 200, response.text
    assert "domain_unlisted" in codes(_assess(client, analyst, uk_record()))


def test_editing_needs_staff_rights(client, officer) -> None:  # type: ignore[no-untyped-def]
    response = client.post(
        "/api/v1/directory/agencies", json={"name": "X"}, headers=officer.headers
    )
    assert response.status_code == 403


def test_analysts_read_the_directory_but_leave_its_edits_to_leads(client, analyst, lead) -> None:  # type: ignore[no-untyped-def]
    agency = _agency(client, lead)
    listed = client.get(
        "/api/v1/directory/agencies", params={"name": "metropolitan"}, headers=analyst.headers
    )
    assert listed.status_code == 200 and listed.json()[0]["id"] == agency["id"]
    refused = client.patch(
        f"/api/v1/directory/agencies/{agency['id']}",
        json={"status": "fraudulent", "reason": "sure of it"},
        headers=analyst.headers,
    )
    assert refused.status_code == 403
    assert "directory.edit" in refused.json()["error"]


def test_a_number_set_through_the_api_joins_the_agencys_numbers(client, lead, factory) -> None:  # type: ignore[no-untyped-def]
    from exigent.directory.models import AgencyPhone

    agency = _agency(client, lead, verified_phone="+442079461000", phone_source="directory")
    with factory() as session:
        row = session.execute(select(AgencyPhone)).scalar_one()
    assert (row.agency_id, row.number, row.source_kind) == (
        agency["id"],
        "+442079461000",
        "directory",
    )
    assert row.added_by_id == lead.user.id
