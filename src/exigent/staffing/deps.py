"""What the staffing routes are handed by the running application: the drafter and, through
it, the exposure figures (from wellbeing, wired by `create_app`; staffing never imports it)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from exigent.db import utcnow
from exigent.staffing import drafts
from exigent.staffing.exposure import ExposureFigures
from exigent.web.deps import SessionDep


def get_drafter(request: Request) -> drafts.Drafter:
    """The running application's drafter (set on `app.state` by `create_app`)."""
    drafter: drafts.Drafter = request.app.state.drafter
    return drafter


DrafterDep = Annotated[drafts.Drafter, Depends(get_drafter)]


def current_exposure(drafter: DrafterDep, session: SessionDep) -> ExposureFigures:
    """The exposure figures handed down to the drafter, as of now, for the rule checks."""
    return drafter.exposure(session, utcnow())


ExposureDep = Annotated[ExposureFigures, Depends(current_exposure)]
