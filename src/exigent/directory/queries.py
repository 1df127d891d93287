"""What staff read of the directory: agencies found by name, state, ORI or domain, and one
agency with its domains, numbers, marks, changes and recent cases."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session, defer, lazyload

from exigent.audit.models import AuditEvent
from exigent.auth.models import User
from exigent.cases import queries as case_queries
from exigent.cases import service as case_service
from exigent.cases.models import Request
from exigent.directory.models import (
    Agency,
    AgencyDomain,
    AgencyPhone,
    MarkSubject,
    VerificationMark,
)
from exigent.errors import NotFound

SEARCH_LIMIT = 50
RECENT_CASES = 20
HISTORY = 100
# Words every other agency name has: searching for them would match half the directory.
_COMMON = frozenset({"the", "of", "and", "department", "dept", "dept.", "office", "&"})
_ORI = re.compile(r"^[A-Za-z]{2}[A-Za-z0-9]{7}$")
# Every change made to an agency is audited on the agency under one of these actions.
AGENCY_ACTIONS = (
    "directory.agency_create",
    "directory.agency_update",
    "directory.domain_add",
    "directory.phone_add",
    "directory.callback_number",
    "directory.phone_retire",
)


def get_agency(session: Session, agency_id: int, *, for_update: bool = False) -> Agency:
    agency = session.get(Agency, agency_id, with_for_update=for_update)
    if agency is None:
        raise NotFound(f"no agency {agency_id}")
    return agency


@dataclass(frozen=True)
class Found:
    """An agency in a list of search results, with its domains."""

    agency: Agency
    domains: list[str]


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _host(text: str) -> str | None:
    """The domain a query names (a mail address, a web address or a bare domain), if any."""
    text = text.strip().lower()
    if "@" not in text and "." not in text:
        return None
    text = text.rsplit("@", 1)[-1].split("://", 1)[-1].split("/", 1)[0]
    return text.removeprefix("www.").strip(".") or None


def _name_words(text: str) -> list[str]:
    words = [w for w in re.split(r"[\s,]+", text.strip().lower()) if w and w not in _COMMON]
    return words[:6]


def search_agencies(
    session: Session, *, text: str = "", state: str = "", limit: int = SEARCH_LIMIT
) -> list[Found]:
    """Agencies whose name has every word of `text`, whose ORI is `text`, or that own the
    domain `text` names (by mail domain or homepage); in `state` when given. By name."""
    text, state = text.strip(), state.strip().upper()
    if not text and not state:
        return []
    statement = select(Agency).order_by(Agency.name, Agency.id).limit(limit)
    if text:
        statement = statement.where(or_(*_matches(text)))
    if state:
        statement = statement.where(Agency.state == state)
    agencies = list(session.execute(statement).scalars())
    domains = domains_of(session, [a.id for a in agencies])
    return [Found(agency=a, domains=domains[a.id]) for a in agencies]


def _matches(text: str) -> list[Any]:
    conditions: list[Any] = []
    words = _name_words(text)
    if words:
        # Every word somewhere in the name: "springfield police" finds "Springfield Police
        # Dept" and "City of Springfield Police Department" alike.
        conditions.append(
            and_(*[Agency.name.ilike(f"%{_escape_like(w)}%", escape="\\") for w in words])
        )
    if _ORI.match(text):
        conditions.append(Agency.ori == text.upper())
    host = _host(text)
    if host:
        # The domain itself, the domains it is under (mail from police.cityofx.gov is
        # cityofx.gov's), and those under it (police.uk finds met.police.uk).
        parents = [".".join(host.split(".")[i:]) for i in range(host.count("."))]
        owned = select(AgencyDomain.agency_id).where(
            or_(
                AgencyDomain.domain.in_(parents),
                AgencyDomain.domain.like(f"%.{_escape_like(host)}", escape="\\"),
            )
        )
        conditions.append(Agency.id.in_(owned))
        conditions.append(Agency.homepage_url.ilike(f"%{_escape_like(host)}%", escape="\\"))
    return conditions or [Agency.id.is_(None)]


def domains_of(session: Session, agency_ids: list[int]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {agency_id: [] for agency_id in agency_ids}
    if not agency_ids:
        return found
    rows = session.execute(
        select(AgencyDomain.agency_id, AgencyDomain.domain)
        .where(AgencyDomain.agency_id.in_(agency_ids))
        .order_by(AgencyDomain.domain)
    )
    for agency_id, domain in rows:
        if agency_id is not None:
            found[agency_id].append(domain)
    return found


@dataclass(frozen=True)
class AgencyView:
    """Everything the agency's page shows."""

    agency: Agency
    domains: list[AgencyDomain]
    phones: list[AgencyPhone]
    marks: list[VerificationMark]
    history: list[AuditEvent]
    cases: list[Request]
    names: dict[int, str]

    @property
    def callback_phone(self) -> AgencyPhone | None:
        return dialled_phone(self.agency, self.phones)


