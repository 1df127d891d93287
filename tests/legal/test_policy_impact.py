"""A policy edit and the decisions drafted under the version before it: approved as drafted when
the edit changes nothing they disclose, refused with the reason when it does, re-checked one by
one or all at once, and the impact shown before the edit is saved."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, update

from exigent.cases.models import Request, TimelineEvent
from exigent.legal.models import Decision, PolicyVersion
from legal.flows import (
    approve,
    audit_actions,
    audit_detail,
    create_case,
    legal_view,
    ready_for_approval,
    to_review,
)
from legal.intake import complete


def current_document(client, account) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    return client.get("/api/v1/policy", headers=account.headers).json()["document"]  # type: ignore[no-any-return]


def save(client, legal, document: dict[str, Any], reason: str = "counsel's review") -> int:  # type: ignore[no-untyped-def]
    answer = client.post(
        "/api/v1/policy", json={"policy": document, "reason": reason}, headers=legal.headers
    )
    assert answer.status_code == 201, answer.text
    return answer.json()["version"]  # type: ignore[no-any-return]


def edited(client, legal, kind: str, category: str, verdict: str) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    document = current_document(client, legal)
    document["kinds"][kind]["categories"][category] = verdict
    return document


def timeline(factory, case_id: int, kind: str) -> list[str]:  # type: ignore[no-untyped-def]
    with factory() as session:
        rows = session.execute(
            select(TimelineEvent.body)
            .where(TimelineEvent.request_id == case_id, TimelineEvent.kind == kind)
            .order_by(TimelineEvent.id)
        ).scalars()
        return [row or "" for row in rows]


def decision_of(client, account, case_id: int) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    return client.get(f"/api/v1/requests/{case_id}/decision", headers=account.headers).json()  # type: ignore[no-any-return]


def status_of(client, account, case_id: int) -> str:  # type: ignore[no-untyped-def]
    return client.get(f"/api/v1/requests/{case_id}", headers=account.headers).json()["status"]  # type: ignore[no-any-return]


def test_a_decision_is_approved_as_drafted_when_the_edit_leaves_what_it_discloses(
    client, analyst, lead, legal, factory
):
    case = ready_for_approval(client, analyst, factory)  # discloses subscriber info, activity
    # Counsel changes what court orders may obtain, and the SLA warning: not this emergency's.
    document = edited(client, legal, "court_order", "location", "N")
    document["sla_warning_fraction"] = 0.75
    assert save(client, legal, document) == 2

    answer = approve(client, lead, case["id"])
    assert answer.status_code == 200, answer.text
    decision = decision_of(client, lead, case["id"])
    assert decision["status"] == "approved"
    assert decision["policy_version"] == 1  # recorded under the version it was drafted under
    assert audit_detail(factory, "decision.approve")["policy_version"] == 1
    (body,) = timeline(factory, case["id"], "decision_approval")
    assert "Approved as drafted under policy v1: v2 changes nothing it discloses." in body


def test_approval_is_refused_naming_what_changed_in_a_disclosed_category(
    client, analyst, lead, legal, factory
):
    case = ready_for_approval(client, analyst, factory)
    save(client, legal, edited(client, legal, "emergency", "account_activity", "L"))

    answer = approve(client, lead, case["id"])
    assert answer.status_code == 409
    error = answer.json()["error"]
    assert "drafted under policy version 1, and version 2 changes what it discloses" in error
    assert "account activity: permitted → legal review" in error
    assert "re-check" in error
    assert "account activity" in audit_detail(factory, "decision.approve.refused")["reason"]
    assert decision_of(client, lead, case["id"])["status"] == "submitted"


def test_a_withholding_decision_is_untouched_by_a_change_to_what_it_withholds(
    client, analyst, lead, legal, factory
):
    case = ready_for_approval(client, analyst, factory, outcome="withhold", verified=False)
    save(client, legal, edited(client, legal, "emergency", "subscriber_info", "N"))
    assert approve(client, lead, case["id"]).status_code == 200


def test_a_newly_required_element_stops_a_compulsory_disclosure_drafted_before_it(
    client, analyst, lead, legal, factory
):
    case = ready_for_approval(client, analyst, factory, complete("court_order", "subscriber_info"))
    document = current_document(client, legal)
    document["required_elements"]["by_kind"]["court_order"].append("offense")
    save(client, legal, document)
    answer = approve(client, lead, case["id"])
    assert answer.status_code == 409
    assert "now required and missing: offense" in answer.json()["error"]


def test_a_recheck_withdraws_a_decision_the_new_version_changes_and_sends_it_back(
    client, analyst, lead, legal, factory
):
    case = ready_for_approval(client, analyst, factory)
    save(client, legal, edited(client, legal, "emergency", "account_activity", "L"))

    answer = client.post(f"/api/v1/requests/{case['id']}/legal/recheck", headers=lead.headers)
    assert answer.status_code == 200
    assert answer.json()["categories"]["account_activity"] == "legal_review"
    assert status_of(client, lead, case["id"]) == "under_review"
    with factory() as session:
        assert session.execute(select(Decision.status)).scalar_one() == "superseded"
    assert audit_detail(factory, "decision.withdraw")["changes"] == [
        "account activity: permitted → legal review"
    ]
    (body,) = timeline(factory, case["id"], "legal_recheck")
    assert "Checked again under policy v2 (was v1)" in body
    assert "account activity: permitted → legal review" in body
    assert "withdrawn from approval" in body and "Draft it again" in body


def test_a_recheck_keeps_a_decision_the_new_version_leaves_and_it_is_approved(
    client, analyst, lead, legal, factory
):
    case = ready_for_approval(client, analyst, factory)
    save(client, legal, edited(client, legal, "court_order", "location", "N"))
    client.post(f"/api/v1/requests/{case['id']}/legal/recheck", headers=lead.headers)
    assert status_of(client, lead, case["id"]) == "awaiting_approval"
    (body,) = timeline(factory, case["id"], "legal_recheck")
    assert "the route and every ruling are unchanged" in body
    assert "can be approved as drafted" in body
    assert approve(client, lead, case["id"]).status_code == 200
    assert decision_of(client, lead, case["id"])["policy_version"] == 1


def test_legal_rechecks_every_stale_case_in_one_action(client, analyst, lead, legal, factory):
    changed = ready_for_approval(client, analyst, factory)
    unchanged = ready_for_approval(
        client, analyst, factory, complete("emergency", "subscriber_info")
    )
    undecided = create_case(client, analyst)
    to_review(client, analyst, undecided["id"])
    save(client, legal, edited(client, legal, "emergency", "account_activity", "L"))

    refused = client.post("/api/v1/policy/recheck", headers=lead.headers)
    assert refused.status_code == 403
    assert "policy.recheck.refused" in audit_actions(factory)

    answer = client.post("/api/v1/policy/recheck", headers=legal.headers)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["policy_version"] == 2
    by_case = {r["request_id"]: r for r in body["rechecked"]}
    assert set(by_case) == {changed["id"], unchanged["id"], undecided["id"]}
    assert by_case[changed["id"]]["withdrawn"] is True
    assert by_case[unchanged["id"]]["withdrawn"] is False
    assert by_case[undecided["id"]]["decision_id"] is None
    assert by_case[undecided["id"]]["differences"] == ["account activity: permitted → legal review"]
    for case in (changed, unchanged, undecided):
        (entry,) = timeline(factory, case["id"], "legal_recheck")
        assert "with every open case judged under an earlier version" in entry
        assert legal_view(client, analyst, case["id"])["policy_version"] == 2
    assert status_of(client, lead, changed["id"]) == "under_review"
    assert approve(client, lead, unchanged["id"]).status_code == 200
    assert audit_detail(factory, "policy.recheck") == {
        "cases": sorted(by_case),
        "withdrawn": [by_case[changed["id"]]["decision_id"]],
    }
    # Nothing is stale any more: a second run re-checks nothing.
    again = client.post("/api/v1/policy/recheck", headers=legal.headers)
    assert again.json()["rechecked"] == []


def test_the_impact_of_an_edit_is_shown_before_it_is_saved(client, analyst, lead, legal, factory):
    changed = ready_for_approval(client, analyst, factory)
    unchanged = ready_for_approval(
        client, analyst, factory, complete("emergency", "subscriber_info")
    )
    create_case(client, analyst, complete("court_order", "location"))
    document = edited(client, legal, "emergency", "account_activity", "L")

    refused = client.post("/api/v1/policy/impact", json={"policy": document}, headers=lead.headers)
    assert refused.status_code == 403
    answer = client.post("/api/v1/policy/impact", json={"policy": document}, headers=legal.headers)
    assert answer.status_code == 200, answer.text
    impact = answer.json()
    assert impact["base_version"] == 1
    assert impact["changes"] == [
        {
            "path": "kinds.emergency.categories.account_activity",
            "section": "kinds",
            "row": "emergency",
            "column": "account_activity",
            "before": "permitted",
            "after": "legal review",
        }
    ]
    assert impact["open_cases"] == 3
    assert [c["request_id"] for c in impact["cases_judged_differently"]] == [changed["id"]]
    (needs,) = impact["need_recheck"]
    assert needs["request_id"] == changed["id"]
    assert needs["changes"] == ["account activity: permitted → legal review"]
    assert needs["already_needed"] is False  # this edit is what sends it back
    assert [d["request_id"] for d in impact["approvable_as_drafted"]] == [unchanged["id"]]
    # A preview saves nothing, but the cases it showed are audited as read.
    with factory() as session:
        assert session.execute(select(func.count()).select_from(PolicyVersion)).scalar() == 1
    assert audit_detail(factory, "request.list")["ids"] == [changed["id"], unchanged["id"]]

    # Once saved, a further edit does not claim the decisions the saved one already sent back.
    save(client, legal, document)
    further = edited(client, legal, "court_order", "location", "N")
    again = client.post("/api/v1/policy/impact", json={"policy": further}, headers=legal.headers)
    (still,) = again.json()["need_recheck"]
    assert still["request_id"] == changed["id"] and still["already_needed"] is True

    bad = dict(document, kinds={**document["kinds"], "subpoena": {"route": "disclose_review"}})
    invalid = client.post("/api/v1/policy/impact", json={"policy": bad}, headers=legal.headers)
    assert invalid.status_code == 422
    assert invalid.json()["error"].startswith("policy.kinds.subpoena.categories: ")


def test_a_save_reviewed_against_an_older_version_is_refused(client, legal):
    document = edited(client, legal, "court_order", "location", "N")
    save(client, legal, document)
    stale = dict(document, sla_warning_fraction=0.7)
    answer = client.post(
        "/api/v1/policy",
        json={"policy": stale, "reason": "warn earlier", "based_on": 1},
        headers=legal.headers,
    )
    assert answer.status_code == 409
    assert "version 2 is now current, not 1" in answer.json()["error"]


def test_the_diff_between_two_versions_names_each_cell(client, legal, analyst, officer):
    document = edited(client, legal, "court_order", "location", "N")
    document["sla"]["P1"]["acknowledge"] = {"business_days": 1}
    save(client, legal, document)
    save(client, legal, edited(client, legal, "subpoena", "account_activity", "L"))

    answer = client.get("/api/v1/policy/diff", headers=analyst.headers)  # current vs the one before
    assert answer.json()["from_version"] == 2 and answer.json()["to_version"] == 3
    assert [c["path"] for c in answer.json()["changes"]] == [
        "kinds.subpoena.categories.account_activity"
    ]
    answer = client.get("/api/v1/policy/diff?from_version=1&to_version=3", headers=analyst.headers)
    words = {(c["row"], c["column"]): (c["before"], c["after"]) for c in answer.json()["changes"]}
    assert words == {
        ("court_order", "location"): ("legal review", "not permitted"),
        ("subpoena", "account_activity"): ("not permitted", "legal review"),
        ("P1", "acknowledge"): ("30 min", "1 business day"),
    }
    assert (
        client.get("/api/v1/policy/diff?to_version=9", headers=analyst.headers).status_code == 404
    )
    assert client.get("/api/v1/policy/diff", headers=officer.headers).status_code == 403


def test_a_case_whose_record_cannot_be_read_does_not_stop_the_others(
    client, analyst, legal, factory
):
    readable = create_case(client, analyst)
    sparse = create_case(client, analyst)
    with factory() as session:
        session.execute(
            update(Request)
            .where(Request.id == sparse["id"])
            .values(record={"kind": "other", "received_via": "email", "requester": None})
        )
        session.commit()
    document = edited(client, legal, "emergency", "account_activity", "L")
    impact = client.post("/api/v1/policy/impact", json={"policy": document}, headers=legal.headers)
    assert impact.status_code == 200
    assert [c["request_id"] for c in impact.json()["cases_judged_differently"]] == [readable["id"]]
    save(client, legal, document)
    answer = client.post("/api/v1/policy/recheck", headers=legal.headers)
    assert answer.status_code == 200
    assert [r["request_id"] for r in answer.json()["rechecked"]] == [readable["id"]]
    assert audit_detail(factory, "policy.recheck")["unreadable"] == [sparse["id"]]
