"""On call's pages: who is on call and the pages sent (with their delivery trails), the
escalation policies and triggers, and the one-time acknowledge link. Thin.

Actions are form posts answered by Post/Redirect/Get; a refused edit shows the page again
with the field and the problem, and keeps nothing.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from exigent.auth.models import User
from exigent.auth.permissions import Permission
from exigent.config import Settings
from exigent.db import utcnow
from exigent.errors import BadInput, ExigentError
from exigent.oncall import ack_links, policies, queries, service
from exigent.oncall.models import Alert, TargetKind
from exigent.oncall.rota import headline_policy, levels_on_call
from exigent.web.actions import confirmation, see_done, take_action
from exigent.web.deps import FormDep, IntRowId, SessionDep, page_permission, safe_next
from exigent.web.render import render
from exigent.web.templating import templates

router = APIRouter(prefix="/oncall", include_in_schema=False)

Reader = Annotated[User, Depends(page_permission(Permission.oncall_read))]
Responder = Annotated[User, Depends(page_permission(Permission.oncall_respond))]
Editor = Annotated[User, Depends(page_permission(Permission.oncall_edit))]
ALERTS = "/oncall/alerts"
POLICIES = "/oncall/policies"
SAID = {
    "acknowledged": "Page acknowledged: its escalation has stopped.",
    "resolved": "Page resolved.",
    "policy_saved": "Policy saved.",
    "trigger_saved": "Trigger saved.",
    "defaults": "The default policies and triggers are in place.",
}
SHOWN = 50


def _names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = session.execute(select(User.id, User.name).where(User.id.in_(ids)))
    return {user_id: name for user_id, name in rows}


@router.get("/alerts", response_class=HTMLResponse)
def alerts_page(request: Request, session: SessionDep, user: Reader) -> HTMLResponse:
    """Who is on call now and next, and open and recent pages with their delivery trails."""
    settings: Settings = request.app.state.settings
    now = utcnow()
    policy = headline_policy(session)
    levels = levels_on_call(session, now, head_email=settings.oncall_head_email, policy=policy)
    alerts = queries.recent_alerts(session, open_only=False, limit=SHOWN)
    trails = queries.trail(session, [a.id for a in alerts])
    people = {d.user_id for t in trails.values() for d in t if d.user_id} | {
        a.acknowledged_by_id for a in alerts if a.acknowledged_by_id
    }
    return render(
        request,
        user,
        "oncall/alerts.html",
        {
            "policy": policy,
            "levels": levels,
            "open_alerts": [a for a in alerts if a.status == "open"],
            "past_alerts": [a for a in alerts if a.status != "open"],
            "trails": trails,
            "names": _names(session, people),
            "said": confirmation(request, SAID),
        },
    )


def _answer(
    request: Request,
    session: Session,
    user: User,
    alert_id: int,
    next_path: str | None,
    resolve: bool,
) -> Response:
    back = safe_next(next_path, ALERTS)
    path = back.split("?", 1)[0].split("#", 1)[0]

    def act() -> Alert:
        answer = service.resolve if resolve else service.acknowledge
        return answer(session, user=user, alert_id=alert_id, via="console", now=utcnow())

    def refused(exc: ExigentError) -> Response:
        return render(
            request,
            user,
            "oncall/refused.html",
            {"message": exc.message, "back": back},
            status_code=exc.status_code,
        )

    return take_action(
        session,
        act,
        factory=request.app.state.session_factory,
        done=lambda: see_done(path, "resolved" if resolve else "acknowledged", "oncall"),
        refused=refused,
    )


@router.post("/alerts/{alert_id}/acknowledge")
def acknowledge(
    request: Request,
    alert_id: IntRowId,
    session: SessionDep,
    user: Responder,
    next: Annotated[str | None, Form(max_length=500)] = None,
) -> Response:
    return _answer(request, session, user, alert_id, next, resolve=False)


@router.post("/alerts/{alert_id}/resolve")
def resolve(
    request: Request,
    alert_id: IntRowId,
    session: SessionDep,
    user: Responder,
    next: Annotated[str | None, Form(max_length=500)] = None,
) -> Response:
    return _answer(request, session, user, alert_id, next, resolve=True)


# Policies and triggers


def _policies_page(
    request: Request,
    session: Session,
    user: User,
    *,
    error: dict[str, Any] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    return render(
        request,
        user,
        "oncall/policies.html",
        {
            "policies": policies.all_policies(session),
            "triggers": policies.all_triggers(session),
            "kinds": list(TargetKind),
            "max_levels": policies.MAX_LEVELS,
            "error": error,
            "said": confirmation(request, SAID),
        },
        status_code=status_code,
    )


@router.get("/policies", response_class=HTMLResponse)
def policies_page(request: Request, session: SessionDep, user: Reader) -> HTMLResponse:
    """The escalation policies and what triggers each; leads and admins edit them here."""
    return _policies_page(request, session, user)


def _levels_from(form: Any) -> list[policies.LevelSpec]:
    """The filled rows of the levels table; a row without a target kind is left out."""
    levels = []
    for i in range(policies.MAX_LEVELS):
        kind = str(form.get(f"kind_{i}", "") or "")
        if not kind:
            continue
        try:
            target_kind = TargetKind(kind)
        except ValueError:
            raise BadInput(f"levels[{i}].kind: {kind!r} is not a kind of target") from None
        timeout = str(form.get(f"timeout_{i}", "") or "")
        if not timeout.isdigit():
            raise BadInput(f"levels[{i}].timeout_minutes: a whole number of minutes")
        levels.append(
            policies.LevelSpec(target_kind, str(form.get(f"target_{i}", "") or ""), int(timeout))
        )
    return levels


@router.post("/policies/{policy_id}")
def edit_policy(
    request: Request, policy_id: IntRowId, session: SessionDep, user: Editor, form: FormDep
) -> Response:
    def act() -> None:
        repeat = str(form.get("repeat_count", "") or "")
        fallback = str(form.get("fallback_kind", "") or "")
        if fallback not in set(TargetKind):
            raise BadInput("fallback_kind: choose who is told when nobody answers")
        policies.update_policy(
            session,
            actor=user,
            policy_id=policy_id,
            levels=_levels_from(form),
            repeat_count=int(repeat) if repeat.isdigit() else 0,
            fallback=TargetKind(fallback),
            fallback_target=str(form.get("fallback_target", "") or ""),
            now=utcnow(),
        )

    return take_action(
        session,
        act,
        factory=request.app.state.session_factory,
        done=lambda: see_done(POLICIES, "policy_saved", f"policy-{policy_id}"),
        refused=lambda exc: _policies_page(
            request,
            session,
            user,
            error={"policy_id": policy_id, "message": exc.message},
            status_code=exc.status_code,
        ),
    )


@router.post("/triggers/{trigger_id}")
def edit_trigger(
    request: Request,
    trigger_id: IntRowId,
    session: SessionDep,
    user: Editor,
    policy_id: Annotated[int | None, Form()] = None,
    enabled: Annotated[bool, Form()] = False,
) -> Response:
    return take_action(
        session,
        lambda: policies.update_trigger(
            session,
            actor=user,
            trigger_id=trigger_id,
            enabled=enabled,
            policy_id=policy_id,
            now=utcnow(),
        ),
        factory=request.app.state.session_factory,
        done=lambda: see_done(POLICIES, "trigger_saved", "triggers"),
        refused=lambda exc: _policies_page(
            request,
            session,
            user,
            error={"trigger_id": trigger_id, "message": exc.message},
            status_code=exc.status_code,
        ),
    )


@router.post("/policies-defaults")
def create_defaults(request: Request, session: SessionDep, user: Editor) -> Response:
    """Put the default policies and triggers in place when there are none."""
    policies.ensure_defaults(session, now=utcnow())
    session.commit()
    return see_done(POLICIES, "defaults", "triggers")


# The one-time link in a page's message: no session, the token is the credential.


def _link_page(request: Request, context: dict[str, Any], status_code: int = 200) -> HTMLResponse:
    return templates.TemplateResponse(
        request, "oncall/ack.html", {"user": None, **context}, status_code=status_code
    )


def _refused_link(request: Request, session: Session, token: str, exc: ExigentError) -> Response:
    session.rollback()
    service.record_link_refusal(request.app.state.session_factory, token, exc)
    return _link_page(request, {"refused": exc.message}, status_code=exc.status_code)


@router.get("/ack/{token}", response_class=HTMLResponse)
def ack_link(request: Request, token: str, session: SessionDep) -> Response:
    """What the link in a message opens: the page, and a button that acknowledges it. A GET
    changes nothing: mail scanners follow links."""
    try:
        link = ack_links.usable(session, token[:100], utcnow())
    except ExigentError as exc:
        return _refused_link(request, session, token, exc)
    alert = session.get(Alert, link.alert_id)
    return _link_page(request, {"alert": alert, "token": token})


@router.post("/ack/{token}", response_class=HTMLResponse)
def ack_link_confirm(request: Request, token: str, session: SessionDep) -> Response:
    try:
        alert = service.acknowledge_by_link(session, token=token[:100], now=utcnow())
    except ExigentError as exc:
        return _refused_link(request, session, token, exc)
    session.commit()
    return RedirectResponse(f"/oncall/ack-done/{alert.id}", status_code=303)


@router.get("/ack-done/{alert_id}", response_class=HTMLResponse)
def ack_done(request: Request, alert_id: IntRowId) -> Response:
    """Where the link's button lands: it says the page is acknowledged, and nothing else."""
    return _link_page(request, {"done": True})
