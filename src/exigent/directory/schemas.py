"""The agency directory as staff read and edit it."""

from __future__ import annotations

import re
from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from exigent.cases.models import TrustStatus
from exigent.cases.schemas import E164

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
Notes = Annotated[str, StringConstraints(max_length=20_000)]
_DOMAIN = re.compile(r"^(?=.{3,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$")


class PhoneSource(StrEnum):
    """Where an independently sourced agency number was found (never the request itself)."""

    agency_website = "agency_website"
    directory = "directory"
    prior_callback = "prior_callback"


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


class AgencyCreate(StrictIn):
    name: Name
    agency_type: Annotated[str, StringConstraints(max_length=60)] | None = None
    country: str = "US"
    state: Annotated[str, StringConstraints(max_length=10)] | None = None
    homepage_url: Annotated[str, StringConstraints(max_length=500)] | None = None
    verified_phone: str | None = None
    phone_source: PhoneSource | None = None
    notes: Notes | None = None

    _phone = field_validator("verified_phone")(_e164)
    _country = field_validator("country")(_country)


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

    @field_validator("domain")
    @classmethod
    def domain_is_a_host_name(cls, value: str) -> str:
        value = value.removeprefix("www.").strip(".")
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
