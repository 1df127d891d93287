"""The agency directory as staff read and edit it."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated

import phonenumbers
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from exigent.cases.models import TrustStatus
from exigent.cases.schemas import E164
from exigent.directory.models import PhoneSource

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
Notes = Annotated[str, StringConstraints(max_length=20_000)]
_DOMAIN = re.compile(r"^(?=.{3,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$")


# How each kind of source reads on a callback task ("official list: Illinois POST list").
SOURCE_LABELS = {
    PhoneSource.agency_website: "agency website",
    PhoneSource.directory: "official directory or list",
    PhoneSource.prior_callback: "earlier confirmed callback",
}
_ORI = re.compile(r"^[A-Z]{2}[A-Z0-9]{7}$")


class StrictIn(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _e164(value: str | None) -> str | None:
    if value is not None and not E164.match(value.strip()):
        raise ValueError("must be an E.164 number such as +14155550123")
    return value.strip() if value else value


def _country(value: str) -> str:
    if not re.fullmatch(r"[A-Za-z]{2}", value.strip()):
        raise ValueError("must be an ISO 3166-1 alpha-2 code such as US or GB")
    return value.strip().upper()


def _ori(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    value = value.strip().upper()
    if not _ORI.match(value):
        raise ValueError("must be a 9-character ORI such as IL0160000")
    return value


def bare_host(text: str) -> str:
    """The host named by a domain, a web address or a mail address, without `www.`."""
    text = text.strip().lower()
    text = text.rsplit("@", 1)[-1]
    text = text.split("://", 1)[-1].split("/", 1)[0].split("?", 1)[0].split(":", 1)[0]
    return text.removeprefix("www.").strip(".")


def phone_number(value: str, country: str) -> str:
    """A number as typed ("(217) 555-7000", "+44 20 7946 1000") in E.164, read in the agency's
    country when it has no leading +; a ValueError naming the problem otherwise."""
    try:
        parsed = phonenumbers.parse(value, country.upper() or "US")
    except phonenumbers.NumberParseException:
        raise ValueError(f"{value!r} is not a phone number") from None
    if not phonenumbers.is_valid_number(parsed):
        raise ValueError(f"{value!r} is not a valid number in {country} (add the + prefix?)")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


class AgencyCreate(StrictIn):
    name: Name
    agency_type: Annotated[str, StringConstraints(max_length=60)] | None = None
    country: str = "US"
    state: Annotated[str, StringConstraints(max_length=10)] | None = None
    ori: str | None = None
    homepage_url: Annotated[str, StringConstraints(max_length=500)] | None = None
    verified_phone: str | None = None
    phone_source: PhoneSource | None = None
    notes: Notes | None = None

    _phone = field_validator("verified_phone")(_e164)
    _country = field_validator("country")(_country)
    _ori = field_validator("ori")(_ori)


class AgencyDetails(StrictIn):
    """What a lead corrects about an agency on its page; every field is given."""

    name: Name
    agency_type: Annotated[str, StringConstraints(strip_whitespace=True, max_length=60)] | None
    country: str
    state: Annotated[str, StringConstraints(strip_whitespace=True, max_length=10)] | None
    ori: str | None
    homepage_url: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)] | None
    notes: Notes | None

    _country = field_validator("country")(_country)
    _ori = field_validator("ori")(_ori)


class PhoneCreate(StrictIn):
    """A number found independently of any request, with where it was found."""

    number: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]
    label: Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)] | None = None
    source_kind: PhoneSource
    source: Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=150)]
    use_for_callbacks: bool = True


class AgencyUpdate(StrictIn):
    verified_phone: str | None = None
    phone_source: PhoneSource | None = None
    notes: Notes | None = None
    status: TrustStatus | None = None
    reason: Notes | None = Field(default=None, description="why the status changed")

    _phone = field_validator("verified_phone")(_e164)


class AgencyRead(BaseModel):
    id: int
    name: str
    agency_type: str | None
    country: str
    state: str | None
    ori: str | None
    homepage_url: str | None
    verified_phone: str | None
    phone_source: str | None
    status: str
    source: str
    notes: str | None
    domains: list[str] = []


class DomainCreate(StrictIn):
    domain: Annotated[str, StringConstraints(strip_whitespace=True, to_lower=True, max_length=253)]
    agency_id: int = Field(ge=1, le=2**31 - 1)
    # Where staff confirmed the domain is the agency's own.
    source_note: Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)] | None = (
        None
    )

    @field_validator("domain")
    @classmethod
    def domain_is_a_host_name(cls, value: str) -> str:
        value = bare_host(value)
        try:
            value = value.encode("idna").decode("ascii")
        except UnicodeError:
            raise ValueError("is not a valid domain name") from None
        if not _DOMAIN.match(value):
            raise ValueError("must be a domain name such as police.uk or cityofx.gov")
        return value


class DomainRead(BaseModel):
    id: int
    domain: str
    agency_id: int | None
    source: str
    organization: str | None
    source_note: str | None = None
    created_at: datetime


class StatusIn(StrictIn):
    status: TrustStatus
    reason: Annotated[str, StringConstraints(min_length=1, max_length=5000)]


class RequesterRead(BaseModel):
    id: int
    email: str
    name: str | None
    agency_id: int | None
    status: str
