"""Fraud in aggregate: attempts (cases the risk score flagged high or critical, or caught as an
impostor's), how impostors were caught and which signals fired on them, how long catching
took, and how many requesters and agencies stand marked as fraudulent."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from exigent.analytics.filters import Filters
from exigent.analytics.models import CaseFact
from exigent.analytics.queries import scoped
from exigent.cases.models import Requester, TrustStatus
from exigent.directory.models import Agency

F = CaseFact
ATTEMPT_LEVELS = ("high", "critical")


@dataclass(frozen=True)
class FraudFigures:
    # Cases flagged high or critical, or caught: everything that looked or proved fraudulent.
    attempts: int
    flagged: int
    caught: int
    # Caught cases the risk score had flagged high or critical; the rest it missed.
    caught_flagged: int
    # How impostors were caught (`facts.CAUGHT_WAYS`), the first way for each case.
    caught_by: dict[str, int]
    # The signals that fired on the caught cases, most frequent first.
    signals: dict[str, int]
    catch_median_seconds: int | None
    catch_p90_seconds: int | None
    catch_worst_seconds: int | None
    # Requesters and agencies of the period's cases that stand marked as fraudulent now.
    requesters_marked: int
    agencies_marked: int
    # Agencies named by a caught impostor: whom they posed as.
    agencies_impersonated: int


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
    flagged = [r for r in rows if r.fraud_level in ATTEMPT_LEVELS]
    caught = [r for r in rows if r.fraud_caught_by is not None]
    signals: Counter[str] = Counter(code for r in caught for code in (r.fraud_signals or []))
    times = sorted(
        max(0, int((r.fraud_caught_at - r.received_at).total_seconds()))
        for r in caught
        if r.fraud_caught_at is not None
    )
    # Every case of a requester or agency standing as fraudulent is caught (`facts._caught`),
    # so the marked ones are among the caught rows' requesters and agencies.
    requesters = {r.requester_id for r in caught if r.requester_id is not None}
    agencies = {r.agency_id for r in caught if r.agency_id is not None}
    return FraudFigures(
        attempts=len(rows),
        flagged=len(flagged),
        caught=len(caught),
        caught_flagged=sum(1 for r in caught if r.fraud_level in ATTEMPT_LEVELS),
        caught_by=dict(Counter(r.fraud_caught_by for r in caught).most_common()),
        signals=dict(sorted(signals.items(), key=lambda item: (-item[1], item[0]))),
        catch_median_seconds=_rank(times, 0.5),
        catch_p90_seconds=_rank(times, 0.9),
        catch_worst_seconds=times[-1] if times else None,
        requesters_marked=_standing_fraudulent(session, Requester, requesters),
        agencies_marked=_standing_fraudulent(session, Agency, agencies),
        agencies_impersonated=len(agencies),
    )


def _standing_fraudulent(session: Session, table: Any, ids: set[int]) -> int:
    """How many of these requesters (or agencies) stand marked as fraudulent."""
    if not ids:
        return 0
    chosen: Sequence[int] = sorted(ids)
    query = select(table.id).where(table.id.in_(chosen), table.status == TrustStatus.fraudulent)
    return len(session.execute(query).all())
