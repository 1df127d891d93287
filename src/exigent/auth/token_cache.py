"""A moment's memory of which user an API token belongs to.

Looking a token up costs a read transaction and two thread hand-offs, which on the intake path
was a third of all the work. The answer is kept for `TTL_SECONDS`: a disabled account or an
expired token is refused within that time everywhere, and at once in the process that
disabled it (`forget_all`).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import make_transient_to_detached

from exigent.auth.models import ApiToken, User
from exigent.auth.permissions import parse_scopes

TTL_SECONDS = 2.0
MAX_ENTRIES = 4096
USER_FIELDS = tuple(column.key for column in User.__table__.columns)

_generation = 0


def forget_all() -> None:
    """Every cache in this process drops what it knows (an account's standing changed)."""
    global _generation
    _generation += 1


@dataclass(frozen=True)
class _Known:
    user: dict[str, Any]
    scopes: frozenset[str] | None
    expires_at: datetime | None
    until: float
    generation: int


class TokenCache:
    def __init__(self, ttl_seconds: float = TTL_SECONDS) -> None:
        self._ttl = ttl_seconds
        self._known: dict[str, _Known] = {}
        self._lock = threading.Lock()

    def user_for(self, token_hash: str, now: datetime) -> User | None:
        """A fresh detached copy of the token's user, or None when the cache cannot vouch
        (never seen, too old, or expired). A hit records no use: it is seconds old, well
        within the minute that `last_used_at` is kept to."""
        known = self._known.get(token_hash)
        if (
            known is None
            or known.generation != _generation
            or known.until < time.monotonic()
            or (known.expires_at is not None and known.expires_at <= now)
        ):
            return None
        # Each caller gets its own instance: a request's session may take it in.
        user = User(**known.user)
        make_transient_to_detached(user)
        user.token_scopes = known.scopes
        return user

    def remember(self, token_hash: str, token: ApiToken) -> None:
        known = _Known(
            user={name: getattr(token.user, name) for name in USER_FIELDS},
            scopes=parse_scopes(token.scopes),
            expires_at=token.expires_at,
            until=time.monotonic() + self._ttl,
            generation=_generation,
        )
        with self._lock:
            if len(self._known) >= MAX_ENTRIES:
                self._known.clear()
            self._known[token_hash] = known
