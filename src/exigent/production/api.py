"""JSON routes for productions, delivery, downloads, custody and preservation holds. Thin."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Request
from fastapi import Path as PathParam
from fastapi.responses import FileResponse, StreamingResponse
from sqlalchemy import select

from exigent.auth.permissions import Permission
from exigent.auth.service import require
from exigent.cases import service as cases
from exigent.cases.api import CaseId
from exigent.errors import Conflict, NotFound
from exigent.platform_data.registry import open_adapter
from exigent.production import delivery, preservation, reads, service
from exigent.production.custody import custody_log
from exigent.production.models import (
    DeliveryLink,
    PreservationHold,
    Production,
    ProductionStatus,
)
from exigent.production.package import LETTER, MANIFEST, zip_stream
from exigent.production.schemas import (
    CustodyEventRead,
    DeliveryIssued,
    DeliveryLinkRead,
    DownloadAttemptRead,
    HoldRead,
    ProductionCreate,
    ProductionRead,
    ReleaseIn,
    RevokeIn,
    SnapshotRead,
)
from exigent.web.deps import CurrentUser, RowId, SessionDep, SessionFactoryDep, SettingsDep

router = APIRouter(prefix="/api/v1", tags=["production"])
Token = Annotated[str, PathParam(min_length=10, max_length=200, pattern=r"^exd_[A-Za-z0-9_-]+$")]


@router.post("/requests/{request_id}/productions", status_code=201, response_model=ProductionRead)
def create_production(
    request_id: CaseId,
    body: ProductionCreate,
    user: CurrentUser,
    settings: SettingsDep,
    factory: SessionFactoryDep,
) -> ProductionRead:
    """Collect exactly what the approved decision allows and seal it in a package."""
    with open_adapter(settings) as adapter:
        production_id = service.build_production(
            factory,
            user=user,
            request_id=request_id,
            settings=settings,
            adapter=adapter,
            categories=[str(c) for c in body.categories] if body.categories else None,
        )
    with factory() as session:
        return ProductionRead.model_validate(session.get(Production, production_id))


@router.get("/requests/{request_id}/productions", response_model=list[ProductionRead])
def list_productions(
    request_id: CaseId, session: SessionDep, user: CurrentUser
) -> list[ProductionRead]:
    require(user, Permission.request_read_all)
    case = cases.load_for(session, user, request_id)
    rows = list(
        session.execute(
            select(Production).where(Production.request_id == case.id).order_by(Production.id)
        ).scalars()
    )
    result = [ProductionRead.model_validate(r) for r in rows]
    reads.record_productions_list(session, user, case.id, rows)
    session.commit()
    return result


def _staff_production(session: SessionDep, user: CurrentUser, production_id: int) -> Production:
    require(user, Permission.request_read_all)
    return delivery.load_production(session, user, production_id)


@router.get("/productions/{production_id}", response_model=ProductionRead)
def get_production(production_id: RowId, session: SessionDep, user: CurrentUser) -> ProductionRead:
    production = _staff_production(session, user, production_id)
    result = ProductionRead.model_validate(production)
    reads.record_production_read(session, user, production, part="production")
    session.commit()
    return result


def _package_file(
    session: SessionDep, user: CurrentUser, production_id: int, name: str, part: str
) -> FileResponse:
    """One file of a built package; the read is audited once the file is known to be there."""
    production = _staff_production(session, user, production_id)
    if production.status != ProductionStatus.built or not production.package_path:
        raise Conflict(f"production {production.id} is {production.status}; it has no package")
    path = Path(production.package_path) / name
    if not path.is_file():
        raise NotFound(f"{name} is missing from the package of production {production.id}")
    reads.record_production_read(session, user, production, part=part)
    session.commit()
    media = "application/pdf" if name.endswith(".pdf") else "application/json"
    return FileResponse(path, media_type=media, filename=f"{production.id}-{name}")


@router.get("/productions/{production_id}/manifest")
def get_manifest(production_id: RowId, session: SessionDep, user: CurrentUser) -> FileResponse:
    """The package's manifest.json as built (its SHA-256 is the production's seal)."""
    return _package_file(session, user, production_id, MANIFEST, "manifest")


@router.get("/productions/{production_id}/cover-letter")
def get_cover_letter(production_id: RowId, session: SessionDep, user: CurrentUser) -> FileResponse:
    return _package_file(session, user, production_id, LETTER, "cover_letter")


@router.post(
    "/productions/{production_id}/deliveries", status_code=201, response_model=DeliveryIssued
)
def deliver(
    production_id: RowId, session: SessionDep, user: CurrentUser, settings: SettingsDep
) -> DeliveryIssued:
    """Issue the requester's download link (any earlier live link is revoked)."""
    link, token = delivery.issue_link(
        session, user=user, production_id=production_id, settings=settings
    )
    read = DeliveryLinkRead.model_validate(link)
    session.commit()
    # Mailed once the link is committed: a mail must never announce a link that was rolled back.
    mailed_to, error = delivery.mail_link(session, settings, link, token)
    session.commit()
    return DeliveryIssued(
        **read.model_dump(),
        token=token,
        url=f"/api/v1/deliveries/{token}",
        mailed_to=mailed_to,
        mail_error=error,
    )


