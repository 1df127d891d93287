"""The case page's EU order panel (certificate facts, clocks, content, messages and the
actions on them) and the page where staff confirm a certificate read from a mail.

The panel is loaded with htmx; its actions post (CSRF checked by `PageUser`) and answer the
panel again with 200, saying what was done or, inline, why it was refused.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from exigent.auth.models import User
from exigent.auth.permissions import Permission
from exigent.auth.service import actor_for
from exigent.cases import service as cases
from exigent.cases.eu_certificate import EuOrder
from exigent.cases.schemas import IntakeRecord
from exigent.db import utcnow
from exigent.errors import BadInput, ExigentError, NotFound, describe_validation_error
from exigent.eu_orders import execution, messages, queries, service
from exigent.eu_orders.form import (
    CATEGORIES,
    ROLES,
    SECTIONS,
    certificate_from_form,
    form_field,
    form_from_certificate,
    serious_offences,
)
from exigent.eu_orders.models import EuOrderMessage, Obstacle
from exigent.legal import cases as legal_cases
from exigent.legal.deps import AfterJudgingDep
from exigent.legal.engine import judge
from exigent.legal.versions import current_policy
from exigent.platform_data.registry import open_adapter
from exigent.web.deps import (
    CaseId,
    FormDep,
    Reader,
    RowId,
    SessionDep,
    SessionFactoryDep,
    SettingsDep,
    page_permission,
)
from exigent.web.refusals import turned_down
from exigent.web.templating import templates

router = APIRouter(prefix="/console", include_in_schema=False)
Executor = Annotated[User, Depends(page_permission(Permission.production_build))]
Keeper = Annotated[User, Depends(page_permission(Permission.preservation_manage))]
# Writing to the authority and confirming what it sent are staff's (officers note and edit
# their own requests, never an authority's order).
Writer = Annotated[User, Depends(page_permission(Permission.request_ask_info))]
Editor = Writer


def _panel(
    request: Request,
    session: Session,
    user: User,
    case_id: int,
    *,
    done: str | None = None,
    error: str | None = None,
    problems: list[dict[str, str]] | None = None,
) -> HTMLResponse:
    case = cases.load_for(session, user, case_id)
    order = service.order_for(session, case.id)
    policy = current_policy(session).policy
    view = queries.order_read(session, case, order, policy, problems) if order else None
    cases.record_read(session, user, case)
    session.commit()
    context: dict[str, Any] = {
        "user": user,
        "c": case,
        "o": view,
        "done": done,
        "error": error,
        "obstacles": list(Obstacle),
        "csrf_token": getattr(request.state, "csrf_token", None),
        "now": utcnow(),
    }
    return templates.TemplateResponse(request, "eu_orders/_panel.html", context)


@router.get("/cases/{case_id}/eu-order", response_class=HTMLResponse)
def order_panel(
    case_id: CaseId, request: Request, session: SessionDep, user: Reader
) -> HTMLResponse:
    return _panel(request, session, user, case_id)


def _act(
    request: Request,
    session: Session,
    factory: Any,
    user: User,
    case_id: int,
    action: Callable[[], str],
) -> HTMLResponse:
    """Run one action on the locked case and answer the panel with what happened."""
    try:
        done = action()
        session.commit()
    except ExigentError as exc:
        return turned_down(
            session,
            exc,
            factory=factory,
            show=lambda e: _panel(
                request, session, user, case_id, error=f"{e.message} ({e.status_code})"
            ),
        )
    return _panel(request, session, user, case_id, done=done)


def _locked(session: Session, user: User, case_id: int) -> tuple[Any, Any]:
    case = cases.load_for(session, user, case_id, for_update=True)
    return case, service.require_order(session, case)


@router.post("/cases/{case_id}/eu-order/execute", response_class=HTMLResponse)
def execute(
    case_id: CaseId,
    request: Request,
    session: SessionDep,
    factory: SessionFactoryDep,
    settings: SettingsDep,
    user: Executor,
) -> HTMLResponse:
    outcome: list[dict[str, str]] = []

    def run() -> str:
        case, order = _locked(session, user, case_id)
        with open_adapter(settings) as adapter:
            done = execution.execute(
                session,
                request=case,
                order=order,
                user=user,
                adapter=adapter,
                settings=settings,
                policy=current_policy(session).policy,
                now=utcnow(),
            )
        outcome.extend(done.problems)
        if done.problems:
            return "Not all could be executed: the authority's message is drafted below."
        if done.in_the_worker:
            return (
                f"Removing {len(order.items)} items: each is disabled in the EU in turn, "
                "shown below as it goes. The order is executed when the last one is."
            )
        return "Executed: effect given now. Send the confirmation below."

    answer = _act(request, session, factory, user, case_id, run)
    if outcome:
        return _panel(
            request,
            session,
            user,
            case_id,
            error="; ".join(f"{p['field']}: {p['problem']}" for p in outcome),
            problems=outcome,
        )
    return answer


@router.post("/cases/{case_id}/eu-order/obstacle", response_class=HTMLResponse)
def obstacle(
    case_id: CaseId,
    request: Request,
    session: SessionDep,
    factory: SessionFactoryDep,
    user: Executor,
    obstacle: Annotated[str, Form(max_length=40)] = "",
    detail: Annotated[str, Form(max_length=20_000)] = "",
) -> HTMLResponse:
    def run() -> str:
        case, order = _locked(session, user, case_id)
        try:
            reason = Obstacle(obstacle)
        except ValueError:
            raise BadInput("obstacle: choose why it cannot be executed", field="obstacle") from None
        service.report_obstacle(
            session,
            request=case,
            order=order,
            obstacle=reason,
            detail=detail,
            actor=actor_for(user),
            user_id=user.id,
            now=utcnow(),
        )
        return "The clock waits; the message to the authority is drafted below."

    return _act(request, session, factory, user, case_id, run)


@router.post("/cases/{case_id}/eu-order/obstacle/end", response_class=HTMLResponse)
def obstacle_ended(
    case_id: CaseId,
    request: Request,
    session: SessionDep,
    factory: SessionFactoryDep,
    user: Executor,
) -> HTMLResponse:
    def run() -> str:
        case, order = _locked(session, user, case_id)
        policy = current_policy(session).policy
        service.end_obstacle(
            session, request=case, order=order, policy=policy, actor=actor_for(user), now=utcnow()
        )
        return "The obstacle ended: the clock runs again."

    return _act(request, session, factory, user, case_id, run)


@router.post("/cases/{case_id}/eu-order/preservation", response_class=HTMLResponse)
def preservation_period(
    case_id: CaseId,
    request: Request,
    session: SessionDep,
    factory: SessionFactoryDep,
    settings: SettingsDep,
    user: Keeper,
    step: Annotated[str, Form(max_length=20)] = "",
) -> HTMLResponse:
    """The authority extended a preservation order, or confirmed a production order follows:
    the period, and the hold keeping the data, move with it."""

    def run() -> str:
        if step not in ("extend", "follows"):
            raise BadInput("step: choose extend or follows", field="step")
        case, order = _locked(session, user, case_id)
        service.production_follows(
            session,
            request=case,
            order=order,
            policy=current_policy(session).policy,
            settings=settings,
            extend_only=step == "extend",
            actor=actor_for(user),
            now=utcnow(),
        )
        if step == "extend":
            return "Extended: the period and the hold now end 30 days later."
        return "Production follows: the data are kept, and the hold with them."

    return _act(request, session, factory, user, case_id, run)


def _message(session: Session, order: Any, message_id: int) -> EuOrderMessage:
    message = session.get(EuOrderMessage, message_id)
    if message is None or message.order_id != order.id:
        raise NotFound(f"no message {message_id} on this order")
    return message


@router.post("/cases/{case_id}/eu-order/messages/{message_id}", response_class=HTMLResponse)
def save_or_send(
    case_id: CaseId,
    message_id: RowId,
    request: Request,
    session: SessionDep,
    factory: SessionFactoryDep,
    user: Writer,
    subject: Annotated[str, Form(max_length=500)] = "",
    body: Annotated[str, Form(max_length=20_000)] = "",
    to_address: Annotated[str, Form(max_length=500)] = "",
    send: Annotated[str, Form(max_length=10)] = "",
) -> HTMLResponse:
    def run() -> str:
        case, order = _locked(session, user, case_id)
        message = _message(session, order, message_id)
        actor, now = actor_for(user), utcnow()
        changed = (subject, body, to_address.strip()) != (
            message.subject,
            message.body,
            message.to_address or "",
        )
        if changed:
            messages.edit(
                session,
                message=message,
                request=case,
                subject=subject,
                body=body,
                to_address=to_address,
                actor=actor,
                now=now,
            )
        if send:
            messages.queue(session, message=message, request=case, actor=actor, now=now)
            return "Queued: it goes out by email within seconds."
        return "Saved."

    return _act(request, session, factory, user, case_id, run)


# The confirmation page: the certificate read from a mail, checked field by field.


def _confirm_page(
    request: Request,
    session: Session,
    case: Any,
    user: User,
    values: dict[str, Any],
    *,
    problems: list[dict[str, str]] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    context = {
        "user": user,
        "c": case,
        "v": values,
        "problems": {form_field(p["field"]): p["problem"] for p in problems or []},
        "roles": ROLES,
        "sections": SECTIONS,
        "categories": CATEGORIES,
        "offences": serious_offences(current_policy(session).policy),
        "csrf_token": getattr(request.state, "csrf_token", None),
    }
    return templates.TemplateResponse(
        request, "eu_orders/confirm.html", context, status_code=status_code
    )


@router.get("/cases/{case_id}/eu-order/confirm", response_class=HTMLResponse)
def confirm_page(
    case_id: CaseId, request: Request, session: SessionDep, user: Editor
) -> HTMLResponse:
    case = cases.load_for(session, user, case_id)
    service.require_order(session, case)
    values = form_from_certificate(case.record.get("eu_order") or {})
    cases.record_read(session, user, case)
    session.commit()
    return _confirm_page(request, session, case, user, values)


@router.post("/cases/{case_id}/eu-order/confirm", response_model=None)
def confirm(
    case_id: CaseId,
    request: Request,
    form: FormDep,
    session: SessionDep,
    user: Editor,
    after_judging: AfterJudgingDep,
) -> Response:
    case, order = _locked(session, user, case_id)
    categories = [str(v) for v in form.getlist("data_categories")]
    certificate = certificate_from_form(form, categories)
    values = form_from_certificate(certificate) | {"data_categories": categories}
    try:
        EuOrder.model_validate(certificate)
        IntakeRecord.model_validate({**case.record, "eu_order": certificate})
    except ValidationError as exc:
        problems = describe_validation_error(exc)
        session.rollback()
        return _confirm_page(
            request, session, case, user, values, problems=problems, status_code=422
        )
    try:
        _confirm(session, user, case, order, certificate, after_judging)
        session.commit()
    except ExigentError as exc:
        session.rollback()
        field = getattr(exc, "field", None) or "eu_order"
        problem = {"field": field, "problem": exc.message}
        return _confirm_page(
            request, session, case, user, values, problems=[problem], status_code=409
        )
    return RedirectResponse(f"/console/cases/{case_id}#eu-order", status_code=303)


def _confirm(
    session: Session,
    user: User,
    case: Any,
    order: Any,
    certificate: dict[str, Any],
    after_judging: Any,
) -> None:
    case, _ = legal_cases.update_record(
        session,
        user=user,
        request_id=case.id,
        changes=service.confirmation_changes(case.record, certificate),
        after_judging=after_judging,
    )
    policy = current_policy(session).policy
    record = IntakeRecord.model_validate(case.record)
    service.confirm(
        session,
        request=case,
        order=order,
        record=record,
        check=judge(record, policy),
        policy=policy,
        actor=actor_for(user),
        user_id=user.id,
        now=utcnow(),
    )
