"""The audit log viewer's queries on a large log: a page per filter, first and deep.

Fills a fresh database with N chained events (reads and changes of many cases by a few dozen
actors over a year), then times `events_page` for each filter (none, case, actor, action,
kind, time range, all together), its first page and a page a hundred pages in, and the
action list the form offers. Prints milliseconds (median of five) per query.
Usage: uv run python bench/audit_log.py [--events 1000000] [--database URL [--measure-only]]
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--database", help="an empty database URL (default: a SQLite file)")
    parser.add_argument("--measure-only", action="store_true", help="--database is filled")
    args = parser.parse_args()
    url = args.database or f"sqlite:///{Path(tempfile.mkdtemp()) / 'audit.db'}"
    from exigent.db import make_engine, make_session_factory
    from exigent.migrate import upgrade

    upgrade(url)
    factory = make_session_factory(make_engine(url))
    if not args.measure_only:
        started = time.perf_counter()
        fill(factory, args.events)
        print(f"{args.events:,} events written in {time.perf_counter() - started:.0f} s")
    measure(factory)


ACTIONS = ["request.read"] * 6 + ["request.list", "request.transition", "decision.draft"]


def fill(factory, count: int) -> None:  # type: ignore[no-untyped-def]
    from exigent.audit.service import Actor, Event, record_events

    rng = random.Random(3)
    actors = [Actor(i, f"person{i}@example.test", "analyst") for i in range(1, 41)]
    start = datetime(2026, 1, 1, tzinfo=UTC)
    step = timedelta(days=365) / count
    batch = 10_000
    for offset in range(0, count, batch):
        events = [
            Event(
                rng.choice(actors),
                rng.choice(ACTIONS),
                "request",
                rng.randint(1, 200_000),
                at=start + step * (offset + i),
            )
            for i in range(min(batch, count - offset))
        ]
        with factory() as session:
            record_events(session, events)
            session.commit()


def measure(factory) -> None:  # type: ignore[no-untyped-def]
    from exigent.audit.queries import LogFilter, events_page, known_actions

    reads = ("request.list", "request.read")
    may = datetime(2026, 5, 1, tzinfo=UTC)
    filters = {
        "everything": LogFilter(),
        "one case": LogFilter(case_id=4242),
        "one actor": LogFilter(actor="person7@example.test"),
        "one action": LogFilter(actions=("decision.draft",)),
        "reads": LogFilter(actions=reads),
        "one week": LogFilter(since=may, until=may + timedelta(days=7)),
        "actor, action, month": LogFilter(
            actor="person7@example.test",
            actions=("request.transition",),
            since=may,
            until=may + timedelta(days=30),
        ),
    }
    with factory() as session:
        print(f"{'action list':<24}{_time(lambda: known_actions(session)):>9.1f} ms")
        for name, log_filter in filters.items():
            first = _time(lambda f=log_filter: events_page(session, f))
            after = None
            for _ in range(100):
                _, after = events_page(session, log_filter, after=after)
                if after is None:
                    break
            deep = _time(lambda f=log_filter, a=after: events_page(session, f, after=a))
            print(f"{name:<24}{first:>9.1f} ms first page {deep:>9.1f} ms page 101")


def _time(call) -> float:  # type: ignore[no-untyped-def]
    runs = []
    for _ in range(5):
        started = time.perf_counter()
        call()
        runs.append((time.perf_counter() - started) * 1000)
    return statistics.median(runs)


if __name__ == "__main__":
    main()
