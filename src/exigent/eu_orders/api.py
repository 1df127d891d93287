"""JSON routes of EU orders: read one, confirm its certificate, execute it, report an
obstacle and its end, extend a preservation order, edit and send messages, read the
transparency figures. Thin: each locks its case, calls the service and commits once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response
from sqlalchemy.orm import Session

from exigent.auth.models import User
from exigent.auth.permissions import Permission
from exigent.auth.service import actor_for, require
from exigent.cases import service as cases
from exigent.cases.models import Request
from exigent.cases.schemas import IntakeRecord
from exigent.db import utcnow
from exigent.errors import BadInput, NotFound
from exigent.eu_orders import execution, messages, queries, service
from exigent.eu_orders.models import EuOrderMessage, EuOrderRecord
from exigent.eu_orders.schemas import (
    ConfirmIn,
    EuOrderRead,
    MessageIn,
    ObstacleIn,
    OrderFigures,
    PreservationIn,
)
from exigent.legal import cases as legal_cases
from exigent.legal.deps import AfterJudgingDep
from exigent.legal.engine import judge
from exigent.legal.policy import Policy
from exigent.legal.versions import current_policy
from exigent.platform_data.registry import open_adapter
from exigent.web.deps import CaseId, CurrentUser, RowId, SessionDep, SettingsDep

router = APIRouter(prefix="/api/v1", tags=["eu-orders"])


def _holder(permission: Permission) -> Callable[[User], User]:
    def check(user: CurrentUser) -> User:
        # Before the body is read: a caller who may not act learns nothing about its shape.
        require(user, permission)
        return user

    return check


Reader = Annotated[User, Depends(_holder(Permission.request_read_all))]
Writer = Annotated[User, Depends(_holder(Permission.request_ask_info))]
Executor = Annotated[User, Depends(_holder(Permission.production_build))]
Keeper = Annotated[User, Depends(_holder(Permission.preservation_manage))]


def _locked(session: Session, user: User, case_id: int) -> tuple[Request, EuOrderRecord]:
    """The case, locked before anything is written to its audit chain, and its order."""
    require(user, Permission.request_read_all)
    request = cases.load_for(session, user, case_id, for_update=True)
    return request, service.require_order(session, request)


def _answer(
    session: Session,
    request: Request,
    order: EuOrderRecord,
    problems: list[dict[str, str]] | None = None,
) -> EuOrderRead:
    session.refresh(order)
    return queries.order_read(session, request, order, _policy(session), problems)


def _policy(session: Session) -> Policy:
    return current_policy(session).policy


@router.get("/requests/{request_id}/eu-order", response_model=EuOrderRead)
def read_order(request_id: CaseId, session: SessionDep, user: Reader) -> EuOrderRead:
    """The order's certificate, clocks, content and messages."""
    request = cases.load_for(session, user, request_id)
    order = service.require_order(session, request)
    cases.record_read(session, user, request)
    session.commit()
    return _answer(session, request, order)


@router.post("/requests/{request_id}/eu-order/confirm", response_model=EuOrderRead)
def confirm_order(
    request_id: CaseId,
    body: ConfirmIn,
    session: SessionDep,
    user: Writer,
    after_judging: AfterJudgingDep,
) -> EuOrderRead:
    """The certificate's fields as staff read them from the order: the order counts as
    received and confirmed, judged again, its clocks set from the corrected facts."""
    request, order = _locked(session, user, request_id)
    certificate = body.eu_order.model_dump(mode="json", exclude_none=True)
    request, _ = legal_cases.update_record(
        session,
        user=user,
        request_id=request.id,
        changes=service.confirmation_changes(request.record, certificate),
        after_judging=after_judging,
    )
    policy = _policy(session)
    record = IntakeRecord.model_validate(request.record)
    service.confirm(
        session,
        request=request,
        order=order,
        record=record,
        check=judge(record, policy),
        policy=policy,
        actor=actor_for(user),
        user_id=user.id,
        now=utcnow(),
    )
    session.commit()
    return _answer(session, request, order)


