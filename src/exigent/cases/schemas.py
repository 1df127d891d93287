"""The intake record (shared across API, CLI, portal and email) and the case read models."""

from __future__ import annotations

import re
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from exigent.cases.base import Strict
from exigent.cases.eu_certificate import EuOrder, EuOrderKind, check_order_for_kind
from exigent.errors import FieldValueError

E164 = re.compile(r"^\+[1-9]\d{6,14}$")
SHA256_HEX = re.compile(r"^[0-9a-f]{64}$")

Text = Annotated[str, StringConstraints(max_length=20_000)]
ShortText = Annotated[str, StringConstraints(max_length=500)]


class RequestKind(StrEnum):
    emergency = "emergency"
    subpoena = "subpoena"
    court_order = "court_order"
    search_warrant = "search_warrant"
    preservation = "preservation"
    preservation_extension = "preservation_extension"
    consent = "consent"
    real_time = "real_time"
    other = "other"
    # A case the team opens itself on a risk it found (a proactive referral), not a request.
    referral = "referral"
    # Orders from EU authorities (Regulations (EU) 2023/1543, 2021/784 and 2022/2065).
    eu_production_order = "eu_production_order"
    eu_preservation_order = "eu_preservation_order"
    eu_removal_order = "eu_removal_order"
    dsa_order_to_act = "dsa_order_to_act"
    dsa_information_order = "dsa_information_order"


PRESERVATION_KINDS = frozenset({RequestKind.preservation, RequestKind.preservation_extension})
EU_ORDER_KINDS = frozenset(RequestKind(kind) for kind in EuOrderKind)
# Kinds that disclose nothing: a hold keeps data, a removal order or an order to act takes
# content down. Every category they name is reported not permitted, and none is required.
NON_DISCLOSING_KINDS = PRESERVATION_KINDS | {
    RequestKind.eu_preservation_order,
    RequestKind.eu_removal_order,
    RequestKind.dsa_order_to_act,
}
COMPULSORY_KINDS = frozenset(
    {RequestKind.subpoena, RequestKind.court_order, RequestKind.search_warrant}
)


class ReceivedVia(StrEnum):
    portal = "portal"
    api = "api"
    email = "email"
    phone = "phone"
    fax = "fax"
    # Raised inside the platform (the moderation system or an analyst), not by a requester.
    internal = "internal"


class EmergencyNature(StrEnum):
    suicide_self_harm = "suicide_self_harm"
    child_safety = "child_safety"
    kidnapping = "kidnapping"
    violent_threat = "violent_threat"
    terrorism = "terrorism"
    other_life_threat = "other_life_threat"


class IdentifierType(StrEnum):
    username = "username"
    user_id = "user_id"
    email = "email"
    phone = "phone"


class DataCategory(StrEnum):
    subscriber_info = "subscriber_info"
    account_activity = "account_activity"
    connections = "connections"
    message_metadata = "message_metadata"
    location = "location"
    content = "content"


def _check_phone(value: str | None) -> str | None:
    if value is None or not value.strip():
        return value
    if not E164.match(value.strip()):
        raise ValueError("must be an E.164 number such as +14155550123")
    return value.strip()


