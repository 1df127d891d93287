"""The officer's home: their own requests, found by what they know (our reference, their
case number, where it stands) a page at a time, open ones first."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session, defer, lazyload

from exigent.auth.models import User
from exigent.cases.lifecycle import Status
from exigent.cases.models import Request, parse_reference
from exigent.cases.queries import readable_requests
from exigent.errors import BadInput
from exigent.portal.forms import STATUS_WORDS

PER_PAGE = 25
LARGEST_ID = 2**63
MAX_PAGE = 100_000
# Longer than any reference or case number an officer types.
MAX_QUERY = 200
FINISHED = (Status.closed, Status.rejected, Status.withdrawn)


def _slug(words: str) -> str:
    return words.lower().replace(" ", "-")


def _status_choices() -> dict[str, tuple[str, tuple[str, ...]]]:
    """What the officer reads on each row, with the stages it stands for: the filter offers
    "In review", not our internal stages, and finds every stage it covers."""
    choices: dict[str, tuple[str, tuple[str, ...]]] = {}
    for status, (words, _) in STATUS_WORDS.items():
        said, statuses = choices.get(_slug(words), (words, ()))
        choices[_slug(words)] = (said, (*statuses, status))
    return choices


STATUS_CHOICES = _status_choices()


@dataclass(frozen=True)
class Found:
    cases: list[Request]
    total: int
    page: int
    pages: int


def find_own(
    session: Session, user: User, *, query: str = "", status: str = "", page: str = "1"
) -> Found:
    """One page of the officer's requests matching `query` and `status`, open ones first and
    newest first within them; the scope is the officer's own cases (`readable_requests`)."""
    query = query.strip()
    if len(query) > MAX_QUERY:
        raise BadInput(f"q: at most {MAX_QUERY} characters", field="q")
    if status and status not in STATUS_CHOICES:
        raise BadInput(f"status: one of {', '.join(STATUS_CHOICES)}", field="status")
    if not page.isdigit() or not 0 < int(page) <= MAX_PAGE:
        raise BadInput("page: a whole number from 1", field="page")
    number_of_page = int(page)
    statement = readable_requests(user)
    if query:
        number = parse_reference(query)
        number = number if number is not None and number < LARGEST_ID else None
        words = f"%{query.lower()}%"
        matches = func.lower(Request.case_number).like(words)
        statement = statement.where(or_(Request.id == number, matches) if number else matches)
    if status:
        statement = statement.where(Request.status.in_(STATUS_CHOICES[status][1]))
    total = session.scalar(select(func.count()).select_from(statement.subquery())) or 0
    finished = case((Request.status.in_(FINISHED), 1), else_=0)
    rows = session.scalars(
        statement.options(
            defer(Request.record), defer(Request.raw_submission), lazyload(Request.targets)
        )
        .order_by(finished, Request.received_at.desc(), Request.id.desc())
        .offset((number_of_page - 1) * PER_PAGE)
        .limit(PER_PAGE)
    )
    pages = max(1, -(-total // PER_PAGE))
    return Found(cases=list(rows), total=total, page=number_of_page, pages=pages)
