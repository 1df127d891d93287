"""A case's disclosure decision in the console: draft, submit, approve, reject, sign off. Thin.

Each is a form post run by `act`: back to the case on success, else the reason next to the
decision or approval panel.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from exigent.cases.deps import MoveGuardDep
from exigent.console.case_actions import act
from exigent.console.case_pages import DecisionForm, show_case
from exigent.errors import BadInput
from exigent.legal import decisions
from exigent.legal.deps import AfterJudgingDep
from exigent.legal.models import Outcome
from exigent.legal.targets import look_up_after_draft
from exigent.web.deps import (
    CaseId,
    FormDep,
    Reader,
    SessionDep,
    SessionFactoryDep,
    SettingsDep,
)

router = APIRouter(prefix="/console", include_in_schema=False)


def _items(fields: dict[str, str]) -> list[decisions.ItemDraft]:
    """The decision's items from the form's `outcome:<target>:<category>` and `reason:...`."""
    items = []
    for key, outcome in fields.items():
        if not key.startswith("outcome:"):
            continue
        _, target, category = key.split(":", 2)
        if not target.isdigit() or outcome not in {str(o) for o in Outcome}:
            raise BadInput(f"{category}: choose disclose, partial or withhold")
        reason = fields.get(f"reason:{target}:{category}", "").strip()
        if not reason:
            raise BadInput(f"{category}: give a reason for {outcome}")
        items.append(
            decisions.ItemDraft(
                target_id=int(target),
                category=category,
                outcome=Outcome(outcome),
                reason=reason,
            )
        )
    return items


def _missing(fields: dict[str, str]) -> dict[str, str]:
    """Every field of the form that is missing, by input name, each with its own message.

    Checked before the service so that the person hears of all of them at once; the service
    checks again (it is the rule's home, for the API too).
    """
    missing = {}
    for key, outcome in fields.items():
        if not key.startswith("outcome:"):
            continue
        category = key.split(":", 2)[2].replace("_", " ")
        if outcome not in {str(o) for o in Outcome}:
            missing[key] = f"{category}: choose disclose, partial or withhold"
        elif not fields.get(f"reason:{key.removeprefix('outcome:')}", "").strip():
            missing[f"reason:{key.removeprefix('outcome:')}"] = (
                f"{category}: give a reason for {outcome}"
            )
    if not fields.get("rationale", "").strip():
        missing["rationale"] = "Rationale: required; write why each outcome is right"
    if fields.get("attestation_asked") == "yes" and fields.get("emergency_attested") != "yes":
        missing["emergency_attested"] = (
            "Attestation: required for an emergency; tick it if you hold the belief"
        )
    return missing


@router.post("/cases/{case_id}/decision")
def draft_decision(
    case_id: CaseId,
    request: Request,
    session: SessionDep,
    factory: SessionFactoryDep,
    user: Reader,
    after_judging: AfterJudgingDep,
    form: FormDep,
    settings: SettingsDep,
) -> Response:
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    missing = _missing(fields)
    if missing:
        # Shown again with everything typed kept and each missing field marked.
        return show_case(
            request,
            session,
            user,
            case_id,
            errors={"decision": f"{len(missing)} field(s) need attention; each is marked below"},
            decision_form=DecisionForm(values=fields, missing=missing),
            status_code=422,
        )

    def run() -> object:
        decision = decisions.draft(
            session,
            user=user,
            request_id=case_id,
            rationale=fields.get("rationale", ""),
            emergency_attested=fields.get("emergency_attested") == "yes",
            items=_items(fields),
            after_judging=after_judging,
        )
        look_up_after_draft(session, settings=settings, user=user, request_id=case_id)
        return decision

    return act(request, session, factory, user, case_id, "decision", "draft", run)


@router.post("/cases/{case_id}/decision/submit")
def submit_decision(
    case_id: CaseId, request: Request, session: SessionDep, factory: SessionFactoryDep, user: Reader
) -> Response:
    return act(
        request,
        session,
        factory,
        user,
        case_id,
        "decision",
        "submitted",
        lambda: decisions.submit(session, user=user, request_id=case_id),
    )


@router.post("/cases/{case_id}/decision/approve")
def approve_decision(
    case_id: CaseId,
    request: Request,
    session: SessionDep,
    factory: SessionFactoryDep,
    user: Reader,
    guard: MoveGuardDep,
    note: Annotated[str, Form(max_length=20_000)] = "",
) -> Response:
    return act(
        request,
        session,
        factory,
        user,
        case_id,
        "approval",
        "approved",
        lambda: decisions.approve(
            session, user=user, request_id=case_id, note=note.strip() or None, guard=guard
        ),
    )


@router.post("/cases/{case_id}/decision/reject")
def reject_decision(
    case_id: CaseId,
    request: Request,
    session: SessionDep,
    factory: SessionFactoryDep,
    user: Reader,
    note: Annotated[str, Form(max_length=20_000)] = "",
) -> Response:
    return act(
        request,
        session,
        factory,
        user,
        case_id,
        "approval",
        "rejected",
        lambda: decisions.reject(session, user=user, request_id=case_id, note=note),
    )


@router.post("/cases/{case_id}/decision/sign-off")
def sign_off_decision(
    case_id: CaseId,
    request: Request,
    session: SessionDep,
    factory: SessionFactoryDep,
    user: Reader,
    note: Annotated[str, Form(max_length=20_000)] = "",
) -> Response:
    return act(
        request,
        session,
        factory,
        user,
        case_id,
        "approval",
        "signed_off",
        lambda: decisions.sign_off(
            session, user=user, request_id=case_id, note=note.strip() or None
        ),
    )
