"""Decisions and two-person approval over the API: what can be chosen, and every bypass."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from importlib import resources
from typing import Any

import pytest
from sqlalchemy import func, select

from exigent.auth.models import Role
from exigent.cases.models import Request
from exigent.legal.models import Decision
from exigent.workflow.approval import approval_checks, approval_guard
from legal.flows import (
    RATIONALE,
    approve,
    audit_actions,
    audit_detail,
    create_case,
    items_for,
    legal_view,
    move,
    put_decision,
    ready_for_approval,
    submit,
    to_review,
    verify_requester,
)
from legal.intake import CATEGORIES, KINDS, complete

POLICY = json.loads(
    resources.files("exigent.legal").joinpath("default_policy.json").read_text("utf-8")
)
PRESERVATION = {"preservation", "preservation_extension"}
MODIFIERS = {
    "us_government": {},
    "non_government": {"requester__is_government": False},
    "foreign": {"requester__agency_country": "GB"},
}


def expected_verdict(kind: str, category: str, modifier: str) -> str:
    """DOMAIN.md's table and modifiers, read straight from the policy document."""
    if kind in PRESERVATION:
        return "N"
    verdict: str = POLICY["kinds"][kind]["categories"][category]
    if verdict == "N":
        return "N"
    if modifier == "non_government":
        verdict = "N" if category in POLICY["non_government_not_permitted"] else "L"
    if modifier == "foreign" and verdict == "P":
        verdict = "L"
    return verdict


@pytest.mark.parametrize("modifier", list(MODIFIERS))
@pytest.mark.parametrize("kind", KINDS)
def test_what_can_be_chosen_follows_the_policy_table(client, analyst, factory, kind, modifier):
    """Every kind x category x modifier: N can only be withheld; P and L can be disclosed."""
    record = complete(kind, *CATEGORIES, **MODIFIERS[modifier])
    case = create_case(client, analyst, record)
    view = legal_view(client, analyst, case["id"])
    target = view["targets"][0]["id"]
    for category in CATEGORIES:
        verdict = expected_verdict(kind, category, modifier)
        ruling = {"P": "permitted", "N": "not_permitted", "L": "legal_review"}[verdict]
        assert view["categories"][category] == ruling, category
        for outcome in ("disclose", "partial", "withhold"):
            item = {"target_id": target, "category": category, "outcome": outcome, "reason": "r"}
            response = put_decision(client, analyst, case["id"], [item])
            allowed = outcome == "withhold" or verdict != "N"
            assert response.status_code == (200 if allowed else 403), (category, outcome)
            if not allowed:
                assert "not permitted" in response.json()["error"]
                assert audit_detail(factory, "decision.draft.refused")["category"] == category
            else:
                needs = response.json()["needs_legal_sign_off"]
                assert needs == ([category] if verdict == "L" and outcome != "withhold" else [])


def test_forbidden_category_is_refused_audited_and_nothing_is_stored(client, analyst, factory):
    record = complete("subpoena", "subscriber_info", "content")
    case = create_case(client, analyst, record)
    view = legal_view(client, analyst, case["id"])
    items = items_for(view, "disclose")
    response = put_decision(client, analyst, case["id"], items)
    assert response.status_code == 403
    assert response.json()["error"].startswith("items[1]: content is not permitted for this")
    assert "decision.draft.refused" in audit_actions(factory)
    with factory() as session:
        assert session.execute(select(func.count()).select_from(Decision)).scalar() == 0


def test_emergency_decision_needs_the_good_faith_attestation(client, analyst):
    case = create_case(client, analyst)
    view = legal_view(client, analyst, case["id"])
    response = put_decision(client, analyst, case["id"], items_for(view), emergency_attested=False)
    assert response.status_code == 422
    body = response.json()["error"]
    assert body.startswith("emergency_attested: ")
    assert "death" in body and "serious physical injury" in body


