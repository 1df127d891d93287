"""An officer's requests through the portal: submitting, answering a request for
information, messages. Everything goes through the same intake and case services as the API;
nothing here commits."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from exigent.audit.service import record_event
from exigent.auth.accounts import PortalAccount
from exigent.auth.models import User
from exigent.auth.service import actor_for
from exigent.cases import documents, queries
from exigent.cases import service as case_service
from exigent.cases.lifecycle import Status, can_move
from exigent.cases.models import Document, Request, TimelineEvent
from exigent.cases.schemas import IntakeRecord
from exigent.errors import BadInput, Conflict, ExigentError
from exigent.files import FileStore, check_media_type
from exigent.intake import intake as case_intake
from exigent.legal import cases as legal_cases
from exigent.legal.checks import AfterJudging
from exigent.legal.policy import Policy
from exigent.portal import forms

# Where a case goes back to when the officer answers, if it came from somewhere else.
RESUME_DEFAULT = Status.triaged
# Timeline kinds an officer reads as messages (all of them visible_to_requester).
MESSAGE_KINDS = frozenset({"note", "request_info", "transition", "document", "record_updated"})


@dataclass
class Upload:
    filename: str
    media_type: str
    stream: BinaryIO


class FormProblems(BadInput):
    """The form cannot become a request; `problems` maps each form field to what is wrong."""

    def __init__(self, problems: dict[str, str]) -> None:
        field, problem = next(iter(problems.items()))
        super().__init__(f"{field}: {problem}", field=field, problems=problems)
        self.problems = problems


@dataclass(frozen=True)
class RefusedFile:
    """An attachment left off an emergency that was taken anyway, and why."""

    filename: str
    reason: str


def store_uploads(
    uploads: list[Upload],
    *,
    store: FileStore,
    max_bytes: int,
    refused: list[RefusedFile] | None = None,
) -> list[dict[str, Any]]:
    """Put each file in the store after checking its size and type; refs for the record.

    A file that fails its check refuses the whole form, unless `refused` is given: then the
    file is left off and noted there, and the rest goes ahead (an emergency is never held
    up by its attachment).
    """
    refs = []
    for upload in uploads:
        if not upload.filename.strip():
            continue
        try:
            sha, size, _ = store.put_stream(
                upload.stream,
                max_bytes=max_bytes,
                check=partial(_check_type, claimed=upload.media_type),
            )
        except ExigentError as exc:
            message = exc.message.split(": ", 1)[-1]
            if refused is None:
                raise FormProblems({"documents": f"{upload.filename}: {message}"}) from None
            refused.append(RefusedFile(Path(upload.filename).name[:500], message))
            continue
        refs.append(
            {
                "sha256": sha,
                "filename": Path(upload.filename).name[:500],
                "media_type": upload.media_type.split(";")[0].strip().lower(),
                "size": size,
            }
        )
    return refs


def attach(
    session: Session,
    *,
    user: User,
    case: Request,
    uploads: list[Upload],
    store: FileStore,
    max_bytes: int,
) -> list[dict[str, str]]:
    """Attach files to an existing case (checked like any upload); refs for its record."""
    refs = []
    for upload in uploads:
        if not upload.filename.strip():
            continue
        try:
            document = documents.attach_document(
                session,
                user=user,
                request_id=case.id,
                filename=upload.filename,
                media_type=upload.media_type,
                stream=upload.stream,
                store=store,
                max_bytes=max_bytes,
            )
        except ExigentError as exc:
            message = exc.message.split(": ", 1)[-1]
            raise FormProblems({"documents": f"{upload.filename}: {message}"}) from None
        refs.append(
            {
                "sha256": document.sha256,
                "filename": document.filename,
                "media_type": document.media_type,
            }
        )
    return refs


def _check_type(path: Path, *, claimed: str) -> None:
    check_media_type(path, claimed)


def existing_submission(session: Session, user: User, key: str) -> Request | None:
    return session.execute(
        select(Request).where(Request.submitted_by_id == user.id, Request.idempotency_key == key)
    ).scalar_one_or_none()


def submit(
    session: Session,
    *,
    user: User,
    account: PortalAccount,
    kind: str,
    form: forms.FormLike,
    idempotency_key: str,
    uploads: list[Upload],
    store: FileStore,
    max_bytes: int,
    policy: Policy,
    now: datetime,
) -> tuple[Request, bool]:
    """Create the case the form describes; a second click with the same key finds the first."""
    if kind not in forms.KINDS:
        raise BadInput(f"kind: {kind!r} is not a kind of request", field="kind")
    if not idempotency_key.strip():
        raise BadInput("idempotency_key: reload the form and submit again", field="form")
    # The form stamps the time itself, so a double-click differs in received_at: the key
    # alone says it is the same submission.
    earlier = existing_submission(session, user, idempotency_key)
    if earlier is not None:
        return earlier, False
    refused: list[RefusedFile] | None = [] if kind == "emergency" else None
    stored = store_uploads(uploads, store=store, max_bytes=max_bytes, refused=refused)
    refs = [{k: v for k, v in ref.items() if k != "size"} for ref in stored]
    data = forms.record_from_form(form, kind=kind, account=account, now=now, documents=refs)
    record, problems = forms.validate(data)
    if record is None:
        raise FormProblems(problems)
    case, created = case_intake.intake(
        session,
        user=user,
        record=record,
        raw=json.dumps(data, sort_keys=True),
        policy=policy,
        idempotency_key=idempotency_key,
        store=store,
        now=now,
    )
    for ref in stored:
        session.execute(
            update(Document)
            .where(Document.request_id == case.id, Document.sha256 == ref["sha256"])
            .values(size_bytes=ref["size"], uploaded_by_id=user.id)
        )
    if created:
        note_refused_files(session, user=user, case=case, refused=refused or [], now=now)
    return case, created


REFUSED_KIND = "attachment_refused"


def note_refused_files(
    session: Session, *, user: User, case: Request, refused: list[RefusedFile], now: datetime
) -> None:
    """Say on the case which attachments were left off and why, for the team and the officer."""
    actor = actor_for(user)
    for file in refused:
        case_service.timeline_entry(
            session,
            case,
            actor,
            REFUSED_KIND,
            now,
            body=f"Attachment {file.filename} was not attached: {file.reason}. The request "
            "was taken without it; ask the requester to send it another way.",
            visible=True,
            data={"filename": file.filename, "reason": file.reason},
        )
        record_event(
            session,
            actor=actor,
            action="document.refused",
            object_type="request",
            object_id=case.id,
            detail={"filename": file.filename, "reason": file.reason},
            at=now,
        )


def refused_files(session: Session, *, user: User, case: Request) -> list[RefusedFile]:
    """The attachments left off the case when it was sent."""
    return [
        RefusedFile(str(e.data.get("filename", "")), str(e.data.get("reason", "")))
        for e in queries.timeline_for(session, user, case)
        if e.kind == REFUSED_KIND and e.visible_to_requester
    ]


def messages(session: Session, *, user: User, case: Request) -> list[TimelineEvent]:
    """What the officer may read on the case: only entries marked visible to them."""
    return [
        event
        for event in queries.timeline_for(session, user, case)
        if event.visible_to_requester and event.kind in MESSAGE_KINDS
    ]


def open_question(session: Session, *, user: User, case: Request) -> TimelineEvent | None:
    """The team's newest request for information, while the case waits on the officer."""
    if case.status != Status.need_info:
        return None
    asked = [e for e in messages(session, user=user, case=case) if e.kind == "request_info"]
    if asked:
        return asked[-1]
    # Staff may move a case to need_info with only a reason; that reason is the question.
    moves = [
        e
        for e in messages(session, user=user, case=case)
        if e.kind == "transition" and e.to_status == Status.need_info
    ]
    return moves[-1] if moves else None


