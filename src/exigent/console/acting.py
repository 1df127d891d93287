"""One action on a console case, as a dependency: who acts on which case, and how it answers.

Every case action route takes a `CaseAct` (or `LinkingAct`, `AssessingAct` for the panels
that ask for more than reading cases, before the form is read) and calls it with the work to
do, the panel it was done in and the key of what to say. Done: 303 to the case page, the
sentence in that panel (`web.actions`). Turned down: the case page with the reason in the
panel (beside the field it names when the form is given back as `typed`), and its 4xx.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session, sessionmaker

from exigent.auth.models import User
from exigent.auth.permissions import Permission
from exigent.console.case_pages import show_case
from exigent.directory.forms import field_errors
from exigent.web.actions import see_done, take_action
from exigent.web.deps import CaseId, SessionDep, SessionFactoryDep, page_permission

# Panels other than its own that a form may say it was sent from: the next move's button sits
# in the status panel, whatever route it posts to.
ALSO_FROM = frozenset({"status"})


def sent_from(panel: str) -> str:
    """The panel a form says it was sent from, when it is one a form may name; else ""."""
    return panel if panel in ALSO_FROM else ""


@dataclass(frozen=True)
class CaseAction:
    """An action about to be taken on a case by a person, in this request's session."""

    request: Request
    session: Session
    factory: sessionmaker[Session]
    user: User
    case_id: int

    def __call__(
        self,
        action: Callable[[], object],
        *,
        panel: str,
        done: str,
        typed: dict[str, str] | None = None,
        at: str = "",
    ) -> Response:
        """Run `action`; `panel` shows a refusal, `at` (else `panel`) the confirmation."""
        return take_action(
            self.session,
            action,
            factory=self.factory,
            done=lambda: see_done(f"/console/cases/{self.case_id}", done, at or panel),
            refused=lambda error: show_case(
                self.request,
                self.session,
                self.user,
                self.case_id,
                errors=field_errors(error, panel) if typed is not None else {panel: error.message},
                typed={panel: typed} if typed is not None else None,
                status_code=error.status_code,
            ),
        )


def acting_as(permission: Permission) -> Callable[..., CaseAction]:
    """A dependency: the case action of a page user whose role holds `permission`."""
    checked = page_permission(permission)

    # A default, not an annotation: annotations are read as text in the module's names, where
    # this closure's `checked` is not.
    def case_action(
        case_id: CaseId,
        request: Request,
        session: SessionDep,
        factory: SessionFactoryDep,
        user: User = Depends(checked),
    ) -> CaseAction:
        return CaseAction(request, session, factory, user, case_id)

    return case_action


# Every reader of cases may try an action (the service says no to a role that may not take
# it, audited); linking an agency and assessing the risk are asked before the form is read.
CaseAct = Annotated[CaseAction, Depends(acting_as(Permission.request_read_all))]
LinkingAct = Annotated[CaseAction, Depends(acting_as(Permission.directory_link_case))]
AssessingAct = Annotated[CaseAction, Depends(acting_as(Permission.verification_assess))]
