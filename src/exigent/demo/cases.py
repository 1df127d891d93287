"""The demo's live cases: each taken in through intake and worked as far as the team has got
with it, through the same lifecycle, decisions, callbacks and approval checks as real ones."""

from __future__ import annotations

import math
import random
from datetime import UTC, datetime, timedelta

from rich.progress import Progress
from sqlalchemy.orm import Session

from exigent.auth.models import User
from exigent.cases import service
from exigent.cases.lifecycle import RejectionReason
from exigent.cases.models import Priority, Request, TrustStatus
from exigent.demo.history_mix import STEP_MINUTES
from exigent.demo.policy import date_the_shipped_version, due_changes, make_change
from exigent.demo.records import live_record
from exigent.directory.models import Agency
from exigent.intake import intake
from exigent.legal import decisions
from exigent.legal.checks import latest_check
from exigent.legal.decisions import ItemDraft
from exigent.legal.models import Outcome
from exigent.legal.versions import current_policy
from exigent.verification.models import CallbackOutcome
from exigent.verification.service import CallbackResult, create_callback, record_outcome
from exigent.workflow.approval import approval_checks, approval_guard
from exigent.workflow.judging import AFTER_JUDGING

LIVE_CASES = 300
# A staffed team acknowledges an emergency within minutes; only those received this recently
# still wait, unacknowledged, in the queue's band of new emergencies.
NEW_EMERGENCY_WINDOW = timedelta(minutes=20)
# Where a live case has got to, and how often; each path follows the lifecycle's moves.
PATHS: list[tuple[list[str], int]] = [
    ([], 20),
    (["triaged"], 15),
    (["triaged", "verifying"], 15),
    (["triaged", "verifying", "under_review"], 15),
    (["triaged", "verifying", "under_review", "awaiting_approval"], 10),
    (["triaged", "need_info"], 5),
    (
        [
            "triaged",
            "verifying",
            "under_review",
            "awaiting_approval",
            "approved",
            "producing",
            "delivered",
            "closed",
        ],
        12,
    ),
    (["triaged", "preserved"], 4),
    (["triaged", "rejected"], 4),
]

# Demo cases are approved through the same checks as real ones.
APPROVAL = approval_guard(approval_checks())


def seed_live_cases(
    session: Session,
    rng: random.Random,
    staff: dict[str, User],
    officer: User,
    agencies: list[tuple[str, str, str]],
) -> None:
    """`LIVE_CASES` cases from `agencies`, the officer's portal ones under their account.

    Cases arrive in the order they were received, with counsel's policy changes made at their
    moments among them, so each case is judged under the version current when it came in.
    """
    now = datetime.now(UTC)
    records = sorted(
        (live_record(rng, agencies, now, number) for number in range(LIVE_CASES)),
        key=lambda record: record.received_at,
    )
    date_the_shipped_version(session, records[0].received_at - timedelta(days=30))
    changes = due_changes(now)
    with Progress(transient=True) as progress:
        task = progress.add_task("demo cases", total=LIVE_CASES)
        for record in records:
            while changes and changes[0][0] <= record.received_at:
                at, change = changes.pop(0)
                make_change(session, staff["legal"], change, at)
            submitter = officer if record.received_via == "portal" else staff["analyst"]
            case, _ = intake.intake(
                session,
                user=submitter,
                record=record,
                raw=record.model_dump_json(by_alias=True),
                policy=current_policy(session).policy,
                now=record.received_at,
            )
            _advance(session, rng, case, staff, record.received_at, now)
            progress.advance(task)
    for at, change in changes:
        make_change(session, staff["legal"], change, at)