class Requester(Strict):
    name: ShortText | None = None
    title: ShortText | None = None
    badge_number: ShortText | None = None
    email: ShortText | None = None
    phone: ShortText | None = None
    agency_name: ShortText | None = None
    agency_country: str | None = None
    agency_state: ShortText | None = None
    supervisor_name: ShortText | None = None
    supervisor_phone: ShortText | None = None
    is_government: bool | None = None

    @field_validator("phone", "supervisor_phone")
    @classmethod
    def phone_is_e164(cls, value: str | None) -> str | None:
        return _check_phone(value)

    @field_validator("email")
    @classmethod
    def email_has_domain(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return value
        local, at, domain = value.strip().rpartition("@")
        if not at or not local or "." not in domain or " " in value.strip():
            raise ValueError("must be an email address such as name@agency.org")
        return value.strip()

    @field_validator("agency_country")
    @classmethod
    def country_is_alpha2(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return value
        if not re.fullmatch(r"[A-Za-z]{2}", value.strip()):
            raise ValueError("must be an ISO 3166-1 alpha-2 code such as US or GB")
        return value.strip().upper()


class Emergency(Strict):
    nature: EmergencyNature | None = None
    facts: Text | None = None
    persons_at_risk: Text | None = None
    why_no_legal_process: Text | None = None
    how_data_helps: Text | None = None


class Target(Strict):
    identifier_type: IdentifierType
    value: Annotated[str, StringConstraints(min_length=1, max_length=320)]


class DateRange(Strict):
    start: date | None = None
    end: date | None = None

    @model_validator(mode="after")
    def start_not_after_end(self) -> DateRange:
        if self.start and self.end and self.start > self.end:
            raise ValueError("start must not be after end")
        return self


class NondisclosureOrder(Strict):
    present: bool = False
    expires_on: date | None = None


class Attestation(Strict):
    signed: bool = False
    signed_at: AwareDatetime | None = None


class DocumentRef(Strict):
    sha256: str
    filename: ShortText
    media_type: ShortText

    @field_validator("sha256")
    @classmethod
    def sha256_is_hex(cls, value: str) -> str:
        if not SHA256_HEX.match(value.lower()):
            raise ValueError("must be 64 hexadecimal characters (a SHA-256 digest)")
        return value.lower()


class EmailHeaders(Strict):
    from_: ShortText | None = Field(default=None, alias="from")
    reply_to: ShortText | None = None
    authentication_results: Text | None = None
    received_ip: ShortText | None = None

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


# The years a request can have been received in: anything else is a typing error.
EARLIEST_RECEIPT_YEAR = 1990
LATEST_RECEIPT_YEAR = 2999


class IntakeRecord(Strict):
    """One law-enforcement request as submitted, before any judgement is made on it."""

    id: ShortText | None = None
    kind: RequestKind
    received_via: ReceivedVia
    received_at: AwareDatetime
    requester: Requester = Field(default_factory=Requester)
    case_number: ShortText | None = None
    emergency: Emergency | None = None
    targets: list[Target] = Field(default_factory=list, max_length=500)
    data_requested: list[DataCategory] = Field(default_factory=list)
    date_range: DateRange | None = None
    legal_authority: Text | None = None
    offense: ShortText | None = None
    nondisclosure_order: NondisclosureOrder | None = None
    user_notice_permitted: bool | None = None
    attestation: Attestation | None = None
    documents: list[DocumentRef] = Field(default_factory=list, max_length=100)
    email: EmailHeaders | None = None
    prior_extensions: Annotated[int, Field(ge=0)] | None = None
    eu_order: EuOrder | None = None

    @field_validator("received_at")
    @classmethod
    def received_in_our_era(cls, value: datetime) -> datetime:
        # Deadlines are counted forward from here (holds lapse years later); a date no request
        # was ever received on is refused by name rather than overflowing the calendar.
        if not EARLIEST_RECEIPT_YEAR <= value.year <= LATEST_RECEIPT_YEAR:
            raise ValueError(
                f"must be between the years {EARLIEST_RECEIPT_YEAR} and {LATEST_RECEIPT_YEAR}"
            )
        return value

    @field_validator("data_requested")
    @classmethod
    def categories_unique(cls, value: list[DataCategory]) -> list[DataCategory]:
        return list(dict.fromkeys(value))

    @model_validator(mode="after")
    def eu_order_fits_the_kind(self) -> IntakeRecord:
        if self.eu_order is None:
            return self
        if self.kind not in EU_ORDER_KINDS:
            raise FieldValueError(
                "eu_order", f"only an order from an EU authority has one, not {self.kind}"
            )
        try:
            check_order_for_kind(self.kind, self.eu_order)
        except FieldValueError as exc:
            raise FieldValueError(f"eu_order.{exc.field}", exc.problem) from None
        except ValueError as exc:
            raise FieldValueError("eu_order.issuing_state", str(exc)) from None
        return self

    def as_submitted(self) -> dict[str, Any]:
        """The record in its wire form, for storage and re-judgement."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)


class TransitionIn(Strict):
    to: str = Field(description="the status to move to")
    reason: Annotated[str, StringConstraints(max_length=5000)] | None = None
    reason_code: str | None = Field(
        default=None,
        max_length=40,
        description="for a rejection, why: fraud, not_an_emergency, deficient_process, "
        "overbroad, wrong_provider or other (fraud is what the fraud figures count)",
    )
    expected_version: int | None = Field(
        default=None,
        ge=1,
        le=2**31 - 1,
        description="refuse the move if the case changed since this version",
    )


class AssignIn(Strict):
    assignee_id: int = Field(ge=1, le=2**31 - 1)


class NoteIn(Strict):
    body: Annotated[str, StringConstraints(min_length=1, max_length=20_000)]
    visible_to_requester: bool = False


class TargetRead(BaseModel):
    identifier_type: str
    value: str


class DocumentRead(BaseModel):
    id: int
    sha256: str
    filename: str
    media_type: str
    size_bytes: int | None
    stored: bool
    created_at: datetime


class TimelineEventRead(BaseModel):
    id: int
    at: datetime
    kind: str
    actor: str
    from_status: str | None
    to_status: str | None
    body: str | None
    data: dict[str, Any]


class RequestSummary(BaseModel):
    id: int
    reference: str
    kind: str
    status: str
    priority: str
    received_via: str
    received_at: datetime
    agency_name: str | None
    case_number: str | None
    emergency_nature: str | None
    assignee_id: int | None
    acknowledge_due_at: datetime
    decide_due_at: datetime
    acknowledged_at: datetime | None
    decided_at: datetime | None
    version: int


class RequestRead(RequestSummary):
    requester_id: int | None
    agency_id: int | None
    allowed_transitions: list[str]
    targets: list[TargetRead]
    record: dict[str, Any]
    needs_completion: bool
    policy_version: int | None
    coppa: bool = Field(default=False, description="a target is a child under 13 (COPPA)")


class RequestPage(BaseModel):
    items: list[RequestSummary]
    next_cursor: str | None = Field(description="pass as `cursor` for the next page; null at end")
