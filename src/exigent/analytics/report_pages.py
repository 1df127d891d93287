"""The transparency reports page: generate one for a period and layout, list the kept ones,
download them."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from exigent.analytics import reports
from exigent.analytics.report_api import download_response
from exigent.analytics.report_layouts import (
    PRESERVATION_IN_TOTALS_BY_DEFAULT,
    Layout,
    national_security_statement,
)
from exigent.analytics.reports import ReportFormat
from exigent.analytics.transparency import chosen_period
from exigent.auth.models import User
from exigent.auth.permissions import Permission
from exigent.auth.service import actor_for
from exigent.config import Settings
from exigent.db import utcnow
from exigent.errors import BadInput, ExigentError
from exigent.files import FileStore
from exigent.web.actions import confirmation, see_done, take_action
from exigent.web.deps import (
    FileStoreDep,
    IntRowId,
    SessionDep,
    SessionFactoryDep,
    SettingsDep,
    page_permission,
)
from exigent.web.render import render

router = APIRouter(prefix="/console/analytics/reports", include_in_schema=False)
Publisher = Annotated[User, Depends(page_permission(Permission.transparency_reports))]
PATH = "/console/analytics/reports"
SAID = {"generated": "The report is generated and kept; it is first in the list below."}
# The rule the form offers: the layout's publisher's, or one chosen for this report.
RULES = {"layout": None, "count": True, "separate": False}
HALF_YEARS_OFFERED = 6


def recent_half_years(today: date, count: int = HALF_YEARS_OFFERED) -> list[str]:
    """The half-years to offer, the current one first."""
    year, half = today.year, 1 if today.month <= 6 else 2
    offered = []
    for _ in range(count):
        offered.append(f"{year}H{half}")
        year, half = (year, 1) if half == 2 else (year - 1, 2)
    return offered


def _page(
    request: Request,
    session: Session,
    user: User,
    settings: Settings,
    *,
    error: ExigentError | None = None,
    typed: dict[str, Any] | None = None,
) -> HTMLResponse:
    return render(
        request,
        user,
        "analytics/reports.html",
        {
            "kept": reports.kept_reports(session),
            "half_years": recent_half_years(utcnow().date()),
            "layouts": list(Layout),
            "formats": list(ReportFormat),
            "layout_rules": PRESERVATION_IN_TOTALS_BY_DEFAULT,
            "setting_rule": settings.transparency_preservation_in_totals,
            "national_security": national_security_statement(
                settings.transparency_national_security_band
            ),
            "confirmed": confirmation(request, SAID),
            "error": error,
            "field": str(error.detail.get("field", "")) if error else "",
            "typed": typed or {},
        },
        status_code=error.status_code if error else 200,
    )


@router.get("", response_class=HTMLResponse)
def reports_page(
    request: Request, session: SessionDep, user: Publisher, settings: SettingsDep
) -> HTMLResponse:
    response = _page(request, session, user, settings)
    session.commit()
    return response


def _day(typed: dict[str, Any], name: str) -> date | None:
    value = str(typed[name]).strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise BadInput(f"{name}: {value!r} is not a date (YYYY-MM-DD)", field=name) from None


def _generate(
    session: Session,
    store: FileStore,
    user: User,
    settings: Settings,
    typed: dict[str, Any],
) -> None:
    try:
        layout = Layout(typed["layout"])
    except ValueError:
        raise BadInput("layout: choose TikTok or Google", field="layout") from None
    try:
        format = ReportFormat(typed["format"])
    except ValueError:
        raise BadInput("format: choose CSV or PDF", field="format") from None
    if typed["rule"] not in RULES:
        raise BadInput("rule: choose how preservation requests count", field="rule")
    first_day, last_day = _day(typed, "first_day"), _day(typed, "last_day")
    try:
        period = chosen_period(typed["period"] or None, first_day, last_day)
    except BadInput as exc:
        raise BadInput(exc.message, field=exc.message.split(":")[0]) from None
    reports.generate_chosen(
        session,
        store,
        actor=actor_for(user),
        settings=settings,
        period=period,
        layout=layout,
        format=format,
        preservation_in_totals=RULES[typed["rule"]],
    )


@router.post("")
def generate_report(
    request: Request,
    session: SessionDep,
    factory: SessionFactoryDep,
    user: Publisher,
    store: FileStoreDep,
    settings: SettingsDep,
    period: Annotated[str, Form(max_length=7)] = "",
    first_day: Annotated[str, Form(max_length=10)] = "",
    last_day: Annotated[str, Form(max_length=10)] = "",
    layout: Annotated[str, Form(max_length=16)] = "",
    format: Annotated[str, Form(max_length=8)] = "",
    rule: Annotated[str, Form(max_length=16)] = "layout",
) -> Response:
    """Post/Redirect/Get: the list shows the new report first."""
    typed: dict[str, Any] = {
        "period": period,
        "first_day": first_day,
        "last_day": last_day,
        "layout": layout,
        "format": format,
        "rule": rule,
    }
    return take_action(
        session,
        lambda: _generate(session, store, user, settings, typed),
        factory=factory,
        done=lambda: see_done(PATH, "generated", "kept"),
        refused=lambda e: _page(request, session, user, settings, error=e, typed=typed),
    )


@router.get("/{report_id}/download")
def download(
    report_id: IntRowId, session: SessionDep, user: Publisher, store: FileStoreDep
) -> Response:
    report = reports.kept_report(session, report_id)
    output = reports.output_of(store, report)
    session.commit()
    return download_response(output, report.media_type, report.filename)
