"""Group commit for API intake: submissions that arrive together become cases together.

Every case still gets its own checks, clocks, score and audit event. What a batch shares is
the work around them: one read of the policy, weights and fraud history, one write
transaction (on SQLite, one hold of the write lock) and one commit. A submission that is
wrong gets its own answer; should the batch's shared statements fail, each case is built
again alone, behind a savepoint of its own. Nothing is answered before the batch's commit
has returned, so an acknowledged case survives a crash.

Should the database's connection fail under a batch (a restart, a failover), the batch is
built once more on a fresh connection; if the database is still out of reach, every
submission in it is answered 503 with a Retry-After, and the outage is logged once (see
`exigent.outages`), not once per submission.
"""

from __future__ import annotations

import logging
import queue
import threading
from concurrent.futures import Future
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from exigent.auth.permissions import Permission
from exigent.auth.service import require
from exigent.cases.reads import read_model
from exigent.cases.schemas import IntakeRecord, RequestRead, TargetRead
from exigent.db import begin_read_only
from exigent.errors import ExigentError
from exigent.files import FileStore
from exigent.intake import intake
from exigent.intake.intake import Submission
from exigent.legal.policy import Policy
from exigent.legal.versions import current_policy
from exigent.outages import database_lost, unavailable
from exigent.verification.db_directory import known_directory
from exigent.verification.db_history import remember_committed

log = logging.getLogger(__name__)

# Enough to carry a burst in one commit; small enough that the write lock is never held long.
MAX_BATCH = 64
# How long a batch under load waits for the rest of a burst: a fraction of building one case.
LINGER_SECONDS = 0.01
# An idle batcher's thread ends; the next submission starts another.
IDLE_SECONDS = 30.0


@dataclass(frozen=True)
class Built:
    """The case a submission made (`created`) or found (a retry), as the API shows it."""

    case: RequestRead
    created: bool


_Item = tuple[Submission, "Future[Built]"]


class IntakeBatcher:
    """Builds submitted records into cases on one thread, a batch per transaction."""

    def __init__(self, factory: sessionmaker[Session], store: FileStore) -> None:
        self._factory = factory
        self._store = store
        self._queue: queue.SimpleQueue[_Item | None] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._last_size = 0

    def submit(self, submission: Submission) -> Future[Built]:
        future: Future[Built] = Future()
        self._queue.put((submission, future))
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="intake-batcher", daemon=True
                )
                self._thread.start()
        return future

    def stop(self) -> None:
        """Build what is queued, then end the thread."""
        with self._lock:
            thread = self._thread
        if thread is not None:
            self._queue.put(None)
            thread.join(timeout=30)

    def _run(self) -> None:
        while True:
            try:
                first = self._queue.get(timeout=IDLE_SECONDS)
            except queue.Empty:
                with self._lock:
                    # Decided under the lock `submit` starts threads under: nothing is stranded.
                    if self._queue.empty():
                        self._thread = None
                        return
                continue
            batch, stopping = self._gather(first)
            if batch:
                self._build(batch)
            if stopping:
                with self._lock:
                    self._thread = None
                return

    def _gather(self, first: _Item | None) -> tuple[list[_Item], bool]:
        """The first item and whatever else is waiting. Under load it lingers a moment for
        the rest of a burst, until the batch is as large as the last one: building one case
        now and the others a batch later would cost a second round of look-ups and a second
        commit. Never longer: those who could add to it may all be waiting in it."""
        batch: list[_Item] = []
        item = first
        expected = min(self._last_size, MAX_BATCH)
        while item is not None:
            batch.append(item)
            if len(batch) >= MAX_BATCH:
                break
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                if len(batch) >= expected:
                    break
                try:
                    item = self._queue.get(timeout=LINGER_SECONDS)
                except queue.Empty:
                    break
        else:
            return batch, True
        self._last_size = len(batch)
        return batch, False

    def _build(self, batch: list[_Item]) -> None:
        live = [(s, f) for s, f in batch if f.set_running_or_notify_cancel()]
        try:
            outcomes = self._build_retrying([s for s, _ in live])
        except Exception as exc:  # the batch as a whole failed
            lost = database_lost(exc)
            if not lost:
                log.exception("an intake batch of %d failed", len(live))
            for _, future in live:
                # Still out of reach: each caller is told to retry; the outage is logged once.
                future.set_exception(unavailable() if lost else exc)
            return
        for (_, future), outcome in zip(live, outcomes, strict=True):
            if isinstance(outcome, Built):
                future.set_result(outcome)
            else:
                future.set_exception(outcome)

    def _build_retrying(self, submissions: list[Submission]) -> list[Built | Exception]:
        """Build the batch; if the connection fails under it, once more on a fresh session.

        The pool has dropped the dead connection by then, so a database that has come back
        (or a failover) is reached; one that is still away fails again at once. A case the
        first attempt committed before its connection failed is found again by its key and
        answered as a replay, not made twice.
        """
        try:
            with self._factory() as session:
                return build_cases(session, submissions, self._store)
        except Exception as exc:
            if not database_lost(exc):
                raise
        with self._factory() as session:
            return build_cases(session, submissions, self._store)


