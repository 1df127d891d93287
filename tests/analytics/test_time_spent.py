"""Time per status and whom a case waits on, against a count made here from the raw timeline
and requests rows."""

from __future__ import annotations

import math
import random
import statistics
from collections import defaultdict
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from analytics.surge_world import Arrival, write_cases
from exigent.analytics.status_time import refresh_status_time
from exigent.analytics.time_spent import WaitingOn, time_spent
from exigent.cases.models import Request, TimelineEvent
from exigent.legal.models import LegalCheckRecord

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
START, END = NOW - timedelta(days=14), NOW
PATHS = [
    ["triaged", "verifying", "under_review", "awaiting_approval", "approved", "producing"],
    ["triaged", "need_info", "triaged", "under_review", "awaiting_approval", "approved"],
    ["triaged", "under_review", "need_info", "under_review", "rejected", "closed"],
    ["triaged", "under_review"],
    [],
]


def _world(db: Session) -> list[int]:
    rng = random.Random(5)
    arrivals, moves = [], {}
    for position in range(90):
        received = END - timedelta(days=28) + timedelta(hours=rng.uniform(0, 28 * 24 + 30))
        # Moves happen before now; a case received after the period stays out of it.
        kind = rng.choice(["emergency", "subpoena"])
        arrivals.append(
            Arrival(received, kind, "suicide_self_harm" if kind == "emergency" else None)
        )
        after, path = timedelta(0), []
        for status in rng.choice(PATHS):
            after += timedelta(minutes=rng.randint(1, 60 * 30))
            if received + after < NOW:
                path.append((status, after))
        moves[position] = path
    ids = write_cases(db, arrivals, moves=moves)
    for request_id in ids[::4]:
        db.add(
            LegalCheckRecord(
                request_id=request_id,
                policy_version=1,
                route="legal_review",
                categories={},
                missing_elements=[],
                obligations=[],
                priority="P1",
                judged_at=NOW - timedelta(days=40),
            )
        )
    db.flush()
    # As the facts' upkeep does in the commit that records a legal check.
    refresh_status_time(db, ids[::4])
    db.commit()
    return ids


def _by_hand(
    db: Session, start: datetime, end: datetime
) -> dict[tuple[str, str, str, str], list[float]]:
    cases = {
        r.id: r
        for r in db.scalars(
            select(Request).where(Request.received_at >= start, Request.received_at < end)
        )
    }
    legal = {c.request_id for c in db.scalars(select(LegalCheckRecord))}
    entries = db.scalars(select(TimelineEvent).order_by(TimelineEvent.id)).all()
    moves = defaultdict(list)
    for entry in entries:
        if entry.request_id in cases and entry.to_status is not None:
            moves[entry.request_id].append((entry.at, str(entry.to_status)))
    team = {"received", "triaged", "verifying", "under_review"}
    whom = {
        "need_info": "requester",
        "awaiting_approval": "approver",
        "approved": "production",
        "producing": "production",
    }
    totals: dict[tuple[tuple[str, str, str, str], int], float] = defaultdict(float)
    for request_id, path in moves.items():
        path.sort()
        for (entered, status), (left, _) in zip(path, [*path[1:], (NOW, "")], strict=True):
            if status in team:
                waiting = "legal" if status == "under_review" and request_id in legal else "team"
            elif status in whom:
                waiting = whom[status]
            else:
                continue
            case = cases[request_id]
            key = (str(case.kind), str(case.priority), status, waiting)
            totals[(key, request_id)] += (left - entered).total_seconds()
    found = defaultdict(list)
    for (key, _), seconds in totals.items():
        found[key].append(seconds)
    return found


def _p90(values: list[float]) -> float:
    return sorted(values)[math.ceil(len(values) * 0.9) - 1]


def test_time_per_status_matches_the_timeline_counted_by_hand(db: Session) -> None:
    _world(db)
    figures = time_spent(db, start=START, end=END, now=NOW)
    expected = _by_hand(db, START, END)
    before = _by_hand(db, START - (END - START), START)
    got = {(s.kind, s.priority, s.status, str(s.waiting_on)): s for s in figures.steps}
    assert set(got) == set(expected)
    for key, values in expected.items():
        step = got[key]
        assert step.cases == len(values)
        # The databases subtract instants to the millisecond or better.
        assert step.median_seconds == pytest.approx(statistics.median(values), abs=0.01)
        assert step.p90_seconds == pytest.approx(_p90(values), abs=0.01)
        earlier = before.get(key, [])
        assert step.previous_cases == len(earlier)
        if earlier:
            assert step.previous_median_seconds == pytest.approx(
                statistics.median(earlier), abs=0.01
            )
        else:
            assert step.previous_median_seconds is None
    assert any(s.waiting_on is WaitingOn.legal for s in figures.steps)
    assert any(s.waiting_on is WaitingOn.requester for s in figures.steps)
    slowest = figures.slowest()
    assert slowest == sorted(slowest, key=lambda s: -s.p90_seconds)


def test_a_filter_by_kind_keeps_only_that_kind(db: Session) -> None:
    _world(db)
    figures = time_spent(db, start=START, end=END, now=NOW, kind="subpoena")
    assert figures.steps and {s.kind for s in figures.steps} == {"subpoena"}
