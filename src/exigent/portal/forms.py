"""The request form: which sections each kind asks, the words officers read, and turning the
posted fields into an intake record (and its problems back into fields)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, Protocol

from pydantic import ValidationError

from exigent.auth.accounts import PortalAccount
from exigent.cases.schemas import (
    COMPULSORY_KINDS,
    EU_ORDER_KINDS,
    PRESERVATION_KINDS,
    DataCategory,
    EmergencyNature,
    IdentifierType,
    IntakeRecord,
    RequestKind,
)
from exigent.errors import describe_validation_error
from exigent.eu_orders.form import certificate_from_form, form_field
from exigent.legal.cases import missing_in_plain_words
from exigent.legal.engine import missing_elements
from exigent.legal.policy import Policy
from exigent.web.labels import label

CONTENT_KINDS = frozenset({RequestKind.eu_removal_order, RequestKind.dsa_order_to_act})

KINDS: dict[str, tuple[str, str]] = {
    "emergency": (
        "Emergency",
        "Someone is in danger of death or serious physical injury now, and there is no time "
        "for legal process.",
    ),
    "subpoena": ("Subpoena", "Compels basic subscriber information only."),
    "court_order": ("Court order (18 U.S.C. 2703(d))", "Compels records that are not content."),
    "search_warrant": ("Search warrant", "Compels content and records."),
    "preservation": (
        "Preservation",
        "Keep the account's data for 90 days while you obtain legal process. Nothing is disclosed.",
    ),
    "preservation_extension": (
        "Preservation extension",
        "Extend a preservation we already hold by another 90 days.",
    ),
    "consent": ("Consent", "The account holder consents to the disclosure."),
    "real_time": (
        "Real-time",
        "Pen register, trap and trace or interception orders.",
    ),
    "other": ("Something else", "Any other legal process; our legal team will review it."),
    # Orders of EU Member States' authorities, with their certificate's fields.
    "eu_production_order": (
        "European Production Order (EPOC)",
        "Regulation (EU) 2023/1543: data produced within 10 days, or 8 hours in an emergency.",
    ),
    "eu_preservation_order": (
        "European Preservation Order (EPOC-PR)",
        "Regulation (EU) 2023/1543: data kept for 60 days while you issue a production order.",
    ),
    "eu_removal_order": (
        "Removal order (terrorist content)",
        "Regulation (EU) 2021/784: access disabled in every Member State within one hour.",
    ),
    "dsa_order_to_act": (
        "DSA order to act against illegal content",
        "Regulation (EU) 2022/2065, Art. 9.",
    ),
    "dsa_information_order": (
        "DSA order to provide information",
        "Regulation (EU) 2022/2065, Art. 10.",
    ),
}

# The emergency's nature in the words every page uses (`exigent.web.labels`).
NATURES: dict[str, str] = {nature.value: label(nature) for nature in EmergencyNature}

CATEGORIES: dict[str, tuple[str, str]] = {
    DataCategory.subscriber_info: (
        "Subscriber information",
        "Name, email, phone, registration and recent sign-in IP addresses, payment details.",
    ),
    DataCategory.account_activity: (
        "Account activity",
        "Sign-in and access logs, IP addresses over time, devices.",
    ),
    DataCategory.connections: ("Connections", "Followers, following, friends and blocks."),
    DataCategory.message_metadata: (
        "Message records",
        "Who messaged whom and when, without what the messages say.",
    ),
    DataCategory.location: ("Location history", "Locations the platform has stored."),
    DataCategory.content: (
        "Content",
        "Posts, photos, videos, comments and private messages.",
    ),
}

IDENTIFIERS: dict[str, str] = {
    IdentifierType.username: "Username",
    IdentifierType.user_id: "User ID",
    IdentifierType.email: "Email address",
    IdentifierType.phone: "Phone number",
}

ATTESTATION = (
    "I attest that I am a law-enforcement officer, that this request is genuine, and that I "
    "believe in good faith that an emergency involving danger of death or serious physical "
    "injury requires disclosure without delay."
)

# Where a problem with an intake field is shown on the form.
FIELD_FOR = {
    "date_range": "date_end",
    "date_range.start": "date_start",
    "date_range.end": "date_end",
    "attestation.signed": "attestation",
    "nondisclosure_order.expires_on": "nondisclosure_expires_on",
    "documents": "documents",
    "targets": "targets",
    "data_requested": "data_requested",
}


class FormLike(Protocol):
    def get(self, key: str, /) -> Any: ...
    def getlist(self, key: str, /) -> Any: ...


def sections(kind: str) -> set[str]:
    """Which parts of the form a kind of request asks for."""
    if kind in EU_ORDER_KINDS:
        # The certificate says what an order acts on; an order on content names no account.
        accounts = set() if kind in CONTENT_KINDS else {"targets", "categories"}
        return {"case", "eu_order", "documents", *accounts}
    parts = {"case", "targets", "categories", "dates"}
    if kind == RequestKind.emergency:
        parts |= {"emergency"}
    elif kind in PRESERVATION_KINDS:
        parts |= {"preservation"}
        if kind == RequestKind.preservation_extension:
            parts.add("extensions")
    else:
        parts |= {"authority", "documents"}
        if kind in COMPULSORY_KINDS:
            parts.add("nondisclosure")
    return parts


def _text(form: FormLike, key: str) -> str | None:
    value = form.get(key)
    if not isinstance(value, str) or not value.strip():
        return None
    return value.strip()


def requester_of(account: PortalAccount) -> dict[str, Any]:
    """The officer as the record names them: always the signed-in account, never the form."""
    person = {
        "name": account.user.name,
        "title": account.title,
        "badge_number": account.badge_number,
        "email": account.user.email,
        "phone": account.phone,
        "agency_name": account.agency_name,
        "agency_country": account.agency_country,
        "agency_state": account.agency_state,
        "supervisor_name": account.supervisor_name,
        "supervisor_phone": account.supervisor_phone,
        "is_government": True,
    }
    return {k: v for k, v in person.items() if v is not None}


def targets_of(form: FormLike) -> list[dict[str, str]]:
    types, values = form.getlist("target_type"), form.getlist("target_value")
    rows = []
    for kind, value in zip(types, values, strict=False):
        if isinstance(value, str) and value.strip():
            rows.append({"identifier_type": str(kind), "value": value.strip()})
    return rows


def emergency_of(form: FormLike) -> dict[str, Any]:
    fields = ("nature", "facts", "persons_at_risk", "why_no_legal_process", "how_data_helps")
    found = {name: _text(form, f"emergency_{name}") for name in fields}
    return {k: v for k, v in found.items() if v is not None}


def date_range_of(form: FormLike) -> dict[str, str] | None:
    start, end = _text(form, "date_start"), _text(form, "date_end")
    if start is None and end is None:
        return None
    return {k: v for k, v in (("start", start), ("end", end)) if v is not None}


def record_from_form(
    form: FormLike,
    *,
    kind: str,
    account: PortalAccount,
    now: datetime,
    documents: Iterable[dict[str, str]] = (),
) -> dict[str, Any]:
    """The intake record the form describes, in its wire form (not yet validated)."""
    parts = sections(kind)
    record: dict[str, Any] = {
        "kind": kind,
        "received_via": "portal",
        "received_at": now.isoformat(),
        "requester": requester_of(account),
        "targets": targets_of(form),
        "data_requested": [str(c) for c in form.getlist("data_requested")],
        "documents": list(documents),
    }
    for key in ("case_number", "offense"):
        if (value := _text(form, key)) is not None:
            record[key] = value
    if (dates := date_range_of(form)) is not None:
        record["date_range"] = dates
    if "emergency" in parts:
        record["emergency"] = emergency_of(form)
        if form.get("attestation") == "yes":
            record["attestation"] = {"signed": True, "signed_at": now.isoformat()}
    if "authority" in parts and (authority := _text(form, "legal_authority")) is not None:
        record["legal_authority"] = authority
    if "nondisclosure" in parts and form.get("nondisclosure_present") == "yes":
        order: dict[str, Any] = {"present": True}
        if (expires := _text(form, "nondisclosure_expires_on")) is not None:
            order["expires_on"] = expires
        record["nondisclosure_order"] = order
    if "extensions" in parts:
        record["prior_extensions"] = _text(form, "prior_extensions") or "0"
    if "eu_order" in parts:
        record["eu_order"] = eu_certificate(form)
    return record


def eu_certificate(form: FormLike) -> dict[str, Any]:
    """The certificate's fields as the form gives them."""
    return certificate_from_form(form, [str(c) for c in form.getlist("data_categories")])


