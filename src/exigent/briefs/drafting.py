"""The first draft of a critical-event brief, written from the case as it stands.

Plain text in five parts legal and leadership look for: what happened, what was disclosed
or refused and why, the risk signals, the people involved and the clocks. The sender edits it
before it goes; an automatic brief goes as drafted.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from exigent.auth.models import User
from exigent.briefs.models import BriefEvent
from exigent.cases.models import Request
from exigent.legal.approval import current_decision
from exigent.legal.coppa import known_ages
from exigent.production.models import Production
from exigent.verification.models import RiskAssessment

HEADLINES = {
    BriefEvent.manual: "Critical event",
    BriefEvent.child_disclosure: "Emergency disclosure involving a child",
    BriefEvent.fraud_confirmed: "Fraudulent request confirmed",
    BriefEvent.p0_breach: "P0 clock breached",
}


def _utc(moment: datetime | None) -> str:
    return f"{moment:%Y-%m-%d %H:%M} UTC" if moment else "not yet"


def subject_for(case: Request, event: BriefEvent) -> str:
    return f"[{case.priority}] {HEADLINES[event]}: EXG-{case.id:07d}"


def _what_happened(case: Request) -> list[str]:
    emergency = case.record.get("emergency") or {}
    kind = str(case.kind).replace("_", " ")
    article = "An" if kind[0] in "aeiou" else "A"
    lines = [
        f"{article} {kind} request from {case.agency_name or 'an unnamed agency'} "
        f"(their reference {case.case_number or 'none'}), received {_utc(case.received_at)}; "
        f"the case is now {str(case.status).replace('_', ' ')}.",
    ]
    if case.emergency_nature:
        lines.append(f"Nature: {str(case.emergency_nature).replace('_', ' ')}.")
    if emergency.get("facts"):
        lines.append(f"Facts as stated: {emergency['facts']}")
    return lines


def _disclosure(session: Session, case: Request) -> list[str]:
    decision = current_decision(session, case.id)
    if decision is None:
        return ["No decision drafted yet."]
    lines = [f"Decision {decision.status}: {decision.rationale}"]
    lines += [
        f"- {item.target_label} / {item.category}: {item.outcome} ({item.reason})"
        for item in decision.items
    ]
    productions = session.scalars(select(Production).where(Production.request_id == case.id))
    lines += [f"Production {p.id}: {p.status}, {p.record_count} records." for p in productions]
    return lines


def _risk(session: Session, case: Request) -> list[str]:
    assessment = session.scalars(
        select(RiskAssessment)
        .where(RiskAssessment.request_id == case.id)
        .order_by(RiskAssessment.id.desc())
        .limit(1)
    ).first()
    if assessment is None:
        return ["Not assessed."]
    lines = [f"Risk {assessment.level} ({assessment.score}/100)."]
    lines += [f"- {s.get('code')}: {s.get('detail', '')}".rstrip(": ") for s in assessment.signals]
    return lines


def _people(session: Session, case: Request) -> list[str]:
    lines = []
    requester = case.requester
    if requester is not None:
        lines.append(
            f"Requester: {requester.name or '?'}, {requester.title or ''} "
            f"({requester.email}), standing {requester.status}.".replace(" ,", ",")
        )
    if case.assignee_id is not None and (assignee := session.get(User, case.assignee_id)):
        lines.append(f"Assigned to {assignee.name}.")
    ages = known_ages(session, case.id)
    minors = sorted(age for age in ages.values() if age < 18)
    lines.append(
        f"{len(case.targets)} target account(s)"
        + (f"; known ages under 18: {', '.join(map(str, minors))}." if minors else ".")
    )
    return lines


def _clocks(case: Request) -> list[str]:
    return [
        f"Acknowledge due {_utc(case.acknowledge_due_at)}, done {_utc(case.acknowledged_at)}.",
        f"Decide due {_utc(case.decide_due_at)}, done {_utc(case.decided_at)}.",
    ]


def draft_body(session: Session, case: Request, event: BriefEvent, base_url: str) -> str:
    parts = [
        ("What happened", _what_happened(case)),
        ("Disclosed or refused, and why", _disclosure(session, case)),
        ("Risk signals", _risk(session, case)),
        ("People involved", _people(session, case)),
        ("Clocks", _clocks(case)),
    ]
    text = [f"{HEADLINES[event]} on case EXG-{case.id:07d}.", ""]
    for title, lines in parts:
        text += [f"{title}:", *lines, ""]
    text.append(f"Case: {base_url.rstrip('/')}/console/cases/{case.id}")
    return "\n".join(text) + "\n"
