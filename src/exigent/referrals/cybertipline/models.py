"""A CyberTipline report as Exigent files it: what the analyst confirmed, and its steps.

The filing is a list of steps (open the report, upload and describe each file, finish), one
row each, run in order by the deadline worker. A step is marked done in the same transaction
that records NCMEC's answer, so after a restart the worker picks up at the first step not
done, and a finished filing is never opened or finished again.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from exigent.db import Base, EnumText, UtcDateTime, utcnow

BigId = BigInteger().with_variant(Integer, "sqlite")


class IncidentKind(StrEnum):
    """The schema's incident types by stable names; `report.IncidentType` has their text."""

    child_pornography = "child_pornography"
    child_sex_trafficking = "child_sex_trafficking"
    child_sex_tourism = "child_sex_tourism"
    child_sexual_molestation = "child_sexual_molestation"
    misleading_domain_name = "misleading_domain_name"
    misleading_words_or_images = "misleading_words_or_images"
    online_enticement = "online_enticement"
    unsolicited_obscene_material = "unsolicited_obscene_material"


class FilingStatus(StrEnum):
    in_progress = "in_progress"
    finished = "finished"  # NCMEC holds the report as filed
    failed = "failed"  # stopped on an answer that will not change; a person reads why
    retracted = "retracted"  # withdrawn before it was finished


class StepKind(StrEnum):
    open = "open"  # POST /submit
    upload = "upload"  # POST /upload, one file
    file_info = "file_info"  # POST /fileinfo, that file's details
    finish = "finish"  # POST /finish


class StepStatus(StrEnum):
    pending = "pending"
    done = "done"
    failed = "failed"


class CyberTiplineFiling(Base):
    """One CyberTipline report of a referral, from the analyst's confirmation to NCMEC's id."""

    __tablename__ = "cybertipline_filings"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id"), index=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id"), index=True)
    status: Mapped[FilingStatus] = mapped_column(
        EnumText(FilingStatus, 16), default=FilingStatus.in_progress
    )
    incident_type: Mapped[IncidentKind] = mapped_column(EnumText(IncidentKind, 40))
    incident_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # Set when the analyst asks NCMEC to treat the report as urgent: the reason they give.
    escalate_reason: Mapped[str | None] = mapped_column(Text)
    # What the analyst knows of the victim: {"first_name", "last_name", "age", "screen_name",
    # "note"}; empty when nothing is known.
    victim: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # The referral's media items (ReferralContent ids) the analyst chose to upload.
    content_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    # The reported accounts as the platform described them when the report was filed:
    # ids, names, emails, phones and IP capture events, so a report opened again after an
    # expiry says the same.
    reported: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    ncmec_report_id: Mapped[int | None] = mapped_column(BigInteger)
    # Reports NCMEC let expire before they were finished; each was replaced by a new one.
    expired_report_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    # The report document last sent to /submit, as validated against the schema.
    report_xml: Mapped[str | None] = mapped_column(Text)
    hold_id: Mapped[int | None] = mapped_column(ForeignKey("preservation_holds.id"))
    filed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    filed_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    retracted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    retracted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)

    steps: Mapped[list[CyberTiplineStep]] = relationship(
        order_by="CyberTiplineStep.position", cascade="all, delete-orphan"
    )


class CyberTiplineStep(Base):
    """One call of a filing, with NCMEC's last answer to it and how often it was tried."""

    __tablename__ = "cybertipline_steps"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    filing_id: Mapped[int] = mapped_column(ForeignKey("cybertipline_filings.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[StepKind] = mapped_column(EnumText(StepKind, 16))
    # The file an upload or file-details step is about.
    content_id: Mapped[int | None] = mapped_column(ForeignKey("referral_content.id"))
    status: Mapped[StepStatus] = mapped_column(EnumText(StepStatus, 16), default=StepStatus.pending)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    response_code: Mapped[int | None] = mapped_column(Integer)
    ncmec_file_id: Mapped[str | None] = mapped_column(String(200))
    last_error: Mapped[str | None] = mapped_column(Text)
    next_try_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    done_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
