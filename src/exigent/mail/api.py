"""POST /api/v1/intake/eml: upload a law-enforcement email as a case. Thin."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Response, UploadFile

from exigent.auth.permissions import Permission
from exigent.auth.service import require
from exigent.cases.api import read_model
from exigent.cases.schemas import RequestRead
from exigent.mail.service import intake_message
from exigent.web.deps import CurrentUser, FileStoreDep, SessionDep, SettingsDep

router = APIRouter(prefix="/api/v1/intake", tags=["intake"])


@router.post("/eml", status_code=201, response_model=RequestRead)
def upload_eml(
    session: SessionDep,
    user: CurrentUser,
    response: Response,
    store: FileStoreDep,
    settings: SettingsDep,
    file: Annotated[UploadFile, File(description="the message as received (.eml)")],
) -> RequestRead:
    """The message becomes a case to complete; the original and attachments are kept."""
    require(user, Permission.verification_callback)  # staff who work the queue
    max_bytes = settings.max_upload_bytes
    raw = file.file.read(max_bytes + 1)
    case, created = intake_message(session, user=user, raw=raw, store=store, max_bytes=max_bytes)
    session.commit()
    if not created:
        response.status_code = 200
    response.headers["Location"] = f"/api/v1/requests/{case.id}"
    return read_model(case)
