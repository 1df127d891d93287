"""What the demo's history looks like: its mix by country and kind, what cases came to, and
how long each step took, calibrated on published transparency reports.

The country mix and the share with some data produced follow Meta's report for 2023H1
(/work/shared/data/transparency): requests for legal process, emergency requests and
preservation requests per country, in thousands. The United States dominates; India, Brazil
and the larger EU Member States follow; EU orders are a small share of the EU's cases.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from exigent.cases.lifecycle import Status

# Country: (legal process, emergency, preservation) in thousands, share with some data produced.
COUNTRY_MIX: dict[str, tuple[float, float, float, float]] = {
    "US": (69.8, 4.2, 84.9, 0.87),
    "IN": (63.6, 7.0, 9.4, 0.69),
    "BR": (20.5, 3.3, 13.8, 0.80),
    "DE": (20.0, 0.8, 0.6, 0.72),
    "FR": (5.9, 6.2, 0.2, 0.83),
    "AR": (3.6, 0.4, 6.8, 0.68),
    "GB": (9.7, 0.1, 0.4, 0.88),
    "PL": (6.7, 0.2, 0.7, 0.68),
    "MX": (3.4, 1.3, 2.7, 0.57),
    "CA": (1.2, 1.9, 2.4, 0.83),
    "TR": (4.3, 0.0, 0.0, 0.77),
    "IT": (2.5, 0.1, 1.6, 0.66),
    "AU": (2.5, 0.3, 0.5, 0.82),
    "ES": (2.9, 0.0, 0.3, 0.64),
    "AT": (1.6, 0.0, 1.6, 0.88),
    "CO": (0.5, 1.3, 1.2, 0.75),
    "KR": (1.1, 0.4, 1.2, 0.83),
    "PT": (1.4, 0.0, 0.2, 0.48),
    "IE": (0.6, 0.1, 0.1, 0.75),
    "NL": (0.9, 0.1, 0.2, 0.74),
}
EU_STATES = frozenset({"DE", "FR", "PL", "IT", "ES", "AT", "PT", "IE", "NL"})
# Of an EU Member State's legal process and preservation requests, the share that come as
# European Production or Preservation Orders.
EU_ORDER_SHARE = 0.08
LEGAL_KINDS = {"search_warrant": 45, "subpoena": 30, "court_order": 17, "other": 5, "consent": 3}
PRESERVING = {"preservation": 85, "preservation_extension": 15}
HARMS = {
    "suicide_self_harm": 34,
    "child_safety": 22,
    "violent_threat": 20,
    "kidnapping": 8,
    "terrorism": 4,
    "other_life_threat": 12,
}
# Of the cases where nothing was produced: answered with nothing, rejected, withdrawn.
NOT_PRODUCED = {"nothing_produced": 45, "rejected": 40, "withdrawn": 15}
PARTIAL_SHARE = 0.25
FRAUD_SHARE = 0.004
# Typical minutes a step takes, per priority; each draw is log-normal around it, so a tail
# of cases misses its clock.
STEP_MINUTES = {"P0": 12.0, "P1": 90.0, "P2": 600.0, "P3": 1800.0}
STEP_FACTOR = {
    Status.triaged: 1.0,
    Status.verifying: 1.5,
    Status.under_review: 3.0,
    Status.awaiting_approval: 1.5,
    Status.approved: 1.0,
    Status.producing: 0.8,
    Status.delivered: 2.0,
    Status.preserved: 1.0,
    Status.rejected: 2.0,
    Status.withdrawn: 4.0,
    Status.closed: 6.0,
}
S = Status
PATHS = {
    "produced_full": [
        S.triaged,
        S.under_review,
        S.awaiting_approval,
        S.approved,
        S.producing,
        S.delivered,
        S.closed,
    ],
    "rejected": [S.triaged, S.under_review, S.rejected, S.closed],
    "withdrawn": [S.triaged, S.withdrawn, S.closed],
    "preserved_only": [S.triaged, S.preserved, S.closed],
}
PATHS["produced_partial"] = PATHS["nothing_produced"] = PATHS["produced_full"]


@dataclass(frozen=True, slots=True)
class Drawn:
    """One historical case as drawn: where from, what, and what it came to."""

    country: str
    kind: str
    harm: str | None
    outcome: str
    fraud: bool


def country_weights() -> tuple[list[str], list[float]]:
    return list(COUNTRY_MIX), [sum(v[:3]) for v in COUNTRY_MIX.values()]


def draw_case(rng: random.Random, countries: list[str], weights: list[float]) -> Drawn:
    country = rng.choices(countries, weights=weights)[0]
    legal, emergency, preservation, produced = COUNTRY_MIX[country]
    family = rng.choices(["legal", "emergency", "preservation"], [legal, emergency, preservation])
    harm = None
    if family[0] == "emergency":
        kind, harm = "emergency", _pick(rng, HARMS)
    elif family[0] == "preservation":
        kind = _pick(rng, PRESERVING)
    else:
        kind = _pick(rng, LEGAL_KINDS)
    if country in EU_STATES and kind != "emergency" and rng.random() < EU_ORDER_SHARE:
        kind = "eu_preservation_order" if kind in PRESERVING else "eu_production_order"
    fraud = rng.random() < FRAUD_SHARE
    return Drawn(country, kind, harm, _outcome(rng, kind, produced, fraud), fraud)


def _outcome(rng: random.Random, kind: str, produced: float, fraud: bool) -> str:
    if fraud:
        return "rejected"
    if kind in PRESERVING or kind == "eu_preservation_order":
        return "withdrawn" if rng.random() < 0.04 else "preserved_only"
    if rng.random() < produced:
        return "produced_partial" if rng.random() < PARTIAL_SHARE else "produced_full"
    return _pick(rng, NOT_PRODUCED)


def _pick(rng: random.Random, weighted: dict[str, int]) -> str:
    return rng.choices(list(weighted), weights=list(weighted.values()))[0]


def walk(
    rng: random.Random, outcome: str, priority: str, received: datetime, now: datetime
) -> list[tuple[Status, datetime]]:
    """The moves of a case from receipt, each after a drawn wait; moves still in the future
    are left out, so recent cases stay open where they would be today."""
    path = list(PATHS[outcome])
    if priority in {"P0", "P1"} and outcome.startswith("produced") and rng.random() < 0.3:
        path.insert(1, S.verifying)
    moves, at = [], received
    base = STEP_MINUTES[priority]
    for status in path:
        minutes = base * STEP_FACTOR[status] * math.exp(rng.gauss(0, 0.9))
        at = at + timedelta(minutes=max(minutes, 0.5))
        if at > now:
            break
        moves.append((status, at))
    return moves
