"""JSON routes for cases. Thin: parse, call the service, commit, answer."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import (
    APIRouter,
    File,
    Form,
    Path,
    Query,
    UploadFile,
)

from exigent.auth.deps import CurrentUser
from exigent.cases import documents, queries, service
from exigent.cases.deps import MoveGuardDep
from exigent.cases.reads import read_model, summary
from exigent.cases.schemas import (
    AssignIn,
    DocumentRead,
    NoteIn,
    RequestPage,
    RequestRead,
    TimelineEventRead,
    TransitionIn,
)
from exigent.config import SettingsDep
from exigent.db import MAX_ID, SessionDep
from exigent.errors import BadInput
from exigent.files import FileStoreDep

router = APIRouter(prefix="/api/v1/requests", tags=["requests"])

CaseId = Annotated[int, Path(ge=1, le=MAX_ID, description="the case number (EXG-... digits)")]
RowId = Annotated[int | None, Query(ge=1, le=2**31 - 1)]


@router.get("", response_model=RequestPage)
def list_requests(
    session: SessionDep,
    user: CurrentUser,
    settings: SettingsDep,
    status: Annotated[list[str] | None, Query()] = None,
    open_only: bool = False,
    priority: Annotated[list[str] | None, Query()] = None,
    kind: Annotated[list[str] | None, Query()] = None,
    agency_id: RowId = None,
    assignee_id: RowId = None,
    unassigned: bool = False,
    decide_due_before: datetime | None = None,
    order: str = "urgency",
    limit: Annotated[int, Query(ge=1, le=queries.MAX_PAGE)] = 50,
    cursor: str | None = None,
) -> RequestPage:
    """Cases you can see, filtered, most urgent first (or newest), a page at a time."""
    if decide_due_before is not None and decide_due_before.tzinfo is None:
        raise BadInput("decide_due_before: needs a time-zone offset", field="decide_due_before")
    chosen = queries.list_choices(status=status, priority=priority, kind=kind)
    filters = queries.RequestFilters(
        status=list(chosen.status) or None,
        open_only=open_only,
        priority=list(chosen.priority) or None,
        kind=list(chosen.kind) or None,
        agency_id=agency_id,
        assignee_id=assignee_id,
        unassigned=unassigned,
        decide_due_before=decide_due_before,
        order=order,
    )
    page, next_cursor = queries.list_requests(
        session,
        user,
        filters,
        limit=limit,
        cursor=cursor,
        secret_key=settings.secret_key,
    )
    service.record_list(session, user, [case.id for case in page])
    session.commit()
    return RequestPage(items=[summary(case) for case in page], next_cursor=next_cursor)


@router.get("/{request_id}", response_model=RequestRead)
def get_request(request_id: CaseId, session: SessionDep, user: CurrentUser) -> RequestRead:
    case = service.load_for(session, user, request_id)
    service.record_read(session, user, case)
    result = read_model(case)
    session.commit()
    return result


@router.post("/{request_id}/transitions", response_model=RequestRead)
def transition_request(
    request_id: CaseId,
    move: TransitionIn,
    session: SessionDep,
    user: CurrentUser,
    guard: MoveGuardDep,
) -> RequestRead:
    """Move the case; 409 lists the moves allowed from where it is."""
    case = service.transition(
        session,
        user=user,
        request_id=request_id,
        to=move.to,
        reason=move.reason,
        reason_code=move.reason_code,
        expected_version=move.expected_version,
        guard=guard,
    )
    session.commit()
    return read_model(case)


@router.post("/{request_id}/assignment", response_model=RequestRead)
def assign_request(
    request_id: CaseId, body: AssignIn, session: SessionDep, user: CurrentUser
) -> RequestRead:
    case = service.assign(session, user=user, request_id=request_id, assignee_id=body.assignee_id)
    session.commit()
    return read_model(case)


@router.post("/{request_id}/notes", status_code=201, response_model=TimelineEventRead)
def add_note(
    request_id: CaseId, note: NoteIn, session: SessionDep, user: CurrentUser
) -> TimelineEventRead:
    event = service.add_note(
        session,
        user=user,
        request_id=request_id,
        body=note.body,
        visible_to_requester=note.visible_to_requester,
    )
    session.commit()
    return TimelineEventRead.model_validate(event, from_attributes=True)


@router.get("/{request_id}/timeline", response_model=list[TimelineEventRead])
def get_timeline(
    request_id: CaseId, session: SessionDep, user: CurrentUser
) -> list[TimelineEventRead]:
    case = service.load_for(session, user, request_id)
    events = queries.timeline_for(session, user, case)
    service.record_read(session, user, case)
    session.commit()
    return [TimelineEventRead.model_validate(e, from_attributes=True) for e in events]


@router.post("/{request_id}/documents", status_code=201, response_model=DocumentRead)
def upload_document(
    request_id: CaseId,
    session: SessionDep,
    user: CurrentUser,
    store: FileStoreDep,
    settings: SettingsDep,
    file: Annotated[UploadFile, File(description="the document's bytes")],
    media_type: Annotated[str | None, Form(description="defaults to the part's type")] = None,
) -> DocumentRead:
    """Attach a file; refused when too large or when its bytes are not its stated type."""
    document = documents.attach_document(
        session,
        user=user,
        request_id=request_id,
        filename=file.filename or "",
        media_type=media_type or file.content_type or "",
        stream=file.file,
        store=store,
        max_bytes=settings.max_upload_bytes,
    )
    session.commit()
    return DocumentRead.model_validate(document, from_attributes=True)


@router.get("/{request_id}/documents", response_model=list[DocumentRead])
def list_documents(
    request_id: CaseId, session: SessionDep, user: CurrentUser
) -> list[DocumentRead]:
    case = service.load_for(session, user, request_id)
    rows = queries.documents_for(session, case)
    service.record_read(session, user, case)
    session.commit()
    return [DocumentRead.model_validate(d, from_attributes=True) for d in rows]
