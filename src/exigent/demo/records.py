"""The demo's intake records: which agencies send them, and a believable record of each kind."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from exigent.cases.schemas import IntakeRecord
from exigent.demo import texts
from exigent.directory.models import Agency, AgencyDomain

KIND_WEIGHTS = {
    "emergency": 30,
    "subpoena": 25,
    "court_order": 10,
    "search_warrant": 12,
    "preservation": 12,
    "preservation_extension": 3,
    "consent": 3,
    "real_time": 2,
    "other": 3,
}


def agencies_with_domains(
    session: Session, rng: random.Random, count: int
) -> list[tuple[str, str, str]]:
    rows = (
        session.execute(
            select(Agency.name, Agency.state, AgencyDomain.domain)
            .join(AgencyDomain, AgencyDomain.agency_id == Agency.id)
            .where(AgencyDomain.source == "homepage")
            .order_by(AgencyDomain.id)
            .limit(2000)
        )
        .tuples()
        .all()
    )
    return [(n, s or "", d) for n, s, d in rng.sample(list(rows), min(count, len(rows)))]


# The live cases arrive over this many days, at the default history's rate (300 in 27 days,
# about 11 a day), and the history stops where they begin, so volume has no step there.
LIVE_DAYS = 27


def live_record(
    rng: random.Random, agencies: list[tuple[str, str, str]], now: datetime, number: int
) -> IntakeRecord:
    kind = rng.choices(list(KIND_WEIGHTS), weights=list(KIND_WEIGHTS.values()))[0]
    agency, state, domain = rng.choice(agencies)
    first, last, title = texts.person(rng)
    # A few emergencies are minutes old, so their clocks run as a newcomer looks; the rest,
    # like process, arrived over the past weeks, at the rate of the history before them (a
    # hundred emergencies in the last hour would be a surge, and the surge check says so).
    age = (
        timedelta(minutes=rng.randint(1, 90))
        if kind == "emergency" and number % 8 == 0
        else timedelta(hours=rng.randint(1, 24 * LIVE_DAYS))
    )
    received = (now - age).astimezone(UTC)
    record: dict[str, Any] = {
        "id": f"DEMO-{number:05d}",
        "kind": kind,
        "received_via": rng.choice(["portal", "portal", "api", "email", "phone"]),
        "received_at": received.isoformat(),
        "requester": {
            "name": f"{first} {last}",
            "title": title,
            "badge_number": str(rng.randint(100, 9999)),
            "email": f"{first[0].lower()}{last.lower()}@{domain}",
            "phone": texts.local_phone(rng, state),
            "agency_name": agency,
            "agency_country": "US",
            "agency_state": state,
            "supervisor_name": f"Lt. {rng.choice(texts.LAST)}",
            "is_government": True,
        },
        "case_number": f"{received:%y}-{rng.randint(10000, 99999)}",
        "targets": [
            {"identifier_type": "username", "value": texts.username(rng)}
            for _ in range(rng.choice([1, 1, 1, 2]))
        ],
        "data_requested": _categories(rng, kind),
        "legal_authority": texts.AUTHORITY[kind],
    }
    if kind == "emergency":
        nature = rng.choice(list(texts.FACTS))
        record["emergency"] = {
            "nature": nature,
            "facts": texts.facts(rng, nature, f"{received:%H:%M}")
            + " "
            + texts.reported_by(rng, agency),
            "persons_at_risk": "1",
            "why_no_legal_process": "There is no time for process.",
            "how_data_helps": rng.choice(texts.HOW_HELPS),
        }
        record["attestation"] = {"signed": True, "signed_at": received.isoformat()}
    else:
        record["offense"] = f"{rng.choice(texts.OFFENSES[kind])}. {texts.reported_by(rng, agency)}"
        start = (received - timedelta(days=rng.randint(30, 365))).date()
        record["date_range"] = {"start": start.isoformat(), "end": received.date().isoformat()}
        record["documents"] = [
            {
                "sha256": f"{rng.getrandbits(256):064x}",
                "filename": f"{kind}-{record['case_number']}.pdf",
                "media_type": "application/pdf",
            }
        ]
    return IntakeRecord.model_validate(record)


def _categories(rng: random.Random, kind: str) -> list[str]:
    if kind == "subpoena":
        return ["subscriber_info"]
    if kind == "emergency":
        return rng.sample(["subscriber_info", "account_activity", "location"], 2)
    pool = [
        "subscriber_info",
        "account_activity",
        "connections",
        "message_metadata",
        "location",
        "content",
    ]
    return rng.sample(pool, rng.randint(1, 4))
