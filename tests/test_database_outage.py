"""A database blip is a short, clean pause: a real server under intake load while its
PostgreSQL is stopped for a few seconds and started again (see outage_drill.py)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from exigent.app import create_app
from exigent.config import Settings
from net import free_port
from outage_drill import DrillResult, run_drill
from pg_cluster import server_bin

OUTAGE_SECONDS = 3.0
# The outage's first and last line, and room for a second short outage as the server comes
# back up (refusing connections while it starts); never a line per request.
MOST_OUTAGE_LINES = 6


@pytest.fixture(scope="module")
def drill() -> DrillResult:
    try:
        server_bin()
    except RuntimeError as exc:  # never skipped: a machine without PostgreSQL fails plainly
        pytest.fail(str(exc))
    return run_drill(outage_seconds=OUTAGE_SECONDS)


def test_callers_get_503_with_retry_after_and_never_500(drill: DrillResult) -> None:
    statuses = sorted({answer.status for answer in drill.answers})
    assert set(statuses) <= {200, 201, 503}, statuses
    assert drill.count(lambda a: a.status == 503) > 0, "the outage was never noticed"
    assert drill.count(lambda a: a.status == 201 and a.at > drill.up_at) > 0, "never recovered"
    waits = {answer.retry_after for answer in drill.answers if answer.status == 503}
    assert waits and all(wait is not None and 0 < int(wait) <= 10 for wait in waits), waits


def test_a_503_keeps_the_connection(drill: DrillResult) -> None:
    closing = [a for a in drill.answers if (a.connection or "").lower() == "close"]
    assert closing == []
    assert drill.moved_after_503() == []


def test_every_acknowledged_case_is_stored(drill: DrillResult) -> None:
    assert drill.acknowledged
    assert drill.acknowledged - drill.stored_ids == set()


def test_health_says_the_database_is_unreachable_then_healthy(drill: DrillResult) -> None:
    during = [r for r in drill.health if drill.down_at < r.at < drill.up_at]
    assert any(r.status == 503 and r.database == "unreachable" for r in during), during
    last = drill.health[-1]
    assert (last.status, last.database) == (200, "reachable")


def test_the_log_tells_the_outage_once(drill: DrillResult) -> None:
    assert not any("Traceback" in line for line in drill.log_lines), drill.log_lines[:20]
    assert len(drill.log_lines) <= MOST_OUTAGE_LINES, drill.log_lines
    lines = drill.outage_lines()
    assert any("out of reach since" in line for line in lines), lines
    assert "reachable again after" in lines[-1], lines


@pytest.fixture
def unreachable(tmp_path: Path) -> Iterator[TestClient]:
    """The app on a PostgreSQL address where nothing listens: every connection is refused."""
    settings = Settings(
        environment="test",
        database_url=f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/exigent",
        file_store=tmp_path / "files",
        embedded_worker=False,
    )
    app = create_app(settings)
    yield TestClient(app)
    app.state.engine.dispose()


def test_any_api_route_answers_503_with_retry_after(
    unreachable: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        for _ in range(3):
            answer = unreachable.get("/api/v1/requests", headers={"Authorization": "Bearer exg_x"})
            assert answer.status_code == 503
            assert answer.headers["Retry-After"] == "2"
            assert answer.json()["retry_after"] == 2
    problems = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert [r.name for r in problems] == ["exigent.outages"], [r.getMessage() for r in problems]
    assert "out of reach since" in problems[0].getMessage()


def test_a_page_answers_503_as_a_page(unreachable: TestClient) -> None:
    unreachable.cookies.set("exigent_session", "a-session")
    answer = unreachable.get("/console")
    assert answer.status_code == 503
    assert answer.headers["Retry-After"] == "2"
    assert answer.headers["content-type"].startswith("text/html")
    assert "back in a moment" in answer.text


def test_health_answers_503_while_unreachable(unreachable: TestClient) -> None:
    answer = unreachable.get("/api/v1/health")
    assert answer.status_code == 503
    assert answer.json()["database"] == "unreachable"
    assert answer.headers["Retry-After"] == "2"
