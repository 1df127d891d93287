"""Policy versions: seeded from the default, changed only by legal with a reason, never edited."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import func, select

from exigent.audit.models import AuditEvent
from exigent.cases.models import Request
from exigent.legal.cli import legal_check_lines
from exigent.legal.models import LegalCheckRecord, PolicyVersion
from exigent.legal.policy import default_policy
from factories import emergency_record
from legal.flows import audit_actions, audit_detail, create_case, legal_view

DEV_SAMPLE = Path(__file__).parent / "data" / "legal-dev.jsonl"


def change(client, account, policy: dict, reason: str = "counsel's review"):  # type: ignore[no-untyped-def]
    return client.post(
        "/api/v1/policy", json={"policy": policy, "reason": reason}, headers=account.headers
    )


def test_first_read_seeds_version_one_from_the_default(client, legal, analyst):
    response = client.get("/api/v1/policy", headers=legal.headers)
    assert response.status_code == 200
    body = response.json()
    assert body["version"] == 1
    assert body["document"] == default_policy().model_dump(mode="json")
    assert body["created_by"] == "policy-seed"
    assert client.get("/api/v1/policy", headers=analyst.headers).json()["version"] == 1


def test_officers_cannot_read_the_policy(client, officer):
    assert client.get("/api/v1/policy", headers=officer.headers).status_code == 403


def test_legal_changes_the_policy_and_old_versions_stay(client, legal, factory):
    original = client.get("/api/v1/policy", headers=legal.headers).json()["document"]
    edited = json.loads(json.dumps(original))
    edited["kinds"]["subpoena"]["categories"]["account_activity"] = "L"
    response = change(client, legal, edited, "subpoenas may reach logs after review")
    assert response.status_code == 201
    assert response.json()["version"] == 2
    assert response.json()["reason"] == "subpoenas may reach logs after review"
    assert client.get("/api/v1/policy", headers=legal.headers).json()["version"] == 2
    old = client.get("/api/v1/policy/versions/1", headers=legal.headers).json()
    assert old["document"] == original
    listing = client.get("/api/v1/policy/versions", headers=legal.headers).json()
    assert [v["version"] for v in listing] == [2, 1]
    assert audit_detail(factory, "policy.change") == {
        "from_version": 1,
        "reason": "subpoenas may reach logs after review",
    }


def test_a_new_version_takes_effect_for_the_next_case(client, legal, analyst):
    first = create_case(client, analyst)
    policy = client.get("/api/v1/policy", headers=legal.headers).json()["document"]
    policy["kinds"]["emergency"]["categories"]["account_activity"] = "L"
    assert change(client, legal, policy).status_code == 201
    second = create_case(client, analyst)
    assert first["policy_version"] == 1
    assert second["policy_version"] == 2
    assert legal_view(client, analyst, first["id"])["categories"]["account_activity"] == "permitted"
    view = legal_view(client, analyst, second["id"])
    assert view["categories"]["account_activity"] == "legal_review"
    assert view["current_policy_version"] == 2


def test_only_legal_may_change_the_policy_and_refusals_are_audited(client, analyst, lead, factory):
    document = default_policy().model_dump(mode="json")
    for account in (analyst, lead):
        response = change(client, account, document)
        assert response.status_code == 403
        assert "policy.edit" in response.json()["error"]
    assert audit_actions(factory).count("policy.change.refused") == 2
    with factory() as session:
        assert session.execute(select(func.count()).select_from(PolicyVersion)).scalar() == 0


def test_a_reason_is_required(client, legal):
    document = default_policy().model_dump(mode="json")
    response = change(client, legal, document, reason="")
    assert response.status_code == 422
    assert response.json()["error"].startswith("reason: ")
    response = change(client, legal, document, reason="   ")
    assert response.status_code == 422


def test_an_invalid_policy_is_refused_naming_the_field(client, legal):
    document = default_policy().model_dump(mode="json")
    del document["kinds"]["subpoena"]
    response = change(client, legal, document)
    assert response.status_code == 422
    assert response.json()["error"].startswith("policy: ")
    assert "kinds lacks subpoena" in response.json()["error"]
    document = default_policy().model_dump(mode="json")
    document["kinds"]["subpoena"]["categories"]["content"] = "maybe"
    response = change(client, legal, document)
    assert response.json()["error"].startswith("policy.kinds.subpoena.categories.content: ")
    document = default_policy().model_dump(mode="json")
    document["typo"] = 1
    response = change(client, legal, document)
    assert response.json()["error"] == "policy.typo: is not a field of the policy"


def test_an_identical_policy_is_not_a_new_version(client, legal):
    document = client.get("/api/v1/policy", headers=legal.headers).json()["document"]
    response = change(client, legal, document)
    assert response.status_code == 409
    assert "identical to version 1" in response.json()["error"]


def test_unknown_version_is_404(client, legal):
    assert client.get("/api/v1/policy/versions/7", headers=legal.headers).status_code == 404


def test_legal_check_endpoint_matches_the_cli_and_stores_nothing(
    client, analyst, factory, tmp_path
):
    lines = DEV_SAMPLE.read_text(encoding="utf-8").splitlines()[:25]
    records = []
    for line in lines:
        record = json.loads(line)
        record.pop("expected")
        records.append(record)
    sample = tmp_path / "sample.jsonl"
    sample.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    expected = [json.loads(line) for line in legal_check_lines(sample).splitlines()]
    with factory() as session:
        events_before = session.execute(select(func.count()).select_from(AuditEvent)).scalar()
    for record, line in zip(records, expected, strict=True):
        response = client.post("/api/v1/legal-check", json=record, headers=analyst.headers)
        assert response.status_code == 200, response.text
        assert response.json() == line
    with factory() as session:
        for model in (Request, LegalCheckRecord, PolicyVersion):
            assert session.execute(select(func.count()).select_from(model)).scalar() == 0
        events = session.execute(select(func.count()).select_from(AuditEvent)).scalar()
    assert events == events_before


def test_legal_check_endpoint_is_staff_only(client, officer):
    response = client.post("/api/v1/legal-check", json=emergency_record(), headers=officer.headers)
    assert response.status_code == 403


def test_a_receipt_date_no_request_can_have_is_named_not_a_server_error(client, analyst):
    # A hold counted forward from the year 9999 would overflow the calendar.
    record = emergency_record(kind="preservation", received_at="9999-12-31T23:00:00+00:00")
    response = client.post("/api/v1/legal-check", json=record, headers=analyst.headers)
    assert response.status_code == 422
    assert "received_at" in response.text and "2999" in response.text
