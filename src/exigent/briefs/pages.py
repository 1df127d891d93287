"""The hand-off brief's pages: the current brief, any past one, the lead's notes and
acknowledgement. Thin; every change is Post/Redirect/Get."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from exigent.auth.models import User
from exigent.auth.permissions import Permission
from exigent.briefs import handoffs
from exigent.briefs.handoff_brief import case_ref, gather, on_clock
from exigent.briefs.models import Handoff
from exigent.db import utcnow
from exigent.errors import ExigentError
from exigent.web.actions import confirmation, see_done, take_action
from exigent.web.deps import RowId, SessionDep, SessionFactoryDep, page_permission
from exigent.web.render import render

router = APIRouter(prefix="/briefs", include_in_schema=False)

HandoffReader = Annotated[User, Depends(page_permission(Permission.handoff_read))]
ShiftLead = Annotated[User, Depends(page_permission(Permission.handoff_lead))]
Notes = Annotated[str, Form(max_length=handoffs.NOTES_MAX)]

SAID = {
    "acknowledged": "Brief acknowledged; the escalation is stopped.",
    "notes": "Notes saved; the next shift gets them in its brief.",
}


def _names(session: Session, ids: list[int]) -> str:
    if not ids:
        return "nobody"
    return ", ".join(session.scalars(select(User.name).where(User.id.in_(ids)).order_by(User.name)))


def _show(
    request: Request,
    session: Session,
    user: User,
    handoff: Handoff | None,
    *,
    error: ExigentError | None = None,
    typed_notes: str | None = None,
) -> HTMLResponse:
    now = utcnow()
    upcoming = handoffs.upcoming(session, now)
    content = None
    if handoff is not None:
        # Before it is sent the brief is a preview, gathered as things stand now.
        content = handoff.content or gather(session, handoff, now)
    context = {
        "handoff": handoff,
        "content": content,
        "upcoming": upcoming,
        "recent": handoffs.recent(session, now),
        "names": lambda ids: _names(session, ids),
        "clock": lambda value: on_clock(value, user.timezone or "UTC"),
        "at": lambda moment: on_clock(moment.isoformat(), user.timezone or "UTC"),
        "ref": case_ref,
        "confirmed": confirmation(request, SAID),
        # The button is for the incoming lead the roster names (any lead when it names none).
        "may_acknowledge": handoff is not None
        and (not handoff.incoming_lead_ids or user.id in handoff.incoming_lead_ids),
        "error": error,
        "typed_notes": typed_notes,
        "acknowledged_by": _names(session, [handoff.acknowledged_by_id])
        if handoff is not None and handoff.acknowledged_by_id
        else None,
    }
    status = error.status_code if error is not None else 200
    return render(request, user, "briefs/handoff.html", context, status_code=status)


@router.get("/handoff", response_class=HTMLResponse)
def current_handoff(request: Request, session: SessionDep, user: HandoffReader) -> HTMLResponse:
    """The brief of the shift on now (and the notes waiting for the next one).

    Reading only: hand-overs are planned by the worker's daily chain (and the demo), so a
    page nobody has planned for says so rather than planning on a GET."""
    return _show(request, session, user, handoffs.current(session, utcnow()))


@router.get("/handoff/{handoff_id}", response_class=HTMLResponse)
def one_handoff(
    request: Request, handoff_id: RowId, session: SessionDep, user: HandoffReader
) -> HTMLResponse:
    response = _show(request, session, user, handoffs.load(session, handoff_id))
    session.commit()
    return response


@router.post("/handoff/{handoff_id}/acknowledge")
def acknowledge(
    request: Request,
    handoff_id: RowId,
    session: SessionDep,
    factory: SessionFactoryDep,
    user: ShiftLead,
) -> Response:
    return take_action(
        session,
        lambda: handoffs.acknowledge(session, actor=user, handoff_id=handoff_id, now=utcnow()),
        factory=factory,
        done=lambda: see_done(f"/briefs/handoff/{handoff_id}", "acknowledged", "acknowledge"),
        refused=lambda e: _show(
            request, session, user, handoffs.load(session, handoff_id), error=e
        ),
    )


@router.post("/handoff/{handoff_id}/notes")
def write_notes(
    request: Request,
    handoff_id: RowId,
    session: SessionDep,
    factory: SessionFactoryDep,
    user: ShiftLead,
    notes: Notes = "",
) -> Response:
    return take_action(
        session,
        lambda: handoffs.write_notes(
            session, actor=user, handoff_id=handoff_id, notes=notes, now=utcnow()
        ),
        factory=factory,
        done=lambda: see_done(f"/briefs/handoff/{handoff_id}", "notes", "notes"),
        refused=lambda e: _show(
            request,
            session,
            user,
            handoffs.load(session, handoff_id),
            error=e,
            typed_notes=notes,
        ),
    )
