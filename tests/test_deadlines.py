"""The deadline worker: SLA warnings and breaches fire once, on time, on the timeline."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

from sqlalchemy import select

from exigent.cases.models import TimelineEvent
from exigent.deadlines import Deadline, run_due
from exigent.workflow.jobs import deadline_handlers
from factories import emergency_record


def sla_events(factory) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    with factory() as session:
        rows = session.execute(
            select(TimelineEvent.kind, TimelineEvent.data)
            .where(TimelineEvent.kind.like("sla_%"))
            .order_by(TimelineEvent.id)
        ).all()
    return [(kind, data["clock"]) for kind, data in rows]


def test_warning_at_80_percent_then_breach(client, officer, factory):
    client.post("/api/v1/requests", json=emergency_record(), headers=officer.headers)
    received = datetime.fromisoformat("2026-11-24T02:10:00-05:00")
    assert run_due(factory, deadline_handlers(), now=received + timedelta(minutes=11)) == 0
    assert run_due(factory, deadline_handlers(), now=received + timedelta(minutes=12)) == 1
    assert sla_events(factory) == [("sla_warning", "acknowledge")]
    run_due(factory, deadline_handlers(), now=received + timedelta(minutes=15))
    assert sla_events(factory)[-1] == ("sla_breach", "acknowledge")


def test_acknowledged_case_does_not_warn(client, officer, analyst, factory):
    case = client.post("/api/v1/requests", json=emergency_record(), headers=officer.headers)
    client.post(
        f"/api/v1/requests/{case.json()['id']}/transitions",
        json={"to": "triaged"},
        headers=analyst.headers,
    )
    received = datetime.fromisoformat("2026-11-24T02:10:00-05:00")
    run_due(factory, deadline_handlers(), now=received + timedelta(minutes=20))
    assert sla_events(factory) == []
    with factory() as session:
        outcomes = set(
            session.execute(
                select(Deadline.outcome).where(Deadline.kind.like("sla_acknowledge%"))
            ).scalars()
        )
    assert outcomes == {"met"}


def test_two_workers_never_fire_the_same_deadline_twice(client, officer, factory):
    for _ in range(10):
        client.post("/api/v1/requests", json=emergency_record(), headers=officer.headers)
    later = datetime.fromisoformat("2026-11-25T00:00:00+00:00")
    fired: list[int] = []

    def work() -> None:
        fired.append(run_due(factory, deadline_handlers(), now=later, limit=1000))

    threads = [threading.Thread(target=work) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(fired) == 40
    events = sla_events(factory)
    assert len(events) == 40  # 10 cases x 2 clocks x (warning + breach), none doubled
    assert run_due(factory, deadline_handlers(), now=later) == 0


def test_embedded_worker_in_serve_fires_overdue_clocks(settings, officer, analyst):  # type: ignore[no-untyped-def]
    """In embedded mode the web process runs the worker: an overdue case shows its breaches."""
    import time

    from fastapi.testclient import TestClient

    from exigent.app import create_app
    from exigent.db import utcnow

    embedded = settings.model_copy(update={"embedded_worker": True, "worker_poll_seconds": 0.1})
    received = (utcnow() - timedelta(hours=2)).isoformat()
    with TestClient(create_app(embedded)) as client:
        case = client.post(
            "/api/v1/requests", json=emergency_record(received_at=received), headers=officer.headers
        ).json()
        kinds: list[str] = []
        for _ in range(100):
            timeline = client.get(
                f"/api/v1/requests/{case['id']}/timeline", headers=analyst.headers
            )
            kinds = [e["kind"] for e in timeline.json()]
            if kinds.count("sla_breach") == 2:
                break
            time.sleep(0.1)
    assert kinds.count("sla_warning") == 2
    assert kinds.count("sla_breach") == 2
