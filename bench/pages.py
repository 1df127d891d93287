"""Server time of the console's queue page and of a case page, at scale.

Builds a SQLite database with the demo and N historical cases, the last `--open` of them open
(as bench/scale.py does), or reuses one (`--database`). Then, in process (server time only,
no network), signs in through the login form and times GET /console (the queue, default and
filtered) and GET /console/cases/{id} for random open cases; prints p50 and p95.
Usage: uv run python bench/pages.py [--scale 1000000] [--open 2000] [--calls 200]
       [--database path.db] [--keep path.db]
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import statistics
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=int, default=1_000_000)
    parser.add_argument("--open", dest="open_cases", type=int, default=2000)
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--database", help="reuse an existing SQLite file instead of seeding")
    parser.add_argument("--keep", help="copy the seeded database here for later runs")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp())
    db_path = Path(args.database) if args.database else workdir / "pages.db"
    os.environ["EXIGENT_DATABASE_URL"] = f"sqlite:///{db_path}"
    os.environ["EXIGENT_FILE_STORE"] = str(workdir / "files")
    os.environ["EXIGENT_EMBEDDED_WORKER"] = "false"
    from exigent.config import get_settings
    from exigent.db import make_engine, make_session_factory
    from exigent.demo.seed import seed_demo, seed_history

    if not args.database:
        started = time.perf_counter()
        seed_demo(scale=0)
        factory = make_session_factory(make_engine(get_settings().database_url))
        seed_history(factory, args.scale, random.Random(1), open_cases=args.open_cases)
        print(f"seeded demo + {args.scale} cases: {time.perf_counter() - started:.0f} s")
        if args.keep:
            for suffix in ("", "-wal", "-shm"):
                source = Path(str(db_path) + suffix)
                if source.exists():
                    shutil.copyfile(source, args.keep + suffix)
    measure(args.calls)


def _p(times: list[float], q: float) -> float:
    times = sorted(times)
    return times[max(0, int(len(times) * q) - 1)]


def measure(calls: int) -> None:
    from fastapi.testclient import TestClient
    from sqlalchemy import func, select

    from exigent.app import create_app
    from exigent.cases.lifecycle import OPEN_STATUSES
    from exigent.cases.models import Request

    app = create_app(run_worker=False)
    client = TestClient(app)
    login = client.post(
        "/login",
        data={"email": "analyst@exigent.demo", "password": "analyst-demo-2026"},
        follow_redirects=False,
    )
    assert login.status_code == 303, login.text
    with app.state.session_factory() as session:
        total = session.execute(select(func.count()).select_from(Request)).scalar_one()
        open_ids = list(
            session.execute(
                select(Request.id).where(Request.status.in_(sorted(OPEN_STATUSES)))
            ).scalars()
        )
    print(f"database: {total} cases, {len(open_ids)} open")
    rng = random.Random(3)
    pages = [
        ("queue (all open, most urgent)", lambda: "/console"),
        ("queue filtered (P2, mine)", lambda: "/console?priority=P2&assignee=mine"),
        ("queue rows (30 s refresh)", lambda: "/console/queue-rows"),
        ("case page (random open)", lambda: f"/console/cases/{rng.choice(open_ids)}"),
    ]
    for label, url in pages:
        client.get(url())  # warm: templates compiled, caches filled
        times = []
        for _ in range(calls):
            target = url()
            started = time.perf_counter()
            response = client.get(target)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (target, response.status_code)
        rows = len(re.findall(r"data-case-id=", response.text))
        extra = f"  ({rows} rows)" if rows else ""
        print(
            f"{label:<32} p50 {statistics.median(times):6.1f} ms   "
            f"p95 {_p(times, 0.95):6.1f} ms{extra}"
        )


if __name__ == "__main__":
    main()
