"""The case page's next likely move: one button for what most cases in this state do next.

Only a move the reader's role may make and the lifecycle allows is offered; the full list of
moves stays beside it. Submitting and approving a decision are the next move while a decision
waits for them, and they go through the decision's own routes (with their checks), not a bare
status move.
"""

from __future__ import annotations

from dataclasses import dataclass

from exigent.auth.models import User
from exigent.auth.permissions import Permission, user_can
from exigent.cases.lifecycle import Status, route_to, usual_next
from exigent.console.queries import CaseView
from exigent.legal.models import DecisionStatus

# What the button says for each status it moves the case to.
MOVE_LABELS = {
    Status.triaged: "Triage",
    Status.verifying: "Start verification",
    Status.under_review: "Start review",
    Status.delivered: "Mark delivered",
    Status.closed: "Close the case",
}


@dataclass(frozen=True)
class NextMove:
    """One button: its words, the case route it posts to, and the status for a plain move; or,
    when the step is work in another panel, a link to that panel (`href`)."""

    label: str
    action: str = ""
    to: str = ""
    hint: str = ""
    href: str = ""


# Steps that are work in a panel of the page, not a move: the button takes the person there.
DRAFT = NextMove(
    "Draft the decision", href="#decision", hint="Each category's outcome, with its reason."
)
BUILD = NextMove(
    "Build the production",
    href="#production",
    hint="Collects exactly the approved data; the case moves to producing.",
)


def next_move(view: CaseView, user: User) -> NextMove | None:
    """The next likely move on the case for `user`, or None when there is none to offer."""
    case, decision = view.case, view.decision
    if case.status is Status.approved:
        builds = view.discloses and user_can(user, Permission.production_build)
        return BUILD if builds else None
    if decision is not None and decision.status == DecisionStatus.draft:
        if user_can(user, Permission.decision_draft) and route_to(
            case.status, Status.awaiting_approval
        ):
            return NextMove(
                "Submit for approval", "decision/submit", hint="A second person approves it."
            )
        return None
    if decision is not None and decision.status == DecisionStatus.submitted:
        if case.status is Status.awaiting_approval and not view.approval_blockers:
            return NextMove(
                "Approve decision",
                "decision/approve",
                hint="You are the second person; the case is then approved for production.",
            )
        return None
    if case.status is Status.under_review:
        drafting = view.check is not None and view.check.categories
        return DRAFT if drafting and user_can(user, Permission.decision_draft) else None
    target = usual_next(case.status, verified=view.verification_passed)
    if target is None or not user_can(user, Permission.request_transition):
        return None
    return NextMove(MOVE_LABELS[target], "transition", to=str(target))
