"""Asking for missing elements, the requester's answer, re-judging, and children (COPPA)."""

from __future__ import annotations

from sqlalchemy import select

from exigent.legal.coppa import stated_ages
from exigent.legal.models import Decision
from factories import emergency_record
from legal.flows import (
    audit_actions,
    create_case,
    items_for,
    legal_view,
    put_decision,
    to_review,
)


def missing_phone_case(client, officer) -> dict:  # type: ignore[no-untyped-def]
    record = emergency_record()
    record["requester"] = {**record["requester"], "phone": None}
    del record["emergency"]["how_data_helps"]
    return create_case(client, officer, record)


def test_missing_elements_route_to_request_info_and_emergency_stays_p0(client, officer, analyst):
    case = missing_phone_case(client, officer)
    view = legal_view(client, analyst, case["id"])
    assert view["route"] == "request_info"
    assert view["missing_elements"] == ["emergency.how_data_helps", "requester.phone"]
    assert view["priority"] == "P0"
    assert (
        client.get(f"/api/v1/requests/{case['id']}", headers=analyst.headers).json()["priority"]
        == "P0"
    )


def test_request_info_sends_plain_words_and_waits(client, officer, analyst, factory):
    case = missing_phone_case(client, officer)
    response = client.post(
        f"/api/v1/requests/{case['id']}/request-info",
        json={"message": "Call the ERT line if faster."},
        headers=analyst.headers,
    )
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "need_info"
    timeline = client.get(f"/api/v1/requests/{case['id']}/timeline", headers=officer.headers)
    [note] = [e for e in timeline.json() if e["kind"] == "request_info"]
    assert case["reference"] in note["body"]
    assert "a phone number where you can be reached now" in note["body"]
    assert "how the data you ask for will help resolve the emergency" in note["body"]
    assert "requester.phone" not in note["body"]
    assert note["body"].endswith("Call the ERT line if faster.")
    assert "request.request_info" in audit_actions(factory)


def test_request_info_when_nothing_is_missing_is_409(client, officer, analyst):
    case = create_case(client, officer)
    response = client.post(
        f"/api/v1/requests/{case['id']}/request-info", json={}, headers=analyst.headers
    )
    assert response.status_code == 409
    assert "nothing is missing" in response.json()["error"]


def test_officers_cannot_send_requests_for_information(client, officer):
    case = missing_phone_case(client, officer)
    response = client.post(
        f"/api/v1/requests/{case['id']}/request-info", json={}, headers=officer.headers
    )
    assert response.status_code == 403


def test_requester_answers_and_the_case_is_judged_again(client, officer, analyst, factory):
    case = missing_phone_case(client, officer)
    client.post(f"/api/v1/requests/{case['id']}/request-info", json={}, headers=analyst.headers)
    emergency = {**emergency_record()["emergency"]}
    response = client.patch(
        f"/api/v1/requests/{case['id']}/record",
        json={
            "requester": {**case["record"]["requester"], "phone": "+12175550143"},
            "emergency": emergency,
        },
        headers=officer.headers,
    )
    assert response.status_code == 200, response.text
    assert response.json()["record"]["requester"]["phone"] == "+12175550143"
    view = legal_view(client, analyst, case["id"])
    assert view["route"] == "disclose_review"
    assert view["missing_elements"] == []
    timeline = client.get(f"/api/v1/requests/{case['id']}/timeline", headers=officer.headers)
    [update] = [e for e in timeline.json() if e["kind"] == "record_updated"]
    assert "phone" not in update["data"]["before"]["requester"]
    assert "request.update_record" in audit_actions(factory)
    # Intake is covered by request.create; every later judgement has its own event.
    assert audit_actions(factory).count("legal.judge") == 1


def test_record_update_validates_the_whole_record(client, officer):
    case = create_case(client, officer)
    url = f"/api/v1/requests/{case['id']}/record"
    response = client.patch(url, json={"requester": {"phone": "555"}}, headers=officer.headers)
    assert response.status_code == 422
    assert response.json()["error"].startswith("requester.phone: ")
    response = client.patch(url, json={"kind": "subpoena"}, headers=officer.headers)
    assert response.status_code == 422
    assert response.json()["error"].startswith("kind: cannot be changed")
    response = client.patch(url, json={"colour": "blue"}, headers=officer.headers)
    assert response.json()["error"] == "colour: is not a field of the intake record"
    assert client.patch(url, json={}, headers=officer.headers).status_code == 422


