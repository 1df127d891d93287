"""No request waits for the database on the event loop.

On SQLite a transaction waits (up to 30 s) for the one write lock. Every route and dependency
that touches the database is a plain `def`, run in a worker thread, so while another process
holds the lock only the requests that need it wait: the health check, which needs no lock,
answers at once, and a console page and an intake submission answer as soon as the lock is
free. The test is SQLite's by nature: PostgreSQL has no database-wide write lock.
"""

from __future__ import annotations

import re
import sqlite3
import statistics
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import httpx
import pytest
from sqlalchemy.engine import make_url

from conftest import PASSWORD, Account
from exigent.config import Settings
from factories import emergency_record
from net import live_exigent

# Only the SQLite half of the database fixture's two backends.
pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

HOLD_SECONDS = 2.0
HEALTH_LIMIT_SECONDS = 0.1
# After the lock is released, how long a request that waited for it may take to finish.
AFTER_RELEASE_SECONDS = 1.5
LOGIN_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def live_server(settings: Settings) -> Iterator[str]:
    """A real uvicorn server on loopback, as `exigent serve` runs one; yields its base URL."""
    with live_exigent(settings) as url:
        yield url


@dataclass
class Hold:
    """Another process's writer: SQLite's write lock, held for `HOLD_SECONDS`."""

    path: str
    held_at: float = 0.0
    released_at: float = 0.0

    def __post_init__(self) -> None:
        self.held = threading.Event()
        self.released = threading.Event()

    def run(self) -> None:
        connection = sqlite3.connect(self.path, isolation_level=None, timeout=30)
        try:
            connection.execute("BEGIN IMMEDIATE")
            self.held_at = time.monotonic()
            self.held.set()
            time.sleep(HOLD_SECONDS)
            connection.execute("ROLLBACK")
            self.released_at = time.monotonic()
            self.released.set()
        finally:
            connection.close()


@dataclass
class Answer:
    status: int
    finished_at: float


def _signed_in(base: str, email: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=60)
    form = client.get("/login")
    match = LOGIN_CSRF.search(form.text)
    assert match, "the sign-in form carries no CSRF field"
    response = client.post(
        "/login",
        data={"csrf_token": match.group(1), "email": email, "password": PASSWORD},
    )
    assert response.status_code == 303, response.text
    return client


def _timed(send: Callable[[], httpx.Response]) -> Answer:
    response = send()
    return Answer(response.status_code, time.monotonic())


def test_a_held_write_lock_holds_up_only_the_requests_that_need_it(
    live_server: str, settings: Settings, analyst: Account, officer: Account
) -> None:
    staff = _signed_in(live_server, analyst.user.email)
    intake = httpx.Client(base_url=live_server, timeout=60, headers=officer.headers)
    health = httpx.Client(base_url=live_server, timeout=60)
    # Warm up: the first case loads the fraud checks' caches, the first page its templates.
    assert intake.post("/api/v1/requests", json=emergency_record()).status_code == 201
    assert staff.get("/console").status_code == 200
    assert health.get("/api/v1/health").status_code == 200

    hold = Hold(make_url(settings.database_url).database or "")
    holder = threading.Thread(target=hold.run, daemon=True)
    holder.start()
    assert hold.held.wait(10), "could not take SQLite's write lock"
    with ThreadPoolExecutor(max_workers=2) as pool:
        page = pool.submit(_timed, lambda: staff.get("/console"))
        case = pool.submit(_timed, lambda: intake.post("/api/v1/requests", json=emergency_record()))
        latencies = []
        while not hold.released.is_set():
            started = time.monotonic()
            answer = health.get("/api/v1/health")
            finished = time.monotonic()
            assert answer.status_code == 200, answer.text
            if finished < hold.held_at + HOLD_SECONDS:  # measured while the lock was held
                latencies.append(finished - started)
            time.sleep(0.02)
        page_answer, case_answer = page.result(timeout=60), case.result(timeout=60)
    holder.join(timeout=10)
    for client in (staff, intake, health):
        client.close()

    # Each check started after the one before answered: a frozen server answers none in time.
    assert len(latencies) >= 10, f"only {len(latencies)} health checks answered during the hold"
    median, worst = statistics.median(latencies), max(latencies)
    print(
        f"\nhealth during a {HOLD_SECONDS:g} s write-lock hold: {len(latencies)} checks, "
        f"median {median * 1000:.1f} ms, max {worst * 1000:.1f} ms; console page answered "
        f"{(page_answer.finished_at - hold.released_at) * 1000:.0f} ms and intake "
        f"{(case_answer.finished_at - hold.released_at) * 1000:.0f} ms after the release"
    )
    assert worst < HEALTH_LIMIT_SECONDS, latencies
    # The page and the case needed the lock: they waited for it, and no longer.
    assert page_answer.status == 200
    assert case_answer.status == 201
    for answer in (page_answer, case_answer):
        assert hold.released_at <= answer.finished_at
        assert answer.finished_at - hold.released_at < AFTER_RELEASE_SECONDS
