"""An escalation becomes a referral case: the case through intake's own path (legal check,
clocks, timeline, audit, paging of a new P0), its referral rows in the same
transaction. Shared by the moderation system's API and the console form. Never commits."""

from __future__ import annotations

import functools
import hashlib
import io
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from exigent.audit.service import canonical
from exigent.auth.models import User
from exigent.auth.permissions import Permission
from exigent.auth.service import actor_for, require
from exigent.cases.models import Request
from exigent.cases.schemas import (
    DataCategory,
    DocumentRef,
    Emergency,
    EmergencyNature,
    IntakeRecord,
    ReceivedVia,
    RequestKind,
)
from exigent.db import utcnow
from exigent.errors import BadInput, Conflict
from exigent.files import FileStore, check_media_type
from exigent.intake.newcases import NewCase, write_new_cases
from exigent.legal.engine import judge
from exigent.legal.versions import current_policy
from exigent.oncall.triggers import after_intake
from exigent.referrals.models import ContentKind, HarmType, RaisedVia, Referral
from exigent.referrals.recipient_jobs import schedule_proposal
from exigent.referrals.schemas import EscalationIn
from exigent.referrals.service import StoredFile, open_referral, referral_for, referral_priority

# The nature an emergency of this harm has, so the case reads (and its media are counted
# towards exposure) like the emergencies the team already works.
NATURE = {
    HarmType.suicide_self_harm: EmergencyNature.suicide_self_harm,
    HarmType.child_sexual_exploitation: EmergencyNature.child_safety,
    HarmType.violent_threat: EmergencyNature.violent_threat,
    HarmType.terrorism: EmergencyNature.terrorism,
    HarmType.other_life_threat: EmergencyNature.other_life_threat,
}


@dataclass(frozen=True)
class Raised:
    case: Request
    referral: Referral
    created: bool


def escalation_digest(escalation: EscalationIn) -> str:
    return hashlib.sha256(canonical(escalation.as_submitted()).encode()).hexdigest()


def raise_escalation(
    session: Session,
    *,
    user: User,
    escalation: EscalationIn,
    raised_via: RaisedVia,
    store: FileStore,
    max_file_bytes: int,
    idempotency_key: str | None = None,
    now: datetime | None = None,
) -> Raised:
    """Open a referral case, or find the one an identical earlier call with the key opened."""
    require(user, Permission.referral_raise)
    now = now or utcnow()
    digest = escalation_digest(escalation)
    key = (idempotency_key or "").strip() or None
    if key is not None:
        replay = _replay(session, user, key, digest)
        if replay is not None:
            return replay
    current = current_policy(session)
    priority = referral_priority(
        current.policy.referrals, escalation.harm_type, escalation.imminent
    )
    stored = _store_media(store, escalation, max_file_bytes)
    record = _record(escalation, stored, now)
    # No fraud score: it weighs a requester who may be impersonating the police, and a
    # referral has none; the team raised it and the legal check alone judges it.
    check = judge(record, current.policy)
    new = NewCase(
        user=user,
        record=record,
        raw=canonical(escalation.as_submitted()),
        idempotency_key=key,
        submitted=record.as_submitted(),
        digest=digest,
        policy_version=current.version,
        check=check,
        assessed=None,
        priority=priority,
    )
    made = write_new_cases(session, [new], policy=current.policy, now=now, store=store)
    after_intake(session, made, [None], now)
    case = made[0]
    referral = open_referral(
        session,
        actor=actor_for(user),
        request_id=case.id,
        escalation=escalation,
        raised_via=raised_via,
        raised_by_id=user.id,
        stored=stored,
        now=now,
    )
    schedule_proposal(session, referral, now)
    return Raised(case=case, referral=referral, created=True)


def _replay(session: Session, user: User, key: str, digest: str) -> Raised | None:
    """The case an identical earlier escalation with this key opened; a key reused with
    another body is a conflict, never a silent merge."""
    case = session.execute(
        select(Request).where(Request.submitted_by_id == user.id, Request.idempotency_key == key)
    ).scalar_one_or_none()
    if case is None:
        return None
    referral = referral_for(session, case.id)
    if case.submission_digest != digest or referral is None:
        raise Conflict(
            f"idempotency key {key!r} was already used for a different escalation "
            f"({case.reference}); use a new key for a new escalation",
            reference=case.reference,
        )
    return Raised(case=case, referral=referral, created=False)


def _store_media(
    store: FileStore, escalation: EscalationIn, max_bytes: int
) -> dict[int, StoredFile]:
    """Each captured file into the file store, checked against its media type; when one is
    refused, the ones this call added are taken out again."""
    stored: dict[int, StoredFile] = {}
    added: list[str] = []
    try:
        for position, item in enumerate(escalation.content):
            if item.kind is not ContentKind.media:
                continue
            field = f"content[{position}]"
            media_type = item.media_type or ""
            data = item.file_bytes()
            already = store.has(hashlib.sha256(data).hexdigest())
            try:
                sha, size, _ = store.put_stream(
                    io.BytesIO(data),
                    max_bytes=max_bytes,
                    check=functools.partial(_check_media, claimed=media_type),
                )
            except BadInput as exc:
                raise BadInput(f"{field}.{exc.message}", field=field) from exc
            if not already:
                added.append(sha)
            stored[position] = StoredFile(sha256=sha, size_bytes=size)
    except BaseException:
        for sha in added:
            store.path_for(sha).unlink(missing_ok=True)
        raise
    return stored


def _check_media(path: Path, *, claimed: str) -> None:
    check_media_type(path, claimed)


def _record(escalation: EscalationIn, stored: dict[int, StoredFile], now: datetime) -> IntakeRecord:
    """The intake record the case is judged and scored on: the accounts are its targets and
    each captured file one of its documents."""
    documents = [
        DocumentRef(
            sha256=stored[position].sha256,
            filename=item.value[:500],
            media_type=item.media_type or "",
        )
        for position, item in enumerate(escalation.content)
        if position in stored
    ]
    return IntakeRecord(
        id=None,
        kind=RequestKind.referral,
        received_via=ReceivedVia.internal,
        received_at=now,
        emergency=Emergency(nature=NATURE[escalation.harm_type], facts=escalation.summary or None),
        targets=list(escalation.accounts),
        # What a referral tells an authority: who the user is, where, and what they posted.
        data_requested=[DataCategory.subscriber_info, DataCategory.location, DataCategory.content],
        documents=documents,
        offense=escalation.harm_type.value.replace("_", " "),
    )
