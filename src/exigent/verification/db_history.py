"""`RequestHistory` over the database: stored requests and the trust marks set on them.

Each process mirrors the recent requests (`WINDOW`, at most `MAX_REQUESTS`) in an
`InMemoryHistory`, so the engine's questions are answered from memory exactly as for a file;
before each assessment the mirror catches up with two indexed queries: requests with a newer
id and marks with a newer id. Ids of transactions still open when we looked may commit later
with lower ids, so each catch-up looks `LOOKBACK` ids back and skips what it already holds.
"""

from __future__ import annotations

import threading
import weakref
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from exigent.cases.models import Request, Requester, TrustStatus, format_reference
from exigent.cases.schemas import IntakeRecord
from exigent.db import utcnow
from exigent.directory.models import MarkSubject, VerificationMark
from exigent.verification.context import Context
from exigent.verification.directory_index import DirectoryIndex
from exigent.verification.engine import past_request
from exigent.verification.history import (
    InMemoryHistory,
    Marks,
    PastRequest,
    TextMatch,
    VerificationOutcome,
)
from exigent.verification.models import CallbackOutcome
from exigent.verification.text import TextFingerprint

WINDOW = timedelta(days=365)
MAX_REQUESTS = 50_000
LOOKBACK = 256
LOAD_BATCH = 1000

_STATUS_OUTCOME: dict[str, VerificationOutcome] = {
    TrustStatus.fraudulent: VerificationOutcome.fraud,
    TrustStatus.suspended: VerificationOutcome.failed,
}
_CALLBACK_OUTCOME: dict[str, VerificationOutcome] = {
    CallbackOutcome.confirmed: VerificationOutcome.verified,
    CallbackOutcome.denied: VerificationOutcome.fraud,
}
_SEVERITY = {None: 0, VerificationOutcome.verified: 1, VerificationOutcome.failed: 2}
_SEVERITY[VerificationOutcome.fraud] = 3


def _worst(*outcomes: VerificationOutcome | None) -> VerificationOutcome | None:
    return max(outcomes, key=lambda outcome: _SEVERITY[outcome])


# A committed case as history keeps it: (id, the checks' context of its record, requester id,
# agency id).
NewlyCommitted = tuple[int, Context, int | None, int | None]


