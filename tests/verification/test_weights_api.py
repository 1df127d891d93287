"""Fraud-risk weights as versioned data: published by staff, used by the next assessment."""

from __future__ import annotations

import copy
import io
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from exigent.audit.models import AuditEvent
from exigent.auth.models import Role
from exigent.verification.cli import run_assess_with_database
from exigent.verification.scoring import WEIGHTS_FILE
from factories import emergency_record

SHIPPED: dict[str, Any] = json.loads(WEIGHTS_FILE.read_text(encoding="utf-8"))
FREE_MAIL = SHIPPED["signals"]["free_mail_domain"]


def free_mail_record() -> dict[str, Any]:
    record = emergency_record()
    record["requester"] = {**record["requester"], "email": "springfield.detective@gmail.com"}
    return record


def weights_with(**signals: Any) -> dict[str, Any]:
    document = copy.deepcopy(SHIPPED)
    document["signals"].update(signals)
    return document


def publish(client, account, document: dict[str, Any], reason: str = "tuning"):  # type: ignore[no-untyped-def]
    return client.post(
        "/api/v1/risk-weights",
        json={"weights": document, "reason": reason},
        headers=account.headers,
    )


def assess(client, account, record: dict[str, Any]) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    response = client.post("/api/v1/assess", json=record, headers=account.headers)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def weight_of(assessment: dict[str, Any], code: str) -> int:
    return next(s["weight"] for s in assessment["signals"] if s["code"] == code)


@pytest.fixture
def legal(make_account):  # type: ignore[no-untyped-def]
    return make_account(Role.legal)


def test_the_shipped_weights_are_version_1(client, lead):
    response = client.get("/api/v1/risk-weights", headers=lead.headers)
    assert response.status_code == 200, response.text
    current = response.json()
    assert current["version"] == 1
    assert current["created_by"] == "weights-seed"
    assert current["document"]["signals"] == SHIPPED["signals"]
    assert current["document"]["levels"] == SHIPPED["levels"]


def test_a_published_change_alters_the_next_assessment(client, analyst, legal, factory):
    record = free_mail_record()
    before = assess(client, analyst, record)
    assert weight_of(before, "free_mail_domain") == FREE_MAIL

    response = publish(client, legal, weights_with(free_mail_domain=5), "free mail is common")
    assert response.status_code == 201, response.text
    assert response.json()["version"] == 2

    after = assess(client, analyst, record)
    assert weight_of(after, "free_mail_domain") == 5
    total = SHIPPED.get("baseline", 0) + sum(s["weight"] for s in after["signals"])
    assert after["risk_score"] == max(0, min(100, total))
    assert after["risk_score"] < before["risk_score"]

    # Intake scores with the current version and says which one.
    body = {**record, "id": "W-1"}
    case = client.post("/api/v1/requests", json=body, headers=analyst.headers).json()
    risk = client.get(f"/api/v1/requests/{case['id']}/risk", headers=analyst.headers).json()
    assert risk["weights_version"] == 2
    assert {"code": "free_mail_domain", "weight": 5} in [
        {"code": s["code"], "weight": s["weight"]} for s in risk["signals"]
    ]

    with factory() as session:
        [event] = session.execute(
            select(AuditEvent).where(AuditEvent.action == "weights.publish")
        ).scalars()
    assert event.actor_id == legal.user.id
    assert event.detail["reason"] == "free mail is common"
    assert event.detail["signals"] == {"free_mail_domain": [FREE_MAIL, 5]}


def test_the_cli_scores_with_the_database_weights(client, lead, settings, tmp_path: Path):
    assert publish(client, lead, weights_with(free_mail_domain=7)).status_code == 201
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps(free_mail_record()) + "\n", encoding="utf-8")
    out = io.StringIO()
    run_assess_with_database(path, out, settings.database_url)
    assert weight_of(json.loads(out.getvalue()), "free_mail_domain") == 7


