"""The legal policy in the console: read any version, compare two versions cell by cell, and
see (and, for legal, re-check in one action) the open work judged under an earlier version.
Thin HTML routes; changing the policy is `policy_editor`."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from exigent.auth.models import User
from exigent.auth.permissions import Permission
from exigent.cases.service import record_list
from exigent.errors import ExigentError
from exigent.legal import rechecks, versions
from exigent.legal.deps import AfterJudgingDep
from exigent.legal.policy_impact import standing_under
from exigent.web.deps import SessionDep, SessionFactoryDep, page_permission
from exigent.web.refusals import turned_down
from exigent.web.render import render

router = APIRouter(prefix="/console", include_in_schema=False)

PolicyReader = Annotated[User, Depends(page_permission(Permission.policy_read))]
VersionNo = Annotated[int | None, Query(ge=1, le=2**31 - 1)]


@router.get("/policy", response_class=HTMLResponse)
def policy_page(
    request: Request, session: SessionDep, user: PolicyReader, version: VersionNo = None
) -> HTMLResponse:
    return show_policy(request, session, user, version=version)


def show_policy(
    request: Request,
    session: Session,
    user: User,
    *,
    version: int | None = None,
    error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """A version's tables (the current one by default), its history, and the open work still
    judged under an earlier version; `error` says why an action was turned down."""
    rows = versions.list_versions(session, user=user)
    current = rows[0].version
    shown = versions.get_version(session, user=user, version=version or current)
    stale = rechecks.stale_cases(session, user)
    standing = standing_under(
        session, user, versions.current_policy(session).policy, older_than=current
    )
    if standing.need_recheck:
        record_list(session, user, [d.request_id for d in standing.need_recheck])
    session.commit()
    return render(
        request,
        user,
        "console/policy.html",
        {
            "versions": rows,
            "shown": shown,
            "doc": shown.document,
            "current": current,
            "stale": stale,
            "standing": standing,
            "error": error,
            "rechecked": _counts(request),
        },
        status_code=status_code,
    )


def _counts(request: Request) -> tuple[int, int] | None:
    """The bulk re-check's counts, passed back on the redirect (said, never trusted)."""
    cases, withdrawn = request.query_params.get("rechecked"), request.query_params.get("withdrawn")
    if cases is None or not cases.isdigit() or not (withdrawn or "0").isdigit():
        return None
    return int(cases), int(withdrawn or "0")


@router.get("/policy/diff", response_class=HTMLResponse)
def diff_page(
    request: Request,
    session: SessionDep,
    user: PolicyReader,
    from_version: Annotated[int | None, Query(alias="from", ge=1, le=2**31 - 1)] = None,
    to_version: Annotated[int | None, Query(alias="to", ge=1, le=2**31 - 1)] = None,
) -> HTMLResponse:
    """What changed between two versions, cell by cell (by default the newest change)."""
    rows = versions.list_versions(session, user=user)
    to = to_version or rows[0].version
    before, after, changes = versions.diff_versions(
        session, user=user, from_version=from_version or max(to - 1, 1), to_version=to
    )
    session.commit()
    return render(
        request,
        user,
        "console/policy_diff.html",
        {
            "versions": rows,
            "before": before,
            "after": after,
            "changes": changes,
            "current": rows[0].version,
        },
    )


@router.post("/policy/recheck", response_class=HTMLResponse)
def recheck_open_cases(
    request: Request,
    session: SessionDep,
    factory: SessionFactoryDep,
    user: PolicyReader,
    after_judging: AfterJudgingDep,
) -> Response:
    """Judge every open case judged under an earlier version again (legal; audited)."""
    try:
        results = rechecks.recheck_open_cases(session, user=user, after_judging=after_judging)
        session.commit()
    except ExigentError as exc:
        return turned_down(
            session,
            exc,
            factory=factory,
            show=lambda error: show_policy(
                request, session, user, error=error.message, status_code=error.status_code
            ),
            not_found_raises=False,
        )
    withdrawn = sum(r.withdrawn for r in results)
    return RedirectResponse(
        f"/console/policy?rechecked={len(results)}&withdrawn={withdrawn}#open-work",
        status_code=303,
    )
