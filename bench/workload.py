"""The workload page's figures (cases, exposure, pages, hours on shift, after hours) timed on
an existing database, as a lead reads them (every person named, every shift group).

Prints p50/p95 in ms over `--calls` calls for the last 30 and 90 days and a half-year.
Usage: uv run python bench/workload.py --url sqlite:////tmp/demo/exigent.db [--calls 20]
"""

from __future__ import annotations

import argparse
import statistics
import time

from sqlalchemy import func, select

from exigent.analytics.filters import read_filters
from exigent.analytics.workload import workload_report
from exigent.auth.models import Role, User
from exigent.cases.models import TimelineEvent
from exigent.db import make_engine, make_session_factory, utcnow


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", required=True, help="the database to read")
    parser.add_argument("--calls", type=int, default=20)
    args = parser.parse_args()
    factory = make_session_factory(make_engine(args.url))
    now = utcnow()
    with factory() as session:
        lead = session.scalars(select(User).where(User.role == Role.lead).limit(1)).one()
        entries = session.execute(select(func.count()).select_from(TimelineEvent)).scalar_one()
        print(f"{entries} timeline entries on {args.url.split(':')[0]}")
        half = f"{now.year}H{1 if now.month <= 6 else 2}"
        for period in ("30d", "90d", half):
            filters = read_filters(
                now=now,
                period=period,
                start=None,
                end=None,
                kind=None,
                priority=None,
                country=None,
                agency_id=None,
                assignee_id=None,
            )
            times = []
            for _ in range(args.calls):
                started = time.perf_counter()
                workload_report(session, filters, reader=lead)
                times.append((time.perf_counter() - started) * 1000)
            times.sort()
            p95 = times[max(0, round(0.95 * len(times)) - 1)]
            print(f"workload {period}: p50 {statistics.median(times):.1f} ms, p95 {p95:.1f} ms")


if __name__ == "__main__":
    main()
