"""Intake records as officers really send them, for tests."""

from __future__ import annotations

import itertools
from typing import Any

_counter = itertools.count(1)


def emergency_record(**overrides: Any) -> dict[str, Any]:
    number = next(_counter)
    record: dict[str, Any] = {
        "id": f"T-{number:05d}",
        "kind": "emergency",
        "received_via": "api",
        "received_at": "2026-11-24T02:10:00-05:00",
        "requester": {
            "name": "Dana Whitfield",
            "title": "Detective",
            "badge_number": "4471",
            "email": "dwhitfield@springfieldpd.org",
            "phone": "+12175550143",
            "agency_name": "Springfield Police Department",
            "agency_country": "US",
            "agency_state": "IL",
            "supervisor_name": "Lt. Omar Reyes",
            "supervisor_phone": "+12175550100",
            "is_government": True,
        },
        "case_number": f"26-{number:05d}",
        "emergency": {
            "nature": "suicide_self_harm",
            "facts": "The user posted a goodbye note and a photo of pills at 01:40 tonight.",
            "persons_at_risk": "The account holder, believed 19",
            "why_no_legal_process": "A warrant takes hours; the risk is now.",
            "how_data_helps": "Recent login IPs let us locate the residence for a welfare check.",
        },
        "targets": [{"identifier_type": "username", "value": "night.owl.77"}],
        "data_requested": ["subscriber_info", "account_activity"],
        "date_range": {"start": "2026-11-20", "end": "2026-11-24"},
        "legal_authority": "18 U.S.C. 2702(b)(8), 2702(c)(4)",
        "attestation": {"signed": True, "signed_at": "2026-11-24T02:08:00-05:00"},
    }
    record.update(overrides)
    return record


def subpoena_record(**overrides: Any) -> dict[str, Any]:
    record = emergency_record(
        kind="subpoena",
        legal_authority="18 U.S.C. 2703(c)(2)",
        data_requested=["subscriber_info"],
        documents=[
            {"sha256": "a" * 64, "filename": "subpoena.pdf", "media_type": "application/pdf"}
        ],
    )
    record.pop("emergency")
    record.pop("attestation")
    record.update(overrides)
    return record
