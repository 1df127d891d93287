"""`exigent demo --scale N` time and database size, then list-endpoint latency at that scale.

Seeds a fresh SQLite database with the demo and N historical cases (the last `--open` of them
open), prints the seeding time and database size, then times GET /api/v1/requests (the
queue: open cases, most urgent first; and the newest-first listing) and prints p50/p95.
Usage: uv run python bench/scale.py [--scale 1000000] [--open 1750] [--calls 200]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=int, default=1_000_000)
    parser.add_argument("--open", dest="open_cases", type=int, default=1750)
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--database", help="reuse an existing SQLite file instead of seeding")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp())
    db_path = Path(args.database) if args.database else workdir / "scale.db"
    os.environ["EXIGENT_DATABASE_URL"] = f"sqlite:///{db_path}"
    os.environ["EXIGENT_FILE_STORE"] = str(workdir / "files")
    from exigent.config import get_settings
    from exigent.db import make_engine, make_session_factory
    from exigent.demo.history import seed_history
    from exigent.demo.seed import seed_demo

    if not args.database:
        started = time.perf_counter()
        seed_demo(scale=0)
        factory = make_session_factory(make_engine(get_settings().database_url))
        seed_history(factory, args.scale, random.Random(1), open_cases=args.open_cases)
        elapsed = time.perf_counter() - started
        size = sum(p.stat().st_size for p in db_path.parent.glob(db_path.name + "*"))
        print(f"demo --scale {args.scale}: {elapsed:.1f} s, database {size / 2**20:.0f} MiB")
    measure_list(args.calls)


def measure_list(calls: int) -> None:
    from fastapi.testclient import TestClient

    from exigent.app import create_app

    client = TestClient(create_app(run_worker=False))
    login = client.post(
        "/api/v1/auth/login",
        json={"email": "analyst@exigent.demo", "password": "analyst-demo-2026"},
    )
    login.raise_for_status()
    headers = {"X-CSRF-Token": login.json()["csrf_token"]}
    total = client.get("/api/v1/requests?open_only=true&limit=200", headers=headers)
    print(f"open cases visible: first page {len(total.json()['items'])} items")
    for label, url in (
        ("queue (open, most urgent)", "/api/v1/requests?open_only=true&limit=50"),
        ("all, newest first", "/api/v1/requests?order=newest&limit=50"),
        ("P0 open", "/api/v1/requests?open_only=true&priority=P0&limit=50"),
    ):
        times = []
        for _ in range(calls):
            started = time.perf_counter()
            response = client.get(url, headers=headers)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.text
        times.sort()
        p95 = times[int(len(times) * 0.95) - 1]
        print(f"{label:<28} p50 {statistics.median(times):6.1f} ms   p95 {p95:6.1f} ms")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
