"""The roster's tables: people's working terms, time off, coverage, shifts, swaps and feeds."""

from __future__ import annotations

from datetime import date, datetime, time
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Time
from sqlalchemy.orm import Mapped, mapped_column

from exigent.db import Base, EnumText, UtcDateTime, utcnow


class StaffProfile(Base):
    """One staff member's working terms; their home zone is the account's `timezone`."""

    __tablename__ = "staff_profiles"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    # ISO 3166-1 alpha-2: whose public holidays the person keeps.
    country: Mapped[str] = mapped_column(String(2), default="US")
    skills: Mapped[list[str]] = mapped_column(JSON, default=list)
    contracted_minutes_per_week: Mapped[int] = mapped_column(Integer, default=40 * 60)
    max_nights: Mapped[int] = mapped_column(Integer, default=8)
    max_weekends: Mapped[int] = mapped_column(Integer, default=2)
    earliest_start: Mapped[time | None] = mapped_column(Time)
    latest_start: Mapped[time | None] = mapped_column(Time)
    # The number the team calls when a page goes unanswered; without one nobody can reach them.
    phone: Mapped[str | None] = mapped_column(String(32))


class TimeOffStatus(StrEnum):
    requested = "requested"
    approved = "approved"
    refused = "refused"


class TimeOff(Base):
    """Days a person asked to be away, on their own calendar, from `starts_on` to `ends_on`."""

    __tablename__ = "time_off"
    __table_args__ = (Index("ix_time_off_user_starts", "user_id", "starts_on"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[TimeOffStatus] = mapped_column(
        EnumText(TimeOffStatus, 16), default=TimeOffStatus.requested
    )
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class CoverageRequirement(Base):
    """At least `minimum` people with `skill` from `start` to `end` on the zone's clock, on the
    weekdays listed (0 Monday); expanded per concrete date, so it follows daylight saving."""

    __tablename__ = "coverage_requirements"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    template: Mapped[str] = mapped_column(String(40))
    skill: Mapped[str] = mapped_column(String(40))
    minimum: Mapped[int] = mapped_column(Integer)
    zone: Mapped[str] = mapped_column(String(64), default="UTC")
    weekdays: Mapped[list[int]] = mapped_column(JSON, default=list)
    start: Mapped[time] = mapped_column(Time)
    # Equal to `start` (00:00-00:00) means the whole day.
    end: Mapped[time] = mapped_column(Time)


class ShiftType(Base):
    """A kind of shift on each person's own clock; its length is elapsed time."""

    __tablename__ = "shift_types"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    local_start: Mapped[time] = mapped_column(Time)
    minutes: Mapped[int] = mapped_column(Integer)
    night: Mapped[bool] = mapped_column(Boolean, default=False)
    # Codes that may not start on the day after this one.
    forbidden_successors: Mapped[list[str]] = mapped_column(JSON, default=list)


class ShiftSource(StrEnum):
    rotation = "rotation"
    override = "override"
    swap = "swap"


class Shift(Base):
    """One person on duty from `starts_at` to `ends_at` (UTC), covering `skills`."""

    __tablename__ = "shifts"
    __table_args__ = (
        Index("ix_shifts_user_starts", "user_id", "starts_at"),
        Index("ix_shifts_starts", "starts_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    shift_type_id: Mapped[int | None] = mapped_column(ForeignKey("shift_types.id"))
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime)
    ends_at: Mapped[datetime] = mapped_column(UtcDateTime)
    skills: Mapped[list[str]] = mapped_column(JSON, default=list)
    source: Mapped[ShiftSource] = mapped_column(
        EnumText(ShiftSource, 16), default=ShiftSource.rotation
    )
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class SwapKind(StrEnum):
    # A shift given away: whoever takes it works it.
    offer = "offer"
    # Two people trade shifts.
    swap = "swap"
    # Someone takes over a shift already running (its holder is busy with a page).
    take_current = "take_current"


class SwapStatus(StrEnum):
    open = "open"  # offered, nobody has taken it yet
    proposed = "proposed"  # taken or traded, waiting for a scheduler
    accepted = "accepted"
    refused = "refused"
    withdrawn = "withdrawn"


class Swap(Base):
    """A change of hands for one shift (and, for a swap, the shift given back)."""

    __tablename__ = "swaps"
    __table_args__ = (Index("ix_swaps_status", "status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[SwapKind] = mapped_column(EnumText(SwapKind, 16))
    status: Mapped[SwapStatus] = mapped_column(EnumText(SwapStatus, 16))
    shift_id: Mapped[int] = mapped_column(ForeignKey("shifts.id"))
    from_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    to_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # For a swap: the taker's shift that goes to `from_user_id`.
    return_shift_id: Mapped[int | None] = mapped_column(ForeignKey("shifts.id"))
    filed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class CalendarFeed(Base):
    """A secret calendar address: its owner's shifts, or the whole team's when `team`."""

    __tablename__ = "calendar_feeds"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Who issued it, and whose shifts it serves unless it is the team's.
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    team: Mapped[bool] = mapped_column(Boolean, default=False)
    # sha256 of the token: a leaked database does not leak the addresses.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # A calendar app fetches every few minutes: one audit entry per feed per hour says how
    # many reads it stands for, so the log records every read without flooding.
    reads_unaudited: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    read_audited_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


def as_dict(profile: StaffProfile) -> dict[str, Any]:
    """A profile's terms, for the audit log's before and after."""
    return {
        "country": profile.country,
        "skills": list(profile.skills),
        "contracted_minutes_per_week": profile.contracted_minutes_per_week,
        "max_nights": profile.max_nights,
        "max_weekends": profile.max_weekends,
        "earliest_start": profile.earliest_start.isoformat() if profile.earliest_start else None,
        "latest_start": profile.latest_start.isoformat() if profile.latest_start else None,
        "phone": profile.phone,
    }