@router.post(
    "/requests/{request_id}/eu-order/execute",
    response_model=EuOrderRead,
    responses={202: {"description": "many items: the worker removes them, one by one"}},
)
def execute_order(
    request_id: CaseId,
    session: SessionDep,
    user: Executor,
    settings: SettingsDep,
    response: Response,
) -> EuOrderRead:
    """Give effect to the approved order. Content the platform does not have is answered
    with 422 naming its locator; the obstacle and the message drafted for it are kept. An
    order naming more than a few items is answered at once with 202 (status `removing`):
    the worker removes them and the order is executed when the last one is."""
    request, order = _locked(session, user, request_id)
    with open_adapter(settings) as adapter:
        done = execution.execute(
            session,
            request=request,
            order=order,
            user=user,
            adapter=adapter,
            settings=settings,
            policy=_policy(session),
            now=utcnow(),
        )
    session.commit()
    if done.in_the_worker:
        response.status_code = 202
    if done.problems:
        first = done.problems[0]
        raise BadInput(
            f"{first['field']}: {first['problem']}", field=first["field"], problems=done.problems
        )
    return _answer(session, request, order)


@router.post("/requests/{request_id}/eu-order/obstacle", response_model=EuOrderRead)
def report_obstacle(
    request_id: CaseId, body: ObstacleIn, session: SessionDep, user: Executor
) -> EuOrderRead:
    """The order cannot be executed for now: why; the removal clock waits."""
    request, order = _locked(session, user, request_id)
    service.report_obstacle(
        session,
        request=request,
        order=order,
        obstacle=body.obstacle,
        detail=body.detail,
        actor=actor_for(user),
        user_id=user.id,
        now=utcnow(),
    )
    session.commit()
    return _answer(session, request, order)


@router.post("/requests/{request_id}/eu-order/obstacle/end", response_model=EuOrderRead)
def end_obstacle(request_id: CaseId, session: SessionDep, user: Executor) -> EuOrderRead:
    """The obstacle ended or the clarification came: the clock runs again."""
    request, order = _locked(session, user, request_id)
    service.end_obstacle(
        session,
        request=request,
        order=order,
        policy=_policy(session),
        actor=actor_for(user),
        now=utcnow(),
    )
    session.commit()
    return _answer(session, request, order)


@router.post("/requests/{request_id}/eu-order/preservation", response_model=EuOrderRead)
def extend_preservation(
    request_id: CaseId,
    body: PreservationIn,
    session: SessionDep,
    user: Keeper,
    settings: SettingsDep,
) -> EuOrderRead:
    """The authority extended a preservation order, or confirmed production follows; the
    hold keeping the data moves with the order's period."""
    request, order = _locked(session, user, request_id)
    service.production_follows(
        session,
        request=request,
        order=order,
        policy=_policy(session),
        settings=settings,
        extend_only=not body.production_follows,
        actor=actor_for(user),
        now=utcnow(),
    )
    session.commit()
    return _answer(session, request, order)


def _message(session: Session, order: EuOrderRecord, message_id: int) -> EuOrderMessage:
    message = session.get(EuOrderMessage, message_id)
    if message is None or message.order_id != order.id:
        raise NotFound(f"no message {message_id} on this order")
    return message


@router.put("/requests/{request_id}/eu-order/messages/{message_id}", response_model=EuOrderRead)
def edit_message(
    request_id: CaseId,
    message_id: RowId,
    body: MessageIn,
    session: SessionDep,
    user: Writer,
) -> EuOrderRead:
    """The analyst's words for a drafted message."""
    request, order = _locked(session, user, request_id)
    messages.edit(
        session,
        message=_message(session, order, message_id),
        request=request,
        subject=body.subject,
        body=body.body,
        to_address=body.to_address,
        actor=actor_for(user),
        now=utcnow(),
    )
    session.commit()
    return _answer(session, request, order)


@router.post(
    "/requests/{request_id}/eu-order/messages/{message_id}/send", response_model=EuOrderRead
)
def send_message(
    request_id: CaseId, message_id: RowId, session: SessionDep, user: Writer
) -> EuOrderRead:
    """Queue the message; the worker sends it by email and records when it went."""
    request, order = _locked(session, user, request_id)
    messages.queue(
        session,
        message=_message(session, order, message_id),
        request=request,
        actor=actor_for(user),
        now=utcnow(),
    )
    session.commit()
    return _answer(session, request, order)


@router.get("/eu-orders/figures", response_model=list[OrderFigures])
def figures(
    session: SessionDep,
    user: Reader,
    since: Annotated[datetime, Query(description="received at or after (RFC 3339)")],
    until: Annotated[datetime, Query(description="received before (RFC 3339)")],
) -> list[OrderFigures]:
    """Each order's receipt, receipt told, effect given and effect told, for transparency."""
    if since.tzinfo is None or until.tzinfo is None:
        raise BadInput("since: give times with their offset", field="since")
    return queries.transparency_figures(session, since=since, until=until)