def test_rationale_and_item_reasons_are_required(client, analyst):
    case = create_case(client, analyst)
    view = legal_view(client, analyst, case["id"])
    response = put_decision(client, analyst, case["id"], items_for(view), rationale="  ")
    assert response.status_code == 422
    assert response.json()["error"].startswith("rationale: ")
    items = items_for(view)
    items[0]["reason"] = " "
    response = put_decision(client, analyst, case["id"], items)
    assert response.json()["error"] == "items[0].reason: required"


def test_items_must_name_the_cases_targets_and_requested_categories(client, analyst):
    case = create_case(client, analyst)
    view = legal_view(client, analyst, case["id"])
    target = view["targets"][0]["id"]
    bad_target = [
        {"target_id": 999, "category": "subscriber_info", "outcome": "withhold", "reason": "r"}
    ]
    response = put_decision(client, analyst, case["id"], bad_target)
    assert response.status_code == 422
    assert response.json()["error"].startswith("items[0].target_id: ")
    unrequested = [
        {"target_id": target, "category": "content", "outcome": "withhold", "reason": "r"}
    ]
    response = put_decision(client, analyst, case["id"], unrequested)
    assert response.json()["error"].startswith("items[0].category: content was not requested")


def test_submitting_needs_an_outcome_for_every_target_and_category(client, analyst):
    case = create_case(client, analyst)
    to_review(client, analyst, case["id"])
    view = legal_view(client, analyst, case["id"])
    put_decision(client, analyst, case["id"], items_for(view)[:1])
    response = submit(client, analyst, case["id"])
    assert response.status_code == 422
    assert "account_activity" in response.json()["error"]


def test_submitting_from_triage_walks_the_case_to_awaiting_approval(client, analyst, lead, factory):
    case = create_case(client, analyst)
    assert move(client, analyst, case["id"], "triaged").status_code == 200
    view = legal_view(client, analyst, case["id"])
    assert put_decision(client, analyst, case["id"], items_for(view)).status_code == 200
    assert submit(client, analyst, case["id"]).status_code == 200
    status = client.get(f"/api/v1/requests/{case['id']}", headers=lead.headers).json()["status"]
    assert status == "awaiting_approval"
    timeline = client.get(f"/api/v1/requests/{case['id']}/timeline", headers=lead.headers).json()
    moves = [e["to_status"] for e in timeline if e["kind"] == "transition"]
    assert moves[-2:] == ["under_review", "awaiting_approval"]
    assert audit_actions(factory).count("request.transition") == 3
    verify_requester(client, analyst, factory, case["id"])
    assert approve(client, lead, case["id"]).json()["status"] == "approved"


def test_submitting_once_the_case_is_past_review_is_refused_and_changes_nothing(
    client, analyst, factory
):
    case = create_case(client, analyst)
    assert move(client, analyst, case["id"], "triaged").status_code == 200
    view = legal_view(client, analyst, case["id"])
    assert put_decision(client, analyst, case["id"], items_for(view)).status_code == 200
    assert move(client, analyst, case["id"], "rejected", "out of scope").status_code == 200
    response = submit(client, analyst, case["id"])
    assert response.status_code == 409
    assert "rejected" in response.json()["error"]
    decision = client.get(f"/api/v1/requests/{case['id']}/decision", headers=analyst.headers)
    assert decision.json()["status"] == "draft"


def test_second_person_approves_and_the_case_moves(client, analyst, lead, factory):
    case = ready_for_approval(client, analyst, factory)
    assert (
        client.get(f"/api/v1/requests/{case['id']}", headers=lead.headers).json()["status"]
        == "awaiting_approval"
    )
    response = approve(client, lead, case["id"])
    assert response.status_code == 200
    assert response.json()["status"] == "approved"
    decision = client.get(f"/api/v1/requests/{case['id']}/decision", headers=lead.headers).json()
    assert decision["status"] == "approved"
    assert [(a["kind"], a["user_id"]) for a in decision["approvals"]] == [
        ("approval", lead.user.id)
    ]
    assert decision["policy_version"] == 1
    assert "decision.approve" in audit_actions(factory)


