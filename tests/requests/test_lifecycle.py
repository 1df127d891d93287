"""Moving cases through their lifecycle: allowed moves, refusals, races, and the record left."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from exigent.cases.lifecycle import TRANSITIONS, Status, allowed_next, can_move
from exigent.cases.models import TimelineEvent
from factories import emergency_record
from legal.flows import ready_for_approval, verify_requester


def create(client, account) -> dict:  # type: ignore[no-untyped-def]
    response = client.post("/api/v1/requests", json=emergency_record(), headers=account.headers)
    assert response.status_code == 201
    return response.json()  # type: ignore[no-any-return]


def move(client, account, case_id: int, to: str, reason: str | None = "checked"):  # type: ignore[no-untyped-def]
    return client.post(
        f"/api/v1/requests/{case_id}/transitions",
        json={"to": to, "reason": reason},
        headers=account.headers,
    )


def test_full_path_to_closed_records_every_step(client, analyst, lead, factory):
    case = create(client, analyst)
    for status in ["triaged", "verifying", "under_review"]:
        assert move(client, analyst, case["id"], status).status_code == 200
    # Submitting the decision moves the case to awaiting_approval (tests/legal).
    view = client.get(f"/api/v1/requests/{case['id']}/legal", headers=analyst.headers).json()
    items = [
        {"target_id": t["id"], "category": c, "outcome": "disclose", "reason": "in scope"}
        for t in view["targets"]
        for c in view["categories"]
    ]
    decision = {"rationale": "Danger of death.", "emergency_attested": True, "items": items}
    client.put(f"/api/v1/requests/{case['id']}/decision", json=decision, headers=analyst.headers)
    client.post(f"/api/v1/requests/{case['id']}/decision/submit", headers=analyst.headers)
    verify_requester(client, analyst, factory, case["id"])
    assert move(client, lead, case["id"], "approved").status_code == 200
    for status in ["producing", "delivered", "closed"]:
        assert move(client, analyst, case["id"], status).status_code == 200
    final = client.get(f"/api/v1/requests/{case['id']}", headers=analyst.headers).json()
    assert final["status"] == "closed"
    assert final["allowed_transitions"] == []
    assert final["acknowledged_at"] and final["decided_at"]
    with factory() as session:
        steps = session.execute(
            select(TimelineEvent.from_status, TimelineEvent.to_status, TimelineEvent.actor)
            .where(TimelineEvent.kind == "transition")
            .order_by(TimelineEvent.id)
        ).all()
    assert [s.to_status for s in steps] == [
        "triaged",
        "verifying",
        "under_review",
        "awaiting_approval",
        "approved",
        "producing",
        "delivered",
        "closed",
    ]
    assert steps[4].actor == "lead@example.test"


def test_invalid_transition_is_409_listing_allowed_moves(client, analyst):
    case = create(client, analyst)
    response = move(client, analyst, case["id"], "delivered")
    assert response.status_code == 409
    body = response.json()
    assert body["allowed"] == ["need_info", "rejected", "triaged", "withdrawn"]
    assert "cannot move from received to delivered" in body["error"]


def test_unknown_status_names_the_field(client, analyst):
    case = create(client, analyst)
    response = move(client, analyst, case["id"], "done")
    assert response.status_code == 422
    assert response.json()["error"].startswith("to: 'done' is not a status")


def test_rejection_needs_a_reason(client, analyst):
    case = create(client, analyst)
    response = move(client, analyst, case["id"], "rejected", reason="  ")
    assert response.status_code == 422
    assert response.json()["error"] == "reason: required when moving to rejected"


def test_analyst_cannot_approve(client, analyst):
    case = create(client, analyst)
    for status in ["triaged", "under_review", "awaiting_approval"]:
        move(client, analyst, case["id"], status)
    response = move(client, analyst, case["id"], "approved")
    assert response.status_code == 403


def test_officer_can_withdraw_own_request_but_not_triage_it(client, officer):
    case = create(client, officer)
    assert move(client, officer, case["id"], "triaged").status_code == 403
    assert move(client, officer, case["id"], "withdrawn", "resolved locally").status_code == 200


def test_two_conflicting_transitions_exactly_one_wins(client, analyst, lead, factory):
    """Two people act on the same version of a case at once: one approves, one rejects."""
    case = ready_for_approval(client, analyst, factory)
    version = client.get(f"/api/v1/requests/{case['id']}", headers=lead.headers).json()["version"]

    def attempt(target: str) -> int:
        response = client.post(
            f"/api/v1/requests/{case['id']}/transitions",
            json={"to": target, "reason": "decided", "expected_version": version},
            headers=lead.headers,
        )
        return response.status_code  # type: ignore[no-any-return]

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(attempt, ["approved", "rejected"]))
    assert sorted(results) == [200, 409]
    final = client.get(f"/api/v1/requests/{case['id']}", headers=lead.headers).json()
    decision = client.get(f"/api/v1/requests/{case['id']}/decision", headers=lead.headers).json()
    # The approval and its move commit together, or neither does.
    assert (final["status"] == "approved") == (decision["status"] == "approved")


def test_the_same_move_twice_at_once_happens_once(client, analyst, factory):
    case = create(client, analyst)
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(
            pool.map(lambda _: move(client, analyst, case["id"], "triaged").status_code, range(4))
        )
    assert sorted(results) == [200, 409, 409, 409]
    with factory() as session:
        moves = (
            session.execute(select(TimelineEvent).where(TimelineEvent.kind == "transition"))
            .scalars()
            .all()
        )
    assert len(moves) == 1


def test_stale_expected_version_is_refused(client, analyst):
    case = create(client, analyst)
    move(client, analyst, case["id"], "triaged")
    response = client.post(
        f"/api/v1/requests/{case['id']}/transitions",
        json={"to": "verifying", "expected_version": case["version"]},
        headers=analyst.headers,
    )
    assert response.status_code == 409
    assert "reload" in response.json()["error"]


def test_assignment_acknowledges_and_is_on_the_timeline(client, analyst, lead):
    case = create(client, analyst)
    response = client.post(
        f"/api/v1/requests/{case['id']}/assignment",
        json={"assignee_id": analyst.user.id},
        headers=lead.headers,
    )
    assert response.status_code == 200
    assert response.json()["assignee_id"] == analyst.user.id
    assert response.json()["acknowledged_at"] is not None
    timeline = client.get(f"/api/v1/requests/{case['id']}/timeline", headers=lead.headers).json()
    assert [e["kind"] for e in timeline] == ["received", "assigned"]


def test_assigning_to_an_officer_is_refused(client, analyst, lead, officer):
    case = create(client, analyst)
    response = client.post(
        f"/api/v1/requests/{case['id']}/assignment",
        json={"assignee_id": officer.user.id},
        headers=lead.headers,
    )
    assert response.status_code == 422
    assert response.json()["error"].startswith("assignee_id: ")


def test_internal_notes_stay_internal(client, officer, analyst):
    case = create(client, officer)
    client.post(
        f"/api/v1/requests/{case['id']}/notes",
        json={"body": "Callback number differs from directory."},
        headers=analyst.headers,
    )
    client.post(
        f"/api/v1/requests/{case['id']}/notes",
        json={"body": "Please send the signed attestation.", "visible_to_requester": True},
        headers=analyst.headers,
    )
    officer_view = client.get(
        f"/api/v1/requests/{case['id']}/timeline", headers=officer.headers
    ).json()
    bodies = [e["body"] for e in officer_view if e["kind"] == "note"]
    assert bodies == ["Please send the signed attestation."]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(list(Status)), max_size=25))
def test_state_machine_only_ever_takes_allowed_moves(path: list[Status]) -> None:
    """Any sequence of attempted moves keeps the case in a reachable state, and a closed case
    never moves again."""
    current = Status.received
    for target in path:
        if can_move(current, target):
            assert target in allowed_next(current)
            current = target
        else:
            assert target not in TRANSITIONS[current]
    if current is Status.closed:
        assert allowed_next(current) == []


def test_every_status_can_reach_closed() -> None:
    for start in Status:
        seen, frontier = {start}, [start]
        while frontier:
            for nxt in TRANSITIONS[frontier.pop()]:
                if nxt not in seen:
                    seen.add(nxt)
                    frontier.append(nxt)
        assert Status.closed in seen, start
