"""Obligations: deadlines at intake, shown on the case, recomputed, fired by the worker."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from exigent.cases.models import TimelineEvent
from exigent.deadlines import Deadline, run_due
from exigent.workflow.jobs import deadline_handlers
from factories import emergency_record, subpoena_record
from legal.flows import create_case
from legal.intake import complete

RECEIVED = datetime.fromisoformat("2026-11-24T02:10:00-05:00")


def obligations(client, account, case_id: int) -> list[dict]:  # type: ignore[no-untyped-def]
    response = client.get(f"/api/v1/requests/{case_id}/obligations", headers=account.headers)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def fire_obligations(factory, now: datetime) -> None:  # type: ignore[no-untyped-def]
    """Fire everything due by `now`; SLA deadlines fire too, which is what a worker does."""
    run_due(factory, deadline_handlers(), now=now, limit=1000)


def test_emergency_owes_user_notice_review_after_90_days(client, analyst):
    case = create_case(client, analyst)
    [row] = obligations(client, analyst, case["id"])
    assert row["kind"] == "obligation_user_notice_review"
    assert row["obligation"] == "user_notice_review"
    assert row["due"] == (RECEIVED + timedelta(days=90)).isoformat()
    assert datetime.fromisoformat(row["due_at"]) == RECEIVED + timedelta(days=90)
    assert row["fired_at"] is None


def test_preservation_expires_and_order_dates_stay_dates(client, analyst):
    hold = create_case(client, analyst, complete("preservation"))
    [row] = obligations(client, analyst, hold["id"])
    assert row["obligation"] == "preservation_expires"
    record = subpoena_record(nondisclosure_order={"present": True, "expires_on": "2027-06-30"})
    case = create_case(client, analyst, record)
    [row] = obligations(client, analyst, case["id"])
    assert row["obligation"] == "user_notice_review"
    assert row["due"] == "2027-06-30"
    # A date falls due at its first moment in the requester's own offset (-05:00 here).
    assert datetime.fromisoformat(row["due_at"]) == datetime(2027, 6, 30, 5, tzinfo=UTC)


def test_rejected_route_has_no_obligations(client, analyst):
    record = complete("preservation_extension", prior_extensions=1)
    case = create_case(client, analyst, record)
    assert obligations(client, analyst, case["id"]) == []


def test_obligations_are_recomputed_when_the_record_changes(client, officer, analyst):
    case = create_case(client, officer)
    response = client.patch(
        f"/api/v1/requests/{case['id']}/record",
        json={"nondisclosure_order": {"present": True}},
        headers=officer.headers,
    )
    assert response.status_code == 200, response.text
    rows = obligations(client, analyst, case["id"])
    assert [(r["obligation"], r["outcome"]) for r in rows] == [
        ("user_notice_review", "cancelled"),
        ("nondisclosure_review", None),
    ]


def test_obligations_are_staff_only(client, officer):
    case = create_case(client, officer)
    response = client.get(f"/api/v1/requests/{case['id']}/obligations", headers=officer.headers)
    assert response.status_code == 403


def test_worker_fires_obligation_onto_timeline_and_notifies_assignee(
    client, analyst, lead, factory
):
    case = create_case(client, analyst)
    client.post(
        f"/api/v1/requests/{case['id']}/assignment",
        json={"assignee_id": analyst.user.id},
        headers=lead.headers,
    )
    fire_obligations(factory, RECEIVED + timedelta(days=89))
    assert client.get("/api/v1/notifications", headers=analyst.headers).json() == []
    fire_obligations(factory, RECEIVED + timedelta(days=90))
    with factory() as session:
        [event] = session.execute(
            select(TimelineEvent).where(TimelineEvent.kind == "obligation_due")
        ).scalars()
        assert event.data["obligation"] == "user_notice_review"
        assert "user can now be told" in (event.body or "")
        assert event.visible_to_requester is False
    [note] = client.get("/api/v1/notifications", headers=analyst.headers).json()
    assert note["request_id"] == case["id"]
    assert note["body"].startswith(case["reference"])
    assert note["read_at"] is None
    # Someone else's inbox is their own.
    assert client.get("/api/v1/notifications", headers=lead.headers).json() == []
    other = client.post(f"/api/v1/notifications/{note['id']}/read", headers=lead.headers)
    assert other.status_code == 404
    read = client.post(f"/api/v1/notifications/{note['id']}/read", headers=analyst.headers)
    assert read.json()["read_at"] is not None
    unread = client.get("/api/v1/notifications?unread_only=true", headers=analyst.headers)
    assert unread.json() == []
    [row] = obligations(client, analyst, case["id"])
    assert row["outcome"] == "fired"


def test_an_obligation_fires_once(client, analyst, factory):
    create_case(client, analyst)
    fire_obligations(factory, RECEIVED + timedelta(days=91))
    fire_obligations(factory, RECEIVED + timedelta(days=92))
    with factory() as session:
        fired = session.execute(
            select(Deadline).where(Deadline.kind.like("obligation_%"), Deadline.outcome == "fired")
        ).all()
        events = session.execute(
            select(TimelineEvent).where(TimelineEvent.kind == "obligation_due")
        ).all()
    assert len(fired) == 1
    assert len(events) == 1


def test_unassigned_case_fires_without_a_notification(client, analyst, factory):
    client.post("/api/v1/requests", json=emergency_record(), headers=analyst.headers)
    fire_obligations(factory, RECEIVED + timedelta(days=90))
    with factory() as session:
        events = session.execute(
            select(TimelineEvent).where(TimelineEvent.kind == "obligation_due")
        ).all()
    assert len(events) == 1
    assert client.get("/api/v1/notifications", headers=analyst.headers).json() == []


def test_a_fired_obligation_is_not_scheduled_again_on_rejudging(client, analyst, factory):
    case = create_case(client, analyst)
    fire_obligations(factory, RECEIVED + timedelta(days=90))
    client.post(f"/api/v1/requests/{case['id']}/legal/recheck", headers=analyst.headers)
    rows = obligations(client, analyst, case["id"])
    assert [r["outcome"] for r in rows] == ["fired"]
