"""Rows written in bulk for the demo's history: plain tuples through the driver on SQLite, COPY
on PostgreSQL, and the bulk-load pragmas of SQLite for the length of the load only.

A million cases are some eight million rows. Compiling each row's dictionary through
SQLAlchemy's insert costs more than writing it, so rows become tuples here and each value is
converted as the column's own type would convert it: SQLite keeps the same text for a
timestamp, PostgreSQL the same instant, and a column left out of the rows gets its default
as it would from an insert.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from enum import StrEnum
from operator import itemgetter
from typing import Any

from sqlalchemy import JSON, Boolean, Connection, Table

from exigent.db import EnumText, UtcDateTime

Convert = Callable[[Any], Any]
# For the bulk load only: SQLite need not wait for the disk on every commit (a crash mid-load
# loses only a demo), and a cache big enough for the indexes of a million cases keeps their
# random inserts off the disk.
SQLITE_BULK_PRAGMAS = {"synchronous": "OFF", "cache_size": "-1048576", "temp_store": "MEMORY"}


@contextmanager
def bulk_load(connection: Connection) -> Iterator[None]:
    """Set the bulk-load pragmas on this connection (SQLite), and restore them afterwards."""
    if connection.dialect.name != "sqlite":
        yield
        return
    driver = connection.connection.driver_connection
    assert driver is not None
    before = {name: driver.execute(f"PRAGMA {name}").fetchone()[0] for name in SQLITE_BULK_PRAGMAS}
    for name, value in SQLITE_BULK_PRAGMAS.items():
        driver.execute(f"PRAGMA {name}={value}")
    try:
        yield
    finally:
        for name, value in before.items():
            driver.execute(f"PRAGMA {name}={value}")


def _sqlite_time(value: datetime) -> str:
    """The text SQLAlchemy's SQLite DATETIME stores: UTC, naive, always with microseconds."""
    if value.tzinfo is None:
        raise ValueError("naive datetime given; Exigent stores aware UTC instants only")
    if value.tzinfo is not UTC:
        value = value.astimezone(UTC)
    return value.isoformat(" ", "microseconds")[:26]  # without the "+00:00"


def _aware(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("naive datetime given; Exigent stores aware UTC instants only")
    return value


def _member_value(enum: type[StrEnum]) -> Convert:
    """A member or its value becomes the value; anything else fails as the column's type would."""
    values = {member: member.value for member in enum} | {m.value: m.value for m in enum}

    def convert(value: Any) -> str:
        found = values.get(value)
        return found if found is not None else enum(value).value

    return convert


def _json(value: Any) -> str:
    # Most rows carry an empty object or list: no need to run the encoder for those.
    if value == {} and isinstance(value, dict):
        return "{}"
    if value == [] and isinstance(value, list):
        return "[]"
    return json.dumps(value)


def _converter(column_type: Any, dialect: str) -> Convert | None:
    """How a value of this column becomes what the driver is given; None when as it is."""
    if isinstance(column_type, UtcDateTime):
        return _sqlite_time if dialect == "sqlite" else _aware
    if isinstance(column_type, EnumText):
        return _member_value(column_type.enum)
    if isinstance(column_type, JSON):
        return _json
    if isinstance(column_type, Boolean) and dialect == "sqlite":
        return int
    return None


def _defaults(table: Table, given: list[str]) -> dict[str, Any]:
    """The Python-side defaults of the columns the rows leave out, as an insert would add."""
    found = {}
    for column in table.columns:
        default: Any = column.default
        if column.name in given or default is None or getattr(default, "is_sequence", False):
            continue
        found[column.name] = default.arg(None) if default.is_callable else default.arg
    return found


class BulkWriter:
    """Inserts lists of row dictionaries (all with the same keys) into tables, in bulk."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.dialect = connection.dialect.name

    def insert(self, table: Table, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        names = list(rows[0])
        defaults = _defaults(table, names)
        columns = [*names, *defaults]
        converters = [_converter(table.c[name].type, self.dialect) for name in columns]
        fixed = tuple(
            value if convert is None or (value is None and convert is not _json) else convert(value)
            for value, convert in zip(defaults.values(), converters[len(names) :], strict=True)
        )
        tuples = _as_tuples(rows, names, converters[: len(names)], fixed)
        if self.dialect == "postgresql":
            self._copy(table, columns, tuples)
        else:
            marks = ", ".join("?" for _ in columns)
            sql = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({marks})"
            self.connection.exec_driver_sql(sql, tuples)

    def _copy(self, table: Table, columns: list[str], tuples: list[tuple[Any, ...]]) -> None:
        driver: Any = self.connection.connection.driver_connection
        with (
            driver.cursor() as cursor,
            cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy,
        ):
            for values in tuples:
                copy.write_row(values)


def _as_tuples(
    rows: list[dict[str, Any]],
    names: list[str],
    converters: list[Convert | None],
    fixed: tuple[Any, ...],
) -> list[tuple[Any, ...]]:
    get = itemgetter(*names)
    conversions = [(i, convert) for i, convert in enumerate(converters) if convert is not None]
    tuples = []
    for row in rows:
        values = list(get(row)) if len(names) > 1 else [get(row)]
        for index, convert in conversions:
            value = values[index]
            # JSON keeps None as JSON null, as SQLAlchemy's JSON type does; others stay NULL.
            if value is not None or convert is _json:
                values[index] = convert(value)
        tuples.append((*values, *fixed))
    return tuples