def test_history_is_kept(client, lead, legal):
    assert (
        publish(client, lead, weights_with(request_burst=30), "bursts are noisy").status_code == 201
    )
    assert publish(client, legal, weights_with(request_burst=50), "fraud wave").status_code == 201
    versions = client.get("/api/v1/risk-weights/versions", headers=lead.headers).json()
    assert [(v["version"], v["reason"], v["created_by"]) for v in versions] == [
        (3, "fraud wave", legal.user.email),
        (2, "bursts are noisy", lead.user.email),
        (1, "the weights shipped with Exigent", "weights-seed"),
    ]
    old = client.get("/api/v1/risk-weights/versions/2", headers=lead.headers).json()
    assert old["document"]["signals"]["request_burst"] == 30
    assert client.get("/api/v1/risk-weights", headers=lead.headers).json()["version"] == 3
    missing = client.get("/api/v1/risk-weights/versions/9", headers=lead.headers)
    assert missing.status_code == 404
    same = publish(client, legal, weights_with(request_burst=50), "again")
    assert same.status_code == 409


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        (
            lambda d: d["signals"].update(not_a_signal=5),
            "weights.signals.not_a_signal",
            "not a known",
        ),
        (
            lambda d: d["signals"].pop("free_mail_domain"),
            "weights.signals.free_mail_domain",
            "missing",
        ),
        (
            lambda d: d["signals"].update(free_mail_domain="high"),
            "weights.signals.free_mail_domain",
            "integer",
        ),
        (
            lambda d: d["signals"].update(free_mail_domain=12.5),
            "weights.signals.free_mail_domain",
            "integer",
        ),
        (
            lambda d: d["signals"].update(free_mail_domain=500),
            "weights.signals.free_mail_domain",
            "100",
        ),
        (lambda d: d["levels"].update(high=20), "weights.levels", "must rise"),
        (lambda d: d["levels"].update(critical=0), "weights.levels.critical", "1"),
        (
            lambda d: d["verification"]["always_for"].append("nope"),
            "weights.verification.always_for[23]",
            "nope",
        ),
        (lambda d: d.update(colour="red"), "weights.colour", "not a field"),
    ],
)
def test_bad_weights_are_refused_naming_the_field(client, lead, change, field, words):
    document = copy.deepcopy(SHIPPED)
    change(document)
    response = publish(client, lead, document)
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error.startswith(f"{field}:"), error
    assert words in error
    assert client.get("/api/v1/risk-weights", headers=lead.headers).json()["version"] == 1


def test_a_reason_is_required(client, lead):
    response = publish(client, lead, weights_with(free_mail_domain=40), "  ")
    assert response.status_code == 422
    assert response.json()["error"].startswith("reason:")


def test_only_admin_lead_and_legal_read_or_publish(client, analyst, officer, make_account, factory):
    admin = make_account(Role.admin)
    assert client.get("/api/v1/risk-weights", headers=admin.headers).status_code == 200
    for account in (analyst, officer):
        assert client.get("/api/v1/risk-weights", headers=account.headers).status_code == 403
        refused = publish(client, account, weights_with(free_mail_domain=1))
        assert refused.status_code == 403
        assert "weights.edit" in refused.json()["error"]
    with factory() as session:
        refusals = session.execute(
            select(AuditEvent.actor_id).where(AuditEvent.action == "weights.publish.refused")
        ).scalars()
        assert sorted(refusals) == sorted([analyst.user.id, officer.user.id])
    assert (
        client.get("/api/v1/risk-weights/versions", headers=admin.headers).json()[0]["version"] == 1
    )


def test_another_process_sees_a_publish_on_its_next_assessment(client, analyst, lead, settings):
    from fastapi.testclient import TestClient

    from exigent.app import create_app

    record = free_mail_record()
    with TestClient(create_app(settings, run_worker=False)) as other:
        # The other process has read (and cached) version 1 already.
        assert weight_of(assess(other, analyst, record), "free_mail_domain") == FREE_MAIL
        assert publish(client, lead, weights_with(free_mail_domain=9)).status_code == 201
        assert weight_of(assess(other, analyst, record), "free_mail_domain") == 9
