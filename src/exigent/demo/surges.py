"""A sextortion wave in the demo's last hours: a dozen child-safety emergencies, mostly from
one agency, taken in through intake, then the surge check run once so the surges page and
the leads' notifications show it."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from exigent.analytics.facts import refresh_facts
from exigent.analytics.surge_alerts import check_surges, open_alerts
from exigent.auth.models import User
from exigent.cases.schemas import IntakeRecord
from exigent.demo import texts
from exigent.demo.records import agencies_with_domains
from exigent.intake import intake
from exigent.legal.versions import current_policy

WAVE = 12


def _record(
    rng: random.Random, agency: tuple[str, str, str], received: datetime, number: int
) -> IntakeRecord:
    first, last, title = texts.person(rng)
    name, state, domain = agency
    return IntakeRecord.model_validate(
        {
            "id": f"DEMO-WAVE-{number:03d}",
            "kind": "emergency",
            "received_via": "portal",
            "received_at": received.isoformat(),
            "requester": {
                "name": f"{first} {last}",
                "title": title,
                "email": f"{first[0].lower()}{last.lower()}@{domain}",
                "phone": f"+1951555{rng.randint(1000, 9999)}",
                "agency_name": name,
                "agency_country": "US",
                "agency_state": state,
                "is_government": True,
            },
            "case_number": f"{received:%y}-SX{rng.randint(1000, 9999)}",
            "targets": [{"identifier_type": "username", "value": texts.username(rng)}],
            "data_requested": ["subscriber_info", "account_activity"],
            "emergency": {
                "nature": "child_safety",
                "facts": texts.facts(rng, "child_safety", f"{received:%H:%M}"),
                "persons_at_risk": "1",
                "why_no_legal_process": "There is no time for process.",
                "how_data_helps": rng.choice(texts.HOW_HELPS),
            },
            "attestation": {"signed": True, "signed_at": received.isoformat()},
        }
    )


def seed_surge(factory: sessionmaker[Session], officer_email: str, now: datetime) -> None:
    """Take in the wave (unless an alert is already open) and run the surge check once."""
    rng = random.Random(18)
    with factory() as session:
        officer = session.scalar(select(User).where(User.email == officer_email))
        if officer is None or open_alerts(session):
            return
        policy = current_policy(session).policy
        # One agency of the directory, so the alert names the source the records name.
        [agency] = agencies_with_domains(session, rng, 1)
        wave: list[int] = []
        for number in range(WAVE):
            received = now - timedelta(minutes=rng.randint(5, 150))
            record = _record(rng, agency, received, number)
            case, _ = intake.intake(
                session,
                user=officer,
                record=record,
                raw=record.model_dump_json(by_alias=True),
                policy=policy,
                now=record.received_at,
            )
            wave.append(case.id)
        # The intake's batch path writes with statements the upkeep does not see.
        refresh_facts(session, wave)
        session.flush()
        check_surges(session, now)
        session.commit()
