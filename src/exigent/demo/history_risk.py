"""Risk assessments for the demo's history, as plain rows for a bulk insert.

Every fraud in the history, and a share of the genuine cases, gets the assessment intake would
have made a minute or two after receipt: the signals of one of the ways impostors work (a
free-mail address, a look-alike of a real agency's domain, a genuine mailbox taken over, a
template sent by many), or for a genuine case the small signals ordinary requests carry and,
now and then, one that makes a false alarm. Scores, levels and whether a callback is required
come from the shipped weights, as the engine's own would.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from exigent.verification.scoring import (
    ScoredSignal,
    Weights,
    default_weights,
    verification_required,
)
from exigent.verification.signal_descriptions import DESCRIPTIONS

# Of the genuine cases, the share with an assessment on record.
ASSESSED_SHARE = 0.25
LOOKALIKES = (
    "lookalike_typo",
    "lookalike_homoglyph",
    "lookalike_added_word",
    "lookalike_tld_swap",
    "lookalike_subdomain",
)
# Each way impostors work: the signals it always fires, and those it fires now and then.
FRAUD_PATTERNS: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (
        ("free_mail_domain",),
        (
            "requester_first_seen",
            "domain_unlisted",
            "supervisor_missing",
            "threatening_deadline",
            "facts_very_thin",
            "callback_redirect",
            "mobile_only_contact",
        ),
    ),
    (
        ("lookalike_of_claimed_agency", "domain_first_seen"),
        (
            "requester_first_seen",
            "email_dmarc_failed",
            "reply_to_free_mail",
            "citation_claims_compulsion",
            "threatening_deadline",
        ),
    ),
    (
        ("sending_network_changed", "reply_to_other_domain"),
        (
            "callback_redirect",
            "sending_ip_inconsistent",
            "citation_compulsory_process",
            "threatening_language",
            "facts_thin",
            "template_of_fraud",
        ),
    ),
    (
        ("template_reuse",),
        (
            "request_burst",
            "unrelated_targets",
            "scope_many_targets",
            "supervisor_same_number",
            "facts_very_thin",
        ),
    ),
)
ORDINARY = (
    "domain_first_seen",
    "scope_broad_categories",
    "facts_thin",
    "mobile_only_contact",
    "email_auth_weak",
    "scope_several_targets",
    "domain_unlisted",
    "supervisor_phone_missing",
    "scope_date_range_long",
)
# What makes a genuine request look suspicious: a foreign agency citing US law, years of data.
FALSE_ALARMS = (
    "scope_date_range_years",
    "citation_us_law_foreign",
    "supervisor_missing",
    "domain_country_mismatch",
)


def risk_rows(
    rng: random.Random, case_id: int, fraud: bool, received: datetime
) -> list[dict[str, Any]]:
    """The case's risk assessment as a row (none for most genuine cases)."""
    if fraud:
        codes = _fraud_signals(rng)
    elif rng.random() < ASSESSED_SHARE:
        codes = _ordinary_signals(rng)
    else:
        return []
    weights = default_weights()
    signals = [ScoredSignal(code, weights.weight(code), DESCRIPTIONS[code]) for code in codes]
    score = max(0, min(100, weights.baseline + sum(s.weight for s in signals)))
    return [
        {
            "request_id": case_id,
            "score": score,
            "level": str(weights.level(score)),
            "verification_required": verification_required(score, signals, weights),
            "signals": [{"code": s.code, "weight": s.weight, "detail": s.detail} for s in signals],
            "weights_version": _version(weights),
            "assessed_at": received + timedelta(seconds=rng.randint(20, 180)),
        }
    ]


def _fraud_signals(rng: random.Random) -> list[str]:
    always, sometimes = rng.choice(FRAUD_PATTERNS)
    codes = list(always)
    if "lookalike_of_claimed_agency" in codes:
        codes.insert(0, rng.choice(LOOKALIKES))
    codes += rng.sample(sometimes, rng.randint(1, 3))
    return codes


def _ordinary_signals(rng: random.Random) -> list[str]:
    if rng.random() < 0.55:
        codes = ["requester_previously_verified"]
    else:
        codes = ["requester_not_verified"] + (
            ["requester_first_seen"] if rng.random() < 0.4 else []
        )
    # Nearly every genuine request names an agency the FBI list knows.
    if rng.random() < 0.9:
        codes.append("agency_listed")
    codes += [code for code in ORDINARY if rng.random() < 0.12]
    if rng.random() < 0.03:
        codes.append(rng.choice(FALSE_ALARMS))
    return codes


def _version(weights: Weights) -> int:
    # The shipped table is version 1 (`weights.json`); never record 0 for it.
    return weights.version or 1
