"""How a case was verified is the team's working, never the officer's, even on their own case."""

from __future__ import annotations

from typing import Any

import pytest

from exigent.auth.models import Role
from factories import emergency_record
from legal.flows import audit_actions, create_case, verify_requester

# The callback `verify_requester` records: the directory number and who answered.
NUMBER, ANSWERED_BY = "+12175550100", "Desk sergeant"
READS = ("risk", "callbacks", "verification")


def _own_verified_case(client, analyst, officer, factory) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    case = create_case(client, officer, emergency_record())
    verify_requester(client, analyst, factory, case["id"])
    return case


@pytest.mark.parametrize("read", READS)
def test_an_officer_is_refused_the_verification_of_their_own_case(  # type: ignore[no-untyped-def]
    client, analyst, officer, factory, read: str
):
    case = _own_verified_case(client, analyst, officer, factory)
    mine = client.get(f"/api/v1/requests/{case['id']}", headers=officer.headers)
    assert mine.status_code == 200  # the case itself is theirs to read

    refused = client.get(f"/api/v1/requests/{case['id']}/{read}", headers=officer.headers)
    assert refused.status_code == 403
    assert set(refused.json()) == {"error"}
    assert "internal to the response team" in refused.json()["error"]
    for secret in (NUMBER, ANSWERED_BY, '"risk_score"', '"signals"', "confirmed on callback"):
        assert secret not in refused.text
    assert "verification.read.refused" in audit_actions(factory)


def test_an_officer_gets_the_same_answer_whether_or_not_the_case_is_theirs(  # type: ignore[no-untyped-def]
    client, analyst, officer
):
    other = create_case(client, analyst, emergency_record())
    for case_id in (other["id"], other["id"] + 1000):
        for read in READS:
            answer = client.get(f"/api/v1/requests/{case_id}/{read}", headers=officer.headers)
            assert answer.status_code == 403, (case_id, read)


@pytest.mark.parametrize("role", [Role.analyst, Role.auditor])
def test_staff_who_read_cases_still_see_the_verification(  # type: ignore[no-untyped-def]
    client, analyst, officer, factory, make_account, role: Role
):
    case = _own_verified_case(client, analyst, officer, factory)
    reader = analyst if role is Role.analyst else make_account(role)
    callbacks = client.get(f"/api/v1/requests/{case['id']}/callbacks", headers=reader.headers)
    assert callbacks.status_code == 200, callbacks.text
    (callback,) = callbacks.json()
    assert callback["number_dialled"] == NUMBER and callback["answered_by"] == ANSWERED_BY
    status = client.get(f"/api/v1/requests/{case['id']}/verification", headers=reader.headers)
    assert status.status_code == 200 and status.json()["passed"] is True
    risk = client.get(f"/api/v1/requests/{case['id']}/risk", headers=reader.headers)
    assert risk.status_code == 200 and "signals" in risk.json()
    assert "verification.read.refused" not in audit_actions(factory)
