"""The transparency report's figures: per country, the requests received in a period and what
came of them, and the DSA Art. 15(1)(a) figures for orders from Member State authorities.

Figures aggregate the narrow fact rows (`CaseFact`), one GROUP BY over the period's rows, so a
half-year is one indexed range scan on either database. A case counts in the period of its
`received_at` in UTC, whatever the requester's own offset. Every request received counts,
including those later withdrawn or rejected: the report says what governments asked for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from statistics import median
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from exigent import __version__
from exigent.analytics.models import SOME_DATA_PRODUCED, CaseFact
from exigent.cases.models import Request
from exigent.errors import BadInput
from exigent.eu_orders.queries import transparency_figures

# Bumped whenever a figure is computed differently, so a kept report names the rules it used.
# 2: a request under a non-disclosure order counts as one on SQLite (the fact read nothing).
FIGURES_VERSION = "2"
CODE_VERSION = f"{__version__}+figures.{FIGURES_VERSION}"

# What each kind of case is in a report. Kinds not named here (a proactive referral, a user's
# consent, a removal order) are not government requests for user data and are not counted.
LEGAL_PROCESS_KINDS = frozenset(
    {
        "subpoena",
        "court_order",
        "search_warrant",
        "real_time",
        "other",
        "eu_production_order",
    }
)
EMERGENCY_KINDS = frozenset({"emergency"})
PRESERVATION_KINDS = frozenset({"preservation", "preservation_extension", "eu_preservation_order"})
# DSA Art. 15(1)(a): orders to act against illegal content (Art. 9) and to provide information
# (Art. 10) from Member State authorities.
DSA_ORDER_KINDS = {"dsa_order_to_act": "Art. 9", "dsa_information_order": "Art. 10"}
NOT_STATED = "not stated"

_HALF_YEAR = re.compile(r"^(\d{4})H([12])$")


@dataclass(frozen=True)
class Period:
    """A report's period: [since, until) in UTC, and how a report names it."""

    since: datetime
    until: datetime
    label: str

    @property
    def ending_on(self) -> str:
        """The last day in the period (Google's `Period Ending`)."""
        return (self.until - timedelta(microseconds=1)).date().isoformat()


def half_year(value: str) -> Period:
    """`2026H1` is 1 January to 30 June 2026, `2026H2` 1 July to 31 December, in UTC."""
    match = _HALF_YEAR.match(value.strip())
    if not match:
        raise BadInput(f"period: {value!r} is not a half-year such as 2026H1 or 2026H2")
    year, half = int(match[1]), int(match[2])
    if not 2000 <= year <= 2999:
        raise BadInput(f"period: {year} is out of range")
    since = datetime(year, 1 if half == 1 else 7, 1, tzinfo=UTC)
    until = datetime(year, 7, 1, tzinfo=UTC) if half == 1 else datetime(year + 1, 1, 1, tzinfo=UTC)
    return Period(since=since, until=until, label=f"{year}H{half}")


def chosen_period(period: str | None, first_day: date | None, last_day: date | None) -> Period:
    """A half-year by name, or the days from `first_day` to `last_day` inclusive (in UTC)."""
    if period:
        if first_day or last_day:
            raise BadInput("period: give a half-year or first and last days, not both")
        return half_year(period)
    if first_day is None:
        raise BadInput("first_day: give a half-year (period) or the first and last days")
    if last_day is None:
        raise BadInput("last_day: give the last day of the period")
    for name, day in (("first_day", first_day), ("last_day", last_day)):
        if not 2000 <= day.year <= 2999:
            raise BadInput(f"{name}: {day} is out of range")
    if last_day < first_day:
        raise BadInput("last_day: must not be before first_day")
    since = datetime.combine(first_day, time(), tzinfo=UTC)
    until = datetime.combine(last_day + timedelta(days=1), time(), tzinfo=UTC)
    return Period(since=since, until=until, label=f"{first_day} to {last_day}")


@dataclass
class Tally:
    """Requests of one class from one country: how many, accounts named, some data produced."""

    requests: int = 0
    accounts: int = 0
    some_data: int = 0

    def add(self, other: Tally) -> None:
        self.requests += other.requests
        self.accounts += other.accounts
        self.some_data += other.some_data

    @property
    def share(self) -> float | None:
        """The fraction with some data produced; None when there were none."""
        return self.some_data / self.requests if self.requests else None


