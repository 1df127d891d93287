"""Draft rosters: ask for one, let the planner work on it, publish it when the scheduler says.

A draft is made in the route's transaction (queued), then run outside any request
(`run_draft`, in a thread of the web process or inline in the demo): the planner's progress
is written into the row every few seconds in a short transaction of its own, so the page
shows the best roster so far. Publishing (`publish.py`) replaces the period's published
shifts in one transaction.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import asdict
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from exigent.audit.service import record_event
from exigent.auth.models import User
from exigent.auth.permissions import Permission
from exigent.auth.service import actor_for, require
from exigent.db import utcnow
from exigent.errors import BadInput, NotFound
from exigent.staffing.draft_models import DraftStatus, RosterDraft
from exigent.staffing.drafting import MAX_DAYS, MIN_DAYS, Drafting, build_problem
from exigent.staffing.exposure import ExposureSource
from exigent.staffing.planner_explain import heatmap
from exigent.staffing.planning import Assignment, PlanResult, Progress

log = logging.getLogger(__name__)
MIN_SECONDS, MAX_SECONDS = 2, 600
# The page polls; writing more often than this would only queue behind other writers.
PROGRESS_EVERY_SECONDS = 2.0
# A run ends at its time limit plus the little it takes to write the result; a draft still
# waiting this long after its limit was left by a process that stopped.
ABANDONED_AFTER = timedelta(minutes=2)
STOPPED = "stopped by a restart; start it again"


def request_draft(
    session: Session, *, actor: User, starts_on: date, days: int, seconds: int, now: datetime
) -> RosterDraft:
    """A scheduler asks for a draft of `days` days from `starts_on`; it waits for its run."""
    require(actor, Permission.roster_edit)
    if starts_on < now.date() - timedelta(days=1):
        raise BadInput("starts_on: a draft cannot start in the past", field="starts_on")
    if not MIN_DAYS <= days <= MAX_DAYS:
        raise BadInput(f"days: between {MIN_DAYS} and {MAX_DAYS} days", field="days")
    if not MIN_SECONDS <= seconds <= MAX_SECONDS:
        raise BadInput(f"seconds: between {MIN_SECONDS} and {MAX_SECONDS} seconds", field="seconds")
    draft = RosterDraft(
        starts_on=starts_on,
        days=days,
        seconds_limit=seconds,
        status=DraftStatus.queued,
        created_by_id=actor.id,
        created_at=now,
        roster=[],
        heatmap=[],
        gaps=[],
        scores=[],
    )
    session.add(draft)
    session.flush()
    record_event(
        session,
        actor=actor_for(actor),
        action="roster_draft.request",
        object_type="roster_draft",
        object_id=draft.id,
        after={"starts_on": starts_on.isoformat(), "days": days, "seconds": seconds},
    )
    return draft


def draft_of(session: Session, draft_id: int) -> RosterDraft:
    draft = session.get(RosterDraft, draft_id)
    if draft is None:
        raise NotFound("no such draft roster")
    return draft


def recent_drafts(session: Session, *, now: datetime, limit: int = 20) -> list[RosterDraft]:
    """The latest drafts, newest first; a run a restart stopped is marked failed first."""
    stop_abandoned(session, now)
    return list(
        session.scalars(
            select(RosterDraft)
            .order_by(RosterDraft.created_at.desc(), RosterDraft.id.desc())
            .limit(limit)
        )
    )


def stop_abandoned(session: Session, now: datetime) -> list[int]:
    """Mark failed the drafts still queued or running long after their time limit: the
    process running them stopped (a restart), so nothing will ever finish them."""
    waiting = session.scalars(
        select(RosterDraft).where(RosterDraft.status.in_([DraftStatus.queued, DraftStatus.running]))
    )
    stopped = []
    for draft in waiting:
        if now > draft.created_at + timedelta(seconds=draft.seconds_limit) + ABANDONED_AFTER:
            draft.status = DraftStatus.failed
            draft.error = STOPPED
            draft.finished_at = now
            stopped.append(draft.id)
    if stopped:
        session.flush()
    return stopped


def roster_json(assignments: tuple[Assignment, ...]) -> list[dict[str, Any]]:
    return [
        {
            "person": a.person,
            "day": a.day,
            "shift": a.shift,
            "start": a.start.isoformat(),
            "end": a.end.isoformat(),
        }
        for a in assignments
    ]


def _heat_json(drafting: Drafting, assignments: tuple[Assignment, ...]) -> list[dict[str, Any]]:
    return [asdict(cell) for cell in heatmap(drafting.problem, assignments)]


def _result_json(drafting: Drafting, result: PlanResult) -> dict[str, Any]:
    names = drafting.names
    return {
        "gaps": [
            {
                "hour": g.hour,
                "at": g.at.isoformat(),
                "skill": g.skill,
                "required": g.required,
                "rostered": g.rostered,
                "reasons": list(g.reasons),
            }
            for g in result.gaps
        ],
        "scores": [
            {**asdict(s), "name": names.get(s.person, s.person)}
            for s in sorted(result.scores, key=lambda s: names.get(s.person, s.person))
        ],
    }


class _Reporter:
    """Writes the best roster so far into the draft, at most every few seconds."""

    def __init__(self, factory: sessionmaker[Session], draft_id: int, drafting: Drafting) -> None:
        self.factory, self.draft_id, self.drafting = factory, draft_id, drafting
        self.last = 0.0
        self.pending: Progress | None = None

    def __call__(self, progress: Progress) -> None:
        self.pending = progress
        if time.monotonic() - self.last >= PROGRESS_EVERY_SECONDS:
            self.flush()

    def flush(self) -> None:
        progress, self.pending = self.pending, None
        if progress is None:
            return
        self.last = time.monotonic()
        with self.factory() as session:
            draft = draft_of(session, self.draft_id)
            draft.best_objective = progress.objective
            draft.bound = progress.bound
            draft.seconds = round(progress.seconds, 1)
            draft.solutions = progress.solutions
            draft.roster = roster_json(progress.assignments)
            draft.heatmap = _heat_json(self.drafting, progress.assignments)
            session.commit()


def _begin(
    factory: sessionmaker[Session], draft_id: int, exposure: ExposureSource
) -> Drafting | None:
    """Mark the draft running and read its problem, in one short transaction."""
    with factory() as session:
        draft = draft_of(session, draft_id)
        if draft.status != DraftStatus.queued:
            return None  # another runner has it, or it was already run
        drafting = build_problem(
            session,
            starts_on=draft.starts_on,
            days=draft.days,
            exposure=exposure(session, utcnow()),
        )
        draft.status = DraftStatus.running
        session.commit()
        return drafting


def _finish(
    factory: sessionmaker[Session], draft_id: int, drafting: Drafting, result: PlanResult
) -> None:
    with factory() as session:
        draft = draft_of(session, draft_id)
        found = _result_json(drafting, result)
        draft.status = DraftStatus.done
        draft.best_objective = result.objective
        draft.bound = result.bound
        draft.seconds = round(result.seconds, 1)
        draft.roster = roster_json(result.assignments)
        draft.heatmap = _heat_json(drafting, result.assignments)
        draft.gaps = found["gaps"]
        draft.scores = found["scores"]
        draft.changed = result.changed
        draft.finished_at = utcnow()
        session.commit()


def _fail(factory: sessionmaker[Session], draft_id: int, message: str) -> None:
    with factory() as session:
        draft = draft_of(session, draft_id)
        draft.status = DraftStatus.failed
        draft.error = message[:500]
        draft.finished_at = utcnow()
        session.commit()


def run_draft(
    factory: sessionmaker[Session],
    draft_id: int,
    *,
    exposure: ExposureSource,
    workers: int = 1,
) -> None:
    """Run the planner for a queued draft; every outcome ends in the row, never in a raise."""
    try:
        drafting = _begin(factory, draft_id, exposure)
        if drafting is None:
            return
        with factory() as session:
            seconds = draft_of(session, draft_id).seconds_limit
        reporter = _Reporter(factory, draft_id, drafting)
        # ortools (with numpy and pandas) is heavy: it loads when a roster is planned, not
        # in every web process at start-up, where it would delay the first intake answer.
        from exigent.staffing.planner import plan

        result = plan(drafting.problem, seconds=seconds, workers=workers, progress=reporter)
        _finish(factory, draft_id, drafting, result)
    except Exception as exc:  # the scheduler sees it on the page rather than a draft stuck
        log.exception("roster draft %s failed", draft_id)
        _fail(factory, draft_id, f"{type(exc).__name__}: {exc}")


class Drafter:
    """Runs drafts in the background of a web process; `wait` joins them (at shutdown)."""

    def __init__(
        self, factory: sessionmaker[Session], exposure: ExposureSource, workers: int = 1
    ) -> None:
        self.factory, self.exposure, self.workers = factory, exposure, workers
        self._threads: list[threading.Thread] = []

    def start(self, draft_id: int) -> None:
        thread = threading.Thread(
            target=run_draft,
            args=(self.factory, draft_id),
            kwargs={"exposure": self.exposure, "workers": self.workers},
            name=f"roster-draft-{draft_id}",
            daemon=True,
        )
        self._threads = [t for t in self._threads if t.is_alive()] + [thread]
        thread.start()

    def wait(self, timeout: float | None = None) -> None:
        for thread in list(self._threads):
            thread.join(timeout)
