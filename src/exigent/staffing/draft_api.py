"""Draft rosters over JSON: list, read, start, publish. Thin; the same rules, permission and
audit as the draft pages (`draft_pages.py`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from exigent.auth.models import User
from exigent.auth.permissions import Permission
from exigent.db import utcnow
from exigent.staffing import drafts
from exigent.staffing.api import holding
from exigent.staffing.deps import DrafterDep
from exigent.staffing.draft_models import RosterDraft
from exigent.staffing.publish import publish
from exigent.staffing.schemas import (
    DraftCreate,
    DraftGap,
    DraftProgress,
    DraftRead,
    DraftSummary,
)
from exigent.web.deps import IntRowId, SessionDep

router = APIRouter(prefix="/api/v1/staffing/drafts", tags=["staffing"])

Scheduler = Annotated[User, Depends(holding(Permission.roster_edit))]


def _summary(draft: RosterDraft) -> dict[str, object]:
    return {
        "id": draft.id,
        "starts_on": draft.starts_on,
        "days": draft.days,
        "status": str(draft.status),
        "objective": draft.best_objective,
        "bound": draft.bound,
        "progress": DraftProgress(
            seconds=draft.seconds, seconds_limit=draft.seconds_limit, solutions=draft.solutions
        ),
        "created_at": draft.created_at,
        "published_at": draft.published_at,
        "error": draft.error,
    }


def _read(draft: RosterDraft) -> DraftRead:
    return DraftRead(
        **_summary(draft),
        changed=draft.changed,
        roster=list(draft.roster),
        gaps=[
            DraftGap(
                at=g["at"],
                skill=g["skill"],
                required=g["required"],
                rostered=g["rostered"],
                reasons=list(g["reasons"]),
            )
            for g in draft.gaps
        ],
        scores=list(draft.scores),
        heatmap=list(draft.heatmap),
    )


@router.get("")
def list_drafts(session: SessionDep, user: Scheduler) -> list[DraftSummary]:
    """The latest drafts, newest first (a run a restart stopped is marked failed here)."""
    found = drafts.recent_drafts(session, now=utcnow())
    session.commit()
    return [DraftSummary(**_summary(d)) for d in found]


@router.get("/{draft_id}")
def read_draft(draft_id: IntRowId, session: SessionDep, user: Scheduler) -> DraftRead:
    """One draft; a run a restart stopped is marked failed first, so a poller stops waiting."""
    drafts.stop_abandoned(session, utcnow())
    draft = drafts.draft_of(session, draft_id)
    session.commit()
    return _read(draft)


@router.post("", status_code=202)
def start_draft(
    body: DraftCreate, session: SessionDep, user: Scheduler, drafter: DrafterDep
) -> DraftRead:
    """Queue a draft and start the planner on it; poll `GET .../{id}` for its progress."""
    draft = drafts.request_draft(session, actor=user, now=utcnow(), **body.model_dump())
    session.commit()
    # Started only once committed: the run reads the draft in transactions of its own.
    drafter.start(draft.id)
    return _read(draft)


@router.post("/{draft_id}/publish")
def publish_draft(draft_id: IntRowId, session: SessionDep, user: Scheduler) -> DraftRead:
    """Put a finished draft in force from now on; everyone whose shifts changed is told."""
    publish(session, actor=user, draft_id=draft_id, now=utcnow())
    session.commit()
    return _read(drafts.draft_of(session, draft_id))
