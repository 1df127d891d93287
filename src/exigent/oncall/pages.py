""" "How to reach me": a person's contact methods, and a scheduler's view of anyone's. Thin.

Every change is a form post answered by Post/Redirect/Get, saying what was done in the
method's own panel. The one exception is adding a webhook whose secret Exigent made: that
answer is the page itself, since the secret is shown once and never kept in an address.
A refused change renders the page again with the problem beside its field and its 4xx status.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session, sessionmaker

from exigent.auth.models import User
from exigent.auth.permissions import Permission, user_can
from exigent.config import Settings, SettingsDep
from exigent.db import utcnow
from exigent.errors import BadInput, ExigentError
from exigent.oncall import contacts
from exigent.oncall.models import ChannelKind
from exigent.oncall.schemas import MAX_USER_ID, shown_target
from exigent.web.actions import PANEL, confirmation
from exigent.web.deps import IntRowId, SessionDep, SessionFactoryDep, page_permission
from exigent.web.refusals import turned_down
from exigent.web.render import render

router = APIRouter(prefix="/oncall", include_in_schema=False)

Rostered = Annotated[User, Depends(page_permission(Permission.shifts_own))]
Short = Annotated[str, Form(max_length=500)]
Person = Annotated[int | None, Query(alias="user", ge=1, le=MAX_USER_ID)]

KINDS = [
    (str(ChannelKind.email), "Email"),
    (str(ChannelKind.slack), "Slack (incoming webhook)"),
    (str(ChannelKind.webhook), "Webhook (signed JSON)"),
    (str(ChannelKind.pagerduty), "PagerDuty (Events API v2)"),
]
DONE = {
    "added": "Contact method added; send a test message to check it reaches you.",
    "saved": "Changes saved.",
    "moved": "Order changed.",
    "enabled": "Enabled: pages use this method again.",
    "disabled": "Disabled: pages skip this method until you enable it.",
    "removed": "Contact method removed.",
    "tested_ok": "Test message delivered.",
    "tested_failed": "The test message did not get through.",
}


def _address(person: User, actor: User) -> str:
    return "/oncall/contacts" if person.id == actor.id else f"/oncall/contacts?user={person.id}"


def _see_done(person: User, actor: User, done: str, panel: str) -> RedirectResponse:
    """`web.actions.see_done` for this page, keeping whose methods are being looked at."""
    if not PANEL.fullmatch(panel):
        raise ValueError(f"not a panel id: {panel!r}")
    query = {"done": done, "at": panel}
    if person.id != actor.id:
        query = {"user": str(person.id), **query}
    return RedirectResponse(f"/oncall/contacts?{urlencode(query)}#{panel}", status_code=303)


def _page(
    request: Request,
    session: Session,
    actor: User,
    person: User,
    *,
    typed: dict[str, dict[str, str]] | None = None,
    errors: dict[str, str] | None = None,
    secret: tuple[int, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    methods = contacts.methods_of(session, person.id)
    session.commit()
    return render(
        request,
        actor,
        "oncall/contacts.html",
        {
            "person": person,
            "own": person.id == actor.id,
            "methods": methods,
            "shown": shown_target,
            "kinds": KINDS,
            "typed": typed or {},
            "errors": errors or {},
            "secret": secret,
            "confirmed": confirmation(request, DONE),
            "test_failed": request.query_params.get("done") == "tested_failed",
            "address": _address(person, actor),
            "can_manage": user_can(actor, Permission.contacts_manage),
        },
        status_code=status_code,
    )


def _problems(exc: ExigentError, form: str) -> dict[str, str]:
    """The problem beside the field it names, else above the form."""
    field = exc.detail.get("field")
    return {f"{form}.{field}" if field else form: exc.message}


def _act(
    request: Request,
    session: Session,
    factory: sessionmaker[Session],
    actor: User,
    person: User,
    *,
    form: str,
    typed: dict[str, str],
    action: Callable[[], str],
) -> Response:
    """Run `action` (it returns the `done` key) and commit; refused, say why beside `form`."""
    try:
        done = action()
        session.commit()
    except ExigentError as exc:
        return turned_down(
            session,
            exc,
            factory=factory,
            show=lambda e: _page(
                request,
                session,
                actor,
                person,
                typed={form: typed},
                errors=_problems(e, form),
                status_code=e.status_code,
            ),
        )
    return _see_done(person, actor, done, "methods" if done == "removed" else form)


@router.get("/contacts", response_class=HTMLResponse)
def contacts_page(
    request: Request, session: SessionDep, user: Rostered, person_id: Person = None
) -> HTMLResponse:
    """A person's ways of being reached, in the order a page tries them."""
    return _page(request, session, user, contacts.owner(session, user, person_id))


