"""An escalation as the moderation system or an analyst raises it, and what is recorded on it."""

from __future__ import annotations

import base64
import binascii
import hashlib
from datetime import datetime, timedelta
from typing import Annotated, Any

from pydantic import AwareDatetime, Field, StringConstraints, field_validator, model_validator

from exigent.cases.schemas import ShortText, Strict, Target, Text
from exigent.referrals.countries import known_country
from exigent.referrals.models import ContentKind, HarmType, Outcome

Line = Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)]
# Captured media travel inline in the JSON body, which the app caps (`max_json_bytes`).
MAX_CONTENT = 50
MAX_ACCOUNTS = 50


class ContentIn(Strict):
    """One content reference: a platform content id, a URL, or a captured file inline."""

    kind: ContentKind
    # The content id or URL; for media, the file's name as captured.
    value: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
    media_type: ShortText | None = None
    data_base64: str | None = None
    # With its UTC offset, so a package can state the local time of publication.
    published_at: AwareDatetime | None = None
    description: Text | None = None

    @model_validator(mode="after")
    def media_carries_its_file(self) -> ContentIn:
        if self.kind is ContentKind.media:
            if not self.media_type:
                raise ValueError("media_type: a captured file needs its media type")
            if not self.data_base64:
                raise ValueError("data_base64: a captured file needs its bytes, base64-encoded")
            self.file_bytes()  # refuses what is not base64
        elif self.data_base64 or self.media_type:
            raise ValueError("data_base64 and media_type are for captured media only")
        if self.kind is ContentKind.url and not self.value.lower().startswith(
            ("http://", "https://")
        ):
            raise ValueError("value: a URL must start with http:// or https://")
        return self

    def file_bytes(self) -> bytes:
        try:
            return base64.b64decode(self.data_base64 or "", validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ValueError("data_base64: is not valid base64") from exc

    @property
    def offset_minutes(self) -> int | None:
        if self.published_at is None:
            return None
        offset = self.published_at.utcoffset() or timedelta(0)
        return int(offset.total_seconds() // 60)


class LocationIn(Strict):
    """What is known of where the person is; every part optional."""

    country: str | None = None
    region: Line | None = None
    city: Line | None = None
    latitude: Annotated[float, Field(ge=-90, le=90)] | None = None
    longitude: Annotated[float, Field(ge=-180, le=180)] | None = None
    seen_at: AwareDatetime | None = None
    # Where it comes from: "last login IP", "location history", "the user said so"...
    source: Line | None = None

    @field_validator("country")
    @classmethod
    def country_known(cls, value: str | None) -> str | None:
        return known_country(value) if value and value.strip() else None

    @model_validator(mode="after")
    def both_coordinates(self) -> LocationIn:
        if (self.latitude is None) != (self.longitude is None):
            raise ValueError("latitude and longitude go together")
        return self


class EscalationIn(Strict):
    """A risk the platform found, to become a referral case."""

    harm_type: HarmType
    imminent: bool = False
    reporting_team: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)
    ]
    source_reference: Annotated[str, StringConstraints(max_length=200)] | None = None
    content: list[ContentIn] = Field(min_length=1, max_length=MAX_CONTENT)
    accounts: list[Target] = Field(default_factory=list, max_length=MAX_ACCOUNTS)
    location: LocationIn | None = None
    age_years: Annotated[int, Field(ge=0, le=120)] | None = None
    age_note: Line | None = None
    offence_country: str | None = None
    suspect_country: str | None = None
    victim_country: str | None = None
    summary: Text = ""

    @field_validator("offence_country", "suspect_country", "victim_country")
    @classmethod
    def country_known(cls, value: str | None) -> str | None:
        return known_country(value) if value and value.strip() else None

    def as_submitted(self) -> dict[str, Any]:
        """The escalation as stored and compared on a retry: each captured file by its
        SHA-256, never its bytes."""
        body = self.model_dump(mode="json", exclude_none=True)
        for item, content in zip(body["content"], self.content, strict=True):
            if content.kind is ContentKind.media:
                item.pop("data_base64", None)
                item["sha256"] = hashlib.sha256(content.file_bytes()).hexdigest()
        return body


class OutcomeIn(Strict):
    """What a recipient told the team became of a referral."""

    outcome: Outcome
    recipient_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    note: Text | None = None
    learned_at: AwareDatetime

    @field_validator("learned_at")
    @classmethod
    def not_in_the_future(cls, value: datetime) -> datetime:
        if value > datetime.now(value.tzinfo) + timedelta(minutes=10):
            raise ValueError("is in the future")
        return value
