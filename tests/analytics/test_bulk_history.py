"""The demo's history, written in bulk, stores what an ordinary insert would have stored."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import func, insert, select, text

from exigent.auth.models import Role
from exigent.cases.models import Request, TimelineEvent
from exigent.db import make_engine
from exigent.demo.bulk import BulkWriter, bulk_load
from exigent.demo.history import seed_history

COLUMNS = "request_id, at, kind, actor, actor_id, from_status, to_status, body, data"


def _entries(request_id: int) -> list[dict[str, Any]]:
    # An instant given in another zone is stored as the same instant in UTC.
    berlin = timezone(timedelta(hours=1))
    return [
        {"request_id": request_id, "actor": "history", "visible_to_requester": False}
        | {"at": datetime(2026, 3, 1, 10, 0, tzinfo=berlin), "kind": "received"}
        | {"from_status": None, "to_status": "received", "body": None, "data": {}},
        {"request_id": request_id, "actor": "history", "visible_to_requester": True}
        | {"at": datetime(2026, 3, 2, 9, 30, 15, 120, tzinfo=UTC), "kind": "transition"}
        | {"from_status": "received", "to_status": "triaged", "body": "seen"}
        | {"data": {"note": "é", "n": [1, 2]}},
    ]


def _stored(session: Any, request_id: int, after: int) -> list[tuple[Any, ...]]:
    rows = session.execute(
        text(
            f"SELECT {COLUMNS} FROM timeline_events"
            " WHERE request_id = :id AND id > :after ORDER BY id"
        ),
        {"id": request_id, "after": after},
    )
    return [tuple(row) for row in rows]


def test_bulk_rows_are_stored_as_an_insert_stores_them(factory, make_account):
    make_account(Role.analyst)
    seed_history(factory, 2, random.Random(7))
    with factory() as session:
        first, second = session.execute(select(Request.id).order_by(Request.id)).scalars()
        after = session.execute(select(func.max(TimelineEvent.id))).scalar_one()
        session.execute(insert(TimelineEvent.__table__), _entries(first))
        BulkWriter(session.connection()).insert(TimelineEvent.__table__, _entries(second))  # type: ignore[arg-type]
        session.commit()
        inserted, bulk = _stored(session, first, after), _stored(session, second, after)
    assert len(bulk) == 2
    assert [row[1:] for row in bulk] == [row[1:] for row in inserted]
    with factory() as session:
        read = session.scalars(
            select(TimelineEvent)
            .where(TimelineEvent.request_id == second, TimelineEvent.id > after)
            .order_by(TimelineEvent.id)
        ).all()
    assert read[0].at == datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    assert read[1].data == {"note": "é", "n": [1, 2]}
    assert read[1].visible_to_requester is True


def test_bulk_rows_refuse_a_status_that_does_not_exist_and_a_naive_time(factory, make_account):
    make_account(Role.analyst)
    seed_history(factory, 1, random.Random(7))
    with factory() as session:
        request_id = session.execute(select(Request.id)).scalar_one()
        wrong = _entries(request_id)[:1]
        wrong[0]["to_status"] = "lost"
        writer = BulkWriter(session.connection())
        with pytest.raises(ValueError, match="lost"):
            writer.insert(TimelineEvent.__table__, wrong)  # type: ignore[arg-type]
        naive = _entries(request_id)[:1]
        naive[0]["at"] = datetime(2026, 3, 1, 10, 0)
        with pytest.raises(ValueError, match="naive"):
            writer.insert(TimelineEvent.__table__, naive)  # type: ignore[arg-type]


def test_the_bulk_load_gives_back_the_sqlite_settings_it_changed(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'bulk.db'}")
    with engine.connect() as connection:
        driver = connection.connection.driver_connection

        def synchronous() -> int:
            return int(driver.execute("PRAGMA synchronous").fetchone()[0])

        before = synchronous()
        with bulk_load(connection):
            assert synchronous() == 0
        assert synchronous() == before == 1
    engine.dispose()
