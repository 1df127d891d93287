"""Running a filing's steps: one deadline fires the first step not done, then the next.

A deadline of kind `cybertipline_step` names the filing, the step and the attempt it was
scheduled for; the worker fires it once (a crash before its commit fires it again, a crash
after leaves the step done). The step's call to NCMEC and the row saying it is done commit
together, so the only call that can be sent twice is the one in flight when the process died:
an `open` sent twice leaves an unfinished report at NCMEC that lapses (never filed), an upload
or file details sent twice adds to a report not yet finished, and a `finish` sent twice is
answered "already finished", which is recorded as finished (reconciled). Nothing is filed twice.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from exigent.audit.service import Actor, record_event
from exigent.auth.models import User
from exigent.cases.models import Request
from exigent.config import Settings, get_settings
from exigent.deadlines import schedule
from exigent.errors import ExigentError
from exigent.files import FileStore
from exigent.legal.notify import timeline_entry
from exigent.referrals.cybertipline.build import file_details_document, report_document
from exigent.referrals.cybertipline.client import Answer, CyberTiplineClient
from exigent.referrals.cybertipline.codes import Verdict
from exigent.referrals.cybertipline.models import (
    CyberTiplineFiling,
    CyberTiplineStep,
    FilingStatus,
    StepKind,
    StepStatus,
)
from exigent.referrals.models import (
    RecipientKind,
    RecipientStatus,
    Referral,
    ReferralContent,
    ReferralRecipient,
)

STEP = "cybertipline_step"
CYBERTIPLINE = Actor.system("CyberTipline filing")
# A step that keeps failing in a way that may pass is tried this often, then the filing
# stops for a person; with the backoff below that is about ten minutes of trying.
MAX_ATTEMPTS = 6
# Reports opened for one filing, the first included, before repeated expiry stops it.
MAX_REPORTS = 3


def backoff(attempt: int) -> timedelta:
    """The wait before try `attempt + 1`: 10 s, 20 s, 40 s ... at most 5 minutes."""
    return timedelta(seconds=min(10 * 2 ** (attempt - 1), 300))


def schedule_step(session: Session, filing: CyberTiplineFiling, due_at: datetime) -> None:
    """Ask the worker for the filing's next step at `due_at` (woken at once when due now)."""
    step = next_step(filing)
    if step is None:
        return
    schedule(
        session,
        kind=STEP,
        due_at=due_at,
        request_id=filing.request_id,
        data={"filing_id": filing.id, "step_id": step.id, "attempt": step.attempts + 1},
        wake=True,
    )


def next_step(filing: CyberTiplineFiling) -> CyberTiplineStep | None:
    return next((s for s in filing.steps if s.status is StepStatus.pending), None)


def _settings(session: Session) -> Settings:
    found = session.info.get("settings")
    return found if isinstance(found, Settings) else get_settings()


def fire_step(session: Session, data: dict[str, object], now: datetime) -> str:
    """Run the step the deadline was scheduled for; anything stale is `cancelled`."""
    filing = session.execute(
        select(CyberTiplineFiling)
        .where(CyberTiplineFiling.id == int(str(data["filing_id"])))
        .with_for_update()  # a retraction waits for the step in flight, and the reverse
    ).scalar_one_or_none()
    if filing is None or filing.status is not FilingStatus.in_progress:
        return "cancelled"
    step = next_step(filing)
    if step is None or step.id != data.get("step_id") or step.attempts + 1 != data.get("attempt"):
        return "cancelled"  # an earlier schedule of a step since done or tried again
    record_answer(session, filing, step, _call(session, filing, step, _settings(session)), now)
    return "fired"


def record_answer(
    session: Session,
    filing: CyberTiplineFiling,
    step: CyberTiplineStep,
    answer: Answer,
    now: datetime,
) -> None:
    """What NCMEC's answer to `step` means for the filing: next step, retry, reopen or stop."""
    step.attempts += 1
    step.response_code = answer.code
    if answer.ok or (answer.verdict is Verdict.already_finished and step.kind is StepKind.finish):
        _done(session, filing, step, answer, now)
    elif answer.verdict is Verdict.retry and step.attempts < MAX_ATTEMPTS:
        _retry_later(session, filing, step, answer, now)
    elif answer.verdict is Verdict.expired and step.kind is not StepKind.open:
        _open_again(session, filing, answer, now)
    else:
        _fail(session, filing, step, answer.detail, now)


