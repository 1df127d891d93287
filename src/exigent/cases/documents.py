"""Documents on a case: uploads checked for size and type, stored by their SHA-256."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from exigent.audit.service import record_event
from exigent.auth.models import User
from exigent.auth.permissions import Permission
from exigent.auth.service import actor_for, require
from exigent.cases.models import Document, Request
from exigent.cases.service import load_for, timeline_entry
from exigent.db import utcnow
from exigent.errors import BadInput
from exigent.files import FileStore, check_media_type


def attach_document(
    session: Session,
    *,
    user: User,
    request_id: int,
    filename: str,
    media_type: str,
    stream: BinaryIO,
    store: FileStore,
    max_bytes: int,
    now: datetime | None = None,
) -> Document:
    """Store an uploaded file after checking its size and that its bytes match its type."""
    now = now or utcnow()
    require(user, Permission.document_upload)
    request = load_for(session, user, request_id)
    if not filename.strip():
        raise BadInput("file: has no file name", field="file")
    sha, size, _ = store.put_stream(
        stream, max_bytes=max_bytes, check=lambda path: check_media_type(path, media_type)
    )
    document = _pending_document(session, request, sha) or Document(
        request_id=request.id,
        sha256=sha,
        filename=Path(filename).name[:500],
        media_type=media_type.split(";")[0].strip().lower(),
    )
    document.size_bytes, document.stored, document.uploaded_by_id = size, True, user.id
    session.add(document)
    session.flush()
    actor = actor_for(user)
    timeline_entry(
        session,
        request,
        actor,
        "document",
        now,
        body=f"Document {document.filename} ({size} bytes) attached.",
        visible=True,
        data={"sha256": sha},
    )
    record_event(
        session,
        actor=actor,
        action="document.attach",
        object_type="document",
        object_id=document.id,
        after={"sha256": sha, "request_id": request.id},
        detail={"request_id": request.id},
        at=now,
    )
    return document


def _pending_document(session: Session, request: Request, sha: str) -> Document | None:
    """A document the intake record named by digest whose bytes arrive now."""
    return (
        session.execute(
            select(Document).where(Document.request_id == request.id, Document.sha256 == sha)
        )
        .scalars()
        .first()
    )