@dataclass
class DatabaseHistory(InMemoryHistory):
    """The database's requests and marks, mirrored in memory and caught up before each use."""

    _requester_of: dict[str, int | None] = field(default_factory=dict)
    _agency_of: dict[str, int | None] = field(default_factory=dict)
    _by_requester_id: dict[int, list[str]] = field(default_factory=lambda: defaultdict(list))
    _by_agency_id: dict[int, list[str]] = field(default_factory=lambda: defaultdict(list))
    _requester_status: dict[int, str] = field(default_factory=dict)
    _agency_status: dict[int, str] = field(default_factory=dict)
    _callback: dict[str, str] = field(default_factory=dict)
    _email_requester: dict[str, int] = field(default_factory=dict)
    _loaded: set[int] = field(default_factory=set)
    _seen_marks: set[int] = field(default_factory=set)
    _newest_request: int = 0
    _newest_mark: int = 0

    def catch_up(
        self, session: Session, directory: DirectoryIndex, *, exclude: int | None = None
    ) -> None:
        """Read requests and marks added since the last call (`exclude`: the caller's own
        uncommitted case, which must not enter a history other sessions share)."""
        self._load_requests(session, directory, exclude)
        self._load_marks(session)

    def _load_requests(
        self, session: Session, directory: DirectoryIndex, exclude: int | None
    ) -> None:
        if not self._loaded:
            since = utcnow() - WINDOW
            ids = session.execute(
                select(Request.id)
                .where(Request.received_at >= since)
                .order_by(Request.id.desc())
                .limit(MAX_REQUESTS)
            ).scalars()
        else:
            low = max(0, self._newest_request - LOOKBACK)
            ids = session.execute(select(Request.id).where(Request.id > low)).scalars()
        fresh = sorted(set(ids) - self._loaded - {exclude})
        for start in range(0, len(fresh), LOAD_BATCH):
            self._add_rows(session, directory, fresh[start : start + LOAD_BATCH])

    def _add_rows(self, session: Session, directory: DirectoryIndex, ids: list[int]) -> None:
        rows = session.execute(
            select(Request.id, Request.record, Request.requester_id, Request.agency_id)
            .where(Request.id.in_(ids))
            .order_by(Request.received_at, Request.id)
        )
        for request_id, record, requester_id, agency_id in rows:
            self._loaded.add(request_id)
            self._newest_request = max(self._newest_request, request_id)
            try:
                intake = IntakeRecord.model_validate(record)
            except ValidationError:
                continue  # a record stored under an older schema still counts as seen
            self._add_case(request_id, intake, requester_id, agency_id, directory)

    def add_committed(self, cases: Sequence[NewlyCommitted], directory: DirectoryIndex) -> None:
        """Cases this process has just committed, from the records in hand."""
        for request_id, ctx, requester_id, agency_id in cases:
            if request_id in self._loaded:
                continue
            self._loaded.add(request_id)
            self._newest_request = max(self._newest_request, request_id)
            self._add_case(request_id, ctx.record, requester_id, agency_id, directory, ctx)

    def _add_case(
        self,
        request_id: int,
        record: IntakeRecord,
        requester_id: int | None,
        agency_id: int | None,
        directory: DirectoryIndex,
        ctx: Context | None = None,
    ) -> None:

        ctx = ctx or Context(record=record, directory=directory, history=self)
        reference = format_reference(request_id)
        past = past_request(ctx, reference)
        past = replace(past, request_id=reference)
        self.add(past, ctx.fingerprint)
        self._requester_of[reference] = requester_id
        self._agency_of[reference] = agency_id
        if requester_id is not None:
            self._by_requester_id[requester_id].append(reference)
            if past.requester_email:
                self._email_requester[past.requester_email.lower()] = requester_id
        if agency_id is not None:
            self._by_agency_id[agency_id].append(reference)
        if self._outcome(reference) is not None:
            self._set_outcome(reference, self._outcome(reference))

    def _load_marks(self, session: Session) -> None:
        low = max(0, self._newest_mark - LOOKBACK)
        marks = session.execute(
            select(
                VerificationMark.id,
                VerificationMark.subject_type,
                VerificationMark.subject_id,
                VerificationMark.status,
            )
            .where(VerificationMark.id > low)
            .order_by(VerificationMark.id)
        ).all()
        for mark_id, subject_type, subject_id, status in marks:
            if mark_id in self._seen_marks:
                continue
            self._seen_marks.add(mark_id)
            self._newest_mark = max(self._newest_mark, mark_id)
            self._apply_mark(session, subject_type, subject_id, status)

    def _apply_mark(
        self, session: Session, subject: MarkSubject, subject_id: int, status: str
    ) -> None:
        if subject is MarkSubject.requester:
            self._requester_status[subject_id] = status
            email = session.execute(
                select(Requester.email).where(Requester.id == subject_id)
            ).scalar_one_or_none()
            if email:
                self._email_requester[email.lower()] = subject_id
            affected = self._by_requester_id.get(subject_id, [])
        elif subject is MarkSubject.agency:
            self._agency_status[subject_id] = status
            affected = self._by_agency_id.get(subject_id, [])
        elif subject is MarkSubject.request_agency:
            reference = format_reference(subject_id)
            self._relink(reference, int(status))
            affected = [reference] if reference in self._by_id else []
        else:
            reference = format_reference(subject_id)
            self._callback[reference] = status
            affected = [reference] if reference in self._by_id else []
        for reference in affected:
            self._set_outcome(reference, self._outcome(reference))

    def _relink(self, reference: str, agency_id: int) -> None:
        """Staff linked a case to another agency: it now shares that agency's standing."""
        if reference not in self._agency_of:
            return  # outside the mirror's window
        old = self._agency_of[reference]
        if old is not None and reference in self._by_agency_id.get(old, []):
            self._by_agency_id[old].remove(reference)
        self._agency_of[reference] = agency_id
        if reference not in self._by_agency_id[agency_id]:
            self._by_agency_id[agency_id].append(reference)

    def _outcome(self, reference: str) -> VerificationOutcome | None:
        requester_id = self._requester_of.get(reference)
        agency_id = self._agency_of.get(reference)
        requester = self._requester_status.get(requester_id) if requester_id else None
        agency = self._agency_status.get(agency_id) if agency_id else None
        callback = self._callback.get(reference)
        return _worst(
            _CALLBACK_OUTCOME.get(callback) if callback else None,
            _STATUS_OUTCOME.get(requester) if requester else None,
            _STATUS_OUTCOME.get(agency) if agency else None,
            VerificationOutcome.verified if requester == TrustStatus.verified else None,
        )

    def _set_outcome(self, reference: str, outcome: VerificationOutcome | None) -> None:
        if reference in self._by_id:
            self.mark(reference, outcome)

    def marks_for_requester(self, email: str, *, before: datetime) -> Marks:
        """Outcomes of the requester's requests, and the requester's own standing mark."""
        marks = super().marks_for_requester(email, before=before)
        requester_id = self._email_requester.get(email.lower())
        status = self._requester_status.get(requester_id) if requester_id else None
        if status == TrustStatus.fraudulent and not marks.fraud:
            marks = replace(marks, fraud=1)
        elif status == TrustStatus.suspended and not (marks.failed or marks.fraud):
            marks = replace(marks, failed=1)
        elif status == TrustStatus.verified and not marks.verified:
            marks = replace(marks, verified=1)
        return marks


