"""The demo's history: years of closed cases (and optionally an open backlog) written in
bulk, for the queue's and the reports' scale; one audit event records the whole batch."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from typing import Any

from rich.progress import Progress
from sqlalchemy import func, insert, select, text
from sqlalchemy.orm import Session, sessionmaker

from exigent.audit.service import record_event
from exigent.cases.models import Request, Target
from exigent.demo import texts
from exigent.demo.people import SEEDER
from exigent.demo.records import KIND_WEIGHTS
from exigent.directory.models import AgencyDomain
from exigent.legal.policy import default_policy

HISTORY_BATCH = 5000


def seed_history(
    factory: sessionmaker[Session], count: int, rng: random.Random, *, open_cases: int = 0
) -> None:
    """Add `count` closed historical cases in bulk (no per-row audit: one event records it)."""
    with factory() as session:
        requester_ids = list(session.execute(text("SELECT id FROM requesters")).scalars())
        agency_ids = [
            agency_id
            for agency_id in session.execute(select(AgencyDomain.agency_id).limit(5000)).scalars()
            if agency_id is not None
        ]
        start_id = (session.execute(select(func.max(Request.id))).scalar() or 0) + 1
        session.rollback()
    now = datetime.now(UTC)
    with Progress() as progress:
        task = progress.add_task("historical cases", total=count)
        for offset in range(0, count, HISTORY_BATCH):
            size = min(HISTORY_BATCH, count - offset)
            requests, targets = _history_batch(
                rng, start_id + offset, size, now, requester_ids, agency_ids
            )
            _reopen_tail(requests, count - open_cases - offset, now, rng)
            with factory() as session:
                session.execute(insert(Request), requests)
                session.execute(insert(Target), targets)
                session.commit()
            progress.advance(task, size)
    with factory() as session:
        _advance_sequences(session)
        record_event(
            session,
            actor=SEEDER,
            action="demo.history",
            object_type="request",
            detail={"count": count, "first_id": start_id},
        )
        session.commit()


def _history_batch(
    rng: random.Random,
    first_id: int,
    size: int,
    now: datetime,
    requester_ids: list[int],
    agency_ids: list[int],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    kinds, weights = list(KIND_WEIGHTS), list(KIND_WEIGHTS.values())
    policy = default_policy()
    requests, targets = [], []
    for request_id in range(first_id, first_id + size):
        kind = rng.choices(kinds, weights=weights)[0]
        received = now - timedelta(days=30 + rng.random() * 1065)
        priority = policy.priorities[kind]
        sla = policy.sla[priority]
        decided = received + timedelta(minutes=rng.randint(5, 60 * 24 * 5))
        user = texts.username(rng)
        record = {
            "kind": kind,
            "received_via": "portal",
            "received_at": received.isoformat(),
            "targets": [{"identifier_type": "username", "value": user}],
        }
        requests.append(
            {
                "id": request_id,
                "submission_digest": f"{request_id:064x}",
                "kind": kind,
                "received_via": "portal",
                "received_at": received,
                "received_offset_minutes": 0,
                "status": "closed",
                "priority": priority,
                "requester_id": rng.choice(requester_ids) if requester_ids else None,
                "agency_id": rng.choice(agency_ids) if agency_ids else None,
                "record": record,
                "raw_submission": json.dumps(record),
                "needs_completion": False,
                "acknowledge_due_at": sla.acknowledge.due_from(received),
                "decide_due_at": sla.decide.due_from(received),
                "acknowledged_at": decided,
                "decided_at": decided,
                "closed_at": decided + timedelta(days=1),
                "created_at": received,
                "updated_at": decided,
                "version": 1,
            }
        )
        targets.append(
            {"request_id": request_id, "position": 0, "identifier_type": "username", "value": user}
        )
    return requests, targets


def _reopen_tail(
    requests: list[dict[str, Any]], first_open: int, now: datetime, rng: random.Random
) -> None:
    """Make the batch's rows from index `first_open` on into open, recent cases (a backlog)."""
    for row in requests[max(first_open, 0) :]:
        received = now - timedelta(hours=rng.randint(1, 24 * 14))
        row.update(
            status=rng.choice(["triaged", "verifying", "under_review"]),
            received_at=received,
            acknowledged_at=received,
            decided_at=None,
            closed_at=None,
            decide_due_at=received + timedelta(days=rng.randint(1, 14)),
        )


def _advance_sequences(session: Session) -> None:
    """Explicit ids do not move PostgreSQL's sequences; move them past the highest id."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for table in ("requests", "targets"):
        session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
            )
        )
