"""Generated case history for the surge detector and the time-spent figures: case rows, their
fact rows and their timelines, written in bulk."""

from __future__ import annotations

import json
import random
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from exigent.analytics.models import CaseFact, FactOutcome
from exigent.analytics.status_time import write_status_time
from exigent.cases.models import Request, TimelineEvent
from exigent.legal.policy import default_policy

FIRST_ID = 500_000


@dataclass(frozen=True)
class Arrival:
    at: datetime
    kind: str
    harm: str | None = None
    agency_id: int | None = None


def ordinary_week_rates(hour_of_week: int) -> dict[tuple[str, str | None], float]:
    """Cases an hour by kind and harm: busier by day (UTC) and on weekdays."""
    day, hour = divmod(hour_of_week, 24)
    daytime = 1.0 if 8 <= hour < 20 else 0.4
    weekday = 1.0 if day < 5 else 0.6
    return {
        ("emergency", "suicide_self_harm"): 0.6 * daytime,
        ("emergency", "child_safety"): 0.3 * daytime,
        ("subpoena", None): 1.2 * daytime * weekday,
        ("preservation", None): 0.5 * daytime * weekday,
    }


def _poisson(rng: random.Random, rate: float) -> int:
    count, total = 0, rng.expovariate(1.0)
    while total < rate:
        count += 1
        total += rng.expovariate(1.0)
    return count


def ordinary_history(rng: random.Random, start: datetime, end: datetime) -> list[Arrival]:
    """Arrivals from `start` to `end` at the ordinary rates, hour by hour."""
    arrivals = []
    at = start.replace(minute=0, second=0, microsecond=0)
    while at < end:
        for (kind, harm), rate in ordinary_week_rates(at.weekday() * 24 + at.hour).items():
            for _ in range(_poisson(rng, rate)):
                moment = at + timedelta(seconds=rng.randrange(3600))
                if start <= moment < end:
                    arrivals.append(Arrival(moment, kind, harm))
        at += timedelta(hours=1)
    return arrivals


def _request_row(request_id: int, arrival: Arrival, status: str) -> dict[str, Any]:
    policy = default_policy()
    priority = policy.priorities[arrival.kind]
    record = {"kind": arrival.kind, "received_via": "portal", "received_at": arrival.at.isoformat()}
    return {
        "id": request_id,
        "submission_digest": f"{request_id:064x}",
        "kind": arrival.kind,
        "received_via": "portal",
        "received_at": arrival.at,
        "received_offset_minutes": 0,
        "status": status,
        "priority": priority,
        "emergency_nature": arrival.harm,
        "agency_id": arrival.agency_id,
        "record": record,
        "raw_submission": json.dumps(record),
        "needs_completion": False,
        "acknowledge_due_at": arrival.at + timedelta(hours=1),
        "decide_due_at": arrival.at + timedelta(days=1),
        "created_at": arrival.at,
        "updated_at": arrival.at,
        "version": 1,
    }


def _fact_row(request_id: int, arrival: Arrival, status: str) -> dict[str, Any]:
    policy = default_policy()
    return {
        "request_id": request_id,
        "received_at": arrival.at,
        "hour_of_week": arrival.at.weekday() * 24 + arrival.at.hour,
        "kind": arrival.kind,
        "priority": str(policy.priorities[arrival.kind]),
        "channel": "portal",
        "harm": arrival.harm,
        "country": "US",
        "agency_id": arrival.agency_id,
        "status": status,
        "is_open": status not in {"delivered", "preserved", "closed", "rejected", "withdrawn"},
        "outcome": FactOutcome.pending,
        "accounts": 1,
        "emergency": arrival.kind == "emergency",
        "acknowledge_due_at": arrival.at + timedelta(hours=1),
        "decide_due_at": arrival.at + timedelta(days=1),
        "fraud_signals": [],
        "updated_at": arrival.at,
    }


def write_cases(
    session: Session,
    arrivals: Iterable[Arrival],
    *,
    first_id: int = FIRST_ID,
    moves: dict[int, list[tuple[str, timedelta]]] | None = None,
) -> list[int]:
    """Write each arrival as a case with its fact row; `moves` (by position) gives the
    statuses a case went through after `received`, each with its time after receipt."""
    requests, facts, timeline, ids = [], [], [], []
    for position, arrival in enumerate(arrivals):
        request_id = first_id + position
        path = (moves or {}).get(position, [])
        status = path[-1][0] if path else "received"
        requests.append(_request_row(request_id, arrival, status))
        facts.append(_fact_row(request_id, arrival, status))
        previous = None
        for to_status, after in [("received", timedelta(0)), *path]:
            timeline.append(
                {
                    "request_id": request_id,
                    "at": arrival.at + after,
                    "kind": "received" if previous is None else "transition",
                    "actor": "test",
                    "from_status": previous,
                    "to_status": to_status,
                    "data": {},
                }
            )
            previous = to_status
        ids.append(request_id)
    for table, rows in ((Request, requests), (CaseFact, facts), (TimelineEvent, timeline)):
        for chunk in range(0, len(rows), 2000):
            session.execute(insert(table), rows[chunk : chunk + 2000])
    if ids:
        write_status_time(session, ids[0], ids[-1])
    return ids
