"""Surge alerts: one row per surge, opened once, updated while it lasts, ended when quiet.

Opening announces a `volume_surge` event (on call pages when its trigger row is enabled) and
tells every lead in the app; later runs of the detector over the same surge only update the
row, so a wave that lasts six hours is one alert and one page.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from exigent.analytics.models import CaseFact, SurgeAlert
from exigent.analytics.surges import FactCounts, Finding, SurgeSettings, cases_behind, find_surges
from exigent.audit.service import Actor, record_event
from exigent.auth.models import Role, User
from exigent.directory.models import Agency
from exigent.legal.notify import notify
from exigent.notifications.events import Event, publish
from exigent.oncall.models import EscalationPolicy, PagingTrigger

VOLUME_SURGE = "volume_surge"
TRIGGER_LABEL = "Volume of a kind of case far above its baseline"
DETECTOR = Actor.system("surge-detector")


def series_label(kind: str, harm: str) -> str:
    return (
        f"{kind.replace('_', ' ')} ({harm.replace('_', ' ')})" if harm else kind.replace("_", " ")
    )


def ensure_trigger(session: Session) -> None:
    """Add the paging trigger for surges, low severity, if on call has none by that name."""
    if session.scalar(select(PagingTrigger.id).where(PagingTrigger.name == VOLUME_SURGE)):
        return
    policy_id = session.scalar(
        select(EscalationPolicy.id).where(EscalationPolicy.name == "Clocks and risks")
    )
    session.add(
        PagingTrigger(
            name=VOLUME_SURGE,
            label=TRIGGER_LABEL,
            enabled=True,
            policy_id=policy_id,
            severity="info",
        )
    )
    session.flush()


def open_alerts(session: Session) -> list[SurgeAlert]:
    return list(
        session.scalars(
            select(SurgeAlert).where(SurgeAlert.ended_at.is_(None)).order_by(SurgeAlert.opened_at)
        )
    )


def banner_lines(session: Session) -> list[str]:
    """One line for each surge under way, for the banner leads see."""
    return [
        f"Surge under way: {series_label(a.kind, a.harm)}, {a.observed} cases in the last "
        f"{a.window_hours} h against about {a.expected:.1f} expected"
        + (f", mostly from {a.top_source}" if a.top_source else "")
        + "."
        for a in open_alerts(session)
    ]


def _top_source(session: Session, cases: list[CaseFact]) -> str:
    """The agency (else requester account) most of the cases came from, when it is most."""
    agencies = Counter(c.agency_id for c in cases if c.agency_id is not None)
    if agencies:
        agency_id, count = agencies.most_common(1)[0]
        if count * 2 > len(cases):
            name = session.scalar(select(Agency.name).where(Agency.id == agency_id))
            return f"{name or f'agency {agency_id}'}: {count} of {len(cases)}"
    requesters = Counter(c.requester_id for c in cases if c.requester_id is not None)
    if requesters:
        requester_id, count = requesters.most_common(1)[0]
        if count * 2 > len(cases):
            email = session.scalar(select(User.email).where(User.id == requester_id))
            return f"{email or f'requester {requester_id}'}: {count} of {len(cases)}"
    return ""


def _update(session: Session, alert: SurgeAlert, finding: Finding, now: datetime) -> None:
    cases = cases_behind(session, finding)
    alert.last_seen_at = now
    alert.observed = finding.observed
    alert.expected = round(finding.expected, 3)
    alert.p_value = finding.p_value
    alert.peak = max(alert.peak, finding.observed)
    alert.request_ids = sorted(set(alert.request_ids) | {c.request_id for c in cases})
    alert.top_source = _top_source(session, cases) or alert.top_source


def _open(session: Session, finding: Finding, now: datetime) -> SurgeAlert:
    kind, harm = finding.series
    alert = SurgeAlert(
        kind=kind,
        harm=harm,
        opened_at=now,
        last_seen_at=now,
        window_hours=round((finding.end - finding.start).total_seconds() / 3600),
        observed=finding.observed,
        expected=0.0,
        p_value=1.0,
        peak=0,
        request_ids=[],
        top_source="",
    )
    _update(session, alert, finding, now)
    session.add(alert)
    session.flush()
    summary = (
        f"Surge of {series_label(kind, harm)}: {finding.observed} cases in the last "
        f"{alert.window_hours} h, about {finding.expected:.1f} expected"
        + (f"; mostly from {alert.top_source}" if alert.top_source else "")
    )
    record_event(
        session,
        actor=DETECTOR,
        action="analytics.surge_opened",
        object_type="surge_alert",
        object_id=alert.id,
        detail={
            "kind": kind,
            "harm": harm,
            "observed": finding.observed,
            "cases": alert.request_ids,
        },
        at=now,
    )
    ensure_trigger(session)
    publish(session, Event(VOLUME_SURGE, now, None, summary, {"key": f"surge-{alert.id}"}))
    for lead in session.scalars(select(User).where(User.role == Role.lead, User.is_active)):
        notify(session, user_id=lead.id, request_id=None, body=summary, at=now)
    return alert


def check_surges(
    session: Session, now: datetime, settings: SurgeSettings | None = None
) -> list[SurgeAlert]:
    """Run the detector for the window ending `now`: open or update one alert per surging
    series, and end those quiet for a whole window. Running it twice changes nothing more."""
    settings = settings or SurgeSettings()
    findings = {f.series: f for f in find_surges(FactCounts(session), now, settings)}
    current = {(a.kind, a.harm): a for a in open_alerts(session)}
    touched = []
    for series, finding in findings.items():
        alert = current.get(series)
        if alert is None:
            touched.append(_open(session, finding, now))
        else:
            _update(session, alert, finding, now)
            touched.append(alert)
    for series, alert in current.items():
        if series not in findings and alert.last_seen_at <= now - settings.window:
            alert.ended_at = now
    return touched
