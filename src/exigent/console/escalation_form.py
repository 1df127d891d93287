"""The console's escalation form: an analyst raises a risk the team found, as the moderation
system does through the API. Problems are shown inline by field; a raised escalation goes to
its new referral case."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from starlette.datastructures import FormData, UploadFile

from exigent.auth.models import User
from exigent.auth.permissions import Permission
from exigent.cases.schemas import IdentifierType
from exigent.errors import ExigentError, describe_validation_error
from exigent.intake.escalations import raise_escalation
from exigent.referrals.models import HarmType, RaisedVia
from exigent.referrals.schemas import EscalationIn
from exigent.web.deps import FileStoreDep, FormDep, SessionDep, SettingsDep, page_permission
from exigent.web.render import render

router = APIRouter(prefix="/console/escalations", include_in_schema=False)
Raiser = Annotated[User, Depends(page_permission(Permission.referral_raise))]

TEXT_FIELDS = (
    "harm_type",
    "reporting_team",
    "source_reference",
    "content",
    "published_at",
    "published_offset",
    "accounts",
    "location.country",
    "location.region",
    "location.city",
    "location.latitude",
    "location.longitude",
    "location.seen_at",
    "location.source",
    "age_years",
    "age_note",
    "offence_country",
    "suspect_country",
    "victim_country",
    "summary",
)


def _page(
    request: Request,
    user: User,
    values: dict[str, str],
    errors: dict[str, str],
    status_code: int = 200,
) -> HTMLResponse:
    return render(
        request,
        user,
        "console/escalation_new.html",
        {
            "values": values,
            "errors": errors,
            "harm_types": list(HarmType),
            "identifier_types": list(IdentifierType),
        },
        status_code=status_code,
    )


@router.get("/new", response_class=HTMLResponse)
def new_escalation(request: Request, user: Raiser) -> HTMLResponse:
    return _page(request, user, {}, {})


@router.post("/new", response_class=HTMLResponse)
def raise_from_form(
    request: Request,
    session: SessionDep,
    store: FileStoreDep,
    settings: SettingsDep,
    user: Raiser,
    form: FormDep,
) -> Response:
    values = {name: str(form.get(name) or "").strip() for name in TEXT_FIELDS}
    values["imminent"] = "on" if form.get("imminent") else ""
    errors: dict[str, str] = {}
    body = _body(form, values, errors, settings.max_upload_bytes)
    # Checked whole even when the form's own reading found problems, so every problem is
    # shown at once.
    try:
        escalation = EscalationIn.model_validate(body)
    except ValidationError as exc:
        for problem in describe_validation_error(exc):
            errors.setdefault(_field_of(problem["field"]), _said(problem))
    if errors:
        return _page(request, user, values, errors, status_code=422)
    try:
        raised = raise_escalation(
            session,
            user=user,
            escalation=escalation,
            raised_via=RaisedVia.console,
            store=store,
            max_file_bytes=settings.max_upload_bytes,
        )
        session.commit()
    except ExigentError as exc:
        session.rollback()
        field = _field_of(str(exc.detail.get("field") or exc.message.split(":", 1)[0]))
        return _page(request, user, values, {field: exc.message}, status_code=exc.status_code)
    return RedirectResponse(f"/console/cases/{raised.case.id}?raised=1", status_code=303)


def _field_of(path: str) -> str:
    """The form field a problem's path is about (`content.2.value` is the content box)."""
    parts = path.replace("[", ".").split(".")
    if parts[0] == "location" and len(parts) > 1:
        return f"location.{parts[1]}"
    if parts[0] in TEXT_FIELDS:
        return parts[0]
    return "content" if parts[0] in ("content", "media") else "summary"


def _said(problem: dict[str, str]) -> str:
    if problem["field"] == "content" and "at least 1" in problem["problem"]:
        return "content: give at least one content id, URL or captured file"
    if problem["field"] == "harm_type":
        return "harm_type: choose the harm the person is at risk of"
    return f"{problem['field']}: {problem['problem']}"


def _body(
    form: FormData, values: dict[str, str], errors: dict[str, str], max_bytes: int
) -> dict[str, Any]:
    """The escalation as the API takes it, from the form's fields."""
    body: dict[str, Any] = {
        "imminent": bool(values["imminent"]),
        "reporting_team": values["reporting_team"],
        "summary": values["summary"],
        "content": [],
        "accounts": _accounts(values["accounts"], errors),
    }
    for name in ("harm_type", "source_reference", "age_note"):
        if values[name]:
            body[name] = values[name]
    for name in ("offence_country", "suspect_country", "victim_country"):
        if values[name]:
            body[name] = values[name]
    if values["age_years"]:
        body["age_years"] = values["age_years"]
    location = {
        key.removeprefix("location."): value
        for key, value in values.items()
        if key.startswith("location.") and value
    }
    if location.get("seen_at"):
        location["seen_at"] = _utc(location["seen_at"])
    if location:
        body["location"] = location
    published = _published(values, errors)
    for line in values["content"].splitlines():
        if line := line.strip():
            kind = "url" if line.lower().startswith(("http://", "https://")) else "content_id"
            body["content"].append({"kind": kind, "value": line, **published})
    for upload in form.getlist("media"):
        if isinstance(upload, UploadFile) and upload.filename:
            data = upload.file.read(max_bytes + 1)
            if len(data) > max_bytes:
                errors["media"] = f"media: {upload.filename} is larger than the upload limit"
                continue
            body["content"].append(
                {
                    "kind": "media",
                    "value": upload.filename,
                    "media_type": upload.content_type or "application/octet-stream",
                    "data_base64": base64.b64encode(data).decode(),
                    **published,
                }
            )
    return body


def _utc(value: str) -> str:
    """A `datetime-local` value without a zone is UTC (the form says so)."""
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return value
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).isoformat()


def _published(values: dict[str, str], errors: dict[str, str]) -> dict[str, str]:
    """When the content was published, in the author's own offset (`+02:00`)."""
    when, offset = values["published_at"], values["published_offset"]
    if not when:
        return {}
    if not offset:
        errors["published_offset"] = (
            "published_offset: give the UTC offset the content was published in, such as +02:00"
        )
        return {}
    try:
        stamp = datetime.fromisoformat(f"{when}{offset}")
    except ValueError:
        errors["published_offset"] = (
            f"published_offset: {offset!r} is not a UTC offset such as +02:00 or -05:00"
        )
        return {}
    return {"published_at": stamp.isoformat()}


def _accounts(text: str, errors: dict[str, str]) -> list[dict[str, str]]:
    """One account a line: its identifier type and value (`username: jdoe`)."""
    accounts = []
    kinds = {str(k) for k in IdentifierType}
    for line in text.splitlines():
        if not (line := line.strip()):
            continue
        kind, _, value = line.partition(":")
        kind, value = kind.strip().lower().replace(" ", "_"), value.strip()
        if kind not in kinds or not value:
            errors["accounts"] = (
                f"accounts: {line!r} is not 'type: value' with a type of "
                + ", ".join(sorted(kinds))
            )
            continue
        accounts.append({"identifier_type": kind, "value": value})
    return accounts
