"""Filling the demo platform store with realistic synthetic user data, fast.

Rows are produced by generators and inserted with executemany in one transaction per
account batch, so a million records take seconds, not minutes. Everything derives from a
seeded random generator: the same seed gives the same store.
"""

from __future__ import annotations

import random
import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from exigent.platform_data.demo import connect
from exigent.platform_data.demo_content import content_url

# Share of an account's records per dataset. Message headers and messages come from the same
# rows (one stored message is two records when both categories are produced).
SHARES = {"logins": 0.2, "connections": 0.05, "messages": 0.25, "locations": 0.15, "posts": 0.1}
SHARE_TOTAL = sum(SHARES.values()) + SHARES["messages"]

FIRST = ["alex", "sam", "jordan", "taylor", "casey", "riley", "morgan", "jamie", "drew", "quinn"]
WORDS = ["night", "owl", "blue", "river", "ghost", "sunny", "mad", "real", "xo", "lil", "sky"]
USER_AGENTS = [
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 App/312.0",
    "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 Chrome/125.0 Mobile",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 Version/17.5 Safari",
    "App/312.0 (iPad; iPadOS 17.5; Scale/2.00)",
]
DEVICES = ["iPhone15,3", "SM-S918B", "Pixel 8", "iPad13,18", "Windows PC", "MacBookPro18,3"]
LOGIN_EVENTS = ["login"] * 12 + ["logout"] * 4 + ["failed_login", "password_change", "2fa_added"]
CONNECTION_EVENTS = ["follow"] * 6 + ["followed_by"] * 6 + ["unfollow", "block", "friend"]
PHRASES = [
    "are you coming tonight?",
    "ok see you there",
    "lol that's wild",
    "can you send me the address",
    "call me when you get this",
    "where are you rn",
    "thanks!!",
    "did you see what she posted",
    "leaving now",
    "not feeling great today",
]
CAPTIONS = ["sunset", "weekend vibes", "new kicks", "throwback", "game day", "road trip", "me"]
PAYMENTS = [None, None, None, "visa ending 4242", "mastercard ending 5454", "paypal account"]
CITIES = [(41.8781, -87.6298), (39.7817, -89.6501), (40.7128, -74.006), (34.0522, -118.2437)]
TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
# Share of accounts holding a stand-in for content an authority might order removed.
STAND_IN_SHARE = 0.2
# Neutral placeholders: the demo never holds, quotes or imitates real extremist material.
STAND_IN_POST = (
    "[Synthetic stand-in] A post an authority might order removed as terrorist content. "
    "Placeholder text only; there is no real material here."
)
STAND_IN_MEDIA = (
    "video/mp4, {minutes} min {seconds} s, sha256 {sha}: synthetic stand-in for a video an "
    "authority might order removed; the file holds no real material"
)


@dataclass(frozen=True)
class GeneratedAccount:
    account_id: int
    username: str
    records: int


def _stamp(epoch: int) -> str:
    return time.strftime(TIME_FORMAT, time.gmtime(epoch))


def _times(rng: random.Random, count: int, start: int, end: int) -> list[str]:
    return [_stamp(t) for t in sorted(rng.randrange(start, end) for _ in range(count))]


def _ip(rng: random.Random) -> str:
    if rng.random() < 0.15:
        a, b, c = rng.getrandbits(16), rng.getrandbits(16), rng.getrandbits(12)
        return f"2600:1700:{a:x}:{b:x}::{c:x}"
    first = rng.choice([24, 73, 98, 107, 172, 174, 209])
    return f"{first}.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"


def _sha(rng: random.Random) -> str:
    return f"{rng.getrandbits(256):064x}"


def random_username(rng: random.Random) -> str:
    return f"{rng.choice(WORDS)}.{rng.choice(WORDS)}{rng.randint(1, 9999)}"


def _account_row(
    rng: random.Random, account_id: int, username: str, created: int, birth_date: date | None
) -> tuple[object, ...]:
    first = rng.choice(FIRST)
    return (
        account_id,
        _stamp(created),
        f"{178205000000 + account_id}",
        username,
        f"{first.title()} {rng.choice(WORDS).title()}",
        f"{username.replace('.', '_')}@{rng.choice(['gmail.com', 'yahoo.com', 'icloud.com'])}",
        f"+1{rng.randint(201, 989)}555{rng.randint(1000, 9999):04d}",
        birth_date.isoformat() if birth_date else None,
        _ip(rng),
        rng.choice(PAYMENTS),
        "active",
    )


