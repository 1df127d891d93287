"""The agency directory in the database: import from the public data files, staff edits."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from itertools import islice
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from exigent.audit.service import Actor, record_event
from exigent.auth.accounts import PortalAccount
from exigent.auth.models import User
from exigent.auth.permissions import Permission
from exigent.auth.service import actor_for, require
from exigent.auth.standing import shut_out
from exigent.cases.models import Request, Requester, TrustStatus
from exigent.db import utcnow
from exigent.directory import sources
from exigent.directory.marks import append_mark
from exigent.directory.models import Agency, AgencyDomain, MarkSubject, PhoneSource
from exigent.directory.numbers import record_phone
from exigent.directory.schemas import AgencyCreate, AgencyDetails, AgencyUpdate, DomainCreate
from exigent.errors import BadInput, Conflict, NotFound
from exigent.production.models import DeliveryLink

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
    by_ori = {ori: agency_id for ori, agency_id in session.execute(select(Agency.ori, Agency.id))}
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


def agency_state(agency: Agency) -> dict[str, Any]:
    return {
        "name": agency.name,
        "agency_type": agency.agency_type,
        "country": agency.country,
        "state": agency.state,
        "ori": agency.ori,
        "homepage_url": agency.homepage_url,
        "verified_phone": agency.verified_phone,
        "phone_source": agency.phone_source,
        "status": str(agency.status),
        "notes": agency.notes,
    }


def load_agency(session: Session, agency_id: int) -> Agency:
    agency = session.get(Agency, agency_id)
    if agency is None:
        raise NotFound(f"no agency {agency_id}")
    return agency


def list_agencies(
    session: Session,
    *,
    user: User,
    name: str | None = None,
    state: str | None = None,
    status: TrustStatus | None = None,
    limit: int = 50,
) -> list[Agency]:
    """Agencies matching the filters, by name."""
    require(user, Permission.directory_read)
    statement = select(Agency).order_by(Agency.name, Agency.id).limit(limit)
    if name:
        statement = statement.where(Agency.name.ilike(f"%{_escape_like(name)}%", escape="\\"))
    if state:
        statement = statement.where(Agency.state == state.upper())
    if status:
        statement = statement.where(Agency.status == status)
    return list(session.execute(statement).scalars())


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def domains_of(session: Session, agency_ids: list[int]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {agency_id: [] for agency_id in agency_ids}
    rows = session.execute(
        select(AgencyDomain.agency_id, AgencyDomain.domain)
        .where(AgencyDomain.agency_id.in_(agency_ids))
        .order_by(AgencyDomain.domain)
    )
    for agency_id, domain in rows:
        if agency_id is not None:
            found[agency_id].append(domain)
    return found


def create_agency(
    session: Session, *, user: User, data: AgencyCreate, now: datetime | None = None
) -> Agency:
    """Add an agency the directories lack (a foreign police force, a new task force)."""
    require(user, Permission.directory_edit)
    _check_phone_source(data.verified_phone, data.phone_source)
    now = now or utcnow()
    details = AgencyDetails.model_validate(
        data.model_dump(exclude={"verified_phone", "phone_source"})
    )
    agency = new_agency(
        session,
        user,
        details,
        now,
        request_id=None,
        verified_phone=data.verified_phone,
        phone_source=data.phone_source,
    )
    if data.verified_phone and data.phone_source:
        _api_phone(session, user, agency, data.verified_phone, data.phone_source, now)
    return agency


def new_agency(
    session: Session,
    user: User,
    details: AgencyDetails,
    now: datetime,
    request_id: int | None,
    *,
    verified_phone: str | None = None,
    phone_source: PhoneSource | None = None,
) -> Agency:
    """The one way an agency enters the directory by hand: unverified, sourced to staff, audited
    with the case it was added from (if any)."""
    check_ori_free(session, details.ori)
    agency = Agency(
        name=details.name,
        agency_type=details.agency_type or None,
        country=details.country,
        state=details.state.upper() if details.state else None,
        ori=details.ori,
        homepage_url=details.homepage_url or None,
        notes=details.notes or None,
        verified_phone=verified_phone,
        phone_source=phone_source,
        status=TrustStatus.unverified,
        source="staff",
        created_at=now,
        updated_at=now,
    )
    session.add(agency)
    session.flush()
    record_event(
        session,
        actor=actor_for(user),
        action="directory.agency_create",
        object_type="agency",
        object_id=agency.id,
        after=agency_state(agency),
        detail={"request_id": request_id, "name": agency.name},
        at=now,
    )
    return agency


def check_ori_free(session: Session, ori: str | None, agency_id: int | None = None) -> None:
    """An ORI names one agency; a second one with it is a mistake or a forgery."""
    if not ori:
        return
    holder = session.execute(select(Agency.id, Agency.name).where(Agency.ori == ori)).first()
    if holder is not None and holder.id != agency_id:
        raise Conflict(f"ori: {ori} is already {holder.name} (agency {holder.id})", field="ori")


def _api_phone(
    session: Session, user: User, agency: Agency, number: str, kind: str, now: datetime
) -> None:
    """The API names only the kind of source; the number joins the agency's list with that."""
    record_phone(
        session,
        user=user,
        agency=agency,
        number=number,
        kind=PhoneSource(kind),
        source="set through the directory API, no detail given",
        label=None,
        now=now,
    )


