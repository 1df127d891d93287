"""Intake records for the legal-basis tests, each complete for its kind unless told otherwise."""

from __future__ import annotations

import json
from typing import Any

from exigent.cases.schemas import IntakeRecord
from exigent.legal.engine import judge
from exigent.legal.policy import Policy, default_policy
from exigent.legal.schemas import LegalCheck

CATEGORIES = [
    "subscriber_info",
    "account_activity",
    "connections",
    "message_metadata",
    "location",
    "content",
]
KINDS = [
    "subpoena",
    "court_order",
    "search_warrant",
    "emergency",
    "preservation",
    "preservation_extension",
    "consent",
    "real_time",
    "other",
]
COMPULSORY = ["subpoena", "court_order", "search_warrant"]
RECEIVED_AT = "2025-01-27T10:05:00-05:00"
ABSENT = object()


def complete(kind: str, /, *categories: str, **changes: Any) -> dict[str, Any]:
    """A request of `kind` from a US police department carrying every element DOMAIN.md requires."""
    record: dict[str, Any] = {
        "id": f"T-{kind}",
        "kind": kind,
        "received_via": "portal",
        "received_at": RECEIVED_AT,
        "requester": {
            "name": "Sean Gallagher",
            "email": "sgallagher@cardington.org",
            "phone": "+14195550103",
            "agency_name": "Cardington Police Department",
            "agency_country": "US",
            "agency_state": "OH",
            "is_government": True,
        },
        "case_number": "25-04111",
        "targets": [{"identifier_type": "user_id", "value": "178205085465"}],
        "data_requested": list(categories or ["subscriber_info"]),
    }
    if kind == "emergency":
        record["emergency"] = {
            "nature": "suicide_self_harm",
            "facts": "Posted a note saying goodbye and a photo of pills an hour ago.",
            "how_data_helps": "Recent login IP and location let officers find the user tonight.",
        }
        record["attestation"] = {"signed": True, "signed_at": RECEIVED_AT}
    if kind in COMPULSORY:
        record["documents"] = [
            {"sha256": "ab" * 32, "filename": f"{kind}.pdf", "media_type": "application/pdf"}
        ]
        record["legal_authority"] = "18 U.S.C. 2703"
        record["date_range"] = {"start": "2024-09-29", "end": "2025-01-27"}
    for path, value in changes.items():
        put(record, path.replace("__", "."), value)
    return record


def put(record: dict[str, Any], path: str, value: Any) -> None:
    """Set (or with ABSENT remove) the element at a dotted path, creating parents as needed."""
    *parents, name = path.split(".")
    holder = record
    for parent in parents:
        holder = holder.setdefault(parent, {})
    if value is ABSENT:
        holder.pop(name, None)
    else:
        holder[name] = value


def check(record: dict[str, Any], policy: Policy | None = None) -> LegalCheck:
    return judge(IntakeRecord.model_validate(record), policy or default_policy())


def wire(result: LegalCheck) -> dict[str, Any]:
    """The check as `exigent legal-check` prints it."""
    loaded: dict[str, Any] = json.loads(result.model_dump_json())
    return loaded