def _call(
    session: Session, filing: CyberTiplineFiling, step: CyberTiplineStep, settings: Settings
) -> Answer:
    """One call to NCMEC for `step`; a document or file Exigent cannot build is final."""
    try:
        with CyberTiplineClient(settings) as client:
            match step.kind:
                case StepKind.open:
                    document = _report(session, filing, settings)
                    filing.report_xml = document.decode()
                    return client.submit(document)
                case StepKind.upload:
                    item = _content(session, step)
                    data = _file_bytes(settings, item)
                    media_type = item.media_type or "application/octet-stream"
                    return client.upload(_report_id(filing), item.value, data, media_type)
                case StepKind.file_info:
                    item = _content(session, step)
                    document = file_details_document(
                        _report_id(filing), _uploaded_file_id(filing, step), item
                    )
                    return client.file_info(document)
                case StepKind.finish:
                    return client.finish(_report_id(filing))
    except ExigentError as exc:
        return Answer(Verdict.final, exc.message)
    raise AssertionError(step.kind)


def _report(session: Session, filing: CyberTiplineFiling, settings: Settings) -> bytes:
    referral = session.get(Referral, filing.referral_id)
    case = session.get(Request, filing.request_id)
    filer = session.get(User, filing.filed_by_id)
    assert referral is not None and case is not None and filer is not None
    return report_document(filing, referral, case, filer, settings)


def _content(session: Session, step: CyberTiplineStep) -> ReferralContent:
    item = session.get(ReferralContent, step.content_id)
    if item is None:
        raise ExigentError(f"the referral's content {step.content_id} no longer exists")
    return item


def _file_bytes(settings: Settings, item: ReferralContent) -> bytes:
    store = FileStore(settings.file_store)
    if not item.file_sha256 or not store.has(item.file_sha256):
        raise ExigentError(f"the captured file {item.value!r} is not in the file store")
    return store.path_for(item.file_sha256).read_bytes()


def _report_id(filing: CyberTiplineFiling) -> int:
    if filing.ncmec_report_id is None:
        raise ExigentError("no report is open at NCMEC for this filing")
    return filing.ncmec_report_id


def _uploaded_file_id(filing: CyberTiplineFiling, step: CyberTiplineStep) -> str:
    for other in filing.steps:
        same_file = other.kind is StepKind.upload and other.content_id == step.content_id
        if same_file and other.ncmec_file_id:
            return other.ncmec_file_id
    raise ExigentError("the file was not uploaded before its details")


def _note(
    session: Session, filing: CyberTiplineFiling, now: datetime, kind: str, body: str
) -> None:
    timeline_entry(
        session,
        request_id=filing.request_id,
        actor=CYBERTIPLINE,
        kind=kind,
        at=now,
        body=body,
        data={"filing_id": filing.id, "ncmec_report_id": filing.ncmec_report_id},
    )


def _label(session: Session, step: CyberTiplineStep) -> str:
    if step.content_id is None:
        return str(step.kind)
    item = session.get(ReferralContent, step.content_id)
    return f"{step.kind} of {item.value if item else step.content_id}"


def _done(
    session: Session,
    filing: CyberTiplineFiling,
    step: CyberTiplineStep,
    answer: Answer,
    now: datetime,
) -> None:
    step.status, step.done_at, step.last_error, step.next_try_at = StepStatus.done, now, None, None
    match step.kind:
        case StepKind.open:
            filing.ncmec_report_id = answer.report_id
            _note(
                session,
                filing,
                now,
                "cybertipline_opened",
                f"NCMEC opened report {answer.report_id}.",
            )
        case StepKind.upload:
            step.ncmec_file_id = answer.file_id
            _note(
                session,
                filing,
                now,
                "cybertipline_uploaded",
                f"{_label(session, step)}: NCMEC file id {answer.file_id}.",
            )
        case StepKind.file_info:
            _note(
                session,
                filing,
                now,
                "cybertipline_file_info",
                f"{_label(session, step)}: NCMEC has the file's details.",
            )
        case StepKind.finish:
            _finished(session, filing, answer, now)
            return
    schedule_step(session, filing, now)


