"""A half-year of cases for the transparency report tests, made through the API, and the
report's figures counted a second way: straight from `requests`, `targets` and `decisions`.

The fact rows the report reads are the production's own: written by the facts upkeep in each
case's transaction as the API moves it (`exigent.analytics.upkeep`), or by `rebuild_facts`.
The count here never reads them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from exigent.analytics.transparency import (
    EMERGENCY_KINDS,
    LEGAL_PROCESS_KINDS,
    PRESERVATION_KINDS,
    Period,
)
from exigent.cases.models import Request, Target, TimelineEvent
from exigent.legal.models import DISCLOSING, Decision, DecisionItem, DecisionStatus
from legal.flows import approve, create_case, move, ready_for_approval
from legal.intake import complete

# 23:30 on 30 June in Chicago is 04:30 on 1 July in UTC: the second half-year.
LAST_EVENING_OF_H1_IN_CHICAGO = "2026-06-30T23:30:00-05:00"


def _from(country: str, kind: str, received_at: str, **changes: Any) -> dict[str, Any]:
    record = complete(kind, **changes)
    record["received_at"] = received_at
    record["requester"]["agency_country"] = country
    if kind in ("subpoena", "court_order", "search_warrant"):
        record["date_range"] = {"start": "2026-01-01", "end": received_at[:10]}
    return record


def _targets(*values: str) -> list[dict[str, str]]:
    return [{"identifier_type": "user_id", "value": v} for v in values]


def _deliver(client, analyst, case_id: int) -> None:  # type: ignore[no-untyped-def]
    """Produced and delivered: only then has data been produced."""
    for status in ("producing", "delivered"):
        assert move(client, analyst, case_id, status).status_code == 200


def make_half_year(client, analyst, lead, factory) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Cases from three countries received in 2026H1 (and one just after it, in UTC), some
    answered with data delivered, one withheld, one withdrawn; their ids by name."""
    ids: dict[str, int] = {}
    disclosed = ready_for_approval(
        client,
        analyst,
        factory,
        _from("US", "subpoena", "2026-02-03T10:00:00-05:00", targets=_targets("101", "102")),
    )
    assert approve(client, lead, disclosed["id"]).status_code == 200
    _deliver(client, analyst, disclosed["id"])
    ids["us_subpoena_disclosed"] = disclosed["id"]
    withheld = ready_for_approval(
        client,
        analyst,
        factory,
        _from("US", "search_warrant", "2026-03-04T09:00:00-08:00"),
        outcome="withhold",
    )
    assert approve(client, lead, withheld["id"]).status_code == 200
    ids["us_warrant_withheld"] = withheld["id"]
    emergency = ready_for_approval(
        client,
        analyst,
        factory,
        _from("US", "emergency", "2026-04-05T02:00:00-04:00", targets=_targets("201")),
    )
    assert approve(client, lead, emergency["id"]).status_code == 200
    _deliver(client, analyst, emergency["id"])
    ids["us_emergency_disclosed"] = emergency["id"]
    ids["us_preservation"] = create_case(
        client,
        analyst,
        _from("US", "preservation", "2026-05-06T12:00:00+00:00", targets=_targets("3", "4", "5")),
    )["id"]
    ids["gb_court_order_secret"] = create_case(
        client,
        analyst,
        _from(
            "GB",
            "court_order",
            "2026-01-15T08:00:00+00:00",
            nondisclosure_order={"present": True, "expires_on": None},
        ),
    )["id"]
    withdrawn = create_case(client, analyst, _from("DE", "subpoena", "2026-06-01T09:00:00+02:00"))
    assert move(client, analyst, withdrawn["id"], "withdrawn").status_code == 200
    ids["de_subpoena_withdrawn"] = withdrawn["id"]
    ids["us_subpoena_after_midnight_utc"] = create_case(
        client, analyst, _from("US", "subpoena", LAST_EVENING_OF_H1_IN_CHICAGO)
    )["id"]
    return ids


@dataclass
class RawCount:
    """One country's figures counted from the raw rows."""

    requests: Counter[str] = field(default_factory=Counter)
    accounts: Counter[str] = field(default_factory=Counter)
    some_data: Counter[str] = field(default_factory=Counter)
    nondisclosure: int = 0


def _class_of(kind: str) -> str | None:
    if kind in PRESERVATION_KINDS:
        return "preservation"
    if kind in EMERGENCY_KINDS:
        return "emergency"
    if kind in LEGAL_PROCESS_KINDS:
        return "legal"
    return None


def count_raw(session: Session, since: datetime, until: datetime) -> dict[str, RawCount]:
    """Per country and class (legal, emergency, preservation): requests received in
    [since, until), accounts they name, and those delivered with an approved decision
    disclosing data."""
    accounts = dict(
        session.execute(select(Target.request_id, func.count()).group_by(Target.request_id)).all()
    )
    delivered = set(
        session.scalars(
            select(TimelineEvent.request_id).where(TimelineEvent.to_status == "delivered")
        )
    )
    disclosed = delivered & set(
        session.scalars(
            select(Decision.request_id)
            .join(DecisionItem, DecisionItem.decision_id == Decision.id)
            .where(
                Decision.status == DecisionStatus.approved,
                DecisionItem.outcome.in_([str(o) for o in DISCLOSING]),
            )
        )
    )
    counts: dict[str, RawCount] = {}
    rows = session.execute(
        select(Request.id, Request.kind, Request.record).where(
            Request.received_at >= since, Request.received_at < until
        )
    )
    for request_id, kind, record in rows:
        kind_class = _class_of(str(kind))
        if kind_class is None:
            continue
        country = record["requester"]["agency_country"]
        count = counts.setdefault(country, RawCount())
        count.requests[kind_class] += 1
        count.accounts[kind_class] += accounts.get(request_id, 0)
        count.some_data[kind_class] += request_id in disclosed
        count.nondisclosure += bool((record.get("nondisclosure_order") or {}).get("present"))
    return counts


def raw_for(session: Session, period: Period) -> dict[str, RawCount]:
    return count_raw(session, period.since, period.until)