def dialled_phone(agency: Agency, phones: list[AgencyPhone]) -> AgencyPhone | None:
    """The live number callbacks dial, with its finder and source."""
    live = [p for p in phones if p.retired_at is None and p.number == agency.verified_phone]
    return live[-1] if live else None


def agency_view(session: Session, user: User, agency_id: int) -> AgencyView:
    """The agency with its parts; its recent cases are scoped to `user` and the read logged."""
    agency = get_agency(session, agency_id)
    domains = list(
        session.execute(
            select(AgencyDomain)
            .where(AgencyDomain.agency_id == agency.id)
            .order_by(AgencyDomain.domain)
        ).scalars()
    )
    phones = phones_of(session, agency.id)
    marks = list(
        session.execute(
            select(VerificationMark)
            .where(
                VerificationMark.subject_type == MarkSubject.agency,
                VerificationMark.subject_id == agency.id,
            )
            .order_by(VerificationMark.id.desc())
        ).scalars()
    )
    cases = recent_cases(session, user, agency.id)
    if cases:
        case_service.record_list(session, user, [c.id for c in cases])
    people = {p.added_by_id for p in phones} | {p.retired_by_id for p in phones}
    people |= {d.added_by_id for d in domains} | {m.created_by_id for m in marks}
    return AgencyView(
        agency=agency,
        domains=domains,
        phones=phones,
        marks=marks,
        history=agency_history(session, agency.id),
        cases=cases,
        names=user_names(session, people),
    )


def phones_of(session: Session, agency_id: int) -> list[AgencyPhone]:
    """Every number of the agency, live and retired, in the order they were added."""
    return list(
        session.execute(
            select(AgencyPhone).where(AgencyPhone.agency_id == agency_id).order_by(AgencyPhone.id)
        ).scalars()
    )


def agency_history(session: Session, agency_id: int) -> list[AuditEvent]:
    """The audited changes to the agency, newest first (few: only staff edit agencies)."""
    return list(
        session.execute(
            select(AuditEvent)
            .where(
                AuditEvent.action.in_(AGENCY_ACTIONS),
                AuditEvent.object_type == "agency",
                AuditEvent.object_id == str(agency_id),
            )
            .order_by(AuditEvent.seq.desc())
            .limit(HISTORY)
        ).scalars()
    )


def recent_cases(session: Session, user: User, agency_id: int) -> list[Request]:
    statement = (
        case_queries.readable_requests(user)
        .where(Request.agency_id == agency_id)
        .options(defer(Request.record), defer(Request.raw_submission), lazyload(Request.targets))
        .order_by(Request.received_at.desc(), Request.id.desc())
        .limit(RECENT_CASES)
    )
    return list(session.execute(statement).scalars())


def user_names(session: Session, ids: set[int | None]) -> dict[int, str]:
    wanted = sorted(i for i in ids if i is not None)
    if not wanted:
        return {}
    rows = session.execute(select(User.id, User.name).where(User.id.in_(wanted)))
    return {row.id: row.name for row in rows}
