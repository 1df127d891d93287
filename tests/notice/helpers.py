"""Steps shared by the notice tests."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from exigent.audit.models import AuditEvent
from exigent.cases.models import TimelineEvent
from exigent.deadlines import run_due
from exigent.workflow.jobs import deadline_handlers
from factories import subpoena_record

RECEIVED = datetime.fromisoformat("2026-11-24T02:10:00-05:00")
USER_EMAIL = "night.owl@example.com"


def permitted_subpoena(**changes: Any) -> dict[str, Any]:
    record = subpoena_record(
        user_notice_permitted=True,
        targets=[{"identifier_type": "email", "value": USER_EMAIL}],
    )
    record.update(changes)
    return record


def notices(client, account, case_id: int) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    response = client.get(f"/api/v1/requests/{case_id}/notices", headers=account.headers)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def decide(client, account, notice_id: int, **body: Any):  # type: ignore[no-untyped-def]
    return client.post(f"/api/v1/notices/{notice_id}/decision", json=body, headers=account.headers)


def work(factory, settings, now: datetime) -> int:  # type: ignore[no-untyped-def]
    """What the deadline worker does at `now`."""
    return run_due(factory, deadline_handlers(), now=now, limit=1000, settings=settings)


def audit_actions(factory, notice_id: int) -> list[str]:  # type: ignore[no-untyped-def]
    with factory() as session:
        return list(
            session.execute(
                select(AuditEvent.action)
                .where(AuditEvent.object_type == "user_notice")
                .where(AuditEvent.object_id == str(notice_id))
                .order_by(AuditEvent.seq)
            ).scalars()
        )


def notice_timeline(factory, case_id: int) -> list[str]:  # type: ignore[no-untyped-def]
    with factory() as session:
        return [
            str(body)
            for body in session.execute(
                select(TimelineEvent.body)
                .where(TimelineEvent.request_id == case_id, TimelineEvent.kind == "user_notice")
                .order_by(TimelineEvent.id)
            ).scalars()
        ]
