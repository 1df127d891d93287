"""Changing the policy in the console (legal): edit the tables cell by cell (or the JSON
document), review what the edit changes and which open work it touches, then save it with a
reason. Thin HTML routes over `legal.versions` and `legal.policy_impact`.

Edit -> review -> save. A problem is shown where it arose: a bad cell next to the cell in the
editor, a missing reason or a version saved meanwhile on the review page (recomputed against
the version now current), a refusal on the policy page.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from exigent.auth.models import User
from exigent.auth.permissions import Permission
from exigent.auth.refusals import Refused, require_or_refuse
from exigent.cases.models import Priority
from exigent.console import policy_form
from exigent.console.policy_pages import show_policy
from exigent.errors import BadInput, Conflict, ExigentError
from exigent.legal import versions
from exigent.legal.policy import Route
from exigent.legal.policy_impact import PolicyImpact, policy_impact
from exigent.web.deps import FormDep, SessionDep, SessionFactoryDep, page_permission
from exigent.web.refusals import turned_down
from exigent.web.render import render

router = APIRouter(prefix="/console", include_in_schema=False)

PolicyReader = Annotated[User, Depends(page_permission(Permission.policy_read))]
PolicyEditor = Annotated[User, Depends(page_permission(Permission.policy_edit))]
ROUTES = tuple(str(r) for r in Route)
PRIORITIES = tuple(str(p) for p in Priority)


async def form_fields(form: FormDep) -> policy_form.Form:
    """The posted form, every value of every field (the editor sends a hundred cells)."""
    fields: policy_form.Form = {}
    for key, value in form.multi_items():
        if isinstance(value, str):
            fields.setdefault(key, []).append(value)
    return fields


FormFields = Annotated[policy_form.Form, Depends(form_fields)]


def _first(fields: policy_form.Form, name: str) -> str:
    return (fields.get(name) or [""])[0]


@router.get("/policy/edit", response_class=HTMLResponse)
def edit_page(request: Request, session: SessionDep, user: PolicyEditor) -> HTMLResponse:
    """The current version's tables as a form, one field per cell."""
    return show_editor(request, session, user)


@router.post("/policy/edit", response_class=HTMLResponse)
def edit_again(
    request: Request, session: SessionDep, user: PolicyEditor, fields: FormFields
) -> HTMLResponse:
    """Back from the review to the editor, with the proposed document in its cells."""
    typed = _first(fields, "document")
    try:
        document = versions.validated_policy(_parsed(typed)).model_dump(mode="json")
    except BadInput as exc:
        return show_editor(
            request, session, user, json_text=typed, problems=_problems(exc), status_code=422
        )
    return show_editor(request, session, user, values=policy_form.editor_values(document))


@router.post("/policy/preview", response_class=HTMLResponse)
def preview(
    request: Request,
    session: SessionDep,
    factory: SessionFactoryDep,
    user: PolicyReader,
    fields: FormFields,
) -> HTMLResponse:
    """What the edit changes, cell by cell, and the open cases and decisions it touches."""
    try:
        # Asked first: a role that may not change the policy learns nothing about its cells.
        require_or_refuse(user, Permission.policy_edit, action="policy.preview", request_id=None)
    except Refused as refused:
        return turned_down(
            session,
            refused,
            factory=factory,
            show=lambda error: show_policy(
                request, session, user, error=error.message, status_code=403
            ),
        )
    base = versions.newest_version(session, user=user).document
    json_text = _first(fields, "document") if "document" in fields else None
    values = None
    if json_text is None:
        document, errors = policy_form.document_from_form(
            fields, base, routes=ROUTES, priorities=PRIORITIES
        )
        values = _typed_values(fields, base)
        if errors:
            session.rollback()
            return show_editor(
                request, session, user, values=values, problems=errors, status_code=422
            )
    try:
        if json_text is not None:
            document = _parsed(json_text)
        impact = _impact(session, user, document)
    except ExigentError as exc:
        return turned_down(
            session,
            exc,
            factory=factory,
            show=lambda error: (
                _refused_on_policy_page(request, session, user, error)
                or show_editor(
                    request,
                    session,
                    user,
                    values=values,
                    json_text=json_text,
                    problems=_problems(error, values),
                    status_code=error.status_code,
                )
            ),
            not_found_raises=False,
        )
    return show_review(request, user, impact)


def _refused_on_policy_page(
    request: Request, session: Session, user: User, exc: ExigentError
) -> HTMLResponse | None:
    """A role that may not change the policy is told so on the policy page it came from."""
    if isinstance(exc, Refused) and exc.status_code == 403:
        return show_policy(request, session, user, error=exc.message, status_code=403)
    return None