def still_missing(case: Request, policy: Policy) -> list[tuple[str, str]]:
    return forms.missing_for(IntakeRecord.model_validate(case.record), policy)


def changes_from_form(
    form: forms.FormLike, *, stored: dict[str, Any], refs: list[dict[str, str]], now: datetime
) -> dict[str, Any]:
    """The top-level record fields the answer form fills in; untouched fields stay as stored."""
    changes: dict[str, Any] = {}
    targets = forms.targets_of(form)
    if targets:
        changes["targets"] = targets
    categories = [str(c) for c in form.getlist("data_requested")]
    if categories:
        changes["data_requested"] = categories
    emergency = forms.emergency_of(form)
    if emergency:
        changes["emergency"] = {**stored.get("emergency", {}), **emergency}
    if form.get("attestation") == "yes":
        changes["attestation"] = {"signed": True, "signed_at": now.isoformat()}
    dates = forms.date_range_of(form)
    if dates:
        changes["date_range"] = {**stored.get("date_range", {}), **dates}
    for key in ("legal_authority", "case_number", "offense"):
        value = form.get(key)
        if isinstance(value, str) and value.strip():
            changes[key] = value.strip()
    if refs:
        changes["documents"] = [*stored.get("documents", []), *refs]
    return changes


def answer(
    session: Session,
    *,
    user: User,
    request_id: int,
    message: str,
    form: forms.FormLike,
    uploads: list[Upload],
    store: FileStore,
    max_bytes: int,
    now: datetime,
    after_judging: Sequence[AfterJudging],
) -> Request:
    """The officer's answer: the record gains what they added, their words go on the case,
    and a case waiting on them goes back to where it was."""
    case = case_service.load_for(session, user, request_id)
    refs = attach(session, user=user, case=case, uploads=uploads, store=store, max_bytes=max_bytes)
    changes = changes_from_form(form, stored=case.record, refs=refs, now=now)
    if not message.strip() and not changes:
        raise FormProblems({"message": "Write your answer, or add what we asked for."})
    if changes:
        try:
            case, _ = legal_cases.update_record(
                session,
                user=user,
                request_id=case.id,
                changes=changes,
                now=now,
                after_judging=after_judging,
            )
        except BadInput as exc:
            field = str(exc.detail.get("field") or "message")
            raise FormProblems({forms.field_of(field): exc.message.split(": ", 1)[-1]}) from None
    if message.strip():
        case_service.add_note(
            session,
            user=user,
            request_id=case.id,
            body=message.strip(),
            visible_to_requester=True,
            now=now,
        )
    if case.status == Status.need_info:
        resume(session, user=user, case=case, now=now)
    session.flush()
    session.refresh(case)
    return case