def _check_phone_source(phone: str | None, source: str | None) -> None:
    # A number without its provenance cannot be trusted for a callback; say so up front.
    if phone and not source:
        raise BadInput(
            "phone_source: required with verified_phone (agency_website, directory or "
            "prior_callback): where was the number found?",
            field="phone_source",
        )


def update_agency(
    session: Session,
    *,
    user: User,
    agency_id: int,
    changes: AgencyUpdate,
    now: datetime | None = None,
) -> Agency:
    """Record a verified phone and its source, notes, or a trust status."""
    require(user, Permission.directory_edit)
    now = now or utcnow()
    agency = load_agency(session, agency_id)
    before = agency_state(agency)
    given = changes.model_dump(exclude_unset=True)
    if "verified_phone" in given:
        _check_phone_source(changes.verified_phone, changes.phone_source)
        agency.verified_phone = changes.verified_phone
        agency.phone_source = changes.phone_source if changes.verified_phone else None
        if changes.verified_phone and changes.phone_source:
            _api_phone(session, user, agency, changes.verified_phone, changes.phone_source, now)
    elif "phone_source" in given:
        raise BadInput("phone_source: give it together with verified_phone", field="phone_source")
    if "notes" in given:
        agency.notes = changes.notes
    if changes.status is not None and changes.status != agency.status:
        if not (changes.reason and changes.reason.strip()):
            raise BadInput("reason: required when changing an agency's status", field="reason")
        agency.status = changes.status
        append_mark(
            session,
            user=user,
            subject=MarkSubject.agency,
            subject_id=agency.id,
            status=changes.status,
            reason=changes.reason,
            now=now,
        )
        if changes.status in BARRED:
            bar_agency(
                session, agency.id, reason=f"agency {changes.status}: {changes.reason}", now=now
            )
    agency.updated_at = now
    session.flush()
    record_event(
        session,
        actor=actor_for(user),
        action="directory.agency_update",
        object_type="agency",
        object_id=agency.id,
        before=before,
        after=agency_state(agency),
        detail={"reason": changes.reason, "changes": changed_fields(before, agency)},
        at=now,
    )
    return agency


def changed_fields(before: dict[str, Any], agency: Agency) -> dict[str, list[Any]]:
    """Each field the change touched, as [before, after], for the agency's history."""
    after = agency_state(agency)
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}


