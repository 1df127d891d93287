"""Throttling of sign-in guesses, for staff and officers alike. Nothing here commits.

A hard lockout keyed on the email alone lets a stranger lock anyone out by typing their
address. Instead each failure counts against three keys, each with its own growing delay:

- the account from one address (the guesser in front of one machine): slows down fast;
- the address across accounts (one machine spraying many accounts): slower to start;
- the account across addresses (a spread-out guesser): starts late and is capped at seconds,
  so the real owner on their own machine is never kept out for more than that.

Unknown emails count exactly like known ones, so the answers do not tell which accounts exist.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from exigent.auth.models import SignInFailures
from exigent.db import insert_ignoring_conflict
from exigent.errors import ExigentError

# Failures older than this are forgotten.
MEMORY = timedelta(hours=24)


@dataclass(frozen=True)
class Rule:
    free: int  # failures allowed before any delay
    base: timedelta  # the first delay; each further failure doubles it
    cap: timedelta


PAIR = Rule(free=5, base=timedelta(seconds=30), cap=timedelta(minutes=15))
ADDRESS = Rule(free=20, base=timedelta(seconds=5), cap=timedelta(minutes=15))
ACCOUNT = Rule(free=10, base=timedelta(seconds=1), cap=timedelta(seconds=30))


class Throttled(ExigentError):
    status_code = 429

    def __init__(self, wait: timedelta) -> None:
        seconds = max(1, math.ceil(wait.total_seconds()))
        when = f"{seconds} seconds" if seconds < 120 else f"{math.ceil(seconds / 60)} minutes"
        super().__init__(
            f"Too many wrong attempts: wait {when} before you try again. If a life is at risk "
            "right now, call the emergency line published in the platform's law-enforcement "
            "guidelines.",
            retry_after=seconds,
        )


def _keys(email: str, address: str) -> dict[str, Rule]:
    account = email.strip().lower()[:300]
    return {
        f"pair:{account}|{address}": PAIR,
        f"address:{address}": ADDRESS,
        f"account:{account}": ACCOUNT,
    }


def _delay(rule: Rule, failures: int) -> timedelta:
    if failures < rule.free:
        return timedelta(0)
    doublings = min(failures - rule.free, 20)
    return min(rule.base * (2**doublings), rule.cap)


def _wait(session: Session, email: str, address: str, now: datetime) -> timedelta:
    keys = _keys(email, address)
    rows = session.execute(
        select(SignInFailures)
        .where(SignInFailures.key.in_(list(keys)))
        .execution_options(populate_existing=True)
    )
    wait = timedelta(0)
    for row in rows.scalars():
        if now - row.last_failed_at > MEMORY:
            continue
        remaining = row.last_failed_at + _delay(keys[row.key], row.failures) - now
        wait = max(wait, remaining)
    return wait


def check(session: Session, *, email: str, address: str, now: datetime) -> None:
    """Refuse (429 with the wait) while any key's delay since its last failure runs."""
    wait = _wait(session, email, address, now)
    if wait > timedelta(0):
        raise Throttled(wait)


def failed(session: Session, *, email: str, address: str, now: datetime) -> None:
    """Count a failure against every key; the failure that starts a delay says so (429)."""
    for key in _keys(email, address):
        insert_ignoring_conflict(
            session,
            SignInFailures,
            {"key": key, "failures": 0, "last_failed_at": now},
            conflict_on=["key"],
        )
        stale = SignInFailures.last_failed_at < now - MEMORY
        session.execute(
            update(SignInFailures).where(SignInFailures.key == key, stale).values(failures=0)
        )
        session.execute(
            update(SignInFailures)
            .where(SignInFailures.key == key)
            .values(failures=SignInFailures.failures + 1, last_failed_at=now)
        )
    check(session, email=email, address=address, now=now)


def succeeded(session: Session, *, email: str, address: str) -> None:
    """The owner got in: forget their account's failures (the address's stay counted)."""
    account_keys = [k for k in _keys(email, address) if not k.startswith("address:")]
    session.execute(delete(SignInFailures).where(SignInFailures.key.in_(account_keys)))
