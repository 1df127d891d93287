"""A preservation hold reads the platform's data before it writes: while the platform store is
read, no transaction of Exigent's is open, so the case stays writable (on SQLite, nobody holds
the one write lock) however long the snapshot takes."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from console.helpers import sign_in
from exigent.config import Settings
from exigent.platform_data import registry
from exigent.platform_data.adapter import Account, Availability, Dataset, Row
from exigent.platform_data.demo import DemoAdapter
from exigent.production.models import HoldStatus, PreservationHold
from factories import emergency_record
from legal.flows import create_case

Probe = Callable[[], str | None]


def _sqlite_probe(url: str) -> Probe:
    """None when another connection could start writing at once, else why not."""
    path = make_url(url).database

    def probe() -> str | None:
        connection = sqlite3.connect(path or "", timeout=0, isolation_level=None)
        try:
            connection.execute("BEGIN IMMEDIATE")
            connection.execute("ROLLBACK")
            return None
        except sqlite3.OperationalError as exc:
            return f"the write lock is held ({exc})"
        finally:
            connection.close()

    return probe


def _postgres_probe(url: str) -> Probe:
    """None when no other connection to the test database has a transaction open."""
    engine = create_engine(url, poolclass=NullPool)
    query = text(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
        "AND pid <> pg_backend_pid() AND xact_start IS NOT NULL"
    )

    def probe() -> str | None:
        with engine.connect() as connection:
            open_transactions = connection.execute(query).scalar_one()
            connection.rollback()
        return f"{open_transactions} transaction(s) open" if open_transactions else None

    return probe


class ProbingAdapter:
    """The demo platform store, checking at every read whether Exigent's database is free."""

    name = "probing"

    def __init__(self, inner: DemoAdapter, probe: Probe, during: Callable[[], None]) -> None:
        self.inner, self.probe, self.during = inner, probe, during
        self.seen: list[str | None] = []

    def _check(self) -> None:
        self.seen.append(self.probe())
        self.during()

    def datasets(self) -> Sequence[Dataset]:
        return self.inner.datasets()

    def find_account(self, identifier_type: str, value: str) -> Account | None:
        self._check()
        return self.inner.find_account(identifier_type, value)

    def availability(self, account: Account, categories: Sequence[str]) -> list[Availability]:
        return self.inner.availability(account, categories)

    def stream(self, account: Account, dataset: str, **bounds: Any) -> Iterator[Row]:
        self._check()
        return self.inner.stream(account, dataset, **bounds)

    def close(self) -> None:
        self.inner.close()


@pytest.fixture
def probing(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[Settings, list[ProbingAdapter], list[Any]]]:
    """Settings that open a probing adapter; the adapters opened; what to run mid-collection."""
    url = settings.database_url
    probe = _sqlite_probe(url) if url.startswith("sqlite") else _postgres_probe(url)
    opened: list[ProbingAdapter] = []
    during: list[Any] = []

    def run_during() -> None:
        while during:
            during.pop(0)()

    def open_probing(settings: Settings) -> ProbingAdapter:
        adapter = ProbingAdapter(DemoAdapter(settings.platform_store), probe, run_during)
        opened.append(adapter)
        return adapter

    monkeypatch.setitem(registry.ADAPTERS, "probing", open_probing)
    yield settings.model_copy(update={"platform_adapter": "probing"}), opened, during


@pytest.fixture
def app_settings(probing):  # type: ignore[no-untyped-def]
    return probing[0]


@pytest.fixture
def client(app_settings: Settings):  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    from exigent.app import create_app

    with TestClient(create_app(app_settings, run_worker=False)) as test_client:
        yield test_client


def _reads(opened: list[ProbingAdapter]) -> list[str | None]:
    return [seen for adapter in opened for seen in adapter.seen]


def test_the_api_reads_the_platform_while_the_database_is_free(client, analyst, probing):  # type: ignore[no-untyped-def]
    _, opened, _ = probing
    case = create_case(client, analyst, emergency_record(kind="preservation"))
    response = client.post(f"/api/v1/requests/{case['id']}/holds", headers=analyst.headers)
    assert response.status_code == 201, response.text
    assert sum(s["records"] for s in response.json()["snapshots"]) > 0
    reads = _reads(opened)
    assert len(reads) > 1  # the account, then each dataset
    assert reads == [None] * len(reads)


def test_the_page_reads_the_platform_while_the_database_is_free(client, analyst, probing):  # type: ignore[no-untyped-def]
    _, opened, _ = probing
    case = create_case(client, analyst, emergency_record(kind="preservation"))
    csrf = sign_in(client, analyst.user.email)
    placed = client.post(f"/console/cases/{case['id']}/holds", data={"csrf_token": csrf})
    assert placed.status_code == 200
    assert re.search(r"Hold \d+ placed until", placed.text), placed.text
    reads = _reads(opened)
    assert len(reads) > 1 and reads == [None] * len(reads)


def test_a_hold_placed_by_someone_else_meanwhile_wins(  # type: ignore[no-untyped-def]
    client, analyst, probing, factory
):
    """Another writer gets through while the platform is read; the slower hold then stands
    down with 409, and the case keeps one hold."""
    _, _, during = probing
    case = create_case(client, analyst, emergency_record(kind="preservation"))
    received = datetime.fromisoformat(case["received_at"]).astimezone(UTC)

    def someone_else_places_a_hold() -> None:
        with factory() as session:
            session.add(
                PreservationHold(
                    request_id=case["id"],
                    status=HoldStatus.active,
                    categories=["subscriber_info"],
                    as_of=received,
                    expires_at=received,
                    extensions=0,
                    created_by_id=analyst.user.id,
                    created_at=datetime.now(UTC),
                )
            )
            session.commit()

    during.append(someone_else_places_a_hold)
    response = client.post(f"/api/v1/requests/{case['id']}/holds", headers=analyst.headers)
    assert response.status_code == 409, response.text
    assert "already has an active hold" in response.json()["error"]
    with factory() as session:
        count = select(func.count()).where(PreservationHold.request_id == case["id"])
        assert session.execute(count).scalar_one() == 1
