"""Children under 13 among a case's targets (COPPA, 16 CFR 312.5(c)): known ages and intake text."""

from __future__ import annotations

import re

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from exigent.cases.schemas import IntakeRecord
from exigent.legal.models import TargetAge

COPPA_AGE = 13
# Ages as officers write them: "aged 9", "a 12-year-old", "12 yo", "believed 11", "14 months".
_YEARS = re.compile(
    r"\b(?:aged?|believed|approximately|about|approx\.?)\s*:?\s*(\d{1,3})\b"
    r"|\b(\d{1,3})\s*-?\s*(?:years?|yrs?|y\.?o\.?|y/o)\b",
    re.IGNORECASE,
)
_MONTHS = re.compile(r"\b\d{1,2}\s*-?\s*months?\s*-?\s*old\b", re.IGNORECASE)


def stated_ages(text: str) -> list[int]:
    """Every age in years that the text states; an age in months counts as 0."""
    ages = [int(a or b) for a, b in _YEARS.findall(text)]
    if _MONTHS.search(text):
        ages.append(0)
    return ages


def stated_child(record: IntakeRecord) -> bool:
    """Whether `emergency.persons_at_risk` states someone under 13."""
    text = record.emergency.persons_at_risk if record.emergency else None
    return bool(text) and any(age < COPPA_AGE for age in stated_ages(text or ""))


def known_child(session: Session, request_id: int) -> bool:
    """Whether staff marked any of the case's targets, at its latest known age, under 13."""
    newest = (
        select(func.max(TargetAge.id))
        .where(TargetAge.request_id == request_id)
        .group_by(TargetAge.target_id)
    )
    found = session.execute(
        select(TargetAge.id).where(TargetAge.id.in_(newest), TargetAge.age < COPPA_AGE).limit(1)
    ).first()
    return found is not None


def coppa_reasons(session: Session, request_id: int, record: IntakeRecord) -> list[str]:
    """Why the case is flagged for COPPA handling; empty when it is not."""
    reasons = []
    if known_child(session, request_id):
        reasons.append("a target is known to be under 13")
    if stated_child(record):
        reasons.append("emergency.persons_at_risk states an age under 13")
    return reasons


def known_ages(session: Session, request_id: int) -> dict[int, int]:
    """Each marked target's latest known age, by target id."""
    rows = session.execute(
        select(TargetAge.target_id, TargetAge.age)
        .where(TargetAge.request_id == request_id)
        .order_by(TargetAge.id)
    ).all()
    return {row.target_id: row.age for row in rows}