@router.post("/contacts", response_class=HTMLResponse)
def add_contact(
    request: Request,
    session: SessionDep,
    factory: SessionFactoryDep,
    settings: SettingsDep,
    user: Rostered,
    person_id: Person = None,
    kind: Short = "",
    label: Short = "",
    target: Short = "",
    secret: Short = "",
) -> Response:
    person = contacts.owner(session, user, person_id)
    typed = {"kind": kind, "label": label, "target": target}
    try:
        added = _add(session, user, person, settings, kind, label, target, secret)
        session.commit()
    except ExigentError as exc:
        return turned_down(
            session,
            exc,
            factory=factory,
            show=lambda e: _page(
                request,
                session,
                user,
                person,
                typed={"add": typed},
                errors=_problems(e, "add"),
                status_code=e.status_code,
            ),
        )
    if added.generated_secret:
        # Shown on this answer only: a redirect would have to carry it in an address.
        secret_shown = (added.method.id, added.generated_secret)
        return _page(request, session, user, person, secret=secret_shown)
    return _see_done(person, user, "added", f"contact-{added.method.id}")


def _add(
    session: Session,
    actor: User,
    person: User,
    settings: Settings,
    kind: str,
    label: str,
    target: str,
    secret: str,
) -> contacts.Added:
    if kind not in {k for k, _ in KINDS}:
        raise BadInput("kind: choose email, Slack, webhook or PagerDuty", field="kind")
    return contacts.add(
        session,
        actor=actor,
        person=person,
        kind=ChannelKind(kind),
        target=target,
        label=label,
        secret=secret or None,
        settings=settings,
    )


@router.post("/contacts/{contact_id}", response_class=HTMLResponse)
def edit_contact(
    contact_id: IntRowId,
    request: Request,
    session: SessionDep,
    factory: SessionFactoryDep,
    settings: SettingsDep,
    user: Rostered,
    label: Short = "",
    target: Short = "",
    secret: Short = "",
) -> Response:
    found = contacts.method(session, user, contact_id)
    person = contacts.owner(session, user, found.user_id)

    def run() -> str:
        contacts.change(
            session,
            actor=user,
            found=found,
            settings=settings,
            label=label,
            # A PagerDuty key is shown only by its end: a blank field keeps the one set.
            target=target if target.strip() or found.kind is not ChannelKind.pagerduty else None,
            secret=secret or None,
        )
        return "saved"

    typed = {"label": label, "target": target}
    form = f"contact-{contact_id}"
    return _act(request, session, factory, user, person, form=form, typed=typed, action=run)


@router.post("/contacts/{contact_id}/move", response_class=HTMLResponse)
def move_contact(
    contact_id: IntRowId,
    request: Request,
    session: SessionDep,
    factory: SessionFactoryDep,
    user: Rostered,
    direction: Annotated[str, Form(pattern="^(up|down)$")] = "up",
) -> Response:
    found = contacts.method(session, user, contact_id)
    person = contacts.owner(session, user, found.user_id)

    def run() -> str:
        contacts.move(session, actor=user, found=found, up=direction == "up")
        return "moved"

    form = f"contact-{contact_id}"
    return _act(request, session, factory, user, person, form=form, typed={}, action=run)


@router.post("/contacts/{contact_id}/enabled", response_class=HTMLResponse)
def enable_contact(
    contact_id: IntRowId,
    request: Request,
    session: SessionDep,
    factory: SessionFactoryDep,
    settings: SettingsDep,
    user: Rostered,
    enabled: Annotated[bool, Form()] = False,
) -> Response:
    found = contacts.method(session, user, contact_id)
    person = contacts.owner(session, user, found.user_id)

    def run() -> str:
        contacts.change(session, actor=user, found=found, settings=settings, enabled=enabled)
        return "enabled" if enabled else "disabled"

    form = f"contact-{contact_id}"
    return _act(request, session, factory, user, person, form=form, typed={}, action=run)


@router.post("/contacts/{contact_id}/delete", response_class=HTMLResponse)
def delete_contact(
    contact_id: IntRowId,
    request: Request,
    session: SessionDep,
    factory: SessionFactoryDep,
    user: Rostered,
) -> Response:
    found = contacts.method(session, user, contact_id)
    person = contacts.owner(session, user, found.user_id)

    def run() -> str:
        contacts.remove(session, actor=user, found=found)
        return "removed"

    form = f"contact-{contact_id}"
    return _act(request, session, factory, user, person, form=form, typed={}, action=run)


@router.post("/contacts/{contact_id}/test", response_class=HTMLResponse)
def test_contact(
    contact_id: IntRowId,
    request: Request,
    session: SessionDep,
    factory: SessionFactoryDep,
    settings: SettingsDep,
    user: Rostered,
) -> Response:
    """Send at once; the method's panel then shows what the far end answered."""
    found = contacts.method(session, user, contact_id)
    person = contacts.owner(session, user, found.user_id)

    def run() -> str:
        delivery = contacts.test(session, actor=user, found=found, settings=settings, now=utcnow())
        return "tested_ok" if delivery.ok else "tested_failed"

    form = f"contact-{contact_id}"
    return _act(request, session, factory, user, person, form=form, typed={}, action=run)
