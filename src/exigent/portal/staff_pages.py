"""Staff's list of officers' portal accounts, and suspending or restoring one from its row."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from exigent.audit.service import record_event
from exigent.auth.accounts import PortalAccount
from exigent.auth.deps import SESSION_COOKIE
from exigent.auth.service import actor_for
from exigent.cases.models import Requester
from exigent.db import utcnow
from exigent.errors import BadInput
from exigent.officers import staff
from exigent.web.deps import CurrentUser, FormDep, IntRowId, SessionDep
from exigent.web.templating import templates

router = APIRouter()
AccountId = IntRowId


@router.get("/staff/accounts", response_class=HTMLResponse)
def staff_accounts(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    rows = staff.list_accounts(session, user=user)
    record_event(
        session,
        actor=actor_for(user),
        action="portal.accounts_list",
        object_type="portal_account",
        detail={"count": len(rows)},
    )
    session.commit()
    return templates.TemplateResponse(
        request,
        "portal/staff_accounts.html",
        {"rows": rows, "csrf_token": request.state.csrf_token if _cookie(request) else None},
    )


def _cookie(request: Request) -> bool:
    return bool(request.cookies.get(SESSION_COOKIE)) and hasattr(request.state, "csrf_token")


@router.post("/staff/accounts/{account_id}/status", response_class=HTMLResponse)
def staff_set_status(
    request: Request,
    account_id: AccountId,
    session: SessionDep,
    user: CurrentUser,
    form: FormDep,
) -> Response:
    try:
        account, requester = staff.set_account_status(
            session,
            user=user,
            account_id=account_id,
            status=str(form.get("status") or ""),
            reason=str(form.get("reason") or ""),
            now=utcnow(),
        )
        session.commit()
    except BadInput as exc:
        session.rollback()
        found = session.get(PortalAccount, account_id)
        if found is None:
            raise
        # htmx swaps only successful answers; the row itself says what was wrong.
        context = {
            "account": found,
            "requester": session.get(Requester, found.requester_id),
            "error": exc.message,
        }
        return templates.TemplateResponse(request, "portal/_staff_row.html", context)
    return templates.TemplateResponse(
        request, "portal/_staff_row.html", {"account": account, "requester": requester}
    )
