"""The requests API as an integrator and an analyst use it."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from exigent.auth.models import Role
from exigent.models import AuditEvent, Deadline, Request, Target
from factories import emergency_record, subpoena_record


def count(factory: sessionmaker[Session], model: type) -> int:
    with factory() as session:
        return session.execute(select(func.count()).select_from(model)).scalar_one()


def test_emergency_intake_becomes_p0_case_with_15_minute_acknowledge_clock(client, officer):
    response = client.post("/api/v1/requests", json=emergency_record(), headers=officer.headers)
    assert response.status_code == 201, response.text
    case = response.json()
    assert case["priority"] == "P0"
    assert case["status"] == "received"
    assert case["reference"].startswith("EXG-")
    assert case["acknowledge_due_at"].startswith("2026-11-24T07:25:00")
    assert case["decide_due_at"].startswith("2026-11-24T08:10:00")
    assert response.headers["Location"] == f"/api/v1/requests/{case['id']}"
    assert case["targets"] == [{"identifier_type": "username", "value": "night.owl.77"}]


def test_subpoena_gets_business_day_clocks(client, analyst):
    # Friday evening: acknowledge by Monday, decide ten business days later.
    record = subpoena_record(received_at="2026-11-20T18:00:00-06:00")
    case = client.post("/api/v1/requests", json=record, headers=analyst.headers).json()
    assert case["priority"] == "P3"
    assert case["acknowledge_due_at"].startswith("2026-11-24T00:00:00")  # Mon 18:00 CST
    assert case["decide_due_at"].startswith("2026-12-05T00:00:00")  # Fri 4 Dec 18:00 CST


def test_retry_with_same_idempotency_key_returns_the_same_case(client, officer, factory):
    record = emergency_record()
    headers = {**officer.headers, "Idempotency-Key": "abc-123"}
    first = client.post("/api/v1/requests", json=record, headers=headers)
    second = client.post("/api/v1/requests", json=record, headers=headers)
    assert first.status_code == 201
    assert second.status_code == 200
    assert second.headers["Idempotent-Replayed"] == "true"
    assert first.json()["id"] == second.json()["id"]
    assert count(factory, Request) == 1


def test_record_id_alone_is_an_idempotency_key(client, officer, factory):
    record = emergency_record(id="EDR-77")
    client.post("/api/v1/requests", json=record, headers=officer.headers)
    again = client.post("/api/v1/requests", json=record, headers=officer.headers)
    assert again.status_code == 200
    assert count(factory, Request) == 1


def test_reused_key_with_different_body_is_a_conflict(client, officer, factory):
    client.post("/api/v1/requests", json=emergency_record(id="K1"), headers=officer.headers)
    changed = emergency_record(id="K1", case_number="other")
    response = client.post("/api/v1/requests", json=changed, headers=officer.headers)
    assert response.status_code == 409
    assert "K1" in response.json()["error"]
    assert count(factory, Request) == 1


def test_concurrent_retries_create_one_case(client, officer, factory):
    record = emergency_record(id="RACE-1")

    def submit(_: int) -> int:
        return client.post("/api/v1/requests", json=record, headers=officer.headers).status_code

    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses = sorted(pool.map(submit, range(6)))
    assert statuses.count(201) == 1
    assert set(statuses) <= {200, 201}
    assert count(factory, Request) == 1


def test_unknown_field_is_refused_by_name_and_nothing_is_stored(client, officer, factory):
    record = emergency_record(badge="123")
    response = client.post("/api/v1/requests", json=record, headers=officer.headers)
    assert response.status_code == 422
    assert response.json()["error"] == "badge: is not a field of the intake record"
    assert count(factory, Request) == 0
    assert count(factory, Target) == 0


def test_bad_enum_names_the_field(client, officer):
    record = emergency_record(kind="urgent")
    response = client.post("/api/v1/requests", json=record, headers=officer.headers)
    assert response.status_code == 422
    assert response.json()["error"].startswith("kind: ")


def test_malformed_date_and_nested_fields_are_named(client, officer):
    record = emergency_record(date_range={"start": "2026-13-01", "end": "2026-11-24"})
    response = client.post("/api/v1/requests", json=record, headers=officer.headers)
    assert response.status_code == 422
    assert response.json()["error"].startswith("date_range.start: ")
    record = emergency_record()
    record["requester"]["phone"] = "555-0143"
    response = client.post("/api/v1/requests", json=record, headers=officer.headers)
    assert response.json()["error"] == (
        "requester.phone: must be an E.164 number such as +14155550123"
    )


def test_received_at_without_offset_is_refused(client, officer):
    record = emergency_record(received_at="2026-11-24T02:10:00")
    response = client.post("/api/v1/requests", json=record, headers=officer.headers)
    assert response.status_code == 422
    assert response.json()["error"].startswith("received_at: ")


def test_request_without_token_is_401(client):
    response = client.post("/api/v1/requests", json=emergency_record())
    assert response.status_code == 401
    assert "token" in response.json()["error"]


def test_a_role_that_may_not_submit_is_refused_and_nothing_is_stored(client, make_account, factory):
    auditor = make_account(Role.auditor)
    response = client.post("/api/v1/requests", json=emergency_record(), headers=auditor.headers)
    assert response.status_code == 403
    assert count(factory, Request) == 0


def test_intake_schedules_sla_deadlines_and_audits_creation(client, officer, factory):
    client.post("/api/v1/requests", json=emergency_record(), headers=officer.headers)
    with factory() as session:
        kinds = sorted(session.execute(select(Deadline.kind)).scalars())
        actions = list(session.execute(select(AuditEvent.action)).scalars())
    # The emergency's user-notice obligation is a deadline too (tests/legal cover it).
    assert [k for k in kinds if k.startswith("sla_")] == [
        "sla_acknowledge_breach",
        "sla_acknowledge_warning",
        "sla_decide_breach",
        "sla_decide_warning",
    ]
    assert "request.create" in actions


def test_raw_submission_is_kept_verbatim(client, officer, factory):
    body = json.dumps(emergency_record(), indent=2)
    client.post(
        "/api/v1/requests",
        content=body,
        headers={**officer.headers, "Content-Type": "application/json"},
    )
    with factory() as session:
        assert session.execute(select(Request.raw_submission)).scalar_one() == body


def test_officer_sees_only_own_requests(client, officer, make_account, analyst):
    from exigent.auth.models import Role

    other = make_account(Role.requester, "other@sheriff.example.gov")
    mine = client.post("/api/v1/requests", json=emergency_record(), headers=officer.headers)
    theirs = client.post("/api/v1/requests", json=emergency_record(), headers=other.headers)
    assert (
        client.get(f"/api/v1/requests/{theirs.json()['id']}", headers=officer.headers).status_code
        == 404
    )
    listed = client.get("/api/v1/requests", headers=officer.headers).json()["items"]
    assert [item["id"] for item in listed] == [mine.json()["id"]]
    assert len(client.get("/api/v1/requests", headers=analyst.headers).json()["items"]) == 2


def test_reading_a_case_is_audited(client, officer, analyst, factory):
    case = client.post("/api/v1/requests", json=emergency_record(), headers=officer.headers)
    client.get(f"/api/v1/requests/{case.json()['id']}", headers=analyst.headers)
    with factory() as session:
        reads = (
            session.execute(select(AuditEvent).where(AuditEvent.action == "request.read"))
            .scalars()
            .all()
        )
    assert [(r.actor, r.object_id) for r in reads] == [
        ("analyst@example.test", str(case.json()["id"]))
    ]


def test_list_filters_and_cursor_pagination(client, analyst):
    for _ in range(5):
        client.post("/api/v1/requests", json=emergency_record(), headers=analyst.headers)
    for _ in range(3):
        client.post("/api/v1/requests", json=subpoena_record(), headers=analyst.headers)
    p3 = client.get("/api/v1/requests?priority=P3", headers=analyst.headers).json()
    assert len(p3["items"]) == 3 and {i["kind"] for i in p3["items"]} == {"subpoena"}
    seen, cursor = [], None
    while True:
        url = "/api/v1/requests?limit=3" + (f"&cursor={cursor}" if cursor else "")
        page = client.get(url, headers=analyst.headers).json()
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert len(seen) == 8 and len(set(seen)) == 8
    dues = [
        client.get(f"/api/v1/requests/{i}", headers=analyst.headers).json()["decide_due_at"]
        for i in seen
    ]
    assert dues == sorted(dues)  # most urgent first


def test_bad_cursor_is_a_clear_error(client, analyst):
    response = client.get("/api/v1/requests?cursor=nonsense", headers=analyst.headers)
    assert response.status_code == 422
    assert response.json()["error"].startswith("cursor: ")


def test_first_requests_from_a_new_officer_at_once_all_succeed(client, officer, factory):
    """A new officer's requests racing in must not fail on creating the officer's record."""
    from exigent.cases.models import Requester

    records = [emergency_record() for _ in range(6)]
    for record in records:
        record["requester"]["email"] = "new.officer@countysheriff.example.gov"

    def submit(record: dict) -> int:
        return client.post("/api/v1/requests", json=record, headers=officer.headers).status_code

    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses = list(pool.map(submit, records))
    assert statuses == [201] * 6
    assert count(factory, Request) == 6
    assert count(factory, Requester) == 1


def test_nul_character_is_refused_by_field_name(client, officer, factory):
    record = emergency_record(case_number="26-\x00001")
    response = client.post("/api/v1/requests", json=record, headers=officer.headers)
    assert response.status_code == 422
    assert response.json()["error"] == "case_number: must not contain NUL characters"
    assert count(factory, Request) == 0


def test_nul_in_a_query_is_a_clear_error_not_a_crash(client, analyst):
    response = client.get("/api/v1/requests?kind=sub%00poena", headers=analyst.headers)
    if response.status_code == 200:  # SQLite can compare such text: it simply matches nothing
        assert response.json()["items"] == []
    else:
        assert response.status_code == 422
        assert "NUL" in response.json()["error"]
