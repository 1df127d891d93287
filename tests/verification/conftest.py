"""Fixtures for the verification tests: hand-built intake records and a shared assessor."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from exigent.cases.schemas import IntakeRecord
from exigent.verification.engine import Assessor

RecordFactory = Callable[..., IntakeRecord]

# A genuine-looking emergency request from a real agency whose own domain is in the directory
# (Cloverdale PD, CA: cloverdale.net), sent by email with passing authentication.
BASE: dict[str, Any] = {
    "id": "req-1",
    "kind": "emergency",
    "received_via": "email",
    "received_at": "2026-03-02T10:15:00-08:00",
    "requester": {
        "name": "Dana Reyes",
        "title": "Detective",
        "email": "dreyes@cloverdale.net",
        "phone": "+17075550142",
        "agency_name": "Cloverdale Police Department",
        "agency_country": "US",
        "agency_state": "CA",
        "supervisor_name": "Sam Ortiz",
        "supervisor_phone": "+17075550199",
        "is_government": True,
    },
    "case_number": "CPD-26-0412",
    "emergency": {
        "nature": "suicide_self_harm",
        "facts": (
            "At 09:40 her mother called 911 after the account river.song22 posted \"i can't do "
            'this anymore, goodbye" with a photo of pills. She is 17, was last seen wearing a '
            "grey hoodie near the Citrus Fair parking lot, and her phone goes to voicemail. "
            "Units checked the residence on Main St and a carrier ping returned nothing usable."
        ),
        "persons_at_risk": "R.S., 17F",
        "why_no_legal_process": "Imminent threat to life; no time to obtain legal process.",
        "how_data_helps": "Recent login IP addresses and location will let units find her.",
    },
    "targets": [{"identifier_type": "username", "value": "river.song22"}],
    "data_requested": ["subscriber_info", "location"],
    "date_range": {"start": "2026-02-28", "end": "2026-03-02"},
    "legal_authority": "18 U.S.C. 2702(b)(8) and 2702(c)(4)",
    "attestation": {"signed": True},
    "email": {
        "from": "Detective Dana Reyes <dreyes@cloverdale.net>",
        "authentication_results": (
            "mx.google.com; dkim=pass header.i=@cloverdale.net header.s=s1; spf=pass "
            "(google.com: domain of dreyes@cloverdale.net designates 40.107.1.2 as permitted "
            "sender) smtp.mailfrom=dreyes@cloverdale.net; dmarc=pass (p=REJECT) "
            "header.from=cloverdale.net"
        ),
        "received_ip": "40.107.1.2",
    },
}


def _merge(base: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    merged = copy.deepcopy(base)
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        elif value is None:
            merged.pop(key, None)
        else:
            merged[key] = value
    return merged


@pytest.fixture
def make_record() -> RecordFactory:
    """Build a record from the genuine-looking base; nested dicts merge, None removes a key."""

    def build(**changes: Any) -> IntakeRecord:
        return IntakeRecord.model_validate(_merge(BASE, changes))

    return build


@pytest.fixture(scope="session")
def assessor() -> Assessor:
    return Assessor()
