"""Loading the agency directory into the database from the shipped public data files."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from exigent.audit.service import Actor, record_event
from exigent.directory import sources
from exigent.directory.models import Agency, AgencyDomain

BATCH = 2000
# Homepages hosted on these say nothing about who owns a mailbox on the same domain.
SHARED_HOSTS = frozenset(
    {
        "facebook.com",
        "www.facebook.com",
        "twitter.com",
        "x.com",
        "instagram.com",
        "sites.google.com",
        "wixsite.com",
        "blogspot.com",
        "nextdoor.com",
        "youtube.com",
    }
)


def _chunks(rows: Iterable[dict[str, Any]], size: int = BATCH) -> Iterator[list[dict[str, Any]]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


def registrable(host: str) -> str:
    host = host.lower().strip(".")
    return host[4:] if host.startswith("www.") else host


def import_directory(
    session: Session,
    *,
    actor: Actor,
    fbi_path: Path | None = None,
    homepages_path: Path | None = None,
    dotgov_path: Path | None = None,
) -> dict[str, int]:
    """Add agencies (by ORI) and their domains that are not there yet; return counts added."""
    known_ori = set(session.execute(select(Agency.ori).where(Agency.ori.is_not(None))).scalars())
    fresh = list(
        {a.ori: a for a in sources.iter_fbi_agencies(fbi_path) if a.ori not in known_ori}.values()
    )
    for chunk in _chunks(
        {
            "name": a.name,
            "agency_type": a.agency_type,
            "country": "US",
            "state": a.state,
            "ori": a.ori,
            "source": "fbi",
            "status": "unverified",
        }
        for a in fresh
    ):
        session.execute(insert(Agency), chunk)
    by_ori = dict(session.execute(select(Agency.ori, Agency.id)).tuples().all())
    known_domains = set(session.execute(select(AgencyDomain.domain)).scalars())
    domains = _homepage_domains(homepages_path, by_ori, known_domains)
    domains += _dotgov_domains(dotgov_path, known_domains)
    for chunk in _chunks(domains):
        session.execute(insert(AgencyDomain), chunk)
    counts = {"agencies": len(fresh), "domains": len(domains)}
    record_event(
        session, actor=actor, action="directory.import", object_type="directory", detail=counts
    )
    return counts


def _homepage_domains(
    path: Path | None, by_ori: dict[str | None, int], known: set[str]
) -> list[dict[str, Any]]:
    rows = []
    for page in sources.iter_agency_homepages(path):
        domain = registrable(page.homepage_host)
        if domain in known or domain in SHARED_HOSTS or page.ori not in by_ori:
            continue
        known.add(domain)
        rows.append(
            {
                "domain": domain,
                "agency_id": by_ori[page.ori],
                "source": "homepage",
                "organization": page.name,
            }
        )
    return rows


def _dotgov_domains(path: Path | None, known: set[str]) -> list[dict[str, Any]]:
    rows = []
    for entry in sources.iter_dotgov(path):
        domain = registrable(entry.domain)
        if domain in known:
            continue
        known.add(domain)
        rows.append(
            {
                "domain": domain,
                "agency_id": None,
                "source": "dotgov",
                "organization": entry.organization,
            }
        )
    return rows
