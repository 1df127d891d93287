"""The demo platform's content: posts, comments and media found by URL, and their restrictions.

The demo platform addresses an item as `https://platform.example/p/<id>` (a post),
`https://platform.example/p/<post id>/c/<id>` (a comment under it) or
`https://platform.example/m/<id>` (a media item), also under the owner's profile
(`/@<username>/p/<id>`). A locator is read as people paste them: any scheme or none, the
`www.` and `m.` hosts, a trailing slash, tracking parameters and fragments; or the bare id.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

from exigent.errors import BadInput, Conflict
from exigent.platform_data.adapter import (
    AdapterUnavailable,
    Content,
    Restriction,
    iso,
    normalise_regions,
)

HOST = "platform.example"
HOSTS = frozenset({HOST, f"www.{HOST}", f"m.{HOST}"})
ID = re.compile(r"[0-9a-z]{4,16}")
# The path letter of each kind of item.
KINDS = {"p": "post", "m": "media"}

CONTENT_SCHEMA = """
CREATE TABLE IF NOT EXISTS content (
    content_id TEXT PRIMARY KEY,
    account_id INTEGER NOT NULL,
    kind TEXT NOT NULL,
    parent_id TEXT,
    url TEXT NOT NULL UNIQUE,
    published_at TEXT NOT NULL,
    text TEXT NOT NULL,
    -- Set on a synthetic stand-in for content an authority might order removed.
    placeholder_for TEXT
);
CREATE INDEX IF NOT EXISTS ix_content_account ON content (account_id, published_at);
CREATE TABLE IF NOT EXISTS content_restrictions (
    content_id TEXT NOT NULL,
    reference TEXT NOT NULL,
    regions TEXT NOT NULL,
    reason TEXT NOT NULL,
    restricted_at TEXT NOT NULL,
    lifted_at TEXT,
    PRIMARY KEY (content_id, reference)
);
CREATE TABLE IF NOT EXISTS content_control_outage (
    only INTEGER PRIMARY KEY CHECK (only = 1),
    reason TEXT NOT NULL
);
"""
CONTENT_COLUMNS = "c.content_id, c.account_id, a.username, c.url, c.kind, c.published_at, c.text"
RESTRICTION_COLUMNS = "content_id, regions, reference, reason, restricted_at, lifted_at"


def content_url(kind: str, content_id: str, parent_id: str | None = None) -> str:
    """The canonical address of an item, the one stored and given back."""
    if kind == "comment":
        return f"https://{HOST}/p/{parent_id}/c/{content_id}"
    return f"https://{HOST}/{'m' if kind == 'media' else 'p'}/{content_id}"


@dataclass(frozen=True)
class Locator:
    """What a locator names: an id, and what the URL said the item is, where it said."""

    content_id: str
    kind: str | None = None
    parent_id: str | None = None
    username: str | None = None


def parse_locator(locator: str) -> Locator | None:
    """The item a locator names, or None when it is not one of the demo platform's forms."""
    text = locator.strip()
    if ID.fullmatch(text.lower()):
        return Locator(text.lower())
    if "://" not in text:
        text = f"https://{text}"
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or (parts.hostname or "") not in HOSTS:
        return None
    segments = [s for s in parts.path.split("/") if s]
    username = None
    if segments and segments[0].startswith("@"):
        username = segments.pop(0)[1:].lower()
    return _from_segments([s.lower() for s in segments], username)


def _from_segments(segments: list[str], username: str | None) -> Locator | None:
    match segments:
        case ["p", post, "c", comment] if ID.fullmatch(post) and ID.fullmatch(comment):
            return Locator(comment, "comment", post, username)
        case [letter, item] if letter in KINDS and ID.fullmatch(item):
            return Locator(item, KINDS[letter], None, username)
    return None