def build_cases(
    session: Session, submissions: list[Submission], store: FileStore | None
) -> list[Built | Exception]:
    """Build each submission into a case (or find the case a retry already made); commit once.

    What goes wrong with one submission is its own answer and leaves the others alone.
    """
    # Judging and scoring only read: on SQLite they run before the write lock is taken.
    begin_read_only(session)
    prejudged = _prejudge(session, submissions)
    session.commit()
    policy = current_policy(session).policy
    allowed = [i for i, pre in enumerate(prejudged) if not isinstance(pre, Exception)]
    # A refused caller's answer is its refusal; every other place is filled below.
    outcomes: list[Built | Exception] = [
        pre if isinstance(pre, Exception) else _PENDING for pre in prejudged
    ]
    try:
        with session.begin_nested():
            made = intake.intake_many(
                session,
                [submissions[i] for i in allowed],
                policy=policy,
                store=store,
                prejudged=[_judged(prejudged[i]) for i in allowed],
            )
            for i, outcome in zip(allowed, made, strict=True):
                outcomes[i] = _answer(outcome, submissions[i])
            created = [
                (case.id, context, case.requester_id, case.agency_id)
                for i, outcome in zip(allowed, made, strict=True)
                if isinstance(outcome, tuple)
                for case, is_new in [outcome]
                if is_new and (context := _judged(prejudged[i]).assessed.context) is not None
            ]
    except Exception as exc:
        if database_lost(exc):
            raise  # no case can be built alone on a dead connection either: the batch is retried
        # One submission spoiled the batch's statements (its key raced in from another
        # process, say): build each alone, so that only that one fails.
        log.warning("an intake batch failed as a whole; building its cases one at a time")
        for i in allowed:
            outcomes[i] = _build_one(session, submissions[i], _judged(prejudged[i]), policy, store)
        created = []
    session.commit()
    # The next batch's fraud checks see these cases without reading them back, with the
    # directory this batch was scored against.
    directory = known_directory(session)
    if created and directory is not None:
        remember_committed(session, created, directory)
    return outcomes


def _prejudge(
    session: Session, submissions: list[Submission]
) -> list[intake.Prejudged | Exception]:
    """Each submission's judgement and score, or why its caller may not submit at all (checked
    before any work is done for them)."""
    refusals: list[Exception | None] = []
    for submission in submissions:
        try:
            require(submission.user, Permission.request_create)
            refusals.append(None)
        except ExigentError as exc:
            refusals.append(exc)
    allowed = [s.record for s, refused in zip(submissions, refusals, strict=True) if not refused]
    judged = iter(intake.prejudge_all(session, allowed) if allowed else [])
    return [refused or next(judged) for refused in refusals]


_PENDING = RuntimeError("not built")


def _judged(pre: intake.Prejudged | Exception) -> intake.Prejudged:
    assert not isinstance(pre, Exception)
    return pre


def _answer(outcome: intake.Made | Exception, submission: Submission) -> Built | Exception:
    if isinstance(outcome, Exception):
        return outcome
    case, created = outcome
    return Built(
        case=read_model(case, _targets(submission.record) if created else None), created=created
    )


def _build_one(
    session: Session,
    submission: Submission,
    prejudged: intake.Prejudged,
    policy: Policy,
    store: FileStore | None,
) -> Built | Exception:
    try:
        with session.begin_nested():
            case, created = intake.intake(
                session,
                user=submission.user,
                record=submission.record,
                raw=submission.raw,
                policy=policy,
                idempotency_key=submission.idempotency_key,
                store=store,
                prejudged=prejudged,
            )
            targets = _targets(submission.record) if created else None
            return Built(case=read_model(case, targets), created=created)
    except IntegrityError as exc:
        # A retry of this submission won a race from another process: answer with its case.
        replay = intake.find_replay(
            session,
            user=submission.user,
            record=submission.record,
            idempotency_key=submission.idempotency_key,
        )
        return Built(case=read_model(replay), created=False) if replay else exc
    except ExigentError as exc:
        return exc
    except Exception as exc:
        if database_lost(exc):
            raise  # the whole batch is retried on a fresh connection
        log.exception("building a case from a submission failed")
        return exc


def _targets(record: IntakeRecord) -> list[TargetRead]:
    return [TargetRead(identifier_type=t.identifier_type, value=t.value) for t in record.targets]
