"""JSON routes for the agency directory: list, add and edit agencies, domains, trust marks."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from exigent.cases.models import TrustStatus
from exigent.directory import service
from exigent.directory.models import Agency
from exigent.directory.schemas import (
    AgencyCreate,
    AgencyRead,
    AgencyUpdate,
    DomainCreate,
    DomainRead,
    RequesterRead,
    StatusIn,
)
from exigent.web.deps import CurrentUser, SessionDep

router = APIRouter(prefix="/api/v1/directory", tags=["directory"])

RowId = Annotated[int, Path(ge=1, le=2**31 - 1)]


def _read(agency: Agency, domains: list[str]) -> AgencyRead:
    return AgencyRead.model_validate(
        {
            **{c: getattr(agency, c) for c in AgencyRead.model_fields if c != "domains"},
            "domains": domains,
        }
    )


@router.get("/agencies", response_model=list[AgencyRead])
def list_agencies(
    session: SessionDep,
    user: CurrentUser,
    name: Annotated[str | None, Query(max_length=300)] = None,
    state: Annotated[str | None, Query(max_length=10)] = None,
    status: TrustStatus | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> list[AgencyRead]:
    """Agencies by name, filtered by name fragment, state or trust status."""
    agencies = service.list_agencies(
        session, user=user, name=name, state=state, status=status, limit=limit
    )
    domains = service.domains_of(session, [agency.id for agency in agencies])
    return [_read(agency, domains[agency.id]) for agency in agencies]


@router.post("/agencies", status_code=201, response_model=AgencyRead)
def create_agency(body: AgencyCreate, session: SessionDep, user: CurrentUser) -> AgencyRead:
    """Add an agency the public directories lack."""
    agency = service.create_agency(session, user=user, data=body)
    session.commit()
    return _read(agency, [])


@router.patch("/agencies/{agency_id}", response_model=AgencyRead)
def update_agency(
    agency_id: RowId, body: AgencyUpdate, session: SessionDep, user: CurrentUser
) -> AgencyRead:
    """Set a verified phone with its source, notes, or the agency's trust status."""
    agency = service.update_agency(session, user=user, agency_id=agency_id, changes=body)
    session.commit()
    return _read(agency, service.domains_of(session, [agency.id])[agency.id])


@router.post("/domains", status_code=201, response_model=DomainRead)
def add_domain(body: DomainCreate, session: SessionDep, user: CurrentUser) -> DomainRead:
    """Record a domain as an agency's own (for example police.uk for a UK force)."""
    row = service.add_domain(session, user=user, data=body)
    session.commit()
    return DomainRead.model_validate(row, from_attributes=True)


@router.post("/requesters/{requester_id}/status", response_model=RequesterRead)
def set_requester_status(
    requester_id: RowId, body: StatusIn, session: SessionDep, user: CurrentUser
) -> RequesterRead:
    """Mark a requester verified, suspended or fraudulent (the engine's history reads it)."""
    requester = service.set_requester_status(
        session, user=user, requester_id=requester_id, status=body.status, reason=body.reason
    )
    session.commit()
    return RequesterRead.model_validate(requester, from_attributes=True)