def test_drafter_cannot_approve_their_own_decision(client, lead, lead_b, factory):
    case = ready_for_approval(client, lead, factory)
    response = approve(client, lead, case["id"])
    assert response.status_code == 403
    assert "second person" in response.json()["error"]
    assert audit_detail(factory, "decision.approve.refused")["status"] == 403
    # The lifecycle move is the same check, not a way round it.
    response = move(client, lead, case["id"], "approved")
    assert response.status_code == 403
    assert "second person" in response.json()["error"]
    assert approve(client, lead_b, case["id"]).status_code == 200


@pytest.mark.parametrize("role", [Role.analyst, Role.auditor, Role.leadership, Role.requester])
def test_a_role_without_the_permission_cannot_approve(client, analyst, make_account, factory, role):
    case = ready_for_approval(client, analyst, factory)
    other = make_account(role, f"other.{role}@example.test")
    for response in (
        approve(client, other, case["id"]),
        move(client, other, case["id"], "approved"),
    ):
        assert response.status_code in (403, 404)
    if role in (Role.analyst, Role.auditor, Role.leadership):
        response = approve(client, other, case["id"])
        assert response.status_code == 403
        assert "disclosure.approve" in response.json()["error"]
        assert "decision.approve.refused" in audit_actions(factory)


def test_approving_without_a_submitted_decision_is_refused(client, analyst, lead, factory):
    case = create_case(client, analyst)
    to_review(client, analyst, case["id"])
    assert move(client, analyst, case["id"], "awaiting_approval").status_code == 200
    response = move(client, lead, case["id"], "approved")
    assert response.status_code == 409
    assert "no submitted decision" in response.json()["error"]
    assert "decision.approve.refused" in audit_actions(factory)


def test_approval_is_refused_until_the_requester_is_verified(client, analyst, lead, factory):
    case = ready_for_approval(client, analyst, factory, verified=False)
    response = approve(client, lead, case["id"])
    assert response.status_code == 409
    assert "no callback" in response.json()["error"]
    assert "unverified" in audit_detail(factory, "decision.approve.refused")["reason"]
    verify_requester(client, analyst, factory, case["id"])
    assert approve(client, lead, case["id"]).status_code == 200


def test_a_decision_that_withholds_everything_needs_no_verification(client, analyst, lead, factory):
    case = ready_for_approval(client, analyst, factory, outcome="withhold", verified=False)
    assert approve(client, lead, case["id"]).status_code == 200


def test_the_verification_gate_can_be_replaced(client, analyst, lead, factory):
    case = ready_for_approval(client, analyst, factory, verified=False)
    calls: list[int] = []

    def callback_confirmed(session: Any, request: Request, hands: Any = None) -> tuple[bool, str]:
        calls.append(request.id)
        return True, "callback confirmed"

    client.app.state.move_guard = approval_guard(approval_checks(callback_confirmed))
    assert approve(client, lead, case["id"]).status_code == 200
    assert calls == [case["id"]]


def test_approval_under_a_policy_that_changed_a_disclosed_category_needs_a_new_draft(
    client, analyst, lead, legal, factory
):
    case = ready_for_approval(client, analyst, factory)
    policy = client.get("/api/v1/policy", headers=legal.headers).json()["document"]
    policy["kinds"]["emergency"]["categories"]["subscriber_info"] = "L"
    changed = client.post(
        "/api/v1/policy", json={"policy": policy, "reason": "BSI by review"}, headers=legal.headers
    )
    assert changed.status_code == 201
    response = approve(client, lead, case["id"])
    assert response.status_code == 409
    assert "re-check" in response.json()["error"]
    assert "policy version 1" in audit_detail(factory, "decision.approve.refused")["reason"]
    recheck = client.post(f"/api/v1/requests/{case['id']}/legal/recheck", headers=analyst.headers)
    assert recheck.json()["policy_version"] == 2
    # The re-check withdrew the decision and sent the case back: draft again under version 2.
    view = legal_view(client, analyst, case["id"])
    assert put_decision(client, analyst, case["id"], items_for(view)).json()["policy_version"] == 2
    assert submit(client, analyst, case["id"]).status_code == 200
    sign_off = f"/api/v1/requests/{case['id']}/decision/sign-off"
    assert client.post(sign_off, json={"note": "ok"}, headers=legal.headers).status_code == 200
    assert approve(client, lead, case["id"]).status_code == 200


