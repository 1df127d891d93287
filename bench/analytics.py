"""Dashboard panel and transparency report times over the fact table, at scale.

Seeds a fresh database with the demo and N historical cases (or reuses one with
`--database FILE` / `--postgres URL --reuse`), then times every panel the dashboards draw,
with the functions they call (`exigent.analytics.queries`, `clocks`, `fraud`, `surges`), over
the default period (the last 30 days) and over the last whole half-year, `--calls` times each,
and prints p50/p95 in ms; then the half-year transparency report in both CSV layouts
(`exigent.analytics.reports.render`). `--rounds 2` runs the whole measurement twice, since
the machine is shared and one run's figures are noisy.
Usage: uv run python bench/analytics.py [--scale 1000000] [--database FILE]
       [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/exigent_bench [--reuse]]
       [--calls 20] [--rounds 2]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

Panel = Callable[[Any], Any]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=int, default=1_000_000)
    parser.add_argument("--calls", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=1)
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
    if args.postgres:
        _vacuum(url)
    with factory() as session:
        cases = session.execute(_text("SELECT COUNT(*) FROM analytics_case_facts")).scalar_one()
    print(f"{cases} fact rows on {url.split(':')[0]}")
    for round_number in range(1, args.rounds + 1):
        print(f"round {round_number}")
        with factory() as session:
            panels = _panels(session)
        for label, panel in panels.items():
            _time(label, panel, factory, args.calls)
        for label, report in _reports().items():
            _time(label, report, factory, max(3, args.calls // 4))


def _text(sql: str) -> Any:
    from sqlalchemy import text

    return text(sql)


def _vacuum(url: str) -> None:
    """What autovacuum does after a bulk load, done now: the planner's statistics, and the
    visibility map that lets the panels read the covering index alone."""
    from sqlalchemy import create_engine

    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(_text("VACUUM ANALYZE analytics_case_facts"))
    engine.dispose()


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


def _panels(session: Any) -> dict[str, Panel]:
    """Every panel of the dashboard, breaches and workload pages and the surge check, as the
    pages call them, over the default period and the last whole half-year."""
    from sqlalchemy import select

    from exigent.analytics.filters import half_years, read_filters
    from exigent.analytics.surges import FactCounts, SurgeSettings, find_surges
    from exigent.auth.models import Role, User
    from exigent.db import utcnow

    now = utcnow()
    lead = session.scalars(select(User).where(User.role == Role.lead).limit(1)).one()
    session.expunge(lead)
    panels: dict[str, Panel] = {}
    for period in ("30d", half_years(now)[1]):
        found = _period_panels(read_filters(now=now, period=period), lead, now)
        panels |= {f"{name}, {period}": panel for name, panel in found.items()}
    panels["surge check (3 h window)"] = lambda s: find_surges(FactCounts(s), now, SurgeSettings())
    return panels


def _period_panels(f: Any, lead: Any, now: Any) -> dict[str, Panel]:
    from exigent.analytics import clocks, queries
    from exigent.analytics.fraud import fraud

    return {
        "filter choices": lambda s: queries.filter_choices(s, f, user=lead),
        "volume by kind": lambda s: queries.volume(s, f, "kind"),
        "volume by country": lambda s: queries.volume(s, f, "country"),
        "backlog": lambda s: queries.backlog(s, f, now),
        "SLA attainment": lambda s: clocks.sla(s, f, now),
        "times to each step": lambda s: clocks.spreads(s, f),
        "outcomes by kind": lambda s: queries.outcomes(s, f, "kind"),
        "outcomes by country": lambda s: queries.outcomes(s, f, "country"),
        "fraud": lambda s: fraud(s, f),
        "breach counts": lambda s: clocks.breach_counts(s, f, now),
        "breached cases, acknowledge": lambda s: clocks.breaches(s, f, now, "acknowledge"),
        "breached cases, decide": lambda s: clocks.breaches(s, f, now, "decide"),
        "workload": lambda s: queries.workload(s, f, user=lead),
    }


def _reports() -> dict[str, Panel]:
    """The last whole half-year's transparency report, in each CSV layout."""
    from exigent.analytics.filters import half_years
    from exigent.analytics.report_layouts import Layout, rules_for
    from exigent.analytics.reports import ReportFormat, ReportRequest, render
    from exigent.analytics.transparency import half_year
    from exigent.db import utcnow

    period = half_year(half_years(utcnow())[1])

    def report(layout: Layout) -> Panel:
        wanted = ReportRequest(period, rules_for(layout), ReportFormat.csv)
        return lambda session: render(session, wanted)

    return {
        f"transparency report {period.label}, {layout} CSV": report(layout) for layout in Layout
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
    print(f"{label:<44} p50 {statistics.median(times):7.1f} ms   p95 {p95:7.1f} ms")


if __name__ == "__main__":
    main()