def add_domain(
    session: Session, *, user: User, data: DomainCreate, now: datetime | None = None
) -> AgencyDomain:
    """Record a domain staff verified as an agency's own (police.uk, a sheriff's .org)."""
    require(user, Permission.directory_edit)
    now = now or utcnow()
    agency = load_agency(session, data.agency_id)
    existing = session.execute(
        select(AgencyDomain).where(AgencyDomain.domain == data.domain)
    ).scalar_one_or_none()
    if existing is not None:
        raise Conflict(
            f"domain: {data.domain} is already in the directory (agency {existing.agency_id}, "
            f"from {existing.source})",
            field="domain",
        )
    row = AgencyDomain(
        domain=data.domain,
        agency_id=agency.id,
        source="staff",
        organization=agency.name,
        source_note=data.source_note or None,
        added_by_id=user.id,
        created_at=now,
    )
    session.add(row)
    session.flush()
    agency.updated_at = now
    # On the agency, so its page lists every change made to it in one place.
    record_event(
        session,
        actor=actor_for(user),
        action="directory.domain_add",
        object_type="agency",
        object_id=agency.id,
        after={"domain": row.domain, "agency_id": agency.id, "source_note": row.source_note},
        detail={"domain_id": row.id, "domain": row.domain, "source_note": row.source_note},
        at=now,
    )
    return row


BARRED = frozenset({TrustStatus.suspended, TrustStatus.fraudulent})


def set_requester_status(
    session: Session,
    *,
    user: User,
    requester_id: int,
    status: TrustStatus,
    reason: str,
    now: datetime | None = None,
) -> Requester:
    """Staff mark a requester verified (a lead's permission), suspended or fraudulent."""
    require(user, Permission.directory_edit)
    if status == TrustStatus.verified:
        require(user, Permission.requester_verify)
    return record_requester_status(
        session, user=user, requester_id=requester_id, status=status, reason=reason, now=now
    )


def record_requester_status(
    session: Session,
    *,
    user: User,
    requester_id: int,
    status: TrustStatus,
    reason: str,
    now: datetime | None = None,
) -> Requester:
    """Record a requester's new standing (history reads the mark); a bar shuts out every
    account that is, or claims to be, this requester, and revokes their live delivery links."""
    now = now or utcnow()
    requester = session.get(Requester, requester_id)
    if requester is None:
        raise NotFound(f"no requester {requester_id}")
    before = str(requester.status)
    requester.status = status
    append_mark(
        session,
        user=user,
        subject=MarkSubject.requester,
        subject_id=requester.id,
        status=status,
        reason=reason,
        now=now,
    )
    session.flush()
    if status in BARRED:
        bar_requesters(session, [requester.id], reason=f"requester {status}: {reason}", now=now)
    record_event(
        session,
        actor=actor_for(user),
        action="directory.requester_status",
        object_type="requester",
        object_id=requester.id,
        before={"status": before},
        after={"status": str(status)},
        detail={"reason": reason, "email": requester.email},
        at=now,
    )
    return requester


def bar_requesters(
    session: Session, requester_ids: list[int], *, reason: str, now: datetime
) -> list[int]:
    """Shut out the accounts of these requesters at once and revoke their live links; returns
    the accounts shut out."""
    if not requester_ids:
        return []
    linked = select(User.id).where(User.requester_id.in_(requester_ids))
    claimed = select(PortalAccount.user_id).where(PortalAccount.requester_id.in_(requester_ids))
    user_ids = set(session.execute(linked).scalars()) | set(session.execute(claimed).scalars())
    shut_out(session, user_ids, now)
    if user_ids:
        session.execute(
            update(DeliveryLink)
            .where(DeliveryLink.recipient_id.in_(user_ids), DeliveryLink.revoked_at.is_(None))
            .values(revoked_at=now, revoked_reason=reason[:500])
        )
    return sorted(user_ids)


def bar_agency(session: Session, agency_id: int, *, reason: str, now: datetime) -> list[int]:
    """An agency marked fraudulent or suspended: its requesters, and whoever sent its cases."""
    own = select(Requester.id).where(Requester.agency_id == agency_id)
    sent = select(Request.requester_id).where(
        Request.agency_id == agency_id, Request.requester_id.is_not(None)
    )
    ids = set(session.execute(own).scalars())
    ids |= {i for i in session.execute(sent).scalars() if i is not None}
    return bar_requesters(session, sorted(ids), reason=reason, now=now)
