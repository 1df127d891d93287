"""Risk at intake, history from the database, callbacks and the verification status."""

from __future__ import annotations

import io
import json
import time
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select, update

from exigent.app import create_app
from exigent.cases.models import Request, Requester, format_reference
from exigent.directory.models import Agency, AgencyDomain
from exigent.verification.cli import run_assess_with_database
from exigent.verification.db_history import _mirrors, history_lock
from exigent.verification.service import verification_status
from factories import emergency_record

TEMPLATE = (
    "We have received a credible report that the user of the account {target} has posted a "
    "message stating that he intends to take his own life this evening. The user has a firearm "
    "and has not been seen since last night. Family members are unable to reach him and officers "
    "checked his last known residence with negative results. We urgently need to locate him."
)


def intake(client: TestClient, account: Any, record: dict[str, Any]) -> dict[str, Any]:
    response = client.post("/api/v1/requests", json=record, headers=account.headers)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def codes(signals: list[dict[str, Any]]) -> set[str]:
    return {signal["code"] for signal in signals}


def templated(n: int, email: str, received_at: str) -> dict[str, Any]:
    target = f"victim.{n}"
    record = emergency_record(
        received_at=received_at, targets=[{"identifier_type": "username", "value": target}]
    )
    record["requester"]["email"] = email
    record["emergency"]["facts"] = TEMPLATE.format(target=target)
    return record


def test_risk_is_stored_at_intake_and_shown(client, analyst, officer) -> None:  # type: ignore[no-untyped-def]
    case = intake(client, analyst, emergency_record())
    response = client.get(f"/api/v1/requests/{case['id']}/risk", headers=analyst.headers)
    assert response.status_code == 200, response.text
    risk = response.json()
    assert risk["verification_required"] is True
    assert {"domain_unlisted_known_agency", "requester_first_seen"} <= codes(risk["signals"])
    # An unlisted domain alone is weak evidence, but a first-time requester is always called back.
    assert risk["risk_score"] >= 0 and risk["weights_version"] == 1
    hidden = client.get(f"/api/v1/requests/{case['id']}/risk", headers=officer.headers)
    assert hidden.status_code == 403


def test_later_cases_see_earlier_ones_and_fraud_marks(client, analyst, lead) -> None:  # type: ignore[no-untyped-def]
    first = intake(
        client, analyst, templated(1, "a.one@springfieldpd.org", "2026-11-24T01:00:00-05:00")
    )
    second = intake(client, analyst, templated(2, "b.two@otherpd.org", "2026-11-24T02:00:00-05:00"))
    risk = client.get(f"/api/v1/requests/{second['id']}/risk", headers=analyst.headers).json()
    assert "template_reuse" in codes(risk["signals"])
    requester_id = first["requester_id"]
    marked = client.post(
        f"/api/v1/directory/requesters/{requester_id}/status",
        json={"status": "fraudulent", "reason": "agency denies this officer exists"},
        headers=lead.headers,
    )
    assert marked.status_code == 200 and marked.json()["status"] == "fraudulent"
    again = client.post(
        "/api/v1/assess",
        json=[templated(3, "c.three@thirdpd.org", "2026-11-24T03:00:00-05:00")],
        headers=analyst.headers,
    )
    assert again.status_code == 200, again.text
    assert "template_of_fraud" in codes(again.json()[0]["signals"])
    same_officer = client.post(
        "/api/v1/assess",
        json=templated(4, "a.one@springfieldpd.org", "2026-11-24T04:00:00-05:00"),
        headers=analyst.headers,
    ).json()
    assert "requester_failed_verification" in codes(same_officer["signals"])


def test_assess_api_stores_nothing_and_needs_staff(client, analyst, officer, factory) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/api/v1/assess", json=emergency_record(), headers=analyst.headers)
    assert response.status_code == 200
    assert set(response.json()) == {
        "id",
        "risk_score",
        "risk_level",
        "verification_required",
        "signals",
    }
    with factory() as session:
        assert session.execute(select(Request.id)).first() is None
    assert (
        client.post("/api/v1/assess", json=emergency_record(), headers=officer.headers).status_code
        == 403
    )


