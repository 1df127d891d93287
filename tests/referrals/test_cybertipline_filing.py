"""Filing a CyberTipline report against a local CyberTipline: steps, failures, retries, expiry,
restarts, retraction and the year's hold."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from exigent.cases.models import TimelineEvent
from exigent.db import make_engine, make_session_factory, utcnow
from exigent.errors import Conflict
from exigent.production.models import PreservationHold
from exigent.referrals.cybertipline import codes
from exigent.referrals.cybertipline.client import CyberTiplineClient
from exigent.referrals.cybertipline.models import FilingStatus, StepKind, StepStatus
from exigent.referrals.cybertipline.service import retract
from exigent.referrals.models import (
    HarmType,
    RecipientKind,
    RecipientStatus,
    ReferralRecipient,
)
from referrals.flows import file, filing, referral_case, work


def _timeline(factory, case_id: int) -> list[str]:  # type: ignore[no-untyped-def]
    with factory() as session:
        return list(
            session.execute(
                select(TimelineEvent.body)
                .where(TimelineEvent.request_id == case_id)
                .order_by(TimelineEvent.id)
            ).scalars()
        )


def test_a_report_is_opened_its_files_sent_and_finished_once(  # type: ignore[no-untyped-def]
    factory, settings, analyst, ncmec
):
    # The worker proposed NCMEC for a child-exploitation referral; the report is its sending.
    case_id = referral_case(factory, settings, analyst.user)
    filing_id = file(factory, settings, analyst.user, case_id)
    work(factory, settings)

    done = filing(factory, filing_id)
    assert done.status is FilingStatus.finished
    assert [s.kind for s in done.steps] == [
        StepKind.open,
        StepKind.upload,
        StepKind.file_info,
        StepKind.upload,
        StepKind.file_info,
        StepKind.finish,
    ]
    assert all(s.status is StepStatus.done for s in done.steps)
    [report] = ncmec.finished()
    assert done.ncmec_report_id == report.id
    assert len(report.files) == 2 and len(report.details) == 2
    assert {s.ncmec_file_id for s in done.steps if s.kind is StepKind.upload} == set(report.files)
    assert ncmec.rejected == []  # every document NCMEC received matched its schema
    assert "Online Enticement of Children for Sexual Acts" in report.xml
    assert "<escalateToHighPriority>A meeting is arranged" in report.xml
    assert "<ipCaptureEvent>" in report.xml and "<espIdentifier>" in report.xml
    assert "gone.account: the platform has no account" in report.xml
    with factory() as session:
        recipient = session.execute(
            select(ReferralRecipient).where(ReferralRecipient.kind == RecipientKind.ncmec)
        ).scalar_one()
        assert (recipient.status, recipient.channel) == (RecipientStatus.sent, "cybertipline")
    notes = _timeline(factory, case_id)
    assert any(n.startswith("CyberTipline report filed by") for n in notes)
    assert any(f"report {report.id} finished" in n for n in notes)


def test_the_report_brings_a_year_of_preservation(factory, settings, analyst, ncmec):  # type: ignore[no-untyped-def]
    case_id = referral_case(factory, settings, analyst.user)
    before = utcnow()
    filing_id = file(factory, settings, analyst.user, case_id)
    hold_id = filing(factory, filing_id).hold_id
    with factory() as session:
        hold = session.execute(
            select(PreservationHold).where(PreservationHold.request_id == case_id)
        ).scalar_one()
        assert hold_id == hold.id
        assert before + timedelta(days=365) <= hold.expires_at
        assert hold.expires_at <= utcnow() + timedelta(days=365)
    assert any("NCMEC report (18 U.S.C. 2258A(h))" in n for n in _timeline(factory, case_id))


@pytest.mark.parametrize(
    ("path", "code", "words"),
    [
        ("/submit", codes.DOCUMENT_REJECTED, "NCMEC rejected the document"),
        ("/submit", codes.NOT_AUTHORIZED, "did not accept the reporting credentials"),
        ("/upload", codes.FILE_REJECTED, "NCMEC rejected the file"),
        ("/fileinfo", codes.REPORT_RETRACTED, "retracted at NCMEC"),
        ("/finish", 4242, "code 4242, not one Exigent knows"),
    ],
)
def test_an_answer_that_will_not_change_stops_the_filing_in_words(  # type: ignore[no-untyped-def]
    factory, settings, analyst, ncmec, path, code, words
):
    ncmec.answer_codes(path, code)
    case_id = referral_case(factory, settings, analyst.user, files=1)
    filing_id = file(factory, settings, analyst.user, case_id)
    work(factory, settings)
    stopped = filing(factory, filing_id)
    assert stopped.status is FilingStatus.failed
    assert words in (stopped.last_error or "")
    assert ncmec.finished() == []
    assert any(
        n.startswith("CyberTipline report not filed") and words in n
        for n in _timeline(factory, case_id)
    )


@pytest.mark.parametrize(
    ("path", "code"), [("/submit", codes.SERVER_ERROR), ("/finish", codes.UNAVAILABLE)]
)
def test_a_server_error_code_is_tried_again_and_the_report_finished(  # type: ignore[no-untyped-def]
    factory, settings, analyst, ncmec, path, code
):
    ncmec.answer_codes(path, code, code)
    case_id = referral_case(factory, settings, analyst.user, files=1)
    filing_id = file(factory, settings, analyst.user, case_id)
    work(factory, settings)
    done = filing(factory, filing_id)
    assert done.status is FilingStatus.finished
    kind = {"/submit": StepKind.open, "/finish": StepKind.finish}[path]
    step = next(s for s in done.steps if s.kind is kind)
    assert step.attempts == 3
    assert len(ncmec.finished()) == 1
    assert sum("try 2 of 6" in n for n in _timeline(factory, case_id)) == 1


def test_timeouts_and_5xx_are_retried_with_backoff(factory, settings, analyst, ncmec):  # type: ignore[no-untyped-def]
    ncmec.answer_statuses("/upload", 503, 500)
    ncmec.delay("/fileinfo", 2.5)  # longer than the 1 s timeout: the details arrive twice
    case_id = referral_case(factory, settings, analyst.user, files=1)
    filing_id = file(factory, settings, analyst.user, case_id)
    work(factory, settings)
    done = filing(factory, filing_id)
    assert done.status is FilingStatus.finished
    upload = next(s for s in done.steps if s.kind is StepKind.upload)
    details = next(s for s in done.steps if s.kind is StepKind.file_info)
    assert (upload.attempts, details.attempts) == (3, 2)
    notes = _timeline(factory, case_id)
    assert any("NCMEC answered HTTP 503" in n for n in notes)
    assert any("no answer within the timeout" in n for n in notes)
    assert len(ncmec.finished()) == 1


def test_retries_that_never_pass_stop_after_the_last_try(factory, settings, analyst, ncmec):  # type: ignore[no-untyped-def]
    ncmec.answer_statuses("/submit", *[502] * 6)
    case_id = referral_case(factory, settings, analyst.user, files=0)
    filing_id = file(factory, settings, analyst.user, case_id)
    work(factory, settings)
    stopped = filing(factory, filing_id)
    assert stopped.status is FilingStatus.failed
    assert stopped.steps[0].attempts == 6
    assert "HTTP 502" in (stopped.last_error or "")


def test_a_report_that_expires_before_it_is_finished_is_opened_again(  # type: ignore[no-untyped-def]
    factory, settings, analyst, ncmec
):
    case_id = referral_case(factory, settings, analyst.user, files=1)
    filing_id = file(factory, settings, analyst.user, case_id)
    work(factory, settings, rounds=1, limit=2)  # opened, the file uploaded; then a pause
    [lapsed] = ncmec.expire_open_reports()
    work(factory, settings)
    done = filing(factory, filing_id)
    assert done.status is FilingStatus.finished
    assert done.expired_report_ids == [lapsed]
    assert done.ncmec_report_id != lapsed
    [report] = ncmec.finished()
    assert report.id == done.ncmec_report_id and len(report.files) == 1
    assert any(f"report {lapsed} expired" in n for n in _timeline(factory, case_id))


def test_a_restart_between_steps_resumes_and_sends_nothing_twice(  # type: ignore[no-untyped-def]
    factory, settings, analyst, ncmec
):
    case_id = referral_case(factory, settings, analyst.user, files=2)
    filing_id = file(factory, settings, analyst.user, case_id)
    work(factory, settings, rounds=1, limit=3)
    assert filing(factory, filing_id).status is FilingStatus.in_progress
    # A new process: its own engine and sessions, nothing carried over but the database.
    engine = make_engine(settings.database_url)
    try:
        work(make_session_factory(engine), settings)
    finally:
        engine.dispose()
    assert filing(factory, filing_id).status is FilingStatus.finished
    assert [len(ncmec.calls_to(p)) for p in ("/submit", "/upload", "/fileinfo", "/finish")] == [
        1,
        2,
        2,
        1,
    ]


def test_a_finish_whose_answer_was_lost_is_reconciled_not_filed_twice(  # type: ignore[no-untyped-def]
    factory, settings, analyst, ncmec
):
    ncmec.delay("/finish", 2.5)  # NCMEC finishes the report; its answer never arrives
    case_id = referral_case(factory, settings, analyst.user, files=0)
    filing_id = file(factory, settings, analyst.user, case_id)
    work(factory, settings)
    done = filing(factory, filing_id)
    assert done.status is FilingStatus.finished
    assert len(ncmec.finished()) == 1
    assert [c.code for c in ncmec.calls_to("/finish")] == [codes.SUCCESS, codes.REPORT_FINISHED]
    assert any("already held it as finished" in n for n in _timeline(factory, case_id))


def test_a_crash_after_finish_before_recording_is_reconciled(  # type: ignore[no-untyped-def]
    factory, settings, analyst, ncmec
):
    case_id = referral_case(factory, settings, analyst.user, files=0)
    filing_id = file(factory, settings, analyst.user, case_id)
    work(factory, settings, rounds=1, limit=1)  # opened; finish is next
    report_id = filing(factory, filing_id).ncmec_report_id
    assert report_id is not None
    # The process that sent the finish died before its commit: NCMEC has it, Exigent not.
    with CyberTiplineClient(settings) as client:
        assert client.finish(report_id).ok
    work(factory, settings)
    assert filing(factory, filing_id).status is FilingStatus.finished
    assert len(ncmec.finished()) == 1


def test_a_report_is_never_filed_twice(factory, settings, analyst, ncmec):  # type: ignore[no-untyped-def]
    case_id = referral_case(factory, settings, analyst.user, files=0)
    file(factory, settings, analyst.user, case_id)
    with pytest.raises(Conflict, match="is under way"):
        file(factory, settings, analyst.user, case_id)
    work(factory, settings)
    with pytest.raises(Conflict, match="was finished"):
        file(factory, settings, analyst.user, case_id)
    work(factory, settings)
    assert len(ncmec.calls_to("/submit")) == 1 and len(ncmec.calls_to("/finish")) == 1


def test_a_report_under_way_can_be_retracted_and_is_not_finished(  # type: ignore[no-untyped-def]
    factory, settings, analyst, ncmec
):
    case_id = referral_case(factory, settings, analyst.user, files=1)
    filing_id = file(factory, settings, analyst.user, case_id)
    work(factory, settings, rounds=1, limit=1)
    with factory() as session:
        said = retract(session, user=analyst.user, request_id=case_id, settings=settings)
        session.commit()
    report_id = filing(factory, filing_id).ncmec_report_id
    assert said == f"Retracted. NCMEC retracted report {report_id}."
    work(factory, settings)
    assert filing(factory, filing_id).status is FilingStatus.retracted
    assert ncmec.reports[report_id or 0].state == "retracted"
    assert ncmec.calls_to("/finish") == []
    # Retracted, it may be filed again: a new report.
    again = file(factory, settings, analyst.user, case_id)
    work(factory, settings)
    assert filing(factory, again).status is FilingStatus.finished


def test_a_finished_report_cannot_be_retracted(factory, settings, analyst, ncmec):  # type: ignore[no-untyped-def]
    case_id = referral_case(factory, settings, analyst.user, files=0)
    file(factory, settings, analyst.user, case_id)
    work(factory, settings)
    with factory() as session, pytest.raises(Conflict, match="can no longer be retracted"):
        retract(session, user=analyst.user, request_id=case_id, settings=settings)
    assert ncmec.calls_to("/retract") == []


def test_only_child_exploitation_referrals_are_reported(factory, settings, analyst, ncmec):  # type: ignore[no-untyped-def]
    case_id = referral_case(factory, settings, analyst.user, harm_type=HarmType.violent_threat)
    with pytest.raises(Conflict, match="no CyberTipline report is due"):
        file(factory, settings, analyst.user, case_id)
    assert ncmec.calls == []