@router.get("/productions/{production_id}/deliveries", response_model=list[DeliveryLinkRead])
def list_links(
    production_id: RowId, session: SessionDep, user: CurrentUser
) -> list[DeliveryLinkRead]:
    production = _staff_production(session, user, production_id)
    rows = session.execute(
        select(DeliveryLink)
        .where(DeliveryLink.production_id == production_id)
        .order_by(DeliveryLink.id)
    ).scalars()
    result = [DeliveryLinkRead.model_validate(r) for r in rows]
    reads.record_production_read(session, user, production, part="deliveries")
    session.commit()
    return result


@router.post("/deliveries/{link_id}/revoke", response_model=DeliveryLinkRead)
def revoke(
    link_id: RowId, body: RevokeIn, session: SessionDep, user: CurrentUser
) -> DeliveryLinkRead:
    link = delivery.revoke_link(session, user=user, link_id=link_id, reason=body.reason)
    result = DeliveryLinkRead.model_validate(link)
    session.commit()
    return result


@router.get("/productions/{production_id}/downloads", response_model=list[DownloadAttemptRead])
def list_downloads(
    production_id: RowId, session: SessionDep, user: CurrentUser
) -> list[DownloadAttemptRead]:
    """Every use of the production's links, granted or refused."""
    production = _staff_production(session, user, production_id)
    result = [
        DownloadAttemptRead.model_validate(a) for a in delivery.attempts(session, production_id)
    ]
    reads.record_production_read(session, user, production, part="downloads")
    session.commit()
    return result


@router.get("/deliveries/{token}")
def download(
    token: Token, request: Request, session: SessionDep, user: CurrentUser
) -> StreamingResponse:
    """The package as a zip, for the requester's own portal account only; every try is logged."""
    opened = delivery.open_link(
        session,
        user=user,
        token=token,
        ip=request.client.host if request.client else None,
        user_agent=request.headers.get("user-agent"),
    )
    session.commit()
    opened.raise_unless_granted()
    production = opened.production
    folder = f"production-{production.id}"
    return StreamingResponse(
        zip_stream(Path(production.package_path or ""), folder),
        media_type="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="{folder}.zip"',
            "X-Manifest-SHA256": production.manifest_sha256 or "",
        },
    )


@router.get("/requests/{request_id}/custody", response_model=list[CustodyEventRead])
def get_custody(
    request_id: CaseId, session: SessionDep, user: CurrentUser
) -> list[CustodyEventRead]:
    """The chain of custody of the case's data, from preservation and collection to downloads."""
    require(user, Permission.request_read_all)
    case = cases.load_for(session, user, request_id)
    result = [CustodyEventRead.model_validate(e) for e in custody_log(session, request_id=case.id)]
    cases.record_read(session, user, case)
    session.commit()
    return result


# Preservation holds


def _hold_read(session: SessionDep, hold: object) -> HoldRead:
    read = HoldRead.model_validate(hold)
    read.snapshots = [
        SnapshotRead.model_validate(s) for s in preservation.snapshots_for(session, read.id)
    ]
    return read


@router.post("/requests/{request_id}/holds", status_code=201, response_model=HoldRead)
def create_hold(
    request_id: CaseId,
    session: SessionDep,
    user: CurrentUser,
    settings: SettingsDep,
    factory: SessionFactoryDep,
) -> HoldRead:
    """Preserve the target accounts' data as of the request."""
    with open_adapter(settings) as adapter:
        hold_id = preservation.place_hold(
            factory,
            user=user,
            request_id=request_id,
            settings=settings,
            adapter=adapter,
        )
    result = _hold_read(session, session.get(PreservationHold, hold_id))
    session.commit()
    return result


@router.get("/requests/{request_id}/holds", response_model=list[HoldRead])
def list_holds(request_id: CaseId, session: SessionDep, user: CurrentUser) -> list[HoldRead]:
    require(user, Permission.request_read_all)
    holds = preservation.holds_for(session, user=user, request_id=request_id)
    result = [_hold_read(session, h) for h in holds]
    reads.record_holds_read(session, user, request_id, holds)
    session.commit()
    return result


@router.post("/holds/{hold_id}/extend", response_model=HoldRead)
def extend_hold(
    hold_id: RowId, session: SessionDep, user: CurrentUser, settings: SettingsDep
) -> HoldRead:
    """One more preservation period; the policy allows one extension."""
    hold = preservation.extend_hold(session, user=user, hold_id=hold_id, settings=settings)
    result = _hold_read(session, hold)
    session.commit()
    return result


@router.post("/holds/{hold_id}/release", response_model=HoldRead)
def release_hold(
    hold_id: RowId, body: ReleaseIn, session: SessionDep, user: CurrentUser
) -> HoldRead:
    hold = preservation.release_by_user(session, user=user, hold_id=hold_id, reason=body.reason)
    result = _hold_read(session, hold)
    session.commit()
    return result
