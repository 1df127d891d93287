"""Who may read which case, written once: the SQL condition every list starts from and the
check of one loaded case are both read off the same `ReadScope`.

Staff whose role may read every case read all of them. An officer reads the cases their
account submitted and, once staff have linked the account to a requester, that requester's
cases. Anyone else reads none.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, false, or_, true

from exigent.auth.models import Role, User
from exigent.auth.permissions import Permission, user_can
from exigent.cases.models import Request


@dataclass(frozen=True)
class ReadScope:
    everything: bool = False
    submitted_by_id: int | None = None  # the officer's own submissions
    requester_id: int | None = None  # the requester staff linked the officer's account to

    def condition(self) -> ColumnElement[bool]:
        """The rule as a WHERE clause on `requests`."""
        if self.everything:
            return true()
        mine: list[ColumnElement[bool]] = []
        if self.submitted_by_id is not None:
            mine.append(Request.submitted_by_id == self.submitted_by_id)
        if self.requester_id is not None:
            mine.append(Request.requester_id == self.requester_id)
        return or_(*mine) if mine else false()

    def admits(self, case: Request) -> bool:
        """The same rule for one case already loaded."""
        if self.everything:
            return True
        return (
            self.submitted_by_id is not None and case.submitted_by_id == self.submitted_by_id
        ) or (self.requester_id is not None and case.requester_id == self.requester_id)


def read_scope(user: User) -> ReadScope:
    if user.role == Role.requester:
        return ReadScope(submitted_by_id=user.id, requester_id=user.requester_id)
    if user.is_staff and user_can(user, Permission.request_read_all):
        return ReadScope(everything=True)
    return ReadScope()