def _logins(rng: random.Random, aid: int, n: int, a: int, b: int) -> Iterator[tuple[object, ...]]:
    ips = [_ip(rng) for _ in range(12)]
    devices = [(f"dev-{rng.getrandbits(48):012x}", rng.choice(DEVICES)) for _ in range(3)]
    agents = rng.sample(USER_AGENTS, 3)
    for at in _times(rng, n, a, b):
        which = rng.randrange(3)
        device_id, model = devices[which]
        yield (aid, at, rng.choice(LOGIN_EVENTS), rng.choice(ips), agents[which], device_id, model)


def _connections(
    rng: random.Random, aid: int, n: int, a: int, b: int
) -> Iterator[tuple[object, ...]]:
    for at in _times(rng, n, a, b):
        other = rng.randrange(1, 10_000_000)
        yield (
            aid,
            at,
            rng.choice(CONNECTION_EVENTS),
            f"{178205000000 + other}",
            random_username(rng),
        )


def _messages(
    rng: random.Random, aid: int, username: str, n: int, a: int, b: int
) -> Iterator[tuple[object, ...]]:
    friends = [random_username(rng) for _ in range(25)]
    for number, at in enumerate(_times(rng, n, a, b)):
        friend = rng.choice(friends)
        outgoing = rng.random() < 0.5
        media = _sha(rng) if rng.random() < 0.08 else None
        yield (
            aid,
            at,
            f"m-{aid}-{number:09d}",
            f"c-{aid}-{friends.index(friend):03d}",
            username if outgoing else friend,
            friend if outgoing else username,
            rng.choice(PHRASES),
            media,
        )


def _locations(
    rng: random.Random, aid: int, n: int, a: int, b: int
) -> Iterator[tuple[object, ...]]:
    lat, lon = rng.choice(CITIES)
    for at in _times(rng, n, a, b):
        yield (
            aid,
            at,
            round(lat + rng.gauss(0, 0.03), 6),
            round(lon + rng.gauss(0, 0.03), 6),
            rng.choice([5, 10, 20, 65, 1000]),
            rng.choice(["gps", "gps", "wifi", "ip"]),
        )


def _posts(rng: random.Random, aid: int, n: int, a: int, b: int) -> Iterator[tuple[object, ...]]:
    for number, at in enumerate(_times(rng, n, a, b)):
        sha = _sha(rng)
        video = rng.random() < 0.2
        yield (
            aid,
            at,
            f"p-{aid}-{number:08d}",
            rng.choice(CAPTIONS),
            f"media/{sha[:2]}/{sha[2:4]}/{sha}.{'mp4' if video else 'jpg'}",
            "video/mp4" if video else "image/jpeg",
            sha,
            rng.choice(["public", "public", "friends", "private"]),
        )


def content_id(account_id: int, number: int) -> str:
    """A short, stable id, unique while an account has fewer than 100 items."""
    value, digits = account_id * 100 + number, ""
    while value:
        value, rest = divmod(value, 36)
        digits = "0123456789abcdefghijklmnopqrstuvwxyz"[rest] + digits
    return digits.rjust(6, "0")


def _content(
    account_id: int, a: int, b: int, *, stand_in: bool | None
) -> Iterator[tuple[object, ...]]:
    """Two posts, a comment under the first and a media item; a stand-in replaces the second
    post and the media item for some accounts (all when `stand_in` is True)."""
    # A generator of its own, so adding content leaves the records of every account as before.
    rng = random.Random(f"content:{account_id}")
    flagged = rng.random() < STAND_IN_SHARE if stand_in is None else stand_in
    times = _times(rng, 4, a, b)
    post, second, comment, media = (content_id(account_id, n) for n in range(4))
    sha = _sha(rng)
    media_text = f"image/jpeg, sha256 {sha}: {rng.choice(CAPTIONS)}"
    if flagged:
        minutes, seconds = rng.randint(1, 9), rng.randint(0, 59)
        media_text = STAND_IN_MEDIA.format(minutes=minutes, seconds=seconds, sha=sha)
    mark = "terrorist_content" if flagged else None
    yield (post, account_id, "post", None, content_url("post", post), times[0],
           rng.choice(CAPTIONS), None)  # fmt: skip
    yield (second, account_id, "post", None, content_url("post", second), times[1],
           STAND_IN_POST if flagged else rng.choice(CAPTIONS), mark)  # fmt: skip
    yield (comment, account_id, "comment", post, content_url("comment", comment, post),
           times[2], rng.choice(PHRASES), None)  # fmt: skip
    yield (media, account_id, "media", None, content_url("media", media), times[3],
           media_text, mark)  # fmt: skip