def test_null_removes_a_field(client, officer, analyst):
    case = create_case(client, officer)
    response = client.patch(
        f"/api/v1/requests/{case['id']}/record",
        json={"attestation": None},
        headers=officer.headers,
    )
    assert "attestation" not in response.json()["record"]
    assert legal_view(client, analyst, case["id"])["missing_elements"] == ["attestation.signed"]


def test_only_the_requesters_own_case_can_be_updated(client, officer, make_account):
    from exigent.auth.models import Role

    case = create_case(client, officer)
    stranger = make_account(Role.requester, "someone@elsewhere.example.gov")
    response = client.patch(
        f"/api/v1/requests/{case['id']}/record",
        json={"offense": "fraud"},
        headers=stranger.headers,
    )
    assert response.status_code == 404


def test_targets_are_refreshed_and_open_decisions_superseded(client, officer, analyst, factory):
    case = create_case(client, officer)
    to_review(client, analyst, case["id"])
    view = legal_view(client, analyst, case["id"])
    put_decision(client, analyst, case["id"], items_for(view))
    kept = view["targets"][0]
    response = client.patch(
        f"/api/v1/requests/{case['id']}/record",
        json={
            "targets": [
                {"identifier_type": "email", "value": "night.owl@example.com"},
                {"identifier_type": kept["identifier_type"], "value": kept["value"]},
            ]
        },
        headers=officer.headers,
    )
    assert [t["value"] for t in response.json()["targets"]] == [
        "night.owl@example.com",
        kept["value"],
    ]
    after = legal_view(client, analyst, case["id"])
    assert [t["id"] for t in after["targets"]][1] == kept["id"]
    with factory() as session:
        assert list(session.execute(select(Decision.status)).scalars()) == ["superseded"]
    response = client.get(f"/api/v1/requests/{case['id']}/decision", headers=analyst.headers)
    assert response.status_code == 404


def test_settled_case_record_cannot_change(client, officer, analyst):
    case = create_case(client, officer)
    client.post(
        f"/api/v1/requests/{case['id']}/transitions",
        json={"to": "withdrawn", "reason": "solved"},
        headers=officer.headers,
    )
    response = client.patch(
        f"/api/v1/requests/{case['id']}/record", json={"offense": "x"}, headers=officer.headers
    )
    assert response.status_code == 409


# Children under 13


def test_stated_ages() -> None:
    assert stated_ages("The account holder, believed 19") == [19]
    assert stated_ages("a 12-year-old girl and her mother (aged 41)") == [12, 41]
    assert stated_ages("baby, 8 months old") == [0]
    assert stated_ages("Two boys, 9 yo and 15 yrs") == [9, 15]
    assert stated_ages("The user posted 30 photos") == []


def test_persons_at_risk_under_13_flags_coppa(client, officer, analyst):
    record = emergency_record()
    record["emergency"]["persons_at_risk"] = "A 12-year-old girl contacted by the account"
    case = create_case(client, officer, record)
    assert case["coppa"] is True
    view = legal_view(client, analyst, case["id"])
    assert view["coppa_reasons"] == ["emergency.persons_at_risk states an age under 13"]
    adult = create_case(client, officer)
    assert adult["coppa"] is False


def test_staff_mark_a_targets_known_age(client, officer, analyst, factory):
    case = create_case(client, officer)
    target = legal_view(client, analyst, case["id"])["targets"][0]
    url = f"/api/v1/requests/{case['id']}/targets/{target['id']}/age"
    response = client.post(url, json={"age": 11, "source": "profile"}, headers=analyst.headers)
    assert response.status_code == 200
    assert response.json()["coppa"] is True
    assert legal_view(client, analyst, case["id"])["targets"][0]["known_age"] == 11
    # A correction wins: the newest known age counts.
    response = client.post(url, json={"age": 19, "source": "ID check"}, headers=analyst.headers)
    assert response.json()["coppa"] is False
    assert "target.mark_age" in audit_actions(factory)
    assert (
        client.post(url, json={"age": 5, "source": "x"}, headers=officer.headers).status_code == 403
    )
    other = f"/api/v1/requests/{case['id']}/targets/999/age"
    assert (
        client.post(other, json={"age": 5, "source": "x"}, headers=analyst.headers).status_code
        == 404
    )


def test_nul_in_an_update_is_bad_input(client, officer):
    case = create_case(client, officer)
    response = client.patch(
        f"/api/v1/requests/{case['id']}/record",
        json={"targets": [{"identifier_type": "username", "value": "a\x00b"}]},
        headers=officer.headers,
    )
    assert response.status_code == 422
    assert response.json()["error"] == "targets: must not contain NUL characters"
