"""The built-in `demo` adapter: a synthetic user-data store in its own SQLite file.

The store stands in for the platform's warehouse, so it is not Exigent's database: one table
per kind of record, each indexed on (account, time) so an account's records in a range stream
in order without sorting. `generate.py` fills it. The adapter also offers `ContentControl`
over the store's posts, comments and media (`demo_content.py`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime
from pathlib import Path

from exigent.config import Settings
from exigent.platform_data.adapter import (
    IDENTIFIER_TYPES,
    Account,
    AdapterUnavailable,
    Availability,
    Content,
    Dataset,
    Restriction,
    Row,
)
from exigent.platform_data.demo_content import CONTENT_SCHEMA, DemoContent, utc_now

# name, category, table, columns (after account_id), description
DATASETS: tuple[Dataset, ...] = (
    Dataset(
        "subscriber",
        "subscriber_info",
        (
            "at",
            "user_id",
            "username",
            "display_name",
            "email",
            "phone",
            "birth_date",
            "registration_ip",
            "payment_method",
            "status",
        ),
        "The account's subscriber record as it stands: identity, contact, registration IP, "
        "means of payment (`at` is when the account was created).",
        ranged=False,
    ),
    Dataset(
        "logins",
        "account_activity",
        ("at", "event", "ip", "user_agent", "device_id", "device_model"),
        "Logins, logouts and security events with IP address and device.",
    ),
    Dataset(
        "connections",
        "connections",
        ("at", "event", "other_user_id", "other_username"),
        "Follows, unfollows, friendships and blocks, with the other account.",
    ),
    Dataset(
        "message_headers",
        "message_metadata",
        ("at", "message_id", "conversation_id", "sender", "recipients", "has_attachment"),
        "Who wrote to whom and when; no message bodies.",
    ),
    Dataset(
        "locations",
        "location",
        ("at", "latitude", "longitude", "accuracy_m", "source"),
        "Stored location history.",
    ),
    Dataset(
        "messages",
        "content",
        ("at", "message_id", "conversation_id", "sender", "recipients", "body", "media_sha256"),
        "Private messages with their bodies and attachment references.",
    ),
    Dataset(
        "posts",
        "content",
        ("at", "post_id", "text", "media_ref", "media_type", "media_sha256", "visibility"),
        "Posts with references to their media (SHA-256 of the stored file).",
    ),
)
BY_NAME = {d.name: d for d in DATASETS}

# Where each dataset's rows live: a table and the columns that map to the dataset's fields.
SOURCES: dict[str, tuple[str, tuple[str, ...]]] = {
    "subscriber": ("accounts", BY_NAME["subscriber"].fields),
    "logins": ("logins", BY_NAME["logins"].fields),
    "connections": ("connections", BY_NAME["connections"].fields),
    "message_headers": (
        "messages",
        ("at", "message_id", "conversation_id", "sender", "recipients", "media_sha256 IS NOT NULL"),
    ),
    "locations": ("locations", BY_NAME["locations"].fields),
    "messages": ("messages", BY_NAME["messages"].fields),
    "posts": ("posts", BY_NAME["posts"].fields),
}

SCHEMA = """
CREATE TABLE IF NOT EXISTS accounts (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    user_id TEXT NOT NULL UNIQUE,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT,
    email TEXT,
    phone TEXT,
    birth_date TEXT,
    registration_ip TEXT,
    payment_method TEXT,
    status TEXT NOT NULL DEFAULT 'active'
);
CREATE INDEX IF NOT EXISTS ix_accounts_email ON accounts (email);
CREATE INDEX IF NOT EXISTS ix_accounts_phone ON accounts (phone);
CREATE TABLE IF NOT EXISTS logins (
    account_id INTEGER NOT NULL, at TEXT NOT NULL, event TEXT, ip TEXT, user_agent TEXT,
    device_id TEXT, device_model TEXT
);
CREATE TABLE IF NOT EXISTS connections (
    account_id INTEGER NOT NULL, at TEXT NOT NULL, event TEXT, other_user_id TEXT,
    other_username TEXT
);
CREATE TABLE IF NOT EXISTS messages (
    account_id INTEGER NOT NULL, at TEXT NOT NULL, message_id TEXT, conversation_id TEXT,
    sender TEXT, recipients TEXT, body TEXT, media_sha256 TEXT
);
CREATE TABLE IF NOT EXISTS locations (
    account_id INTEGER NOT NULL, at TEXT NOT NULL, latitude REAL, longitude REAL,
    accuracy_m INTEGER, source TEXT
);
CREATE TABLE IF NOT EXISTS posts (
    account_id INTEGER NOT NULL, at TEXT NOT NULL, post_id TEXT, text TEXT, media_ref TEXT,
    media_type TEXT, media_sha256 TEXT, visibility TEXT
);
"""
RECORD_TABLES = ("logins", "connections", "messages", "locations", "posts")
INDEXES = "".join(
    f"CREATE INDEX IF NOT EXISTS ix_{t}_account_at ON {t} (account_id, at);\n"
    for t in RECORD_TABLES
)
FETCH = 5000


def connect(path: Path, *, create: bool = False) -> sqlite3.Connection:
    if not create and not path.is_file():
        # Said without the path: the message reaches API answers and production records.
        raise AdapterUnavailable(
            "the demo platform store (EXIGENT_PLATFORM_STORE) does not exist; run "
            "`exigent demo` to generate it"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    connection.execute("PRAGMA busy_timeout=30000")
    if create:
        connection.executescript(SCHEMA + INDEXES + CONTENT_SCHEMA)
    return connection


class DemoAdapter:
    """Reads the synthetic store; one connection per adapter, opened on first use."""

    name = "demo"

    def __init__(self, path: Path, *, clock: Callable[[], datetime] = utc_now) -> None:
        self.path = path
        self._connection: sqlite3.Connection | None = None
        self.content = DemoContent(lambda: self.connection, clock)

    @property
    def connection(self) -> sqlite3.Connection:
        if self._connection is None:
            self._connection = connect(self.path)
        return self._connection

    def datasets(self) -> Sequence[Dataset]:
        return DATASETS

    def find_account(self, identifier_type: str, value: str) -> Account | None:
        if identifier_type not in IDENTIFIER_TYPES:
            return None
        value = value.strip()
        if identifier_type in ("username", "email"):
            value = value.lower().removeprefix("@")
        row = self.connection.execute(
            f"SELECT id, username, birth_date, at FROM accounts WHERE {identifier_type} = ? "
            "ORDER BY id LIMIT 1",
            (value,),
        ).fetchone()
        if row is None:
            return None
        born = date.fromisoformat(row[2]) if row[2] else None
        return Account(account_id=str(row[0]), username=row[1], birth_date=born, created_at=row[3])

    def availability(self, account: Account, categories: Sequence[str]) -> list[Availability]:
        found = []
        for dataset in DATASETS:
            if dataset.category not in categories:
                continue
            table, _ = SOURCES[dataset.name]
            key = "id" if table == "accounts" else "account_id"
            count, first, last = self.connection.execute(
                f"SELECT count(*), min(at), max(at) FROM {table} WHERE {key} = ?",
                (int(account.account_id),),
            ).fetchone()
            found.append(Availability(dataset.name, dataset.category, count, first, last))
        return found

    def stream(
        self,
        account: Account,
        dataset: str,
        *,
        start: str | None = None,
        end: str | None = None,
        after: str | None = None,
    ) -> Iterator[Row]:
        table, columns = SOURCES[dataset]
        if table == "accounts":
            sql = f"SELECT {', '.join(columns)} FROM accounts WHERE id = ?"
            yield from self.connection.execute(sql, (int(account.account_id),))
            return
        where, params = ["account_id = ?"], [int(account.account_id)]
        for clause, bound in (("at >= ?", start), ("at < ?", end), ("at > ?", after)):
            if bound is not None:
                where.append(clause)
                params.append(bound)  # type: ignore[arg-type]
        sql = f"SELECT {', '.join(columns)} FROM {table} WHERE {' AND '.join(where)} ORDER BY at"
        # A cursor of its own: a production streams several datasets one after another.
        cursor = self.connection.cursor()
        try:
            cursor.execute(sql, params)
            while rows := cursor.fetchmany(FETCH):
                yield from rows
        finally:
            cursor.close()

    # ContentControl

    def find_content(self, locator: str) -> Content | None:
        return self.content.find(locator)

    def restrict_content(
        self, content: Content, *, regions: Sequence[str], reference: str, reason: str
    ) -> Restriction:
        return self.content.restrict(content, regions=regions, reference=reference, reason=reason)

    def lift_restriction(self, content: Content, *, reference: str) -> Restriction | None:
        return self.content.lift(content, reference=reference)

    def restriction_of(self, content: Content) -> list[Restriction]:
        return self.content.restrictions(content)

    def provider_address(self, content: Content) -> str | None:
        return self.content.provider_address(content)

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    # The store's own operations, for the demo and tests (a real platform has its own).

    def delete_records(self, account: Account, dataset: str, *, before: str | None = None) -> int:
        """What a user deleting their data does to the live store."""
        table, _ = SOURCES[dataset]
        sql = f"DELETE FROM {table} WHERE account_id = ?"
        params: list[object] = [int(account.account_id)]
        if before is not None:
            sql += " AND at < ?"
            params.append(before)
        return self.connection.execute(sql, params).rowcount

    def fail_content_control(self, reason: str | None) -> None:
        """Make every adapter on this store fail to restrict or lift content with `reason`
        (an outage, a legal hold on the platform's side); None puts it right again."""
        self.content.set_outage(reason)


def demo_adapter(settings: Settings) -> DemoAdapter:
    return DemoAdapter(settings.platform_store)
