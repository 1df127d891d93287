"""The dashboards' query parameters, read once for the pages, the CSV downloads and the API."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Depends, Query

from exigent.analytics.filters import Filters, read_filters
from exigent.db import MAX_INT_ID, utcnow
from exigent.errors import BadInput


def get_filters(
    period: Annotated[
        str, Query(max_length=16, description="7d, 30d, 90d, 2026H1 or custom")
    ] = "30d",
    start: Annotated[
        str | None, Query(alias="from", max_length=32, description="custom: first day")
    ] = None,
    end: Annotated[
        str | None, Query(alias="to", max_length=32, description="custom: last day")
    ] = None,
    kind: Annotated[str | None, Query(max_length=64)] = None,
    priority: Annotated[str | None, Query(max_length=64)] = None,
    country: Annotated[str | None, Query(max_length=64)] = None,
    agency: Annotated[str | None, Query(max_length=12, description="an agency's id")] = None,
    assignee: Annotated[str | None, Query(max_length=12, description="a team member's id")] = None,
) -> Filters:
    return read_filters(
        now=utcnow(),
        period=period,
        start=_day(start, "from"),
        end=_day(end, "to"),
        kind=kind,
        priority=priority,
        country=country,
        agency_id=_id(agency, "agency"),
        assignee_id=_id(assignee, "assignee"),
    )


# A form's empty choice ("every agency", no custom day) arrives as an empty value: unset.


def _day(value: str | None, field: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise BadInput(f"{field}: a day as YYYY-MM-DD", field=field) from None


def _id(value: str | None, field: str) -> int | None:
    if not value:
        return None
    if not (value.isascii() and value.isdigit()) or not 1 <= int(value) <= MAX_INT_ID:
        raise BadInput(f"{field}: a number from the list", field=field)
    return int(value)


FiltersDep = Annotated[Filters, Depends(get_filters)]
