"""Dashboard panel and transparency report times over the fact table, at scale.

Seeds a fresh database with the demo and N historical cases (or reuses one with
`--database FILE` / `--postgres URL --reuse`), then times each panel's query `--calls` times
and prints p50/p95 in ms. The panels are `exigent.analytics.queries`' when that module exists;
until then, representative aggregates: volume by day and kind over 90 and 180 days, SLA
attainment and decide-time percentiles per priority over a half-year, the open backlog by age,
outcomes by country over a half-year. The half-year transparency report is timed when
`exigent.analytics.transparency` exists.
Usage: uv run python bench/analytics.py [--scale 1000000] [--database FILE]
       [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/exigent_bench] [--calls 30]
"""

from __future__ import annotations

import argparse
import importlib
import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=int, default=1_000_000)
    parser.add_argument("--calls", type=int, default=30)
    parser.add_argument("--database", help="reuse an existing SQLite file instead of seeding")
    parser.add_argument("--postgres", help="a PostgreSQL URL (its database is created afresh)")
    parser.add_argument("--reuse", action="store_true", help="with --postgres: do not reseed")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp())
    os.environ["EXIGENT_FILE_STORE"] = str(workdir / "files")
    os.environ["EXIGENT_PLATFORM_STORE"] = str(workdir / "platform.db")
    if args.postgres:
        url, seed = args.postgres, not args.reuse
        if seed:
            _fresh_postgres(url)
    else:
        db_path = Path(args.database) if args.database else workdir / "analytics.db"
        url, seed = f"sqlite:///{db_path}", not args.database
    os.environ["EXIGENT_DATABASE_URL"] = url
    from exigent.db import make_engine, make_session_factory

    if seed:
        _seed(url, args.scale)
    else:
        from exigent.migrate import upgrade

        upgrade(url)  # a reused database gets the newest indexes
    factory = make_session_factory(make_engine(url))
    with factory() as session:
        cases = session.execute(_text("SELECT COUNT(*) FROM analytics_case_facts")).scalar_one()
    print(f"{cases} fact rows on {url.split(':')[0]}")
    for label, panel in _panels().items():
        _time(label, panel, factory, args.calls)
    _time_report(factory, max(3, args.calls // 5))


def _text(sql: str) -> Any:
    from sqlalchemy import text

    return text(sql)


def _fresh_postgres(url: str) -> None:
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    target = make_url(url)
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(_text(f'DROP DATABASE IF EXISTS "{target.database}"'))
        connection.execute(_text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()


def _seed(url: str, scale: int) -> None:
    from exigent.db import make_engine, make_session_factory
    from exigent.demo.history import seed_history
    from exigent.demo.seed import seed_demo

    started = time.perf_counter()
    seed_demo(scale=0, platform_accounts=20, platform_records=20)
    seed_history(make_session_factory(make_engine(url)), scale, random.Random(1), open_cases=1750)
    print(f"seeded the demo and {scale} cases in {time.perf_counter() - started:.1f} s")


def _panels() -> dict[str, Callable[[Any], Any]]:
    """The dashboards' own panels when they exist, else representative aggregates."""
    try:
        queries = importlib.import_module("exigent.analytics.queries")
    except ImportError:
        queries = None
    panels = getattr(queries, "BENCH_PANELS", None)
    return dict(panels) if panels else _representative_panels()


def _representative_panels() -> dict[str, Callable[[Any], Any]]:
    from sqlalchemy import and_, case, func, select

    from exigent.analytics.models import CaseFact as F

    now = datetime.now(UTC)
    half = now - timedelta(days=182)

    def volume(days: int) -> Callable[[Any], Any]:
        day = func.date(F.received_at)
        query = (
            select(day, F.kind, func.count())
            .where(F.received_at >= now - timedelta(days=days))
            .group_by(day, F.kind)
        )
        return lambda session: session.execute(query).all()

    def sla(session: Any) -> Any:
        met = func.count(case((F.decided_at <= F.decide_due_at, 1)))
        rows = session.execute(
            select(F.priority, func.count(), met).where(F.received_at >= half).group_by(F.priority)
        ).all()
        decided = and_(F.received_at >= half, F.decide_seconds.is_not(None))
        for priority, _, _ in rows:
            count = session.execute(
                select(func.count()).where(decided, F.priority == priority)
            ).scalar_one()
            for share in (0.5, 0.9):
                session.execute(
                    select(F.decide_seconds)
                    .where(decided, F.priority == priority)
                    .order_by(F.decide_seconds)
                    .offset(int(count * share))
                    .limit(1)
                ).first()
        return rows

    def backlog(session: Any) -> Any:
        age = case(
            (F.received_at >= now - timedelta(days=1), "under 1 day"),
            (F.received_at >= now - timedelta(days=7), "1-7 days"),
            (F.received_at >= now - timedelta(days=30), "7-30 days"),
            else_="over 30 days",
        )
        return session.execute(
            select(age, F.priority, func.count()).where(F.is_open).group_by(age, F.priority)
        ).all()

    def outcomes(session: Any) -> Any:
        return session.execute(
            select(F.country, F.outcome, func.count(), func.sum(F.accounts))
            .where(F.received_at >= half)
            .group_by(F.country, F.outcome)
        ).all()

    return {
        "volume by day and kind, 90 days": volume(90),
        "volume by day and kind, 180 days": volume(180),
        "SLA attainment and p50/p90, half-year": sla,
        "backlog by age and priority": backlog,
        "outcomes by country, half-year": outcomes,
    }


def _time(label: str, panel: Callable[[Any], Any], factory: Any, calls: int) -> None:
    times = []
    with factory() as session:
        for _ in range(calls):
            started = time.perf_counter()
            panel(session)
            times.append((time.perf_counter() - started) * 1000)
            session.rollback()
    times.sort()
    p95 = times[max(0, int(len(times) * 0.95) - 1)]
    print(f"{label:<42} p50 {statistics.median(times):7.1f} ms   p95 {p95:7.1f} ms")


def _time_report(factory: Any, calls: int) -> None:
    try:
        transparency = importlib.import_module("exigent.analytics.transparency")
    except ImportError:
        print("half-year transparency report: exigent.analytics.transparency not there yet")
        return
    build = getattr(transparency, "bench_half_year", None)
    if build is None:
        print("half-year transparency report: no bench_half_year(session) to time")
        return
    _time("half-year transparency report", build, factory, calls)


if __name__ == "__main__":
    main()
