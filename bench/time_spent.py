"""Time spent per status and the surge check on a large history, on SQLite and PostgreSQL.

Writes N cases spread over `--span-days` (two years by default; each with a fact row, a
timeline of four to seven moves and its time per status, written per batch as the demo's
history does), then times `time_spent` for the last 30 days and one run of the surge check.
A shorter span puts as many cases in the last 30 days as a longer history would: 100,000
cases over 111 days hold about as many in the period as 1,000,000 over three years.

Run: uv run python bench/time_spent.py [--cases 1000000] [--backend sqlite|postgresql]
     [--span-days 730]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from _server import drop_database, fresh_database
from sqlalchemy import Engine, func, insert, select
from sqlalchemy.orm import Session

from exigent.analytics.models import CaseFact
from exigent.analytics.status_time import write_status_time
from exigent.analytics.surge_alerts import check_surges
from exigent.analytics.time_spent import time_spent
from exigent.cases.models import Request, TimelineEvent
from exigent.db import make_engine, make_session_factory
from exigent.migrate import upgrade

NOW = datetime(2026, 12, 1, tzinfo=UTC)
KINDS = [
    ("emergency", "P0", "suicide_self_harm"),
    ("subpoena", "P3", None),
    ("preservation", "P2", None),
]
PATHS = [
    ["triaged", "verifying", "under_review", "awaiting_approval", "approved", "producing"],
    ["triaged", "need_info", "under_review", "rejected"],
    ["triaged", "under_review", "preserved"],
]
BATCH = 20_000


def _rows(
    rng: random.Random, first: int, size: int, span_days: int
) -> tuple[list[Any], list[Any], list[Any]]:
    requests, facts, timeline = [], [], []
    for request_id in range(first, first + size):
        kind, priority, harm = rng.choice(KINDS)
        at = NOW - timedelta(seconds=rng.randrange(span_days * 86400))
        record = {"kind": kind}
        requests.append(
            {
                "id": request_id,
                "submission_digest": f"{request_id:064x}",
                "kind": kind,
                "received_via": "portal",
                "received_at": at,
                "received_offset_minutes": 0,
                "status": "closed",
                "priority": priority,
                "record": record,
                "raw_submission": json.dumps(record),
                "needs_completion": False,
                "acknowledge_due_at": at,
                "decide_due_at": at,
                "created_at": at,
                "updated_at": at,
                "version": 1,
            }
        )
        facts.append(
            {
                "request_id": request_id,
                "received_at": at,
                "hour_of_week": at.weekday() * 24 + at.hour,
                "kind": kind,
                "priority": priority,
                "channel": "portal",
                "harm": harm,
                "country": "US",
                "status": "closed",
                "is_open": False,
                "outcome": "pending",
                "accounts": 1,
                "emergency": kind == "emergency",
                "preservation": False,
                "nondisclosure": False,
                "acknowledge_due_at": at,
                "decide_due_at": at,
                "fraud_signals": [],
                "updated_at": at,
            }
        )
        previous = None
        for status in ["received", *rng.choice(PATHS)]:
            if at >= NOW:
                break  # moves still to come have not happened by now
            timeline.append(
                {
                    "request_id": request_id,
                    "at": at,
                    "kind": "transition",
                    "actor": "bench",
                    "from_status": previous,
                    "to_status": status,
                    "data": {},
                }
            )
            previous = status
            at += timedelta(minutes=rng.randint(1, 3000))
    return requests, facts, timeline


def fill(session: Session, cases: int, span_days: int) -> None:
    rng = random.Random(1)
    for first in range(1, cases + 1, BATCH):
        size = min(BATCH, cases + 1 - first)
        requests, facts, timeline = _rows(rng, first, size, span_days)
        session.execute(insert(Request), requests)
        session.execute(insert(CaseFact), facts)
        session.execute(insert(TimelineEvent), timeline)
        write_status_time(session, first, first + size - 1)
        session.commit()


def _settle(engine: Engine) -> None:
    """Statistics for the planner, and on PostgreSQL the visibility map that autovacuum sets
    after bulk inserts, without which an index-only scan visits the heap for every row."""
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE")
        return
    with engine.begin() as connection:
        connection.exec_driver_sql("ANALYZE")


def timed(run: Any, times: int) -> tuple[float, float]:
    spent, busy = [], []
    for _ in range(times):
        began, began_busy = time.perf_counter(), time.process_time()
        run()
        spent.append((time.perf_counter() - began) * 1000)
        busy.append((time.process_time() - began_busy) * 1000)
    spent.sort()
    # On a shared machine the wall time waits for the CPU; this process's own CPU time (all
    # of it on SQLite, the client's share on PostgreSQL) does not.
    print(f"  (this process's CPU time, median: {statistics.median(busy):.0f} ms)")
    return statistics.median(spent), spent[max(0, round(0.95 * len(spent)) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--span-days", type=int, default=730)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        url = fresh_database(args.backend, Path(workdir))
        try:
            upgrade(url)
            engine = make_engine(url)
            factory = make_session_factory(engine)
            began = time.perf_counter()
            with factory() as session:
                fill(session, args.cases, args.span_days)
            print(
                f"{args.backend}: {args.cases} cases written in {time.perf_counter() - began:.0f} s"
            )
            _settle(engine)
            with factory() as session:
                start = NOW - timedelta(days=30)
                in_period = session.execute(
                    select(func.count()).where(CaseFact.received_at >= start)
                ).scalar()
                print(f"{in_period} cases received in the last 30 days")
                p50, p95 = timed(
                    lambda: time_spent(session, start=start, end=NOW, now=NOW), args.runs
                )
                print(f"time per status, last 30 days: p50 {p50:.0f} ms, p95 {p95:.0f} ms")
                p50, p95 = timed(lambda: check_surges(session, NOW), args.runs)
                session.rollback()
                print(f"surge check: p50 {p50:.1f} ms, p95 {p95:.1f} ms")
        finally:
            drop_database(url)


if __name__ == "__main__":
    main()