def field_of(path: str) -> str:
    """The form field where a problem at an intake field path is shown."""
    if path in FIELD_FOR:
        return FIELD_FOR[path]
    if path.startswith("eu_order."):
        return form_field(path)
    head = path.split("[", 1)[0]
    if head in ("targets", "data_requested", "documents"):
        return head
    if path.startswith("requester."):
        return "account"
    return path.replace(".", "_")


def validate(record: dict[str, Any]) -> tuple[IntakeRecord | None, dict[str, str]]:
    """The validated record, or the problems keyed by form field."""
    try:
        return IntakeRecord.model_validate(record), {}
    except ValidationError as exc:
        problems: dict[str, str] = {}
        for item in describe_validation_error(exc):
            problems.setdefault(field_of(item["field"]), f"{item['problem']}")
        return None, problems


def missing_for(record: IntakeRecord, policy: Policy) -> list[tuple[str, str]]:
    """The required elements still missing, as (form field, plain words)."""
    paths = missing_elements(record, policy)
    return list(zip((field_of(p) for p in paths), missing_in_plain_words(paths), strict=True))


# How an officer reads a case's status: never the internal stage or its clocks.
STATUS_WORDS: dict[str, tuple[str, str]] = {
    "received": ("Received", "We have your request and will pick it up shortly."),
    "triaged": ("In review", "Our team is working on your request."),
    "verifying": ("In review", "Our team is working on your request."),
    "under_review": ("In review", "Our team is working on your request."),
    "awaiting_approval": ("In review", "Our team is working on your request."),
    "approved": ("In review", "Our team is working on your request."),
    "need_info": (
        "We need more information from you",
        "Please answer the question below; we continue as soon as you do.",
    ),
    "producing": ("Preparing the data", "We are preparing the data for you."),
    "delivered": ("Ready to download", "The data is ready for you under Productions."),
    "preserved": ("Data preserved", "We are keeping the data; nothing has been disclosed."),
    "rejected": ("Declined", "We cannot disclose data on this request; see the messages."),
    "withdrawn": ("Withdrawn", "You withdrew this request."),
    "closed": ("Closed", "This request is closed."),
}


def status_words(status: str) -> tuple[str, str]:
    return STATUS_WORDS.get(status, ("In review", "Our team is working on your request."))


# What the case page says after an officer's form went through, in the panel it came from
# (`web.actions`).
CONFIRMATIONS = {
    "message": "Message sent to the response team.",
    "answer": "Answer sent. The response team works on your request again.",
    "uploaded": "Document added to your request.",
}