@dataclass
class LayeredHistory:
    """A shared history underneath and a private one on top (a batch's own records)."""

    base: InMemoryHistory
    top: InMemoryHistory = field(default_factory=InMemoryHistory)

    def add(self, request: PastRequest, fingerprint: TextFingerprint | None = None) -> None:
        self.top.add(request, fingerprint)

    def by_requester(
        self, email: str, *, before: datetime, since: datetime | None = None
    ) -> Sequence[PastRequest]:
        return _merged(
            self.base.by_requester(email, before=before, since=since),
            self.top.by_requester(email, before=before, since=since),
        )

    def by_domain(
        self, domain: str, *, before: datetime, since: datetime | None = None
    ) -> Sequence[PastRequest]:
        return _merged(
            self.base.by_domain(domain, before=before, since=since),
            self.top.by_domain(domain, before=before, since=since),
        )

    def by_targets(
        self, targets: Iterable[str], *, before: datetime, since: datetime | None = None
    ) -> Sequence[PastRequest]:
        targets = list(targets)
        return _merged(
            self.base.by_targets(targets, before=before, since=since),
            self.top.by_targets(targets, before=before, since=since),
        )

    def similar_texts(
        self, fingerprint: TextFingerprint, *, before: datetime, threshold: float
    ) -> Sequence[TextMatch]:
        found = [
            *self.base.similar_texts(fingerprint, before=before, threshold=threshold),
            *self.top.similar_texts(fingerprint, before=before, threshold=threshold),
        ]
        return sorted(found, key=lambda match: -match.similarity)

    def marks_for_requester(self, email: str, *, before: datetime) -> Marks:
        return _sum(
            self.base.marks_for_requester(email, before=before),
            self.top.marks_for_requester(email, before=before),
        )

    def marks_for_domain(self, domain: str, *, before: datetime) -> Marks:
        return _sum(
            self.base.marks_for_domain(domain, before=before),
            self.top.marks_for_domain(domain, before=before),
        )


def _merged(first: Sequence[PastRequest], second: Sequence[PastRequest]) -> list[PastRequest]:
    if not second:
        return list(first)
    if not first:
        return list(second)
    return sorted([*first, *second], key=lambda request: request.received_at)


def _sum(first: Marks, second: Marks) -> Marks:
    return Marks(
        verified=first.verified + second.verified,
        failed=first.failed + second.failed,
        fraud=first.fraud + second.fraud,
    )


_lock = threading.RLock()
# One mirror per engine: tests open a fresh engine per database, production one per process.
_mirrors: weakref.WeakKeyDictionary[Engine, DatabaseHistory] = weakref.WeakKeyDictionary()


def engine_of(session: Session) -> Engine:
    bind: Any = session.get_bind()
    engine: Engine = bind.engine if hasattr(bind, "engine") else bind
    return engine


def shared_history(
    session: Session, directory: DirectoryIndex, *, exclude: int | None = None
) -> DatabaseHistory:
    """This process's mirror of the session's database, caught up. Hold `history_lock`."""
    engine = engine_of(session)
    history = _mirrors.get(engine)
    if history is None:
        history = _mirrors[engine] = DatabaseHistory()
    history.catch_up(session, directory, exclude=exclude)
    return history


def remember_committed(
    session: Session, cases: Sequence[NewlyCommitted], directory: DirectoryIndex
) -> None:
    """Cases this process has just committed join its mirror without being read back (the
    mirror's look-back still reads whatever other processes committed around them)."""
    with _lock:
        history = _mirrors.get(engine_of(session))
        if history is not None:  # else the first catch-up reads them with everything else
            history.add_committed(cases, directory)


def history_lock() -> threading.RLock:
    """Serialises catch-up and reading of the shared mirrors between threads."""
    return _lock


def snapshot_history(session: Session, directory: DirectoryIndex) -> DatabaseHistory:
    """A private mirror (for a batch that adds its own records on top, like `exigent assess`)."""
    history = DatabaseHistory()
    history.catch_up(session, directory)
    return history
