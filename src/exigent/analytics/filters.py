"""What a dashboard shows: a period of receipt in UTC and the filters, all carried in the URL.

A case counts in the period of its `received_at` in UTC, whatever offset it was sent with: a
request sent at 23:30 on 30 June in New York counts in July (03:30 UTC on 1 July).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlencode

from exigent.cases.models import Priority
from exigent.cases.schemas import RequestKind
from exigent.errors import BadInput

# The picker's rolling periods: the last N days up to now.
ROLLING = {"7d": 7, "30d": 30, "90d": 90}
HALF_YEAR = re.compile(r"^(\d{4})H([12])$")
COUNTRY = re.compile(r"^[A-Z]{2}$")
# Longer periods are drawn in weeks: 90 daily bars are still readable, 180 are not.
DAILY_UP_TO_DAYS = 92
LONGEST_DAYS = 366 * 2


@dataclass(frozen=True)
class Filters:
    """The period [since, until) in UTC and what narrows it; each filter is None when unset."""

    period: str
    since: datetime
    until: datetime
    kind: str | None = None
    priority: str | None = None
    country: str | None = None
    agency_id: int | None = None
    assignee_id: int | None = None

    @property
    def days(self) -> int:
        return max(1, round((self.until - self.since).total_seconds() / 86_400))

    @property
    def bucket(self) -> str:
        return "day" if self.days <= DAILY_UP_TO_DAYS else "week"

    def bucket_starts(self) -> list[datetime]:
        """The start of each bar: midnight UTC days, or weeks counted from the period's start."""
        step = timedelta(days=1 if self.bucket == "day" else 7)
        first = self.since.replace(hour=0, minute=0, second=0, microsecond=0)
        starts = []
        at = first
        while at < self.until:
            starts.append(at)
            at += step
        return starts

    def params(self) -> dict[str, str]:
        """The filters as query parameters, for links and downloads that keep them."""
        values: dict[str, object | None] = {
            "period": self.period,
            "kind": self.kind,
            "priority": self.priority,
            "country": self.country,
            "agency": self.agency_id,
            "assignee": self.assignee_id,
        }
        if self.period == "custom":
            values["from"] = self.since.date().isoformat()
            values["to"] = (self.until - timedelta(days=1)).date().isoformat()
        return {k: str(v) for k, v in values.items() if v is not None}

    def query(self, **extra: str) -> str:
        return urlencode({**self.params(), **extra})

    def describe(self) -> str:
        last = (self.until - timedelta(seconds=1)).date()
        return f"received {self.since.date().isoformat()} to {last.isoformat()} (UTC)"


def half_years(now: datetime, count: int = 4) -> list[str]:
    """The picker's half-years, newest first: the current one and those before it."""
    year, half = now.year, 1 if now.month <= 6 else 2
    names = []
    for _ in range(count):
        names.append(f"{year}H{half}")
        year, half = (year, 1) if half == 2 else (year - 1, 2)
    return names


def _period_bounds(
    period: str, now: datetime, start: date | None, end: date | None
) -> tuple[datetime, datetime]:
    if period in ROLLING:
        return now - timedelta(days=ROLLING[period]), now
    if match := HALF_YEAR.match(period):
        year, half = int(match.group(1)), int(match.group(2))
        since = datetime(year, 1 if half == 1 else 7, 1, tzinfo=UTC)
        until = (
            datetime(year, 7, 1, tzinfo=UTC) if half == 1 else datetime(year + 1, 1, 1, tzinfo=UTC)
        )
        return since, until
    if period == "custom":
        if start is None:
            raise BadInput("from: give the first day of a custom period", field="from")
        if end is None:
            raise BadInput("to: give the last day of a custom period", field="to")
        if end < start:
            raise BadInput("to: the last day comes before the first", field="to")
        if (end - start).days > LONGEST_DAYS:
            raise BadInput(f"to: a period is at most {LONGEST_DAYS} days", field="to")
        since = datetime.combine(start, datetime.min.time(), tzinfo=UTC)
        return since, datetime.combine(end, datetime.min.time(), tzinfo=UTC) + timedelta(days=1)
    raise BadInput(
        "period: one of 7d, 30d, 90d, a half-year such as 2026H1, or custom with from and to",
        field="period",
    )


def read_filters(
    *,
    now: datetime,
    period: str = "30d",
    start: date | None = None,
    end: date | None = None,
    kind: str | None = None,
    priority: str | None = None,
    country: str | None = None,
    agency_id: int | None = None,
    assignee_id: int | None = None,
) -> Filters:
    """The filters from the URL's values, or BadInput naming the field that is wrong."""
    since, until = _period_bounds(period, now, start, end)
    kind = kind or None
    if kind is not None and kind not in set(RequestKind):
        raise BadInput(f"kind: {kind!r} is not a kind of request", field="kind")
    priority = (priority or "").upper() or None
    if priority is not None and priority not in set(Priority):
        raise BadInput(f"priority: {priority!r} is not one of P0 to P3", field="priority")
    country = (country or "").upper() or None
    if country is not None and not COUNTRY.match(country):
        raise BadInput("country: two letters (ISO 3166-1 alpha-2), e.g. DE", field="country")
    return Filters(
        period=period,
        since=since,
        until=until,
        kind=kind,
        priority=priority,
        country=country,
        agency_id=agency_id,
        assignee_id=assignee_id,
    )
