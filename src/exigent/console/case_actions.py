"""A case's actions in the console: assign, move, note, callbacks, legal re-check, the agency
panel and the risk score. Thin: each reads its form and hands the work to its `CaseAct`
(`console.acting`), which answers with the case page (Post/Redirect/Get) or the reason.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form
from fastapi.responses import Response

from exigent.cases import service as case_service
from exigent.cases.deps import MoveGuardDep
from exigent.cases.lifecycle import Status
from exigent.console.acting import AssessingAct, CaseAct, LinkingAct
from exigent.directory.forms import details_of, phone_of
from exigent.errors import BadInput
from exigent.legal import cases as legal_cases
from exigent.legal.deps import AfterJudgingDep
from exigent.verification import linking
from exigent.verification import service as verification
from exigent.verification.models import CallbackOutcome
from exigent.web.deps import CaseId, RowId

router = APIRouter(prefix="/console", include_in_schema=False)


@router.post("/cases/{case_id}/assign")
def assign(act: CaseAct, assignee_id: Annotated[str, Form()] = "") -> Response:
    def run() -> object:
        if not assignee_id.isdigit() or int(assignee_id) > 2**31:
            raise BadInput("assignee: choose a person from the list")
        return case_service.assign(
            act.session, user=act.user, request_id=act.case_id, assignee_id=int(assignee_id)
        )

    return act(run, panel="assignment", done="assigned")


@router.post("/cases/{case_id}/transition")
def transition(
    act: CaseAct,
    guard: MoveGuardDep,
    to: Annotated[str, Form(max_length=40)] = "",
    reason: Annotated[str, Form(max_length=20_000)] = "",
    reason_code: Annotated[str, Form(max_length=40)] = "",
    version: Annotated[int | None, Form(ge=1, le=2**31)] = None,
) -> Response:
    def run() -> object:
        # The console always asks why a case is rejected, so each rejection can be counted;
        # the free-text reason is checked first, as every move that needs one is.
        if to == Status.rejected and reason.strip() and not reason_code:
            raise BadInput("reason_code: choose why the case is rejected", field="reason_code")
        return case_service.transition(
            act.session,
            user=act.user,
            request_id=act.case_id,
            to=to,
            reason=reason.strip() or None,
            reason_code=reason_code if to == Status.rejected and reason_code else None,
            expected_version=version,
            guard=guard,
        )

    return act(run, panel="status", done=f"moved_to_{to}")


@router.post("/cases/{case_id}/notes")
def add_note(
    act: CaseAct,
    body: Annotated[str, Form(max_length=20_000)] = "",
    visible: Annotated[str, Form()] = "",
) -> Response:
    def run() -> object:
        if not body.strip():
            raise BadInput("note: write something first")
        return case_service.add_note(
            act.session,
            user=act.user,
            request_id=act.case_id,
            body=body.strip(),
            visible_to_requester=visible == "yes",
        )

    return act(run, panel="timeline", done="note")


@router.post("/cases/{case_id}/callbacks")
def open_callback(act: CaseAct) -> Response:
    return act(
        lambda: verification.create_callback(act.session, user=act.user, request_id=act.case_id),
        panel="verification",
        done="callback",
    )


@router.post("/cases/{case_id}/callbacks/{callback_id}/outcome")
def callback_outcome(
    callback_id: RowId,
    act: CaseAct,
    outcome: Annotated[str, Form()] = "",
    answered_by: Annotated[str, Form(max_length=300)] = "",
    supervisor_confirmed: Annotated[str, Form()] = "",
    notes: Annotated[str, Form(max_length=20_000)] = "",
) -> Response:
    def run() -> object:
        if outcome not in {str(o) for o in CallbackOutcome}:
            raise BadInput("outcome: choose confirmed, denied or no answer")
        return verification.record_outcome(
            act.session,
            user=act.user,
            callback_id=callback_id,
            result=verification.CallbackResult(
                outcome=CallbackOutcome(outcome),
                answered_by=answered_by,
                supervisor_confirmed=supervisor_confirmed == "yes",
                notes=notes.strip() or None,
            ),
        )

    return act(run, panel="verification", done="outcome")


@router.post("/cases/{case_id}/recheck")
def recheck(act: CaseAct, after_judging: AfterJudgingDep) -> Response:
    return act(
        lambda: legal_cases.recheck(
            act.session, user=act.user, request_id=act.case_id, after_judging=after_judging
        ),
        panel="legal",
        done="rechecked",
    )


Short = Annotated[str, Form(max_length=500)]


@router.post("/cases/{case_id}/agency")
def link_agency(act: LinkingAct, agency_id: Annotated[str, Form(max_length=20)] = "") -> Response:
    """Link the case to an agency found in the directory; it is assessed again."""

    def run() -> object:
        if not agency_id.isdigit() or not 0 < int(agency_id) < 2**31:
            raise BadInput("agency: choose an agency from the search results")
        return linking.link_agency(
            act.session, user=act.user, request_id=act.case_id, agency_id=int(agency_id)
        )

    return act(run, panel="agency", done="linked")


@router.post("/cases/{case_id}/agency/new")
def add_agency(
    case_id: CaseId,
    act: LinkingAct,
    name: Short = "",
    agency_type: Short = "",
    country: Short = "US",
    state: Short = "",
    ori: Short = "",
    homepage_url: Short = "",
    number: Short = "",
    label: Short = "",
    source_kind: Short = "",
    source: Short = "",
) -> Response:
    """Add the agency the directory lacks, with the number found for it, and link the case."""
    typed = {k: v for k, v in locals().items() if isinstance(v, str)}

    def run() -> object:
        details, problems = details_of(typed, "agency_new")
        phone, phone_problems = phone_of(typed, "agency_new", dialled=True)
        problems.update(phone_problems)
        if problems or details is None or phone is None:
            raise BadInput("agency_new: correct the fields marked", problems=problems)
        return linking.add_agency(
            act.session, user=act.user, request_id=case_id, details=details, phone=phone
        )

    return act(run, panel="agency_new", done="agency_added", typed=typed, at="agency")


@router.post("/cases/{case_id}/agency/number")
def add_agency_number(
    act: LinkingAct,
    number: Short = "",
    label: Short = "",
    source_kind: Short = "",
    source: Short = "",
) -> Response:
    """Give the case's agency the callback number it lacks."""
    typed = {"number": number, "label": label, "source_kind": source_kind, "source": source}

    def run() -> object:
        phone, problems = phone_of(typed, "agency_number", dialled=True)
        if problems or phone is None:
            raise BadInput("agency_number: correct the fields marked", problems=problems)
        return linking.add_number(act.session, user=act.user, request_id=act.case_id, phone=phone)

    return act(run, panel="agency_number", done="number_added", typed=typed, at="agency")


@router.post("/cases/{case_id}/risk/reassess")
def reassess(act: AssessingAct) -> Response:
    """Score the case again against the directory and weights as they are now."""
    return act(
        lambda: linking.reassess(act.session, user=act.user, request_id=act.case_id),
        panel="verification",
        done="reassessed",
    )
