"""Exposure to harmful content: one row per item revealed in the viewer, with its seconds."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from exigent.db import Base, UtcDateTime

BigId = BigInteger().with_variant(Integer, "sqlite")


class ExposureEvent(Base):
    """A person revealed one item; `seconds` is filled when they hide it or leave the page."""

    __tablename__ = "exposure_events"
    __table_args__ = (
        Index("ix_exposure_events_user_shift", "user_id", "shift_on"),
        Index("ix_exposure_events_shift", "shift_on"),
        # Exposure in a period, by the moment of the reveal (the workload page).
        Index("ix_exposure_events_revealed", "revealed_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id"), index=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))
    # An emergency's nature, or "unclassified" when the case has none: not one enum's values.
    harm_category: Mapped[str] = mapped_column(String(32))
    revealed_at: Mapped[datetime] = mapped_column(UtcDateTime)
    hidden_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    seconds: Mapped[int] = mapped_column(Integer, default=0)
    # The shift's day in the person's own time zone (rosters will refine this to real shifts).
    shift_on: Mapped[date] = mapped_column(Date)


class CheckIn(Base):
    """How heavy a shift was, told by the person at its end; optional, and may be anonymous.

    An anonymous check-in keeps no user id, no note and no time of day, only the UTC date:
    nothing in the row can lead back to who sent it.
    """

    __tablename__ = "shift_check_ins"
    __table_args__ = (Index("ix_shift_check_ins_user_shift", "user_id", "shift_on"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # 1 (light) to 5 (very heavy).
    effort: Mapped[int] = mapped_column(Integer)
    # Minutes worked outside the shift (answering pages, staying on to finish a case).
    off_hours_minutes: Mapped[int] = mapped_column(Integer, default=0)
    note: Mapped[str | None] = mapped_column(Text)
    shift_on: Mapped[date] = mapped_column(Date, index=True)
