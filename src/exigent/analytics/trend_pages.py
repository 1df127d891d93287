"""The console's pages of where the time goes and of surges, each with a CSV of its table."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from exigent.analytics import trend_queries
from exigent.analytics.surge_alerts import banner_lines, series_label
from exigent.analytics.surges import FactCounts, SurgeSettings, baselines
from exigent.analytics.time_spent import WaitingOn
from exigent.analytics.trend_schemas import SurgeAlertRead
from exigent.auth.models import User
from exigent.auth.permissions import Permission
from exigent.cases.models import Priority
from exigent.cases.schemas import RequestKind
from exigent.db import utcnow
from exigent.web.deps import SessionDep, page_permission
from exigent.web.render import render

router = APIRouter(prefix="/console/analytics", include_in_schema=False)
Viewer = Annotated[User, Depends(page_permission(Permission.analytics_read))]
Format = Literal["html", "csv"]


def _csv(body: str, name: str) -> Response:
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/time", response_class=HTMLResponse)
def time_page(
    request: Request,
    session: SessionDep,
    user: Viewer,
    start: Annotated[date | None, Query()] = None,
    end: Annotated[date | None, Query()] = None,
    kind: Annotated[str | None, Query(max_length=32)] = None,
    priority: Annotated[str | None, Query(max_length=2)] = None,
    format: Annotated[Format, Query()] = "html",
) -> Response:
    read = trend_queries.time_read(
        session, start=start, end=end, kind=kind, priority=priority, now=utcnow()
    )
    if format == "csv":
        return _csv(trend_queries.steps_csv(read), "time-per-status.csv")
    chart = {
        "labels": [str(w) for w in WaitingOn],
        "datasets": [
            {"label": "this period", "data": [read.hours_waiting_on[str(w)] for w in WaitingOn]},
        ],
    }
    return render(
        request,
        user,
        "analytics/time.html",
        {
            "read": read,
            "chart": chart,
            "kinds": [k.value for k in RequestKind],
            "priorities": [p.value for p in Priority],
            "kind": kind or "",
            "priority": priority or "",
            "first_day": read.start.date(),
            "last_day": (read.end - timedelta(days=1)).date(),
            "query": request.url.query,
        },
    )


def _hourly_chart(session: Session, alert: SurgeAlertRead | None) -> dict[str, Any]:
    """The last 24 hours of the newest alert's series: cases per hour and the baseline's."""
    if alert is None:
        return {}
    hourly = SurgeSettings(window_hours=1)
    counts = FactCounts(session)
    series = (alert.kind, alert.harm)
    labels: list[str] = []
    seen: list[int] = []
    expected: list[float] = []
    end = alert.last_seen_at.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    for back in range(24, 0, -1):
        hour_end = end - timedelta(hours=back - 1)
        labels.append((hour_end - timedelta(hours=1)).strftime("%d %H:00"))
        seen.append(counts.window(hour_end - timedelta(hours=1), hour_end).get(series, 0))
        base = baselines(counts, hour_end, hourly).get(series)
        expected.append(round(base.expected, 2) if base else 0.0)
    return {
        "title": series_label(*series),
        "labels": labels,
        "datasets": [
            {"label": "cases received", "data": seen, "type": "bar"},
            {"label": "expected", "data": expected, "type": "line"},
        ],
    }


@router.get("/surges", response_class=HTMLResponse)
def surges_page(
    request: Request,
    session: SessionDep,
    user: Viewer,
    days: Annotated[int, Query(ge=1, le=366)] = 30,
    format: Annotated[Format, Query()] = "html",
) -> Response:
    read = trend_queries.surges_read(session, days=days, now=utcnow())
    if format == "csv":
        return _csv(trend_queries.alerts_csv(read), "surges.csv")
    newest = read.alerts[0] if read.alerts else None
    return render(
        request,
        user,
        "analytics/surges.html",
        {
            "read": read,
            "surge_banners": banner_lines(session),
            "chart": _hourly_chart(session, newest),
            "label": series_label,
            "days": days,
        },
    )
