"""The case page's production panel: approved scope, build, productions, delivery, custody and
preservation holds. Thin HTML routes, loaded into the console's case page with htmx.

Each action posts (CSRF checked by `PageUser`) and answers the panel again with 200, saying what
was done or, inline, why it was refused with the refusal's status code in the text (htmx swaps
only 2xx answers). A done action also swaps the case's status badge out of band.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from exigent.auth.models import User
from exigent.cases import service as cases
from exigent.config import Settings
from exigent.db import utcnow
from exigent.errors import ExigentError
from exigent.legal.targets import unknown_targets
from exigent.platform_data.registry import open_adapter
from exigent.production import delivery, preservation, reads, service
from exigent.production.custody import custody_log
from exigent.production.models import DeliveryLink, PreservationHold, Production
from exigent.production.scope import approved_scope
from exigent.web.deps import (
    CaseId,
    Reader,
    RowId,
    SessionDep,
    SessionFactoryDep,
    SettingsDep,
)
from exigent.web.refusals import turned_down
from exigent.web.templating import templates

router = APIRouter(prefix="/console", include_in_schema=False)


def _scope(session: Session, case: Any) -> tuple[Any, str | None]:
    try:
        return approved_scope(session, case), None
    except ExigentError as exc:
        return None, exc.message


def _panel(
    request: Request,
    session: Session,
    settings: Settings,
    user: User,
    case_id: int,
    *,
    done: str | None = None,
    error: tuple[str, str] | None = None,
    token_url: str | None = None,
) -> HTMLResponse:
    case = cases.load_for(session, user, case_id)
    scope, not_ready = _scope(session, case)
    productions = list(
        session.execute(
            select(Production).where(Production.request_id == case.id).order_by(Production.id)
        ).scalars()
    )
    links: dict[int, list[DeliveryLink]] = {p.id: [] for p in productions}
    if productions:
        for link in session.execute(
            select(DeliveryLink)
            .where(DeliveryLink.production_id.in_(links))
            .order_by(DeliveryLink.id)
        ).scalars():
            links[link.production_id].append(link)
    holds = preservation.holds_for(session, user=user, request_id=case.id)
    people = {p.created_by_id for p in productions} | {
        i for ls in links.values() for link in ls for i in (link.recipient_id, link.issued_by_id)
    }
    names: dict[int, str] = {}
    if people:
        for user_id, name in session.execute(select(User.id, User.name).where(User.id.in_(people))):
            names[user_id] = name
    context = {
        "user": user,
        "c": case,
        "scope": scope,
        "not_ready": not_ready,
        "productions": productions,
        "links": links,
        "refs": {p.id: service.production_reference(case, p.id) for p in productions},
        "recipient": delivery.recipient_for(session, case),
        "holds": holds,
        "snapshots": {h.id: preservation.snapshots_for(session, h.id) for h in holds},
        "reminder_days": settings.preservation_reminder_days,
        "timedelta": timedelta,
        "custody": custody_log(session, request_id=case.id),
        "names": names,
        "now": utcnow(),
        "done": done,
        "error": error,
        "token_url": token_url,
        "unknown_targets": unknown_targets(session, case.id),
        "csrf_token": getattr(request.state, "csrf_token", None),
    }
    cases.record_read(session, user, case)
    reads.record_productions_list(session, user, case.id, productions)
    reads.record_holds_read(session, user, case.id, holds)
    session.commit()
    return templates.TemplateResponse(request, "production/_panel.html", context)


@router.get("/cases/{case_id}/production", response_class=HTMLResponse)
def production_panel(
    case_id: CaseId, request: Request, session: SessionDep, user: Reader, settings: SettingsDep
) -> HTMLResponse:
    return _panel(request, session, settings, user, case_id)


def _act(
    request: Request,
    session: Session,
    factory: sessionmaker[Session],
    settings: Settings,
    user: User,
    case_id: int,
    where: str,
    action: Callable[[], str | tuple[str, str | None]],
) -> HTMLResponse:
    """Run one action; answer the panel with what was done, or with why not next to `where`."""
    try:
        outcome = action()
        session.commit()
    except ExigentError as exc:
        # htmx swaps only 2xx answers: the status goes into the text, the answer is a 200.
        return turned_down(
            session,
            exc,
            factory=factory,
            show=lambda error: _panel(
                request,
                session,
                settings,
                user,
                case_id,
                error=(where, f"{error.message} ({error.status_code})"),
            ),
        )
    done, url = outcome if isinstance(outcome, tuple) else (outcome, None)
    return _panel(request, session, settings, user, case_id, done=done, token_url=url)


@router.post("/cases/{case_id}/production/build", response_class=HTMLResponse)
def build(
    case_id: CaseId,
    request: Request,
    session: SessionDep,
    factory: SessionFactoryDep,
    settings: SettingsDep,
    user: Reader,
) -> HTMLResponse:
    def run() -> str:
        with open_adapter(settings) as adapter:
            production_id = service.build_production(
                factory,
                user=user,
                request_id=case_id,
                settings=settings,
                adapter=adapter,
            )
        built = session.get(Production, production_id)
        assert built is not None
        return f"Production {production_id} built: {built.record_count} records, sealed."

    return _act(request, session, factory, settings, user, case_id, "build", run)


@router.post("/productions/{production_id}/deliver", response_class=HTMLResponse)
def deliver(
    production_id: RowId,
    request: Request,
    session: SessionDep,
    factory: SessionFactoryDep,
    settings: SettingsDep,
    user: Reader,
) -> HTMLResponse:
    production = delivery.load_production(session, user, production_id)
    case_id = production.request_id

    def run() -> tuple[str, str | None]:
        link, token = delivery.issue_link(
            session, user=user, production_id=production_id, settings=settings
        )
        session.commit()
        # Mailed once the link is committed: a mail never announces a link rolled back.
        mailed_to, mail_error = delivery.mail_link(session, settings, link, token)
        if mail_error:
            return (
                f"Link issued, but the mail to {mailed_to} failed ({mail_error}); the requester "
                "still finds it in the portal.",
                None,
            )
        return (
            f"Delivered: link mailed to {mailed_to}, expires "
            f"{link.expires_at:%Y-%m-%d %H:%M} UTC; it is also listed in their portal.",
            None,
        )

    where = f"production-{production_id}"
    return _act(request, session, factory, settings, user, case_id, where, run)


@router.post("/cases/{case_id}/holds", response_class=HTMLResponse)
def place_hold(
    case_id: CaseId,
    request: Request,
    session: SessionDep,
    factory: SessionFactoryDep,
    settings: SettingsDep,
    user: Reader,
) -> HTMLResponse:
    def run() -> str:
        with open_adapter(settings) as adapter:
            hold_id = preservation.place_hold(
                factory,
                user=user,
                request_id=case_id,
                settings=settings,
                adapter=adapter,
            )
        hold = session.get(PreservationHold, hold_id)
        assert hold is not None
        return f"Hold {hold.id} placed until {hold.expires_at:%Y-%m-%d}."

    return _act(request, session, factory, settings, user, case_id, "holds", run)


def _hold_case(session: Session, user: User, hold_id: int) -> int:
    hold = preservation.load_hold(session, user, hold_id)
    assert isinstance(hold, PreservationHold)
    return hold.request_id


@router.post("/holds/{hold_id}/extend", response_class=HTMLResponse)
def extend_hold(
    hold_id: RowId,
    request: Request,
    session: SessionDep,
    factory: SessionFactoryDep,
    settings: SettingsDep,
    user: Reader,
) -> HTMLResponse:
    case_id = _hold_case(session, user, hold_id)

    def run() -> str:
        hold = preservation.extend_hold(session, user=user, hold_id=hold_id, settings=settings)
        return f"Hold {hold.id} extended until {hold.expires_at:%Y-%m-%d}."

    return _act(request, session, factory, settings, user, case_id, f"hold-{hold_id}", run)


@router.post("/holds/{hold_id}/release", response_class=HTMLResponse)
def release_hold(
    hold_id: RowId,
    request: Request,
    session: SessionDep,
    factory: SessionFactoryDep,
    settings: SettingsDep,
    user: Reader,
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> HTMLResponse:
    case_id = _hold_case(session, user, hold_id)

    def run() -> str:
        hold = preservation.release_by_user(
            session, user=user, hold_id=hold_id, reason=reason.strip() or "released by staff"
        )
        return f"Hold {hold.id} released."

    return _act(request, session, factory, settings, user, case_id, f"hold-{hold_id}", run)
