"""What the staffing API reads and answers."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2100, 12, 31)


def _rosterable(value: date) -> date:
    if not FIRST_DAY <= value <= LAST_DAY:
        raise ValueError(f"must be between {FIRST_DAY} and {LAST_DAY}")
    return value


# A calendar date a roster can hold (and whose local midnight exists in UTC in every zone).
RosterDay = Annotated[date, AfterValidator(_rosterable)]


class TermsUpdate(BaseModel):
    """A person's zone and working terms, set by a scheduler (the whole set at once)."""

    model_config = ConfigDict(extra="forbid")

    timezone: str = Field(max_length=64)
    country: str = Field(min_length=2, max_length=2)
    skills: list[str] = Field(max_length=20)
    contracted_hours: float = Field(ge=0, le=60)
    max_nights: int = Field(ge=0, le=31)
    max_weekends: int = Field(ge=0, le=6)
    earliest_start: time | None = None
    latest_start: time | None = None
    phone: str | None = Field(default=None, max_length=32)


class TermsRead(BaseModel):
    user_id: int
    timezone: str
    country: str
    skills: list[str]
    contracted_minutes_per_week: int


class OverrideCreate(BaseModel):
    """Put one person on one shift type on a date of their own calendar."""

    model_config = ConfigDict(extra="forbid")

    user_id: int = Field(ge=1, le=2**31 - 1)
    shift_type_id: int = Field(ge=1, le=2**31 - 1)
    on: RosterDay


class SwapCreate(BaseModel):
    """Offer a shift (no `to_user_id`), or propose a take or a swap (`return_shift_id`)."""

    model_config = ConfigDict(extra="forbid")

    shift_id: int = Field(ge=1, le=2**31 - 1)
    to_user_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    return_shift_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    note: str = Field(default="", max_length=200)


class TimeOffCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    starts_on: RosterDay
    ends_on: RosterDay
    reason: str = Field(default="", max_length=200)


class ShiftRead(BaseModel):
    """A shift with its times in UTC and on its holder's own clock."""

    id: int
    user_id: int
    starts_at: datetime
    ends_at: datetime
    local_start: datetime
    local_end: datetime
    zone: str
    skills: list[str]


class SwapRead(BaseModel):
    id: int
    kind: str
    status: str
    shift_id: int
    from_user_id: int
    to_user_id: int | None
    return_shift_id: int | None


class TimeOffRead(BaseModel):
    id: int
    starts_on: date
    ends_on: date
    status: str


class DraftCreate(BaseModel):
    """Ask the planner for a draft of `days` days from 00:00 UTC on `starts_on`."""

    model_config = ConfigDict(extra="forbid")

    starts_on: RosterDay
    days: int = Field(default=28, ge=1, le=366)
    seconds: int = Field(default=60, ge=1, le=3600)


class DraftProgress(BaseModel):
    """How far the planner has got: seconds spent of the limit, rosters found so far."""

    seconds: float
    seconds_limit: int
    solutions: int


class DraftSummary(BaseModel):
    id: int
    starts_on: date
    days: int
    status: str
    objective: int | None
    bound: int | None
    progress: DraftProgress
    created_at: datetime
    published_at: datetime | None
    error: str


class DraftGap(BaseModel):
    """An hour and skill the draft leaves short, and why nobody could fill it."""

    at: datetime
    skill: str
    required: int
    rostered: int
    reasons: list[str]


class DraftRead(DraftSummary):
    """A draft with its best roster so far, gaps with reasons, per-person scores and heatmap."""

    changed: int | None
    roster: list[dict[str, Any]]
    gaps: list[DraftGap]
    scores: list[dict[str, Any]]
    heatmap: list[dict[str, Any]]
