"""The transparency reports over the API: list the kept ones, generate one, download it, and
check that it regenerates to the same bytes."""

from __future__ import annotations

import hashlib
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Query
from fastapi.responses import Response

from exigent.analytics import reports
from exigent.analytics.report_schemas import (
    ReproductionRead,
    TransparencyReportCreate,
    TransparencyReportRead,
)
from exigent.analytics.transparency import chosen_period
from exigent.auth.models import User
from exigent.auth.permissions import Permission
from exigent.auth.service import actor_for, require
from exigent.db import begin_read_only
from exigent.web.deps import CurrentUser, FileStoreDep, IntRowId, SessionDep, SettingsDep

router = APIRouter(prefix="/api/v1/analytics/reports", tags=["analytics"])
DOWNLOAD_RESPONSES: dict[int | str, dict[str, object]] = {
    200: {
        "description": "The report's bytes, as kept",
        "content": {"text/csv": {}, "application/pdf": {}},
    },
    404: {"description": "No such report"},
}


def _may(user: User) -> None:
    require(user, Permission.transparency_reports)


def download_response(output: bytes, media_type: str, filename: str) -> Response:
    return Response(
        output,
        media_type=f"{media_type}; charset=utf-8" if media_type == "text/csv" else media_type,
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}",
            "Cache-Control": "private, no-store",
            "X-Report-SHA256": hashlib.sha256(output).hexdigest(),
        },
    )


@router.get("", response_model=list[TransparencyReportRead])
def list_reports(
    session: SessionDep,
    user: CurrentUser,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[TransparencyReportRead]:
    """The kept transparency reports, newest first."""
    _may(user)
    begin_read_only(session)
    kept = reports.kept_reports(session, limit=limit)
    return [TransparencyReportRead.model_validate(r) for r in kept]


@router.post("", response_model=TransparencyReportRead, status_code=201)
def create_report(
    body: TransparencyReportCreate,
    session: SessionDep,
    user: CurrentUser,
    store: FileStoreDep,
    settings: SettingsDep,
) -> TransparencyReportRead:
    """Generate a report for a half-year or given days (by receipt in UTC) and keep it."""
    _may(user)
    period = chosen_period(body.period, body.first_day, body.last_day)
    report, _ = reports.generate_chosen(
        session,
        store,
        actor=actor_for(user),
        settings=settings,
        period=period,
        layout=body.layout,
        format=body.format,
        preservation_in_totals=body.preservation_in_totals,
    )
    session.commit()
    return TransparencyReportRead.model_validate(report)


@router.get("/{report_id}", response_model=TransparencyReportRead)
def get_report(
    report_id: IntRowId, session: SessionDep, user: CurrentUser
) -> TransparencyReportRead:
    """One kept report: how it was counted, by whom, when, and its output's SHA-256."""
    _may(user)
    begin_read_only(session)
    return TransparencyReportRead.model_validate(reports.kept_report(session, report_id))


@router.get("/{report_id}/download", response_class=Response, responses=DOWNLOAD_RESPONSES)
def download_report(
    report_id: IntRowId, session: SessionDep, user: CurrentUser, store: FileStoreDep
) -> Response:
    """The kept report's bytes (CSV or PDF), exactly as generated."""
    _may(user)
    begin_read_only(session)
    report = reports.kept_report(session, report_id)
    output = reports.output_of(store, report)
    return download_response(output, report.media_type, report.filename)


@router.post("/{report_id}/reproduction", response_model=ReproductionRead)
def reproduce_report(
    report_id: IntRowId, session: SessionDep, user: CurrentUser
) -> ReproductionRead:
    """Render a kept report again from today's data and say whether the bytes are the same."""
    _may(user)
    begin_read_only(session)
    report = reports.kept_report(session, report_id)
    again = hashlib.sha256(reports.regenerate(session, report)).hexdigest()
    return ReproductionRead(
        report_id=report.id,
        kept_sha256=report.sha256,
        regenerated_sha256=again,
        same_bytes=again == report.sha256,
    )
