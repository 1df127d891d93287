"""The risk-weights page of the console (admin, lead, legal): read, compare, publish. Thin.

Publishing is a plain form post: one number input per signal and threshold, a reason. A
refused or invalid publication renders the page again with what was typed and the problem
next to the field the service named, with a 4xx status.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from exigent.auth.models import User
from exigent.auth.permissions import Permission
from exigent.errors import BadInput, Conflict, ExigentError
from exigent.verification import weight_sets
from exigent.verification.models import RiskWeightSet
from exigent.verification.signal_descriptions import DESCRIPTIONS
from exigent.web.deps import FormDep, SessionDep, SessionFactoryDep, page_permission
from exigent.web.refusals import turned_down
from exigent.web.render import render

router = APIRouter(prefix="/console", include_in_schema=False)

WeightsReader = Annotated[User, Depends(page_permission(Permission.weights_read))]
LEVELS = ("medium", "high", "critical")


def changes(before: dict[str, Any] | None, after: dict[str, Any]) -> list[str]:
    """What a version changed against the one before it, one line per change."""
    if before is None:
        return ["first version"]
    lines = []
    if before.get("baseline", 0) != after.get("baseline", 0):
        lines.append(
            f"starting score from {before.get('baseline', 0)} to {after.get('baseline', 0)}"
        )
    for level in LEVELS:
        old, new = before["levels"][level], after["levels"][level]
        if old != new:
            lines.append(f"{level} level from {old} to {new}")
    old_at, new_at = before["verification"]["score_at_least"], after["verification"]
    if old_at != new_at["score_at_least"]:
        lines.append(f"callback required from score {old_at} to {new_at['score_at_least']}")
    old_always = set(before["verification"]["always_for"])
    new_always = set(new_at["always_for"])
    lines += [f"callback always for {c}" for c in sorted(new_always - old_always)]
    lines += [f"callback no longer always for {c}" for c in sorted(old_always - new_always)]
    for code, weight in after["signals"].items():
        old_weight = before["signals"].get(code)
        if old_weight != weight:
            lines.append(f"{code} from {old_weight} to {weight}")
    return lines or ["no change"]


def _history(rows: list[RiskWeightSet]) -> list[tuple[RiskWeightSet, list[str]]]:
    """Newest first, each with what it changed."""
    ascending = sorted(rows, key=lambda row: row.version)
    result = []
    previous: dict[str, Any] | None = None
    for row in ascending:
        result.append((row, changes(previous, row.document)))
        previous = row.document
    return list(reversed(result))


def _codes(document: dict[str, Any]) -> list[str]:
    """Every signal the checks emit, and any the current version still lists."""
    return sorted(set(document["signals"]) | weight_sets.known_signals())


def _stated_probability(document: dict[str, Any], score: int) -> str:
    """The chance of fraud a score stands for on a learned table, as people read it."""
    chance = weight_sets.parse_stored(0, document).probability(score)
    return "" if chance is None else f"{chance:.0%}"


def _page(
    request: Request,
    session: Session,
    user: User,
    *,
    typed: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
    published: int | None = None,
) -> HTMLResponse:
    rows = weight_sets.list_versions(session, user=user)
    current = rows[0]
    session.commit()
    doc = current.document
    return render(
        request,
        user,
        "verification/weights.html",
        {
            "current": current,
            "doc": doc,
            "history": _history(rows),
            "codes": _codes(doc),
            "descriptions": DESCRIPTIONS,
            "typed": typed,
            "errors": errors or {},
            "published": published,
            "probability": _stated_probability,
        },
        status_code=status_code,
    )


@router.get("/risk-weights", response_class=HTMLResponse)
def weights_page(
    request: Request,
    session: SessionDep,
    user: WeightsReader,
    published: Annotated[int | None, Query(ge=1, le=2**31)] = None,
) -> HTMLResponse:
    """The current weights, thresholds and every version with who, when, why and what."""
    return _page(request, session, user, published=published)


def _whole_number(value: str, field: str, errors: dict[str, str]) -> int | None:
    text = value.strip()
    if not text:
        errors[field] = f"{field}: give a number"
        return None
    try:
        return int(text)
    except ValueError:
        errors[field] = f"{field}: {text!r} is not a whole number"
        return None


def _document(
    form: dict[str, list[str]], base: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, str]]:
    """The form as a weights document, and the problems found before the service looks."""
    errors: dict[str, str] = {}

    def one(name: str) -> str:
        values = form.get(name) or [""]
        return values[0]

    signals = {
        code: _whole_number(one(f"signals.{code}"), f"signals.{code}", errors)
        for code in _codes(base)
    }
    levels = {
        level: _whole_number(one(f"levels.{level}"), f"levels.{level}", errors) for level in LEVELS
    }
    at_least = _whole_number(
        one("verification.score_at_least"), "verification.score_at_least", errors
    )
    document = {
        "about": base.get("about"),
        "baseline": _whole_number(one("baseline"), "baseline", errors),
        # The scale is the learned model's, not a setting: it says what the points mean.
        "scale": base.get("scale"),
        "levels": levels,
        "verification": {
            "score_at_least": at_least,
            "always_for": form.get("verification.always_for", []),
        },
        "signals": signals,
    }
    return document, errors


def _field_errors(exc: BadInput) -> dict[str, str]:
    problems = exc.detail.get("problems") or []
    found = {
        str(p["field"]).removeprefix("weights."): f"{p['field']}: {p['problem']}" for p in problems
    }
    if not found:
        field = exc.detail.get("field") or exc.message.split(":", 1)[0]
        found[str(field).removeprefix("weights.")] = exc.message
    return found


def _form_errors(exc: ExigentError) -> dict[str, str]:
    """Bad input next to the fields it names; anything else above the form."""
    return _field_errors(exc) if isinstance(exc, BadInput) else {"form": exc.message}


def _publish(session: Session, user: User, document: dict[str, Any], reason: str) -> int:
    """Publish and commit; returns the new version."""
    try:
        row = weight_sets.publish_weights(session, user=user, document=document, reason=reason)
        version = row.version
        session.commit()
    except IntegrityError:
        raise Conflict("someone published weights at the same moment; reload and retry") from None
    return version


@router.post("/risk-weights", response_class=HTMLResponse)
def publish(
    request: Request,
    session: SessionDep,
    factory: SessionFactoryDep,
    user: WeightsReader,
    form: FormDep,
) -> Response:
    """Publish a new version from the form; the next assessment scores with it."""
    fields: dict[str, list[str]] = {}
    for key, value in form.multi_items():
        if isinstance(value, str):
            fields.setdefault(key, []).append(value)
    reason = (fields.get("reason") or [""])[0]
    base = weight_sets.newest_version(session, user=user).document
    document, errors = _document(fields, base)
    typed = {"document": document, "raw": fields, "reason": reason}
    if not reason.strip():
        errors["reason"] = "reason: required; say why the weights change"
    if errors:
        session.rollback()
        return _page(request, session, user, typed=typed, errors=errors, status_code=422)
    try:
        version = _publish(session, user, document, reason)
    except ExigentError as exc:
        return turned_down(
            session,
            exc,
            factory=factory,
            show=lambda error: _page(
                request,
                session,
                user,
                typed=typed,
                errors=_form_errors(error),
                status_code=error.status_code,
            ),
            # The page stands on its own: whatever went wrong is said next to the form.
            not_found_raises=False,
        )
    return RedirectResponse(f"/console/risk-weights?published={version}", status_code=303)
