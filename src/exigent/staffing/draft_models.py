"""Draft rosters: the planner's work for a period, kept until a scheduler publishes it.

Kept beside `models.py` rather than in it: a draft is the planner's output, not the roster
in force, and nothing else in the domain reads it.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Date, Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from exigent.db import Base, EnumText, UtcDateTime, utcnow


class DraftStatus(StrEnum):
    queued = "queued"
    running = "running"
    done = "done"
    failed = "failed"
    published = "published"


class RosterDraft(Base):
    """One run of the planner over a period, its progress, and the best roster it found."""

    __tablename__ = "roster_drafts"
    __table_args__ = (Index("ix_roster_drafts_created", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    starts_on: Mapped[date] = mapped_column(Date)  # 00:00 UTC of this date
    days: Mapped[int] = mapped_column(Integer)
    seconds_limit: Mapped[int] = mapped_column(Integer)
    status: Mapped[DraftStatus] = mapped_column(EnumText(DraftStatus, 16))
    # Progress: the best roster's cost, the solver's proof that none is cheaper than `bound`.
    best_objective: Mapped[int | None] = mapped_column(Integer)
    bound: Mapped[int | None] = mapped_column(Integer)
    seconds: Mapped[float] = mapped_column(Float, default=0.0)
    solutions: Mapped[int] = mapped_column(Integer, default=0)
    # [{person, day, shift, start, end}], the best so far while running.
    roster: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # [{hour_of_week, skill, required, rostered, short_hours}] for that roster.
    heatmap: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # Filled when the run ends: [{at, skill, required, rostered, reasons}] and per person.
    gaps: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    scores: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # Shifts added plus removed against the roster in force when the draft was made.
    changed: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str] = mapped_column(String(500), default="")
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    published_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
