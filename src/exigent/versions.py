"""Documents kept as numbered versions: the newest is current, old ones are never edited.

The disclosure policy and the fraud-risk weights are both such documents. Each is read on
every intake, so the current version costs one indexed query for the newest (version,
digest) per transaction, and the parsed document is kept per process under both: a version
published by another process is seen by the next transaction, and nothing is parsed twice.
The shipped document is version 1, seeded on first use, so an empty database and a new one
behave the same.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import ForeignKey, Integer, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column
from sqlalchemy.types import JSON

from exigent.audit.service import Actor, canonical
from exigent.auth.models import User
from exigent.db import UtcDateTime, insert_ignoring_conflict, utcnow
from exigent.errors import Conflict, NotFound

Parsed = TypeVar("Parsed")


class VersionColumns:
    """The columns of a versioned document's table; rows are only ever added."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, unique=True)
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
    # SHA-256 of the canonical document: lets a process reuse its parsed copy safely.
    digest: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_by: Mapped[str] = mapped_column(String(320))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


def document_digest(document: dict[str, Any]) -> str:
    return hashlib.sha256(canonical(document).encode()).hexdigest()


@dataclass
class DocumentVersions(Generic[Parsed]):
    """One versioned document: its table, what version 1 holds, and how to parse a version."""

    model: Any  # a mapped class with `VersionColumns`
    name: str  # for people: "policy", "weights"
    shipped: Callable[[], dict[str, Any]]
    seeder: Actor
    seed_reason: str
    parse: Callable[[int, dict[str, Any]], Parsed]
    # What an empty table reads as when the caller may not write (the shipped document).
    unseeded: Callable[[], Parsed]
    _parsed: dict[tuple[int, str], Parsed] = field(default_factory=dict)

    @property
    def _cache_key(self) -> str:
        return f"exigent.current.{self.model.__tablename__}"

    def current(self, session: Session, *, seed: bool = True) -> Parsed:
        """The newest version, parsed; seeds version 1 first unless `seed` is False."""
        transaction = session.get_transaction()
        cached = session.info.get(self._cache_key)
        # Within one transaction the answer cannot change but through this session: reuse it.
        if cached is not None and transaction is not None and cached[0] is transaction:
            return cached[1]
        newest = self._newest(session)
        if newest is None:
            if not seed:
                return self.unseeded()
            self._seed(session, utcnow())
            newest = self._newest(session)
            assert newest is not None
        parsed = self._parsed_for(session, *newest)
        session.info[self._cache_key] = (session.get_transaction(), parsed)
        return parsed

    def newest_version(self, session: Session) -> int:
        self.current(session)
        newest = self._newest(session)
        assert newest is not None
        return newest[0]

    def row(self, session: Session, version: int) -> Any:
        """The stored version, or NotFound naming it."""
        self.current(session)
        row = session.execute(
            select(self.model).where(self.model.version == version)
        ).scalar_one_or_none()
        if row is None:
            raise NotFound(f"no {self.name} version {version}")
        return row

    def rows(self, session: Session) -> list[Any]:
        """Every version, newest first."""
        self.current(session)
        return list(
            session.execute(select(self.model).order_by(self.model.version.desc())).scalars()
        )

    def add(
        self,
        session: Session,
        *,
        user: User,
        document: dict[str, Any],
        reason: str,
        now: datetime,
    ) -> tuple[Any, Any]:
        """Store a checked, normalised document as the next version; (new row, previous row)."""
        previous = self.row(session, self.newest_version(session))
        digest = document_digest(document)
        if digest == previous.digest:
            raise Conflict(
                f"nothing changed: this {self.name} is identical to version {previous.version}"
            )
        row = self.model(
            version=previous.version + 1,
            document=document,
            digest=digest,
            reason=reason.strip(),
            created_by_id=user.id,
            created_by=user.email,
            created_at=now,
        )
        session.add(row)
        session.flush()
        session.info.pop(self._cache_key, None)
        return row, previous

    def _newest(self, session: Session) -> tuple[int, str] | None:
        row = session.execute(
            select(self.model.version, self.model.digest)
            .order_by(self.model.version.desc())
            .limit(1)
        ).first()
        return None if row is None else (row.version, row.digest)

    def _seed(self, session: Session, now: datetime) -> None:
        """Version 1 is the shipped document; two first users racing both end up reading it."""
        document = self.shipped()
        insert_ignoring_conflict(
            session,
            self.model,
            {
                "version": 1,
                "document": document,
                "digest": document_digest(document),
                "reason": self.seed_reason,
                "created_by": self.seeder.label,
                "created_at": now,
            },
            conflict_on=["version"],
        )

    def _parsed_for(self, session: Session, version: int, digest: str) -> Parsed:
        parsed = self._parsed.get((version, digest))
        if parsed is None:
            document = session.execute(
                select(self.model.document).where(self.model.version == version)
            ).scalar_one()
            parsed = self._parsed[(version, digest)] = self.parse(version, document)
        return parsed
