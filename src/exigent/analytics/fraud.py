"""Fraud in aggregate: attempts (cases assessed high or critical risk), how impostors were
caught, how long catching took, and how many requesters and agencies were marked."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from exigent.analytics.filters import Filters
from exigent.analytics.models import CaseFact
from exigent.analytics.queries import scoped

F = CaseFact
ATTEMPT_LEVELS = ("high", "critical")


@dataclass(frozen=True)
class FraudFigures:
    attempts: int
    caught: int
    # How impostors were caught (`callback_denied`, `requester_marked`, `rejected_fraud`).
    caught_by: dict[str, int]
    # The signals that fired on the attempts, most frequent first.
    signals: dict[str, int]
    catch_median_seconds: int | None
    catch_p90_seconds: int | None
    catch_worst_seconds: int | None
    requesters_marked: int
    agencies_marked: int


def _rank(values: list[int], share: float) -> int | None:
    return values[math.ceil(share * len(values)) - 1] if values else None


def fraud(session: Session, filters: Filters) -> FraudFigures:
    """Attempts and catches among cases received in the period (few rows, so read whole)."""
    rows = session.execute(
        select(
            F.fraud_level,
            F.fraud_signals,
            F.fraud_caught_by,
            F.fraud_caught_at,
            F.received_at,
            F.requester_id,
            F.agency_id,
        ).where(
            *scoped(filters),
            (F.fraud_level.in_(ATTEMPT_LEVELS)) | F.fraud_caught_by.is_not(None),
        )
    ).all()
    attempts = [r for r in rows if r.fraud_level in ATTEMPT_LEVELS]
    caught = [r for r in rows if r.fraud_caught_by is not None]
    signals: Counter[str] = Counter(code for r in attempts for code in (r.fraud_signals or []))
    times = sorted(
        max(0, int((r.fraud_caught_at - r.received_at).total_seconds()))
        for r in caught
        if r.fraud_caught_at is not None
    )
    marked = [r for r in caught if r.fraud_caught_by == "requester_marked"]
    return FraudFigures(
        attempts=len(attempts),
        caught=len(caught),
        caught_by=dict(Counter(r.fraud_caught_by for r in caught).most_common()),
        signals=dict(sorted(signals.items(), key=lambda item: (-item[1], item[0]))),
        catch_median_seconds=_rank(times, 0.5),
        catch_p90_seconds=_rank(times, 0.9),
        catch_worst_seconds=times[-1] if times else None,
        requesters_marked=len({r.requester_id for r in marked if r.requester_id is not None}),
        agencies_marked=len({r.agency_id for r in caught if r.agency_id is not None}),
    )