@router.post("/policy", response_class=HTMLResponse)
def save(
    request: Request,
    session: SessionDep,
    factory: SessionFactoryDep,
    user: PolicyReader,
    fields: FormFields,
) -> Response:
    """A new policy version from the reviewed document, with its reason (legal only)."""
    typed, reason = _first(fields, "document"), _first(fields, "reason")
    based_on = _first(fields, "based_on")
    try:
        require_or_refuse(user, Permission.policy_edit, action="policy.change", request_id=None)
        row = versions.change_policy(
            session,
            user=user,
            document=_parsed(typed),
            reason=reason,
            expected_version=int(based_on) if based_on.isdigit() else None,
        )
        version = row.version
        session.commit()
    except IntegrityError:
        session.rollback()
        return _save_refused(
            request, session, user, Conflict("someone saved a version at the same moment"), typed
        )
    except ExigentError as exc:
        return turned_down(
            session,
            exc,
            factory=factory,
            show=lambda error: _save_refused(request, session, user, error, typed, reason),
            not_found_raises=False,
        )
    return RedirectResponse(f"/console/policy?version={version}&saved=1", status_code=303)


def _save_refused(
    request: Request,
    session: Session,
    user: User,
    exc: ExigentError,
    typed: str,
    reason: str = "",
) -> HTMLResponse:
    """A refusal goes on the policy page; a document that does not hold goes back to the
    editor; anything else (no reason, a version saved meanwhile, nothing changed) back to
    the review, worked out again against the version current now."""
    refused = _refused_on_policy_page(request, session, user, exc)
    if refused is not None:
        return refused
    try:
        impact = _impact(session, user, _parsed(typed))
    except ExigentError as invalid:
        session.rollback()
        return show_editor(
            request,
            session,
            user,
            json_text=typed,
            problems={"document": invalid.message},
            status_code=invalid.status_code,
        )
    return show_review(
        request, user, impact, error=exc.message, reason=reason, status_code=exc.status_code
    )


def _impact(session: Session, user: User, document: dict[str, Any]) -> PolicyImpact:
    """The review of `document` against the current version; an edit that changes nothing is
    said at once rather than after the reason has been written."""
    impact = policy_impact(session, user=user, document=document)
    if not impact.cells:
        raise Conflict(f"nothing changed: this is the same policy as version {impact.base_version}")
    session.commit()
    return impact


def _parsed(document: str) -> dict[str, Any]:
    try:
        parsed = json.loads(document)
    except json.JSONDecodeError as exc:
        raise BadInput(f"policy: not valid JSON (line {exc.lineno}: {exc.msg})") from None
    if not isinstance(parsed, dict):
        raise BadInput("policy: the document must be a JSON object")
    return parsed


def _typed_values(fields: policy_form.Form, base: dict[str, Any]) -> dict[str, Any]:
    """What the editor shows again after a problem: what was typed, else the base."""
    values = policy_form.editor_values(base)
    for name in values:
        if name in fields and name != "non_government_not_permitted":
            values[name] = fields[name][0]
    if "non_government_not_permitted.shown" in fields:
        values["non_government_not_permitted"] = fields.get("non_government_not_permitted", [])
    return values


def _problems(exc: ExigentError, values: dict[str, Any] | None = None) -> dict[str, str]:
    """Each problem next to the cell it names; what names no cell goes above the form."""
    found: dict[str, str] = {}
    problems = exc.detail.get("problems") or [
        {"field": exc.message.split(":", 1)[0], "problem": exc.message.split(":", 1)[-1]}
    ]
    for problem in problems:
        text = f"{problem['field']}: {problem['problem'].strip()}"
        place = None
        if values is not None and isinstance(exc, BadInput):
            place = policy_form.place_problem(problem["field"], problem["problem"], values)
        found.setdefault(place or "document", text)
    return found


def show_editor(
    request: Request,
    session: Session,
    user: User,
    *,
    values: dict[str, Any] | None = None,
    json_text: str | None = None,
    problems: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    current = versions.newest_version(session, user=user)
    session.commit()
    document = current.document
    return render(
        request,
        user,
        "console/policy_edit.html",
        {
            "current": current,
            "doc": document,
            "values": values or policy_form.editor_values(document),
            "base": policy_form.editor_values(document),
            "json_text": json_text if json_text is not None else json.dumps(document, indent=2),
            "json_open": json_text is not None,
            "errors": problems or {},
            "route_options": [(r, r.replace("_", " ")) for r in ROUTES],
            "priority_options": [(p, p) for p in PRIORITIES],
        },
        status_code=status_code,
    )


def show_review(
    request: Request,
    user: User,
    impact: PolicyImpact,
    *,
    error: str | None = None,
    reason: str = "",
    status_code: int = 200,
) -> HTMLResponse:
    return render(
        request,
        user,
        "console/policy_preview.html",
        {
            "impact": impact,
            "document_json": json.dumps(impact.document),
            "error": error,
            "reason": reason,
        },
        status_code=status_code,
    )