def _status_before_need_info(session: Session, case: Request) -> Status:
    came_from = session.execute(
        select(TimelineEvent.from_status)
        .where(
            TimelineEvent.request_id == case.id,
            TimelineEvent.kind == "transition",
            TimelineEvent.to_status == Status.need_info,
        )
        .order_by(TimelineEvent.at.desc(), TimelineEvent.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    if came_from and can_move(Status.need_info, came_from):
        return came_from
    return RESUME_DEFAULT


def resume(session: Session, *, user: User, case: Request, now: datetime) -> None:
    """Move a case waiting on the officer back to the stage it left (lifecycle table)."""
    target = _status_before_need_info(session, case)
    result = session.execute(
        update(Request)
        .where(
            Request.id == case.id,
            Request.status == Status.need_info,
            Request.version == case.version,
        )
        .values(status=target, version=Request.version + 1, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict("the case changed at the same moment; reload the page and send again")
    actor = actor_for(user)
    case_service.timeline_entry(
        session,
        case,
        actor,
        "transition",
        now,
        from_status=Status.need_info,
        to_status=target,
        body="The requester answered; the case continues.",
        visible=False,
    )
    record_event(
        session,
        actor=actor,
        action="request.transition",
        object_type="request",
        object_id=case.id,
        before={"status": str(Status.need_info)},
        after={"status": str(target)},
        detail={"reason": "requester answered"},
        at=now,
    )
    session.expire(case)
