"""The directory index the engine uses when there is a database: the shipped files' index
with the database's entries on top (imported and staff-added domains, fraudulent marks).

Every process keeps one merged index and checks a cheap version (the newest domain row and
the newest agency change, both indexed) before each use, so an entry added or a mark set in
any process is seen by all of them on their next assessment.
"""

from __future__ import annotations

import threading
import weakref
from datetime import datetime

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from exigent.cases.models import TrustStatus
from exigent.directory.models import Agency, AgencyDomain
from exigent.verification.db_history import engine_of
from exigent.verification.directory_index import (
    AgencyRef,
    DirectoryEntry,
    DirectoryIndex,
    default_directory,
    with_entries,
)

Version = tuple[int | None, datetime | None]

_lock = threading.Lock()
# One merged index per engine: tests open one per database, production one per process.
_merged: weakref.WeakKeyDictionary[Engine, tuple[Version, DirectoryIndex]] = (
    weakref.WeakKeyDictionary()
)


def directory_version(session: Session) -> Version:
    """Changes whenever a domain is added or an agency is edited or marked."""
    newest_domain = select(func.max(AgencyDomain.id)).scalar_subquery()
    newest_change = select(func.max(Agency.updated_at)).scalar_subquery()
    row = session.execute(select(newest_domain, newest_change)).one()
    changed = row[1]
    if isinstance(changed, str):  # SQLite hands an aggregate back as text
        changed = datetime.fromisoformat(changed)
    return row[0], changed


def directory_for(session: Session) -> DirectoryIndex:
    """The merged index for this session's database, rebuilt only when its version moved."""
    key = _key(session)
    version = directory_version(session)
    cached = _merged.get(key)
    if cached is not None and cached[0] == version:
        return cached[1]
    with _lock:
        cached = _merged.get(key)
        if cached is not None and cached[0] == version:
            return cached[1]
        index = with_entries(default_directory(), database_entries(session))
        _merged[key] = (version, index)
        return index


def known_directory(session: Session) -> DirectoryIndex | None:
    """The index last merged for this session's database, without asking whether it moved
    (for work that follows at once on a `directory_for`)."""
    cached = _merged.get(_key(session))
    return cached[1] if cached is not None else None


def _key(session: Session) -> Engine:
    return engine_of(session)


def forget_directory() -> None:
    """Drop the merged indexes (they are rebuilt on next use)."""
    with _lock:
        _merged.clear()


def database_entries(session: Session) -> list[DirectoryEntry]:
    """Every domain row with its agency; the shipped files already give most of them."""
    base = default_directory()
    rows = session.execute(
        select(
            AgencyDomain.domain,
            AgencyDomain.source,
            AgencyDomain.organization,
            Agency.name,
            Agency.state,
            Agency.country,
            Agency.agency_type,
            Agency.status,
        ).outerjoin(Agency, Agency.id == AgencyDomain.agency_id)
    )
    entries = []
    for domain, source, organization, name, state, country, kind, status in rows:
        fraudulent = status == TrustStatus.fraudulent
        if not fraudulent and source != "staff" and domain in base.domains:
            continue  # the same fact the shipped index holds; skip the copy
        ref = AgencyRef(
            name=name or organization or domain,
            state=state,
            country=(country or "US").upper(),
            kind=kind or "agency",
            source=source,
        )
        entries.append(DirectoryEntry(domain=domain, agency=ref, fraudulent=fraudulent))
    return entries
