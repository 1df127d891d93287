"""What an incoming shift must know: the brief's sections, gathered and written out.

The brief is gathered once, at the hand-over, into plain data (`content`, kept on the row as
JSON) so the page and the email say the same thing and a past hand-off reads as it was.
Times stay UTC in the data; each reader sees them on their own clock.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from exigent.briefs.escalation import unacknowledged_pages
from exigent.briefs.models import Handoff
from exigent.cases.lifecycle import OPEN_STATUSES, Status
from exigent.cases.models import Priority, Request
from exigent.legal.models import Decision, DecisionStatus, LegalCheckRecord
from exigent.production.models import HoldStatus, PreservationHold
from exigent.staffing.clock import in_zone
from exigent.verification.models import Callback

URGENT = (Priority.P0, Priority.P1)
# Cases still being worked: delivered and preserved ones wait only for their obligations.
WORKING = sorted(OPEN_STATUSES - {Status.delivered, Status.preserved})


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _urgent_cases(session: Session) -> list[dict[str, Any]]:
    rows = session.scalars(
        select(Request)
        .where(Request.priority.in_(URGENT), Request.status.in_(WORKING))
        .order_by(Request.priority, Request.decide_due_at)
    )
    return [
        {
            "id": r.id,
            "priority": str(r.priority),
            "status": str(r.status),
            "kind": str(r.kind),
            "agency": r.agency_name or "",
            "acknowledge_due_at": _iso(r.acknowledge_due_at),
            "acknowledged_at": _iso(r.acknowledged_at),
            "decide_due_at": _iso(r.decide_due_at),
            "decided_at": _iso(r.decided_at),
        }
        for r in rows
    ]


def _callbacks(session: Session) -> list[dict[str, Any]]:
    rows = session.execute(
        select(Callback, Request.priority)
        .join(Request, Request.id == Callback.request_id)
        .where(Callback.outcome.is_(None), Request.status.in_(WORKING))
        .order_by(Callback.created_at)
    )
    return [
        {
            "request_id": c.request_id,
            "priority": str(priority),
            "number": c.number_dialled,
            "since": _iso(c.created_at),
        }
        for c, priority in rows
    ]


def _approvals(session: Session) -> list[dict[str, Any]]:
    rows = session.execute(
        select(Decision, Request.priority)
        .join(Request, Request.id == Decision.request_id)
        .where(Decision.status == DecisionStatus.submitted)
        .order_by(Request.priority, Decision.submitted_at)
    )
    return [
        {"request_id": d.request_id, "priority": str(priority), "since": _iso(d.submitted_at)}
        for d, priority in rows
    ]


def _due_moment(due: str) -> datetime:
    """An obligation's due: a date counts from its first moment in UTC."""
    if len(due) == 10:
        return datetime.combine(date.fromisoformat(due), datetime.min.time(), tzinfo=UTC)
    moment = datetime.fromisoformat(due)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _falling_due(session: Session, since: datetime, until: datetime) -> list[dict[str, Any]]:
    """Preservation holds expiring and legal obligations due during the shift."""
    found = [
        {"request_id": h.request_id, "what": "preservation hold expires", "due": _iso(h.expires_at)}
        for h in session.scalars(
            select(PreservationHold).where(
                PreservationHold.status == HoldStatus.active,
                PreservationHold.expires_at >= since,
                PreservationHold.expires_at < until,
            )
        )
    ]
    current = select(func.max(LegalCheckRecord.id)).group_by(LegalCheckRecord.request_id)
    checks = session.execute(
        select(LegalCheckRecord.request_id, LegalCheckRecord.obligations)
        .join(Request, Request.id == LegalCheckRecord.request_id)
        .where(LegalCheckRecord.id.in_(current), Request.status.in_(sorted(OPEN_STATUSES)))
    )
    for request_id, obligations in checks:
        for obligation in obligations or []:
            due = _due_moment(str(obligation.get("due", "")))
            if since <= due < until:
                what = str(obligation.get("kind", "obligation")).replace("_", " ")
                found.append({"request_id": request_id, "what": what, "due": due.isoformat()})
    return sorted(found, key=lambda item: str(item["due"]))


def gather(session: Session, handoff: Handoff, now: datetime) -> dict[str, Any]:
    """The brief for the shift that starts at the hand-over, as it stands at `now`."""
    return {
        "gathered_at": now.isoformat(),
        "cases": _urgent_cases(session),
        "callbacks": _callbacks(session),
        "approvals": _approvals(session),
        "due": _falling_due(session, handoff.at, handoff.until),
        "pages": unacknowledged_pages(session, now),
        "notes": handoff.notes,
    }


def on_clock(value: str | None, zone: str) -> str:
    """A stored UTC time on the reader's clock, named with its zone's abbreviation."""
    if not value:
        return "-"
    return in_zone(datetime.fromisoformat(value), zone).strftime("%a %d %b %H:%M %Z")


def case_ref(request_id: int) -> str:
    return f"EXG-{request_id:07d}"


def _clock_line(case: dict[str, Any], zone: str) -> str:
    ack = (
        f"acknowledged {on_clock(case['acknowledged_at'], zone)}"
        if case["acknowledged_at"]
        else f"acknowledge by {on_clock(case['acknowledge_due_at'], zone)}"
    )
    decide = (
        f"decided {on_clock(case['decided_at'], zone)}"
        if case["decided_at"]
        else f"decide by {on_clock(case['decide_due_at'], zone)}"
    )
    return (
        f"- {case_ref(case['id'])} {case['priority']} {case['kind']} ({case['status']}), "
        f"{ack}, {decide}"
    )


def _or_none(lines: list[str]) -> list[str]:
    return lines or ["- none"]


def as_text(handoff: Handoff, content: dict[str, Any], *, zone: str, base_url: str) -> str:
    """The brief as a plain-text email, every time on the recipient's clock."""
    lines = [
        f"Shift hand-over at {on_clock(handoff.at.isoformat(), zone)}, "
        f"your shift until {on_clock(handoff.until.isoformat(), zone)}.",
        f"Times are in your time zone ({zone}).",
        "",
        "Open P0/P1 cases and their clocks:",
        *_or_none([_clock_line(c, zone) for c in content["cases"]]),
        "",
        "Callbacks pending:",
        *_or_none(
            [
                f"- {case_ref(c['request_id'])} ({c['priority']}): call {c['number']}, "
                f"waiting since {on_clock(c['since'], zone)}"
                for c in content["callbacks"]
            ]
        ),
        "",
        "Decisions awaiting approval:",
        *_or_none(
            [
                f"- {case_ref(a['request_id'])} ({a['priority']}), submitted "
                f"{on_clock(a['since'], zone)}"
                for a in content["approvals"]
            ]
        ),
        "",
        "Falling due during your shift:",
        *_or_none(
            [
                f"- {case_ref(d['request_id'])}: {d['what']} {on_clock(d['due'], zone)}"
                for d in content["due"]
            ]
        ),
        "",
        "Pages not acknowledged:",
        *_or_none(
            [
                f"- {p['summary']} (since {on_clock(p.get('opened_at'), zone)})"
                for p in content["pages"]
            ]
        ),
        "",
        "Notes from the outgoing lead:",
        content["notes"].strip() or "(none)",
        "",
        f"Read and acknowledge: {base_url.rstrip('/')}/briefs/handoff/{handoff.id}",
    ]
    return "\n".join(lines) + "\n"