@dataclass
class CountryFigures:
    country: str
    legal: Tally = field(default_factory=Tally)
    emergency: Tally = field(default_factory=Tally)
    preservation: Tally = field(default_factory=Tally)
    # Legal process, by kind, for the layouts that break it down (Google's for the US).
    legal_by_kind: dict[str, Tally] = field(default_factory=dict)
    nondisclosure: int = 0

    def total(self, *, preservation_in_totals: bool) -> Tally:
        total = Tally()
        total.add(self.legal)
        total.add(self.emergency)
        if preservation_in_totals:
            total.add(self.preservation)
        return total


@dataclass(frozen=True)
class DsaRow:
    """Orders of one article from one Member State on one type of illegal content."""

    article: str
    kind: str
    member_state: str
    content_type: str
    orders: int
    median_hours_to_confirm_receipt: float | None
    median_hours_to_give_effect: float | None


@dataclass
class Figures:
    period: Period
    countries: list[CountryFigures]
    dsa: list[DsaRow]

    def totals(self) -> CountryFigures:
        """Every country together."""
        world = CountryFigures(country="ALL")
        for row in self.countries:
            world.legal.add(row.legal)
            world.emergency.add(row.emergency)
            world.preservation.add(row.preservation)
            world.nondisclosure += row.nondisclosure
        return world


def build_figures(session: Session, period: Period) -> Figures:
    """The report's figures for `period`, from the fact rows and the EU orders' times."""
    return Figures(
        period=period,
        countries=_country_figures(session, period),
        dsa=_dsa_rows(session, period),
    )


def _country_figures(session: Session, period: Period) -> list[CountryFigures]:
    some_data = case((CaseFact.outcome.in_([str(o) for o in SOME_DATA_PRODUCED]), 1), else_=0)
    counted = LEGAL_PROCESS_KINDS | EMERGENCY_KINDS | PRESERVATION_KINDS
    rows = session.execute(
        select(
            CaseFact.country,
            CaseFact.kind,
            func.count(),
            func.coalesce(func.sum(CaseFact.accounts), 0),
            func.coalesce(func.sum(some_data), 0),
            func.coalesce(func.sum(case((CaseFact.nondisclosure, 1), else_=0)), 0),
        )
        .where(
            CaseFact.received_at >= period.since,
            CaseFact.received_at < period.until,
            CaseFact.kind.in_(sorted(counted)),
        )
        .group_by(CaseFact.country, CaseFact.kind)
    )
    by_country: dict[str, CountryFigures] = {}
    for country, kind, requests, accounts, produced, secret in rows:
        figures = by_country.setdefault(country, CountryFigures(country=country))
        tally = Tally(requests=requests, accounts=int(accounts), some_data=int(produced))
        figures.nondisclosure += int(secret)
        if kind in PRESERVATION_KINDS:
            figures.preservation.add(tally)
        elif kind in EMERGENCY_KINDS:
            figures.emergency.add(tally)
        else:
            figures.legal.add(tally)
            figures.legal_by_kind.setdefault(kind, Tally()).add(tally)
    return [by_country[c] for c in sorted(by_country)]


def _hours(start: datetime, end: datetime | None) -> float | None:
    return None if end is None else (end - start).total_seconds() / 3600


def _median(values: list[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return round(median(known), 2) if known else None


def _dsa_rows(session: Session, period: Period) -> list[DsaRow]:
    orders = [
        o
        for o in transparency_figures(session, since=period.since, until=period.until)
        if o.kind in DSA_ORDER_KINDS
    ]
    records: dict[int, dict[str, Any]] = {
        request_id: record
        for request_id, record in session.execute(
            select(Request.id, Request.record).where(Request.id.in_([o.request_id for o in orders]))
        )
    }
    groups: dict[tuple[str, str, str], list[tuple[float | None, float | None]]] = {}
    for order in orders:
        certificate = (records.get(order.request_id) or {}).get("eu_order") or {}
        content_type = (certificate.get("offence") or "").strip() or NOT_STATED
        key = (order.kind, order.issuing_state or "ZZ", content_type)
        groups.setdefault(key, []).append(
            (
                _hours(order.received_at, order.receipt_told_at),
                _hours(order.received_at, order.effect_given_at),
            )
        )
    return [
        DsaRow(
            article=DSA_ORDER_KINDS[kind],
            kind=kind,
            member_state=state,
            content_type=content_type,
            orders=len(times),
            median_hours_to_confirm_receipt=_median([t[0] for t in times]),
            median_hours_to_give_effect=_median([t[1] for t in times]),
        )
        for (kind, state, content_type), times in sorted(groups.items())
    ]