def _advance(
    session: Session,
    rng: random.Random,
    case: Request,
    staff: dict[str, User],
    received: datetime,
    now: datetime,
) -> None:
    # Older cases have mostly been worked; a few stale ones show what a breach looks like.
    paths = PATHS if now - received < timedelta(days=2) or rng.random() < 0.1 else PATHS[3:]
    path = rng.choices([p for p, _ in paths], weights=[w for _, w in paths])[0]
    moments = _step_moments(rng, case, path, received, now)
    if not path and case.priority == Priority.P0 and now - received > NEW_EMERGENCY_WINDOW:
        # No draw from `rng` here, so every other demo case stays as it was.
        service.assign(
            session,
            user=staff["lead"],
            request_id=case.id,
            assignee_id=staff["analyst"].id,
            now=received + timedelta(minutes=4),
        )
    if path and rng.random() < 0.8:
        service.assign(
            session,
            user=staff["lead"],
            request_id=case.id,
            assignee_id=staff[rng.choice(["analyst", "analyst2"])].id,
            now=moments[0],
        )
    for status, moment in zip(path, moments, strict=True):
        # Submitting the analyst's decision is what moves a case to awaiting approval.
        if status == "awaiting_approval":
            if not _decide(session, case, staff, moment):
                return
            continue
        user = staff["lead"] if status == "approved" else staff["analyst"]
        reason, code = _why(case, status)
        service.transition(
            session,
            user=user,
            request_id=case.id,
            to=status,
            reason=reason,
            reason_code=code,
            now=moment,
            guard=APPROVAL,
        )


def _why(case: Request, status: str) -> tuple[str, str | None]:
    """The reason a demo move gives; half the rejections (by case number, no draw from the
    random source) are impostors the agency disowned, so the fraud panel has live catches."""
    if status != "rejected":
        return "Demo: " + status.replace("_", " "), None
    if case.id % 2 == 0:
        return "The agency's duty desk says it sent no such request.", RejectionReason.fraud
    if case.priority == Priority.P0:
        return "No danger of death or injury is described.", RejectionReason.not_an_emergency
    return "The process lacks a required element.", RejectionReason.deficient_process


def _step_moments(
    rng: random.Random, case: Request, path: list[str], received: datetime, now: datetime
) -> list[datetime]:
    """When each step of `path` was taken: an emergency moves in minutes, process in days, at
    the history's pace per priority. One exponential draw per step (one draw each, as before,
    so the other demo cases stay as they were), squeezed into the time since receipt when the
    steps would run past now: those are the stale cases that show what a breach looks like."""
    mean = timedelta(minutes=STEP_MINUTES.get(str(case.priority), 600.0))
    elapsed, moments = timedelta(0), []
    for _ in path:
        elapsed += mean * -math.log(1.0 - rng.random())
        moments.append(elapsed)
    window = (now - received) * 0.95
    squeeze = min(1.0, window / moments[-1]) if moments and moments[-1] > window else 1.0
    return [received + offset * squeeze for offset in moments]


def _decide(session: Session, case: Request, staff: dict[str, User], moment: datetime) -> bool:
    """The analyst's submitted decision, so the lead has something to approve."""
    check = latest_check(session, case.id)
    session.expire(case, ["targets"])
    requester = case.requester
    may_disclose = requester is not None and requester.status in (
        TrustStatus.unverified,
        TrustStatus.verified,
    )
    items = [
        ItemDraft(
            target_id=target.id,
            category=category,
            outcome=Outcome.disclose
            if may_disclose and ruling == "permitted"
            else Outcome.withhold,
            reason="Demo: within the scope of the request",
        )
        for target in case.targets
        for category, ruling in (check.categories if check else {}).items()
    ]
    if not items:
        return False
    if any(i.outcome is Outcome.disclose for i in items):
        _confirm_by_callback(session, case, staff["analyst"], moment)
    analyst = staff["analyst"]
    rationale = "Demo: good-faith belief of danger of death or serious physical injury."
    decisions.draft(
        session,
        user=analyst,
        request_id=case.id,
        rationale=rationale,
        emergency_attested=True,
        items=items,
        now=moment,
        after_judging=AFTER_JUDGING,
    )
    decisions.submit(session, user=analyst, request_id=case.id, now=moment)
    return True


def _confirm_by_callback(session: Session, case: Request, analyst: User, moment: datetime) -> None:
    """Verify as the team does: call the agency's published number and have it confirmed."""
    if case.agency_id is None:
        return
    agency = session.get(Agency, case.agency_id)
    if agency is None:
        return
    if not agency.verified_phone:
        agency.verified_phone = f"+1{(agency.id * 7919) % 800 + 200}5550{agency.id % 100:02d}"
        agency.phone_source = "agency website (demo)"
    callback = create_callback(session, user=analyst, request_id=case.id, now=moment)
    result = CallbackResult(
        outcome=CallbackOutcome.confirmed,
        answered_by="Desk sergeant",
        supervisor_confirmed=True,
        notes="Demo: officer and supervisor confirmed the request.",
    )
    record_outcome(session, user=analyst, callback_id=callback.id, result=result, now=moment)
