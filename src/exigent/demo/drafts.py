"""The demo's draft roster: next week planned from the roster in force, finished, not published,
so a scheduler sees a draft with its heatmap, gaps and each person's share."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from exigent.auth.models import User
from exigent.db import utcnow
from exigent.demo.people import DEMO_DOMAIN
from exigent.staffing.draft_models import RosterDraft
from exigent.staffing.drafts import request_draft, run_draft
from exigent.workflow.exposure import recent_exposure

# Short, so `exigent demo` stays quick; the page shows how far from the best it got.
DEMO_PLANNER_SECONDS = 3


def seed_draft(factory: sessionmaker[Session]) -> None:
    """One finished draft for next week, unless the database has drafts already."""
    with factory() as session:
        if session.execute(select(func.count()).select_from(RosterDraft)).scalar_one():
            return
        scheduler = session.scalars(
            select(User).where(User.email == f"scheduler@{DEMO_DOMAIN}")
        ).first()
        if scheduler is None:
            return
        now = utcnow()
        today = now.date()
        draft = request_draft(
            session,
            actor=scheduler,
            starts_on=today + timedelta(days=7 - today.weekday()),
            days=7,
            seconds=DEMO_PLANNER_SECONDS,
            now=now,
        )
        session.commit()
        draft_id = draft.id
    run_draft(factory, draft_id, exposure=recent_exposure, workers=2)
