"""What a case still lacks, in words the team reads at a glance.

The officer is asked in their own terms (`cases.PLAIN_WORDS`, "your signed attestation ...");
staff read the same gaps as one line, "no target account, no description of the emergency",
so an empty emergency shows what is missing instead of a list of field names.
"""

from __future__ import annotations

from collections.abc import Sequence

STAFF_WORDS = {
    "requester.name": "no requester name",
    "requester.email": "no requester email",
    "requester.phone": "no phone number for the requester",
    "requester.agency_name": "no agency named",
    "targets": "no target account",
    "data_requested": "no kind of data asked for",
    "emergency.nature": "no nature of the emergency",
    "emergency.facts": "no description of the emergency",
    "emergency.how_data_helps": "nothing on how the data helps",
    "attestation.signed": "no signed attestation",
    "documents": "no copy of the legal process",
    "legal_authority": "no legal authority cited",
    "date_range": "no complete date range",
    "case_number": "no agency case number",
}


def missing_for_staff(paths: Sequence[str]) -> str:
    """The missing elements as one line; empty when nothing is missing."""
    return ", ".join(
        STAFF_WORDS.get(path, "no " + path.replace("_", " ").replace(".", " ")) for path in paths
    )