class DemoContent:
    """The content tables of the demo store, on the adapter's connection."""

    def __init__(
        self, connection: Callable[[], sqlite3.Connection], clock: Callable[[], datetime]
    ) -> None:
        self._connect = connection
        self._clock = clock
        self._ready = False

    @property
    def connection(self) -> sqlite3.Connection:
        connection = self._connect()
        if not self._ready:
            # A store generated before content existed gets its (empty) tables on first use.
            connection.executescript(CONTENT_SCHEMA)
            self._ready = True
        return connection

    def find(self, locator: str) -> Content | None:
        named = parse_locator(locator)
        if named is None:
            return None
        row = self.connection.execute(
            f"SELECT {CONTENT_COLUMNS}, c.parent_id FROM content c "
            "JOIN accounts a ON a.id = c.account_id WHERE c.content_id = ?",
            (named.content_id,),
        ).fetchone()
        if row is None or not _matches(named, kind=row[4], parent=row[7], username=row[2]):
            return None
        return _content(row)

    def of_account(self, account_id: str) -> list[Content]:
        rows = self.connection.execute(
            f"SELECT {CONTENT_COLUMNS} FROM content c JOIN accounts a ON a.id = c.account_id "
            "WHERE c.account_id = ? ORDER BY c.published_at",
            (int(account_id),),
        )
        return [_content(row) for row in rows]

    def stand_ins(self, limit: int) -> list[Content]:
        """Synthetic items standing in for content an authority might order removed."""
        rows = self.connection.execute(
            f"SELECT {CONTENT_COLUMNS} FROM content c JOIN accounts a ON a.id = c.account_id "
            "WHERE c.placeholder_for IS NOT NULL ORDER BY c.account_id, c.content_id LIMIT ?",
            (limit,),
        )
        return [_content(row) for row in rows]

    def restrict(
        self, content: Content, *, regions: Sequence[str], reference: str, reason: str
    ) -> Restriction:
        wanted = normalise_regions(regions)
        reference = _reference(reference)
        self._refuse_in_outage()
        now = iso(self._clock())
        # One statement each: the store runs in autocommit, and the primary key makes a retry
        # of the same order find the restriction the first try made.
        self.connection.execute(
            "INSERT INTO content_restrictions VALUES (?, ?, ?, ?, ?, NULL) "
            "ON CONFLICT (content_id, reference) DO NOTHING",
            (content.content_id, reference, ",".join(wanted), reason, now),
        )
        found = self._one(content, reference)
        assert found is not None
        if set(found.regions) != set(wanted):
            raise Conflict(
                f"regions: order {reference} already restricts {content.content_id} in "
                f"{', '.join(found.regions)}, not {', '.join(wanted)}",
                field="regions",
            )
        if not found.active:
            # The same order restricting again after a lift puts the restriction back.
            self.connection.execute(
                "UPDATE content_restrictions SET lifted_at = NULL, restricted_at = ? "
                "WHERE content_id = ? AND reference = ?",
                (now, content.content_id, reference),
            )
            found = self._one(content, reference)
            assert found is not None
        return found

    def lift(self, content: Content, *, reference: str) -> Restriction | None:
        reference = _reference(reference)
        self._refuse_in_outage()
        self.connection.execute(
            "UPDATE content_restrictions SET lifted_at = ? "
            "WHERE content_id = ? AND reference = ? AND lifted_at IS NULL",
            (iso(self._clock()), content.content_id, reference),
        )
        return self._one(content, reference)

    def restrictions(self, content: Content) -> list[Restriction]:
        rows = self.connection.execute(
            f"SELECT {RESTRICTION_COLUMNS} FROM content_restrictions WHERE content_id = ? "
            "ORDER BY restricted_at, reference",
            (content.content_id,),
        )
        return [_restriction(row) for row in rows]

    def provider_address(self, content: Content) -> str | None:
        row = self.connection.execute(
            "SELECT email FROM accounts WHERE id = ?", (int(content.account_id),)
        ).fetchone()
        return str(row[0]) if row is not None and row[0] else None

    def set_outage(self, reason: str | None) -> None:
        """Make restricting and lifting fail with `reason` (None: work again), store-wide."""
        self.connection.execute("DELETE FROM content_control_outage")
        if reason is not None:
            self.connection.execute("INSERT INTO content_control_outage VALUES (1, ?)", (reason,))

    def _refuse_in_outage(self) -> None:
        row = self.connection.execute("SELECT reason FROM content_control_outage").fetchone()
        if row is not None:
            raise AdapterUnavailable(f"the platform could not change access to content: {row[0]}")

    def _one(self, content: Content, reference: str) -> Restriction | None:
        row = self.connection.execute(
            f"SELECT {RESTRICTION_COLUMNS} FROM content_restrictions "
            "WHERE content_id = ? AND reference = ?",
            (content.content_id, reference),
        ).fetchone()
        return None if row is None else _restriction(row)


def utc_now() -> datetime:
    return datetime.now(UTC)


def _reference(reference: str) -> str:
    reference = reference.strip()
    if not reference:
        raise BadInput("reference: the order's reference is required", field="reference")
    return reference


def _matches(named: Locator, *, kind: str, parent: str | None, username: str) -> bool:
    """A URL that says what the item is must say it rightly; a bare id says nothing."""
    return (
        (named.kind is None or named.kind == kind)
        and (named.parent_id is None or named.parent_id == parent)
        and (named.username is None or named.username == username)
    )


def _content(row: tuple[object, ...]) -> Content:
    content_id, account_id, username, url, kind, published_at, text = row[:7]
    return Content(
        content_id=str(content_id),
        account_id=str(account_id),
        username=str(username),
        url=str(url),
        kind=str(kind),
        published_at=str(published_at),
        text=str(text),
    )


def _restriction(row: tuple[object, ...]) -> Restriction:
    content_id, regions, reference, reason, restricted_at, lifted_at = row
    return Restriction(
        content_id=str(content_id),
        regions=tuple(str(regions).split(",")),
        reference=str(reference),
        reason=str(reason),
        restricted_at=str(restricted_at),
        lifted_at=None if lifted_at is None else str(lifted_at),
    )
