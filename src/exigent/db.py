"""Engine, sessions and the declarative Base shared by every domain's tables."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request
from sqlalchemy import DateTime, Engine, MetaData, String, create_engine, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

from exigent import outages

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UtcDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC on every backend (SQLite stores naive text, so we attach UTC back)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; Exigent stores aware UTC instants only")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


E = TypeVar("E", bound=StrEnum)


class EnumText(TypeDecorator[E]):
    """A `StrEnum` kept as its value in a plain VARCHAR(length); rows load as members.

    A VARCHAR, not a database enum or a CHECK: adding a member needs no migration, and the
    columns stay what the migrations made. A value that is not a member fails both ways, so a
    typo is caught before it is written and a stray row is reported instead of passed on.
    """

    impl = String
    cache_ok = True

    def __init__(self, enum: type[E], length: int) -> None:
        super().__init__(length)
        self.enum = enum
        self.length = length

    @property
    def python_type(self) -> type[E]:
        return self.enum

    def process_bind_param(self, value: str | None, dialect: Any) -> str | None:
        # A plain string is accepted when it is a member's value: filters and literals in
        # queries (`Request.priority == "P0"`) still compare as before.
        return None if value is None else self.enum(value).value

    def process_result_value(self, value: str | None, dialect: Any) -> E | None:
        return None if value is None else self.enum(value)


# Case and row ids are 64-bit on PostgreSQL; larger numbers are bad input, not a crash.
MAX_ID = 2**63 - 1
# Ids of the tables keyed by a 32-bit INTEGER (users, accounts, versions, ...).
MAX_INT_ID = 2**31 - 1

HOLDS_WRITER = "exigent_holds_writer"
READ_ONLY = "exigent_read_only"
SQLITE_WRITER_WAIT_SECONDS = 30


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def _to_member(enum: type[StrEnum]) -> Any:
    def coerce(_target: Any, value: Any, _old: Any, _initiator: Any) -> Any:
        return enum(value) if isinstance(value, str) else value

    return coerce


@event.listens_for(Base, "mapper_configured", propagate=True)
def _members_on_assignment(mapper: Any, class_: type) -> None:
    """A string set on an enum column becomes its member at once: sessions keep objects after
    commit, so without this a row made with `kind="emergency"` would hold a str until reloaded.
    """
    for prop in mapper.column_attrs:
        column_type = prop.columns[0].type
        if isinstance(column_type, EnumText):
            coerce = _to_member(column_type.enum)
            event.listen(getattr(class_, prop.key), "set", coerce, retval=True)


def utcnow() -> datetime:
    return datetime.now(UTC)


def _configure_sqlite(engine: Engine, *, foreign_keys: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # The driver's own transaction handling is off so that BEGIN IMMEDIATE below is ours.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    # One writer at a time is SQLite's rule anyway. Queueing writers of this process on a lock
    # keeps them off SQLite's busy handler, which sleeps in steps of up to 100 ms.
    writer = threading.Lock()

    def release(info: dict[str, Any]) -> None:
        if info.pop(HOLDS_WRITER, False):
            writer.release()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        if connection.get_execution_options().get(READ_ONLY):
            # WAL lets a reader run beside the writer: no need to queue for the write lock.
            connection.exec_driver_sql("BEGIN DEFERRED")
            return
        if not writer.acquire(timeout=SQLITE_WRITER_WAIT_SECONDS):
            raise TimeoutError("the database stayed busy; try again")
        connection.info[HOLDS_WRITER] = True
        try:
            # Every transaction may write (reads append audit events), so take the write lock
            # up front: a deferred transaction that upgrades later fails with SQLITE_BUSY.
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            release(connection.info)
            raise

    @event.listens_for(engine, "commit")
    def _on_commit(connection: Any) -> None:
        release(connection.info)

    @event.listens_for(engine, "rollback")
    def _on_rollback(connection: Any) -> None:
        release(connection.info)

    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi: Any, record: Any) -> None:
        release(record.info)


def make_engine(url: str, *, foreign_keys: bool = True, **kwargs: Any) -> Engine:
    """An engine for `url`; `foreign_keys=False` only for migrations, which on SQLite rebuild
    tables by copying them, and a drop of a referenced table would fail mid-way."""
    if url.startswith("sqlite"):
        path = make_url(url).database or ""
        in_memory = path in ("", ":memory:")
        if not in_memory:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        pool = {} if in_memory else {"pool_size": 20, "max_overflow": 20}
        engine = create_engine(url, connect_args={"check_same_thread": False}, **pool, **kwargs)
        _configure_sqlite(engine, foreign_keys=foreign_keys)
    else:
        # Pre-ping: after a database restart, a pooled connection is found dead at checkout
        # and replaced instead of failing the request that drew it.
        engine = create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20, **kwargs)
    outages.watch(engine)
    return engine


def begin_read_only(session: Session) -> None:
    """Start the session's next transaction as a reader (call before its first statement).

    On SQLite it then does not wait for the one write lock that every other transaction takes
    up front; it must not write. On PostgreSQL nothing changes. A transaction already under
    way is left as it is.
    """
    if not session.in_transaction():
        session.connection(execution_options={READ_ONLY: True})


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=False)


# The application's engine and session factory, made by `create_app` and kept on `app.state`;
# these dependencies are what routes read them through. They only read an attribute, so they
# are `async`: FastAPI calls them on the event loop instead of sending each to a worker thread.


async def get_engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


async def get_session_factory(request: Request) -> sessionmaker[Session]:
    factory: sessionmaker[Session] = request.app.state.session_factory
    return factory


EngineDep = Annotated[Engine, Depends(get_engine)]
SessionFactoryDep = Annotated[sessionmaker[Session], Depends(get_session_factory)]


def get_session(factory: SessionFactoryDep) -> Iterator[Session]:
    """One session per HTTP request; the route commits once at the end, services never do.

    A plain generator: FastAPI runs it, and the routes and dependencies that use the session
    (all plain `def`), in its worker threads, never on the event loop.
    """
    with factory() as session:
        try:
            yield session
        except Exception:
            session.rollback()
            raise


SessionDep = Annotated[Session, Depends(get_session)]


def insert_ignoring_conflict(
    session: Session, model: type[Base], values: dict[str, Any], *, conflict_on: list[str]
) -> None:
    """INSERT that does nothing when a row with the same unique key exists (race-safe)."""
    dialect = session.get_bind().dialect.name
    module = postgresql if dialect == "postgresql" else sqlite
    statement = (
        module.insert(model).values(**values).on_conflict_do_nothing(index_elements=conflict_on)
    )
    session.execute(statement)