def _finished(session: Session, filing: CyberTiplineFiling, answer: Answer, now: datetime) -> None:
    filing.status, filing.finished_at, filing.last_error = FilingStatus.finished, now, None
    reconciled = answer.verdict is Verdict.already_finished
    _note(
        session,
        filing,
        now,
        "cybertipline_finished",
        f"CyberTipline report {filing.ncmec_report_id} finished: NCMEC holds it as filed."
        + (
            " (NCMEC already held it as finished: a finish sent before a restart had gone "
            "through; recorded now.)"
            if reconciled
            else ""
        ),
    )
    record_event(
        session,
        actor=CYBERTIPLINE,
        action="cybertipline.finished",
        object_type="cybertipline_filing",
        object_id=filing.id,
        after={"status": str(filing.status), "ncmec_report_id": filing.ncmec_report_id},
        detail={"request_id": filing.request_id, "reconciled": reconciled},
        at=now,
    )
    for recipient in _ncmec_recipients(session, filing):
        recipient.status, recipient.channel = RecipientStatus.sent, "cybertipline"
        recipient.sent_at, recipient.last_error = now, None


def _ncmec_recipients(session: Session, filing: CyberTiplineFiling) -> list[ReferralRecipient]:
    return list(
        session.execute(
            select(ReferralRecipient).where(
                ReferralRecipient.referral_id == filing.referral_id,
                ReferralRecipient.kind == RecipientKind.ncmec,
                ReferralRecipient.status != RecipientStatus.withdrawn,
            )
        ).scalars()
    )


def _retry_later(
    session: Session,
    filing: CyberTiplineFiling,
    step: CyberTiplineStep,
    answer: Answer,
    now: datetime,
) -> None:
    step.last_error = answer.detail
    step.next_try_at = now + backoff(step.attempts)
    _note(
        session,
        filing,
        now,
        "cybertipline_retry",
        f"{_label(session, step)} failed ({answer.detail}); try {step.attempts + 1} of "
        f"{MAX_ATTEMPTS} at {step.next_try_at:%H:%M:%S} UTC.",
    )
    schedule_step(session, filing, step.next_try_at)


def _open_again(
    session: Session, filing: CyberTiplineFiling, answer: Answer, now: datetime
) -> None:
    """NCMEC let the open report lapse: a new report, with every file sent again."""
    lapsed = filing.ncmec_report_id
    if len(filing.expired_report_ids) + 1 >= MAX_REPORTS:
        step = next_step(filing)
        assert step is not None
        _fail(session, filing, step, f"{answer.detail}, for the {MAX_REPORTS}th time", now)
        return
    filing.expired_report_ids = (
        [*filing.expired_report_ids, lapsed] if lapsed else [*filing.expired_report_ids]
    )
    filing.ncmec_report_id = None
    for step in filing.steps:
        step.status, step.ncmec_file_id, step.done_at = StepStatus.pending, None, None
        step.attempts, step.next_try_at, step.last_error = 0, None, None
    _note(
        session,
        filing,
        now,
        "cybertipline_expired",
        f"NCMEC report {lapsed} expired before it was finished ({answer.detail}); opening a "
        "new report and sending every file again.",
    )
    schedule_step(session, filing, now)


def _fail(
    session: Session,
    filing: CyberTiplineFiling,
    step: CyberTiplineStep,
    detail: str,
    now: datetime,
) -> None:
    step.status, step.last_error, step.next_try_at = StepStatus.failed, detail, None
    filing.status, filing.last_error = FilingStatus.failed, f"{_label(session, step)}: {detail}"
    _note(
        session,
        filing,
        now,
        "cybertipline_failed",
        f"CyberTipline report not filed: {filing.last_error}. Nothing more is sent; file it "
        "again from the referral once the cause is fixed.",
    )
    for recipient in _ncmec_recipients(session, filing):
        recipient.last_error = filing.last_error
