"""Distribution lists: who hears of which critical events. Set by an administrator, audited."""

from __future__ import annotations

from datetime import datetime

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select
from sqlalchemy.orm import Session

from exigent.audit.service import record_event
from exigent.auth.models import Role, User
from exigent.auth.permissions import Permission
from exigent.auth.service import actor_for, require
from exigent.briefs.models import BriefEvent, DistributionList
from exigent.errors import BadInput, Conflict, NotFound


def all_lists(session: Session) -> list[DistributionList]:
    return list(session.scalars(select(DistributionList).order_by(DistributionList.name)))


def staff(session: Session) -> list[User]:
    """The accounts a list may name: active staff, never an officer."""
    return list(
        session.scalars(
            select(User)
            .where(User.is_active.is_(True), User.role != Role.requester)
            .order_by(User.name)
        )
    )


def _emails(text: str) -> list[str]:
    found = []
    for raw in text.replace(",", "\n").splitlines():
        if not raw.strip():
            continue
        try:
            found.append(validate_email(raw.strip(), check_deliverability=False).normalized)
        except EmailNotValidError as exc:
            raise BadInput(
                f"emails: {raw.strip()!r} is not an address ({exc})", field="emails"
            ) from exc
    return list(dict.fromkeys(found))


def _as_dict(row: DistributionList) -> dict[str, object]:
    return {
        "name": row.name,
        "events": list(row.events),
        "member_ids": list(row.member_ids),
        "emails": list(row.emails),
    }


def save(
    session: Session,
    *,
    actor: User,
    list_id: int | None,
    name: str,
    events: list[str],
    member_ids: list[int],
    emails: str,
    now: datetime,
) -> DistributionList:
    """Create a list (`list_id` None) or replace what one says."""
    require(actor, Permission.brief_lists_edit)
    name = name.strip()
    if not name:
        raise BadInput("name: give the list a name", field="name")
    known = {str(e) for e in BriefEvent}
    unknown = sorted(set(events) - known)
    if unknown:
        raise BadInput(f"events: unknown event {unknown[0]!r}", field="events")
    people = {u.id for u in staff(session)}
    if missing := sorted(set(member_ids) - people):
        raise BadInput(f"members: no active staff account {missing[0]}", field="members")
    row = DistributionList() if list_id is None else session.get(DistributionList, list_id)
    if row is None:
        raise NotFound(f"no distribution list {list_id}")
    clash = session.scalars(
        select(DistributionList.id).where(DistributionList.name == name)
    ).first()
    if clash is not None and clash != list_id:
        raise Conflict(f"name: a list called {name!r} exists already", field="name")
    before = _as_dict(row) if list_id is not None else None
    row.name, row.events = name, sorted(set(events))
    row.member_ids, row.emails = sorted(set(member_ids)), _emails(emails)
    row.updated_at = now
    session.add(row)
    session.flush()
    record_event(
        session,
        actor=actor_for(actor),
        action="brief.list_saved",
        object_type="distribution_list",
        object_id=row.id,
        before=before,
        after=_as_dict(row),
        at=now,
    )
    return row