def test_cli_sees_the_database_history(client, analyst, settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    intake(client, analyst, templated(1, "a.one@springfieldpd.org", "2026-11-24T01:00:00-05:00"))
    path = tmp_path / "in.jsonl"
    later = templated(2, "b.two@otherpd.org", "2026-11-24T02:00:00-05:00")
    path.write_text(json.dumps(later) + "\n", encoding="utf-8")
    out = io.StringIO()
    run_assess_with_database(path, out, settings.database_url)
    row = json.loads(out.getvalue())
    assert row["id"] == later["id"] and "template_reuse" in codes(row["signals"])


def _link_agency(factory, case_id: int, phone: str | None) -> int:  # type: ignore[no-untyped-def]
    with factory() as session:
        agency = Agency(name="Springfield Police Department", state="IL", source="staff")
        if phone:
            agency.verified_phone, agency.phone_source = phone, "agency_website"
        session.add(agency)
        session.flush()
        session.add(AgencyDomain(domain="springfieldpd.org", agency_id=agency.id, source="staff"))
        session.execute(update(Request).where(Request.id == case_id).values(agency_id=agency.id))
        session.commit()
        return agency.id


def test_callback_uses_the_directory_number_never_the_request(
    client, analyst, lead, factory
) -> None:  # type: ignore[no-untyped-def]
    case = intake(client, analyst, emergency_record())
    unlinked = client.post(f"/api/v1/requests/{case['id']}/callbacks", headers=analyst.headers)
    assert unlinked.status_code == 409
    agency_id = _link_agency(factory, case["id"], None)
    no_number = client.post(f"/api/v1/requests/{case['id']}/callbacks", headers=analyst.headers)
    assert no_number.status_code == 409
    assert "independently sourced phone number" in no_number.json()["error"]
    client.patch(
        f"/api/v1/directory/agencies/{agency_id}",
        json={"verified_phone": "+12175557000", "phone_source": "directory"},
        headers=lead.headers,
    )
    task = client.post(f"/api/v1/requests/{case['id']}/callbacks", headers=analyst.headers)
    assert task.status_code == 201, task.text
    assert task.json()["number_dialled"] == "+12175557000"  # not the request's +12175550143
    assert task.json()["number_source"] == "directory"


def test_verification_passes_on_a_confirmed_callback_with_supervisor(
    client, analyst, factory
) -> None:  # type: ignore[no-untyped-def]
    case = intake(client, analyst, emergency_record())
    _link_agency(factory, case["id"], "+12175557000")
    url = f"/api/v1/requests/{case['id']}/verification"
    assert client.get(url, headers=analyst.headers).json()["passed"] is False
    task = client.post(f"/api/v1/requests/{case['id']}/callbacks", headers=analyst.headers).json()
    outcome = f"/api/v1/callbacks/{task['id']}/outcome"
    body = {"outcome": "confirmed", "answered_by": "Sgt. Lee, front desk"}
    assert client.post(outcome, json=body, headers=analyst.headers).status_code == 200
    status = client.get(url, headers=analyst.headers).json()
    assert status["passed"] is False and "supervisor" in status["reason"]
    twice = client.post(outcome, json=body, headers=analyst.headers)
    assert twice.status_code == 409
    second = client.post(f"/api/v1/requests/{case['id']}/callbacks", headers=analyst.headers).json()
    client.post(
        f"/api/v1/callbacks/{second['id']}/outcome",
        json={**body, "supervisor_confirmed": True},
        headers=analyst.headers,
    )
    assert client.get(url, headers=analyst.headers).json()["passed"] is True
    with factory() as session:
        requester = session.get(Requester, case["requester_id"])
        assert requester is not None and requester.status == "verified"


def test_a_denied_callback_marks_the_requester_fraudulent(client, analyst, factory) -> None:  # type: ignore[no-untyped-def]
    case = intake(client, analyst, emergency_record())
    _link_agency(factory, case["id"], "+12175557000")
    task = client.post(f"/api/v1/requests/{case['id']}/callbacks", headers=analyst.headers).json()
    client.post(
        f"/api/v1/callbacks/{task['id']}/outcome",
        json={"outcome": "denied", "answered_by": "Records desk: no such detective"},
        headers=analyst.headers,
    )
    status = client.get(f"/api/v1/requests/{case['id']}/verification", headers=analyst.headers)
    assert status.json()["passed"] is False and "denied" in status.json()["reason"]
    again = client.post("/api/v1/assess", json=emergency_record(), headers=analyst.headers)
    assert "requester_failed_verification" in codes(again.json()["signals"])


def test_the_gate_blocks_a_verified_requester_on_a_risky_request(
    client, analyst, lead, factory
) -> None:  # type: ignore[no-untyped-def]
    case = intake(client, analyst, emergency_record())
    client.post(
        f"/api/v1/directory/requesters/{case['requester_id']}/status",
        json={"status": "verified", "reason": "known officer"},
        headers=lead.headers,
    )
    with factory() as session:
        passed, why = verification_status(session, session.get(Request, case["id"]))
    assert passed is False and "requires a callback" in why


def test_a_started_server_has_the_history_loaded_before_the_first_case(
    client, analyst, settings
) -> None:  # type: ignore[no-untyped-def]
    stored = intake(client, analyst, emergency_record(id="before-restart"))
    restarted = create_app(settings, run_worker=False, warm=True)
    with TestClient(restarted):
        engine = restarted.state.engine
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with history_lock():
                mirror = _mirrors.get(engine)
                if mirror is not None and format_reference(stored["id"]) in mirror._by_id:
                    return
            time.sleep(0.05)
    raise AssertionError("the restarted server did not load the stored case into its history")
