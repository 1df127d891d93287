"""A case's disclosure decision in the console: draft, submit, approve, reject, sign off. Thin.

Each is a form post run by its `CaseAct` (`console.acting`): back to the case on success, else
the reason next to the decision or approval panel.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form
from fastapi.responses import Response

from exigent.cases import service as cases
from exigent.cases.deps import MoveGuardDep
from exigent.cases.schemas import RequestKind
from exigent.console.acting import CaseAct, sent_from
from exigent.console.case_pages import DecisionForm, show_case
from exigent.errors import BadInput
from exigent.legal import decisions
from exigent.legal.deps import AfterJudgingDep
from exigent.legal.models import DISCLOSING, Outcome
from exigent.legal.targets import look_up_after_draft
from exigent.referrals.approval import disclosure_refused
from exigent.web.deps import FormDep, SettingsDep

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


def _items_or_none(fields: dict[str, str]) -> list[decisions.ItemDraft] | None:
    try:
        return _items(fields)
    except BadInput:
        return None  # each bad item is marked by `_missing`


def referral_refusal(
    act: CaseAct, items: list[decisions.ItemDraft] | None, legal_bases: list[str]
) -> str | None:
    """Why a referral's decision may not disclose (no assessment to refer now, or no legal
    basis ticked), said next to the bases before anything is drafted; None otherwise."""
    request = cases.load_for(act.session, act.user, act.case_id)
    if request.kind != RequestKind.referral or items is None:
        return None
    if not any(item.outcome in DISCLOSING for item in items):
        return None
    return disclosure_refused(act.session, request, has_bases=bool(legal_bases))


# The panel a form was sent from, when not the route's own (the next move's button).
SentFrom = Annotated[str, Form(alias="from", max_length=40)]
Note = Annotated[str, Form(max_length=20_000)]


@router.post("/cases/{case_id}/decision")
def draft_decision(
    act: CaseAct, after_judging: AfterJudgingDep, form: FormDep, settings: SettingsDep
) -> Response:
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    legal_bases = [v for v in form.getlist("legal_bases") if isinstance(v, str)][:20]
    # Kept for the form sent back: which bases were ticked.
    fields["legal_bases"] = ",".join(legal_bases)
    missing = _missing(fields)
    refused = referral_refusal(act, _items_or_none(fields), legal_bases)
    if refused:
        missing["legal_bases"] = refused
    if missing:
        # Shown again with everything typed kept and each missing field marked.
        return show_case(
            act.request,
            act.session,
            act.user,
            act.case_id,
            errors={"decision": f"{len(missing)} field(s) need attention; each is marked below"},
            decision_form=DecisionForm(values=fields, missing=missing),
            status_code=422,
        )

    def run() -> object:
        decision = decisions.draft(
            act.session,
            user=act.user,
            request_id=act.case_id,
            rationale=fields.get("rationale", ""),
            emergency_attested=fields.get("emergency_attested") == "yes",
            items=_items(fields),
            after_judging=after_judging,
            legal_bases=legal_bases,
        )
        look_up_after_draft(act.session, settings=settings, user=act.user, request_id=act.case_id)
        return decision

    return act(run, panel="decision", done="draft")


@router.post("/cases/{case_id}/decision/submit")
def submit_decision(act: CaseAct, sent: SentFrom = "") -> Response:
    return act(
        lambda: decisions.submit(act.session, user=act.user, request_id=act.case_id),
        panel=sent_from(sent) or "decision",
        done="submitted",
    )


@router.post("/cases/{case_id}/decision/approve")
def approve_decision(
    act: CaseAct, guard: MoveGuardDep, note: Note = "", sent: SentFrom = ""
) -> Response:
    return act(
        lambda: decisions.approve(
            act.session,
            user=act.user,
            request_id=act.case_id,
            note=note.strip() or None,
            guard=guard,
        ),
        panel=sent_from(sent) or "approval",
        done="approved",
    )


@router.post("/cases/{case_id}/decision/reject")
def reject_decision(act: CaseAct, note: Note = "") -> Response:
    return act(
        lambda: decisions.reject(act.session, user=act.user, request_id=act.case_id, note=note),
        panel="approval",
        done="rejected",
    )


@router.post("/cases/{case_id}/decision/sign-off")
def sign_off_decision(act: CaseAct, note: Note = "") -> Response:
    return act(
        lambda: decisions.sign_off(
            act.session, user=act.user, request_id=act.case_id, note=note.strip() or None
        ),
        panel="approval",
        done="signed_off",
    )