def split(records: int) -> dict[str, int]:
    """How many stored rows of each table make `records` records (headers count once more)."""
    counts = {name: int(records * share / SHARE_TOTAL) for name, share in SHARES.items()}
    # The subscriber record is one of the records; logins take up any rounding remainder.
    used = sum(counts.values()) + counts["messages"] + 1
    counts["logins"] = max(counts["logins"] + records - used, 0)
    return counts


def add_account(
    connection: sqlite3.Connection,
    *,
    account_id: int,
    username: str,
    records: int,
    rng: random.Random,
    start: datetime,
    end: datetime,
    birth_date: date | None = None,
    stand_in: bool | None = None,
) -> GeneratedAccount:
    """One account with `records` records and its content between `start` and `end` (no
    commit); `stand_in` None lets chance decide whether its content has a stand-in."""
    a, b = int(start.timestamp()), int(end.timestamp())
    counts = split(records)
    connection.execute(
        "INSERT INTO accounts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        _account_row(rng, account_id, username, a - rng.randrange(86400, 86400 * 400), birth_date),
    )
    inserts: list[tuple[str, Iterable[tuple[object, ...]]]] = [
        ("logins", _logins(rng, account_id, counts["logins"], a, b)),
        ("connections", _connections(rng, account_id, counts["connections"], a, b)),
        ("messages", _messages(rng, account_id, username, counts["messages"], a, b)),
        ("locations", _locations(rng, account_id, counts["locations"], a, b)),
        ("posts", _posts(rng, account_id, counts["posts"], a, b)),
    ]
    for table, rows in inserts:
        width = {"logins": 7, "connections": 5, "messages": 8, "locations": 6, "posts": 8}[table]
        marks = ", ".join("?" * width)
        connection.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)
    connection.executemany(
        "INSERT INTO content VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        _content(account_id, a, b, stand_in=stand_in),
    )
    stored = sum(counts.values()) + counts["messages"] + 1
    return GeneratedAccount(account_id, username, stored)


def _birth_date(rng: random.Random, today: date) -> date:
    # About one account in twelve belongs to a child under 13.
    years = rng.randint(9, 12) if rng.random() < 0.08 else rng.randint(14, 58)
    return today - timedelta(days=years * 365 + rng.randrange(365))


def generate_store(
    path: Path,
    *,
    accounts: int,
    records_per_account: int,
    usernames: Sequence[str] = (),
    seed: int = 11,
    now: datetime | None = None,
    days: int = 730,
) -> list[GeneratedAccount]:
    """Add `accounts` random accounts plus one for each of `usernames` not yet in the store."""
    now = now or datetime.now(UTC)
    rng = random.Random(seed)
    connection = connect(path, create=True)
    try:
        existing = {row[0] for row in connection.execute("SELECT username FROM accounts")}
        next_id = (connection.execute("SELECT max(id) FROM accounts").fetchone()[0] or 0) + 1
        wanted = list(dict.fromkeys(u.lower() for u in usernames if u.lower() not in existing))
        goal = len(wanted) + accounts
        while len(wanted) < goal:
            name = random_username(rng)
            if name not in existing and name not in wanted:
                wanted.append(name)
        made = []
        connection.execute("BEGIN")
        for number, username in enumerate(wanted):
            size = max(10, int(rng.lognormvariate(0, 0.6) * records_per_account))
            made.append(
                add_account(
                    connection,
                    account_id=next_id,
                    username=username,
                    records=size,
                    rng=rng,
                    start=now - timedelta(days=days),
                    end=now,
                    birth_date=_birth_date(rng, now.date()),
                )
            )
            next_id += 1
            if number % 200 == 199:
                connection.execute("COMMIT")
                connection.execute("BEGIN")
        connection.execute("COMMIT")
        return made
    finally:
        connection.close()


def generate_one(
    path: Path,
    *,
    username: str,
    records: int,
    seed: int = 5,
    now: datetime | None = None,
    days: int = 730,
    birth_date: date | None = None,
    stand_in: bool = True,
) -> GeneratedAccount:
    """A store holding one account with exactly `records` records (the benchmark's case),
    its content including a stand-in unless `stand_in` is False."""
    now = now or datetime.now(UTC)
    connection = connect(path, create=True)
    try:
        next_id = (connection.execute("SELECT max(id) FROM accounts").fetchone()[0] or 0) + 1
        connection.execute("BEGIN")
        made = add_account(
            connection,
            account_id=next_id,
            username=username.lower(),
            records=records,
            rng=random.Random(seed),
            start=now - timedelta(days=days),
            end=now,
            birth_date=birth_date,
            stand_in=stand_in,
        )
        connection.execute("COMMIT")
        return made
    finally:
        connection.close()
