"""The dashboards' pages: every panel as a chart, a table and a CSV download (`?format=csv`),
the breached cases a click away, and workload per person as the reader's role allows."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from exigent.analytics import clocks, queries, tables
from exigent.analytics.filters import ROLLING, Filters, half_years
from exigent.analytics.fraud import fraud
from exigent.analytics.params import FiltersDep
from exigent.analytics.tables import Table
from exigent.analytics.workload import workload_report
from exigent.analytics.workload_rules import AFTER_HOURS_RULE
from exigent.auth.models import User
from exigent.auth.permissions import Permission
from exigent.cases.models import Priority
from exigent.cases.schemas import RequestKind
from exigent.db import utcnow
from exigent.errors import BadInput
from exigent.web.deps import SessionDep, page_permission
from exigent.web.render import render

router = APIRouter(prefix="/console/analytics", include_in_schema=False)

Viewer = Annotated[User, Depends(page_permission(Permission.analytics_read))]
Rostered = Annotated[User, Depends(page_permission(Permission.shifts_own))]
Format = Annotated[Literal["html", "csv"], Query()]
Dimension = Annotated[Literal["kind", "country", "agency_type", "channel"], Query()]
Clock = Annotated[Literal["acknowledge", "decide"], Query()]
PANELS = ("volume", "backlog", "sla", "times", "outcomes-kind", "outcomes-country", "fraud")


def _csv(table: Table, filters: Filters) -> Response:
    name = f"exigent-{table.name}-{filters.since.date()}-{filters.until.date()}.csv"
    return Response(
        table.csv(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _picker(
    request: Request, user: User, session: SessionDep, filters: Filters
) -> dict[str, object]:
    """What the period picker and the filters offer, and what is chosen."""
    return {
        "filters": filters,
        "rolling": list(ROLLING),
        "half_years": half_years(utcnow()),
        "kinds": [k.value for k in RequestKind],
        "priorities": [p.value for p in Priority],
        "choices": queries.filter_choices(session, filters, user=user),
    }


@router.get("", response_class=HTMLResponse)
def dashboard(
    request: Request,
    session: SessionDep,
    user: Viewer,
    filters: FiltersDep,
    by: Dimension = "kind",
    format: Format = "html",
    panel: Annotated[str | None, Query(max_length=20)] = None,
) -> Response:
    queries.check_assignee_filter(user, filters)
    now = utcnow()
    panels = [
        tables.volume_table(queries.volume(session, filters, by)),
        tables.backlog_table(queries.backlog(session, filters, now)),
        tables.sla_table(clocks.sla(session, filters, now)),
        tables.times_table(clocks.spreads(session, filters)),
        tables.outcomes_table(queries.outcomes(session, filters, "kind"), "kind"),
        tables.outcomes_table(queries.outcomes(session, filters, "country"), "country"),
        tables.fraud_table(fraud(session, filters)),
    ]
    if format == "csv":
        if panel not in PANELS:
            raise BadInput(f"panel: one of {', '.join(PANELS)}", field="panel")
        return _csv(next(t for t in panels if t.name == panel), filters)
    context = _picker(request, user, session, filters)
    session.commit()
    return render(
        request,
        user,
        "analytics/dashboard.html",
        {**context, "panels": panels, "by": by, "breached": _breach_counts(session, filters)},
    )


def _breach_counts(session: SessionDep, filters: Filters) -> dict[str, int]:
    return clocks.breach_counts(session, filters, utcnow())


@router.get("/breaches", response_class=HTMLResponse)
def breaches(
    request: Request,
    session: SessionDep,
    user: Viewer,
    filters: FiltersDep,
    clock: Clock = "acknowledge",
    format: Format = "html",
) -> Response:
    queries.check_assignee_filter(user, filters)
    total, cases = clocks.breaches(session, filters, utcnow(), clock)
    table = tables.breaches_table(cases)
    if format == "csv":
        return _csv(table, filters)
    context = _picker(request, user, session, filters)
    session.commit()
    return render(
        request,
        user,
        "analytics/breaches.html",
        {
            **context,
            "clock": clock,
            "total": total,
            "cases": cases,
            "table": table,
            "limit": clocks.BREACH_LIST_LIMIT,
        },
    )


WORKLOAD_PANELS = ("workload-team", "workload-people", "workload-shifts")


@router.get("/workload", response_class=HTMLResponse)
def workload(
    request: Request,
    session: SessionDep,
    user: Rostered,
    filters: FiltersDep,
    format: Format = "html",
    panel: Annotated[str | None, Query(max_length=20)] = None,
) -> Response:
    queries.check_assignee_filter(user, filters)
    found = workload_report(session, filters, reader=user)
    panels = [
        tables.workload_team_table(found),
        tables.workload_people_table(found),
        tables.workload_shifts_table(found),
    ]
    if format == "csv":
        if panel not in WORKLOAD_PANELS:
            raise BadInput(f"panel: one of {', '.join(WORKLOAD_PANELS)}", field="panel")
        return _csv(next(t for t in panels if t.name == panel), filters)
    context = _picker(request, user, session, filters)
    session.commit()
    return render(
        request,
        user,
        "analytics/workload.html",
        {**context, "workload": found, "panels": panels, "after_hours_rule": AFTER_HOURS_RULE},
    )
