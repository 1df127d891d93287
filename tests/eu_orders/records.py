"""Orders from EU authorities as intake records, each complete for its kind unless told."""

from __future__ import annotations

from typing import Any

from legal.intake import put

RECEIVED_AT = "2026-09-14T09:00:00+02:00"
EU_KINDS = [
    "eu_production_order",
    "eu_preservation_order",
    "eu_removal_order",
    "dsa_order_to_act",
    "dsa_information_order",
]
EPOC_KINDS = ["eu_production_order", "eu_preservation_order"]
CONTENT_KINDS = ["eu_removal_order", "dsa_order_to_act"]
LOCATOR = "https://social.example/p/7781"


def eu_order(kind: str, **changes: Any) -> dict[str, Any]:
    """A certificate of `kind` from a Berlin court, with what each kind needs."""
    role = "court" if kind in EPOC_KINDS else "other_competent_authority"
    order: dict[str, Any] = {
        "issuing_state": "DE",
        "issuing_authority": {
            "name": "Amtsgericht Berlin-Tiergarten" if kind in EPOC_KINDS else "Bundeskriminalamt",
            "role": role,
            "email": "eevidence@ag-tiergarten.berlin.de",
            "phone": "+493090140",
            "file_number": "351 Gs 1187/26",
        },
        "addressee": "Example Platform Ireland Ltd (designated establishment)",
    }
    if kind in EPOC_KINDS:
        order |= {
            "deadline_section": "standard",
            "data_categories": ["subscriber_data"],
            "data_period": {"start": "2026-06-01", "end": "2026-09-01"},
            "grounds": "Threats sent to a witness from this account.",
            "offence": "Coercion of a witness (s. 240 StGB)",
            "offence_max_sentence_years": 3,
            "person_may_be_told": False,
        }
    if kind in CONTENT_KINDS:
        order |= {
            "content": [{"locator": LOCATOR, "reason": "Incites terrorist offences"}],
            "reasons": "Video glorifying an attack, inciting further attacks (Art. 2(7)(a)).",
        }
    if kind == "dsa_information_order":
        order |= {"reasons": "Identify the seller of counterfeit medicines."}
    for path, value in changes.items():
        put(order, path.replace("__", "."), value)
    return order


def eu_record(kind: str, /, *categories: str, **changes: Any) -> dict[str, Any]:
    """An order of `kind` with every element the default policy requires of it."""
    record: dict[str, Any] = {
        "id": f"EU-{kind}",
        "kind": kind,
        "received_via": "api",
        "received_at": RECEIVED_AT,
        "requester": {
            "name": "Katrin Vogel",
            "email": "k.vogel@ag-tiergarten.berlin.de",
            "agency_name": "Amtsgericht Berlin-Tiergarten",
            "agency_country": "DE",
        },
        "case_number": "351 Gs 1187/26",
        "eu_order": eu_order(kind),
    }
    if kind not in CONTENT_KINDS:
        record["targets"] = [{"identifier_type": "username", "value": "nightowl_88"}]
    if kind == "eu_production_order" or kind == "dsa_information_order":
        record["data_requested"] = list(categories or ["subscriber_info"])
    elif categories:
        record["data_requested"] = list(categories)
    if kind.startswith("dsa_"):
        record["legal_authority"] = "Regulation (EU) 2022/2065"
    for path, value in changes.items():
        put(record, path.replace("__", "."), value)
    return record
