"""The dashboards' query parameters, read once for the pages, the CSV downloads and the API."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Depends, Query

from exigent.analytics.filters import Filters, read_filters
from exigent.db import MAX_INT_ID, utcnow


def get_filters(
    period: Annotated[
        str, Query(max_length=16, description="7d, 30d, 90d, 2026H1 or custom")
    ] = "30d",
    start: Annotated[date | None, Query(alias="from", description="custom: first day")] = None,
    end: Annotated[date | None, Query(alias="to", description="custom: last day")] = None,
    kind: Annotated[str | None, Query(max_length=64)] = None,
    priority: Annotated[str | None, Query(max_length=64)] = None,
    country: Annotated[str | None, Query(max_length=64)] = None,
    agency: Annotated[int | None, Query(ge=1, le=MAX_INT_ID)] = None,
    assignee: Annotated[int | None, Query(ge=1, le=MAX_INT_ID)] = None,
) -> Filters:
    return read_filters(
        now=utcnow(),
        period=period,
        start=start,
        end=end,
        kind=kind,
        priority=priority,
        country=country,
        agency_id=agency,
        assignee_id=assignee,
    )


FiltersDep = Annotated[Filters, Depends(get_filters)]
