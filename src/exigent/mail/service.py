"""Turning an email into a case: keep the original, fill what it states, queue the rest.

Every message becomes a case (received via `email`, `needs_completion` set) through the one
intake path, so it gets its clocks, audit and risk score. A message that cannot be read well
still becomes a case (kind `other` when nothing says otherwise) with the problems in an
internal timeline note, and its raw bytes are always in the file store as a document.
"""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from exigent.auth.models import User
from exigent.cases import service as case_service
from exigent.cases.models import Request
from exigent.cases.schemas import IntakeRecord
from exigent.db import utcnow
from exigent.errors import PayloadTooLarge
from exigent.files import FileStore
from exigent.intake import intake as case_intake
from exigent.legal.policy import default_policy
from exigent.mail.parse import ParsedEmail, parse_message

MAX_FIXES = 30


def intake_message(
    session: Session,
    *,
    user: User,
    raw: bytes,
    store: FileStore,
    max_bytes: int,
    now: datetime | None = None,
) -> tuple[Request, bool]:
    """One .eml as a case; the same bytes again return the same case (created False)."""
    now = now or utcnow()
    if len(raw) > max_bytes:
        raise PayloadTooLarge(
            f"file: the message is larger than the {max_bytes // (1024 * 1024)} MB limit",
            field="file",
        )
    sha, _, _ = store.put_stream(io.BytesIO(raw), max_bytes=max_bytes)
    parsed = parse_message(raw, now=now)
    documents = [{"sha256": sha, "filename": "message.eml", "media_type": "message/rfc822"}]
    for attachment in parsed.attachments:
        digest, _, _ = store.put_stream(io.BytesIO(attachment.content), max_bytes=max_bytes)
        documents.append(
            {"sha256": digest, "filename": attachment.filename, "media_type": attachment.media_type}
        )
    record = _valid_record(
        {**parsed.record, "id": f"eml-{sha}", "documents": documents[:100]}, parsed.problems
    )
    case, created = case_intake.intake(
        session,
        user=user,
        record=record,
        raw=raw.decode("utf-8", "replace").replace("\x00", "\ufffd"),
        policy=default_policy(),
        store=store,
        now=now,
    )
    if created:
        case.needs_completion = True
        case_service.add_note(
            session,
            user=user,
            request_id=case.id,
            body=_note(parsed),
            visible_to_requester=False,
            now=now,
        )
    return case, created


def _valid_record(data: dict[str, Any], problems: list[str]) -> IntakeRecord:
    """Drop what fails validation, field by field, noting each; never give up the message."""
    for _ in range(MAX_FIXES):
        try:
            return IntakeRecord.model_validate(data)
        except ValidationError as exc:
            error = exc.errors()[0]
            location = [part for part in error["loc"]]
            problems.append(f"{'.'.join(map(str, location))}: {error['msg']} (left blank)")
            if not location or not _drop(data, location):
                break
    minimal = {key: data[key] for key in ("id", "received_via", "documents") if key in data}
    return IntakeRecord.model_validate(
        {**minimal, "kind": "other", "received_at": utcnow().isoformat()}
    )


def _drop(data: Any, location: list[Any]) -> bool:
    *parents, last = location
    node = data
    for part in parents:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return False
    try:
        del node[last]
    except (KeyError, IndexError, TypeError):
        return False
    return True


def _note(parsed: ParsedEmail) -> str:
    lines = [
        "Received by email. Complete what the message does not state (data requested, "
        "date range, legal authority) and check the requester before any disclosure."
    ]
    if parsed.forwarded:
        lines.append("The message forwards another one: the original sender is not the From.")
    if parsed.problems:
        lines.append("Could not read everything: " + "; ".join(parsed.problems[:20]))
    return "\n".join(lines)