def test_legal_review_categories_need_legal_sign_off(client, analyst, lead, legal, factory):
    record = complete("emergency", "subscriber_info", "connections")
    case = ready_for_approval(client, analyst, factory, record)
    decision = client.get(f"/api/v1/requests/{case['id']}/decision", headers=lead.headers).json()
    assert decision["needs_legal_sign_off"] == ["connections"]
    response = approve(client, lead, case["id"])
    assert response.status_code == 409
    assert "legal sign-off is needed first for: connections" in response.json()["error"]
    sign_off = f"/api/v1/requests/{case['id']}/decision/sign-off"
    refused = client.post(sign_off, json={"note": "fine"}, headers=lead.headers)
    assert refused.status_code == 403
    assert "decision.legal_sign_off.refused" in audit_actions(factory)
    assert client.post(sign_off, json={"note": "ok"}, headers=legal.headers).status_code == 200
    assert approve(client, lead, case["id"]).status_code == 200


def test_rejection_sends_the_case_back_to_review(client, analyst, lead, factory):
    case = ready_for_approval(client, analyst, factory)
    response = client.post(
        f"/api/v1/requests/{case['id']}/decision/reject",
        json={"note": "Scope too wide."},
        headers=lead.headers,
    )
    assert response.status_code == 200
    assert response.json()["status"] == "rejected"
    status = client.get(f"/api/v1/requests/{case['id']}", headers=lead.headers).json()["status"]
    assert status == "under_review"
    # A rejected decision cannot be approved; a new draft replaces it.
    assert move(client, lead, case["id"], "awaiting_approval").status_code == 200
    assert move(client, lead, case["id"], "approved").status_code == 409
    view = legal_view(client, analyst, case["id"])
    assert put_decision(client, analyst, case["id"], items_for(view)).json()["status"] == "draft"
    with factory() as session:
        statuses = sorted(session.execute(select(Decision.status)).scalars())
    assert statuses == ["draft", "rejected"]


def test_staff_only_read_of_the_decision(client, officer, analyst):
    case = create_case(client, officer)
    view = legal_view(client, analyst, case["id"])
    put_decision(client, analyst, case["id"], items_for(view))
    response = client.get(f"/api/v1/requests/{case['id']}/decision", headers=officer.headers)
    assert response.status_code == 403
    response = put_decision(client, officer, case["id"], items_for(view))
    assert response.status_code == 403
    assert RATIONALE  # the rationale is staff-internal


def test_two_approvers_at_once_approve_once(client, analyst, lead, lead_b, factory):
    case = ready_for_approval(client, analyst, factory)
    with ThreadPoolExecutor(max_workers=2) as pool:
        codes = sorted(
            pool.map(lambda a: approve(client, a, case["id"]).status_code, [lead, lead_b])
        )
    assert codes == [200, 409]
    decision = client.get(f"/api/v1/requests/{case['id']}/decision", headers=lead.headers).json()
    assert [a["kind"] for a in decision["approvals"]] == ["approval"]


def test_nul_characters_are_bad_input_not_a_server_error(client, analyst):
    case = create_case(client, analyst)
    view = legal_view(client, analyst, case["id"])
    response = put_decision(client, analyst, case["id"], items_for(view), rationale="a\x00b")
    assert response.status_code == 422
    assert response.json()["error"].startswith("rationale: ")
