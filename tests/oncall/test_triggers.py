"""The triggers handed up from other domains open pages end to end: a request that scores
critical at intake or when scored again, and a user notice that could not be sent after three
tries."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from exigent.auth.models import Role, User
from exigent.cases.models import Request
from exigent.config import Settings
from exigent.db import utcnow
from exigent.oncall.models import Alert
from exigent.verification import linking
from factories import emergency_record
from legal.flows import create_case
from net import free_port
from notice.helpers import decide, notices, permitted_subpoena, work
from oncall.conftest import OnCallWorld
from oncall.receiver import Receiver


def _pages(factory: sessionmaker[Session], case_id: int) -> list[tuple[str, str]]:
    with factory() as session:
        return [
            (a.trigger, a.dedup_key)
            for a in session.scalars(
                select(Alert).where(Alert.request_id == case_id).order_by(Alert.id)
            )
        ]


def _delivery_failed_pages(factory: sessionmaker[Session], case_id: int) -> list[tuple[str, str]]:
    # The case's SLA clocks page too (its warnings come due while the notice fails).
    return [p for p in _pages(factory, case_id) if p[0] == "delivery_failed"]


def _sent(receiver: Receiver, key: str) -> list[dict[str, object]]:
    """The messages on-call people received for the page with `key`."""
    return [r.body for r in receiver.received if r.body.get("dedup_key") == key]


def _critical_record_scope() -> dict[str, object]:
    """A scope that fits no emergency: six targets, years of every kind of data."""
    return {
        "targets": [{"identifier_type": "username", "value": f"acct{n}"} for n in range(6)],
        "data_requested": ["subscriber_info", "location", "content", "connections"],
        "date_range": {"start": "2023-01-01", "end": "2026-03-02"},
    }


def _critical_record() -> dict[str, object]:
    return emergency_record(**_critical_record_scope())


def test_a_request_scoring_critical_at_intake_pages_for_fraud(
    client: TestClient,
    factory: sessionmaker[Session],
    settings: Settings,
    world: OnCallWorld,
    receiver: Receiver,
    make_account,  # type: ignore[no-untyped-def]
) -> None:
    analyst = make_account(Role.analyst, "intake.analyst@example.test")
    made = client.post("/api/v1/requests", json=_critical_record(), headers=analyst.headers)
    assert made.status_code == 201, made.text
    case_id = made.json()["id"]
    risk = client.get(f"/api/v1/requests/{case_id}/risk", headers=analyst.headers).json()
    assert risk["risk_level"] == "critical"
    assert ("fraud_critical", f"fraud_critical:{case_id}") in _pages(factory, case_id)
    work(factory, settings, utcnow())
    paged = _sent(receiver, f"fraud_critical:{case_id}")
    assert paged and all("Critical fraud risk" in b["text"] for b in paged)


def test_a_request_that_is_not_critical_opens_no_fraud_page(
    client: TestClient,
    factory: sessionmaker[Session],
    world: OnCallWorld,
    make_account,  # type: ignore[no-untyped-def]
) -> None:
    analyst = make_account(Role.analyst, "intake.analyst@example.test")
    made = client.post("/api/v1/requests", json=emergency_record(), headers=analyst.headers)
    case_id = made.json()["id"]
    risk = client.get(f"/api/v1/requests/{case_id}/risk", headers=analyst.headers).json()
    assert risk["risk_level"] != "critical"
    assert [t for t, _ in _pages(factory, case_id)] == ["p0_new"]


def test_a_user_notice_failing_its_third_send_pages_once(
    client: TestClient,
    factory: sessionmaker[Session],
    settings: Settings,
    world: OnCallWorld,
    receiver: Receiver,
    make_account,  # type: ignore[no-untyped-def]
) -> None:
    analyst = make_account(Role.analyst, "notice.analyst@example.test")
    legal = make_account(Role.legal, "notice.legal@example.test")
    case = create_case(client, analyst, permitted_subpoena())
    work(factory, settings, utcnow())
    [notice] = notices(client, analyst, case["id"])
    assert decide(client, legal, notice["id"], action="send").status_code == 200
    down = settings.model_copy(update={"smtp_port": free_port()})
    now = utcnow()
    work(factory, down, now)
    work(factory, down, now + timedelta(minutes=2))
    failed = _delivery_failed_pages
    assert failed(factory, case["id"]) == []  # two failures: still retrying quietly
    work(factory, down, now + timedelta(minutes=5))
    [notice] = notices(client, analyst, case["id"])
    assert notice["attempts"] == 3
    key = f"delivery_failed:{case['id']}:notice-{notice['id']}"
    assert failed(factory, case["id"]) == [("delivery_failed", key)]
    work(factory, down, now + timedelta(minutes=5))
    paged = _sent(receiver, key)
    assert len(paged) == 1
    assert "not sent after 3 attempts" in str(paged[0]["text"])
    # A fourth failure folds into the page already open.
    work(factory, down, now + timedelta(minutes=20))
    assert len(failed(factory, case["id"])) == 1


def test_a_case_scored_again_as_critical_pages_for_fraud(
    client: TestClient,
    factory: sessionmaker[Session],
    settings: Settings,
    world: OnCallWorld,
    receiver: Receiver,
    make_account,  # type: ignore[no-untyped-def]
) -> None:
    analyst = make_account(Role.analyst, "rescore.analyst@example.test")
    made = client.post("/api/v1/requests", json=emergency_record(), headers=analyst.headers)
    case_id = made.json()["id"]
    assert [t for t, _ in _pages(factory, case_id)] == ["p0_new"]
    with factory() as session:
        # The record as corrected later: a scope that fits no emergency.
        case = session.get(Request, case_id)
        assert case is not None
        case.record = {**case.record, **_critical_record_scope()}
        session.commit()
    with factory() as session:
        user = session.get_one(User, analyst.user.id)
        after = linking.reassess(session, user=user, request_id=case_id)
        session.commit()
    assert str(after.level) == "critical"
    key = f"fraud_critical:{case_id}"
    assert ("fraud_critical", key) in _pages(factory, case_id)
    work(factory, settings, utcnow())
    paged = _sent(receiver, key)
    # The page says why the case was scored again.
    assert paged and "Critical fraud risk" in str(paged[0]["text"])
    assert "asked for" in str(paged[0]["text"])
    # Scored again while still critical: not newly critical, so no second page.
    with factory() as session:
        user = session.get_one(User, analyst.user.id)
        linking.reassess(session, user=user, request_id=case_id)
        session.commit()
    assert [t for t, _ in _pages(factory, case_id)].count("fraud_critical") == 1
