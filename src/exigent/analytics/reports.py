"""Transparency reports kept: generated for a period and layout, stored with how they were
counted and who made them, and regenerable from the same data to the same bytes."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from exigent.analytics.models import TransparencyReport
from exigent.analytics.report_layouts import Layout, ReportRules, render_csv, rules_for
from exigent.analytics.transparency import CODE_VERSION, Period, build_figures
from exigent.audit.service import Actor, record_event
from exigent.config import Settings
from exigent.db import utcnow
from exigent.errors import NotFound
from exigent.files import FileStore

MAX_REPORT_BYTES = 50 * 1024 * 1024


class ReportFormat(StrEnum):
    csv = "csv"
    pdf = "pdf"


MEDIA_TYPES = {ReportFormat.csv: "text/csv", ReportFormat.pdf: "application/pdf"}


@dataclass(frozen=True)
class ReportRequest:
    """Everything that decides a report's bytes: the same request on the same data gives the
    same output."""

    period: Period
    rules: ReportRules
    format: ReportFormat

    def query(self) -> dict[str, Any]:
        return {
            "period": self.period.label,
            "since": self.period.since.isoformat(),
            "until": self.period.until.isoformat(),
            "layout": str(self.rules.layout),
            "preservation_in_totals": self.rules.preservation_in_totals,
            "national_security_band": self.rules.national_security_band,
            "format": str(self.format),
            "received_at_zone": "UTC",
        }

    @property
    def filename(self) -> str:
        label = self.period.label.replace(" ", "_")
        return f"transparency-{label}-{self.rules.layout}.{self.format}"


def render(session: Session, wanted: ReportRequest) -> bytes:
    """The report's bytes, read now from the case data."""
    figures = build_figures(session, wanted.period)
    if wanted.format is ReportFormat.csv:
        return render_csv(figures, wanted.rules)
    from exigent.analytics.report_pdf import render_pdf  # heavy: only when printing

    return render_pdf(figures, wanted.rules)


def generate(
    session: Session, store: FileStore, *, actor: Actor, wanted: ReportRequest
) -> tuple[TransparencyReport, bytes]:
    """Render the report, keep its bytes in the file store and its record, audited."""
    output = render(session, wanted)
    sha, size, _ = store.put_stream(io.BytesIO(output), max_bytes=MAX_REPORT_BYTES)
    report = TransparencyReport(
        period=wanted.period.label,
        period_since=wanted.period.since,
        period_until=wanted.period.until,
        layout=str(wanted.rules.layout),
        format=str(wanted.format),
        preservation_in_totals=wanted.rules.preservation_in_totals,
        national_security_band=wanted.rules.national_security_band,
        query=wanted.query(),
        code_version=CODE_VERSION,
        generated_by_id=actor.id,
        generated_by=actor.label,
        generated_at=utcnow(),
        sha256=sha,
        size_bytes=size,
        media_type=MEDIA_TYPES[wanted.format],
        filename=wanted.filename,
    )
    session.add(report)
    session.flush()
    record_event(
        session,
        actor=actor,
        action="analytics.transparency_report.generated",
        object_type="transparency_report",
        object_id=report.id,
        after={"query": report.query, "sha256": sha, "code_version": CODE_VERSION},
    )
    return report, output


def request_of(report: TransparencyReport) -> ReportRequest:
    """The request a kept report was made from."""
    query = report.query
    period = Period(
        since=datetime.fromisoformat(query["since"]),
        until=datetime.fromisoformat(query["until"]),
        label=query["period"],
    )
    rules = ReportRules(
        layout=Layout(query["layout"]),
        preservation_in_totals=bool(query["preservation_in_totals"]),
        national_security_band=int(query["national_security_band"]),
    )
    return ReportRequest(period=period, rules=rules, format=ReportFormat(query["format"]))


def regenerate(session: Session, report: TransparencyReport) -> bytes:
    """The kept report rendered again from today's data; the same bytes if nothing changed."""
    return render(session, request_of(report))


def kept_reports(session: Session, *, limit: int = 200) -> list[TransparencyReport]:
    return list(
        session.scalars(
            select(TransparencyReport)
            .order_by(TransparencyReport.generated_at.desc(), TransparencyReport.id.desc())
            .limit(limit)
        )
    )


def kept_report(session: Session, report_id: int) -> TransparencyReport:
    report = session.get(TransparencyReport, report_id)
    if report is None:
        raise NotFound(f"report_id: no transparency report {report_id}")
    return report


def output_of(store: FileStore, report: TransparencyReport) -> bytes:
    """The kept bytes, checked against the digest recorded when they were made."""
    with store.open(report.sha256) as handle:
        output = handle.read()
    if hashlib.sha256(output).hexdigest() != report.sha256:
        raise NotFound(f"report_id: the stored output of report {report.id} is damaged")
    return output


def generate_chosen(
    session: Session,
    store: FileStore,
    *,
    actor: Actor,
    settings: Settings,
    period: Period,
    layout: Layout,
    format: ReportFormat,
    preservation_in_totals: bool | None = None,
) -> tuple[TransparencyReport, bytes]:
    """Generate with the settings' rules unless the person chose the preservation rule."""
    rules = rules_for(
        layout,
        preservation_in_totals=(
            settings.transparency_preservation_in_totals
            if preservation_in_totals is None
            else preservation_in_totals
        ),
        national_security_band=settings.transparency_national_security_band,
    )
    return generate(
        session, store, actor=actor, wanted=ReportRequest(period=period, rules=rules, format=format)
    )
