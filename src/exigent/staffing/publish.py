"""Publishing a draft roster: it replaces the period's coming shifts in one transaction.

Only shifts not yet started are replaced: the past stays as it was worked. A shift that a
swap names stays as it is (an accepted swap was agreed between two people and a scheduler;
an open one waits on it), and the draft's shifts for its holder are checked against it
again: one that overlaps it or leaves less than the minimum rest is not added. Everyone
whose coming shifts changed is told, on their own clock.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from exigent.audit.service import record_event
from exigent.auth.models import User
from exigent.auth.permissions import Permission
from exigent.auth.service import actor_for, require
from exigent.errors import Conflict, NotFound
from exigent.legal.notify import notify
from exigent.staffing.clock import in_zone
from exigent.staffing.draft_models import DraftStatus, RosterDraft
from exigent.staffing.drafting import period_start
from exigent.staffing.models import Shift, ShiftSource, ShiftType, StaffProfile, Swap
from exigent.staffing.shifts import MIN_REST, shift_skills

Slot = tuple[int, datetime]  # (user id, start)


def _kept(session: Session, shifts: list[Shift]) -> set[int]:
    """Shifts a swap names: they are kept whatever the draft says."""
    ids = [s.id for s in shifts]
    rows = session.execute(
        select(Swap.shift_id, Swap.return_shift_id).where(
            or_(Swap.shift_id.in_(ids), Swap.return_shift_id.in_(ids))
        )
    )
    return {i for row in rows for i in row if i is not None}


def _new_shifts(session: Session, draft: RosterDraft, since: datetime) -> list[Shift]:
    kinds = {k.code: k.id for k in session.scalars(select(ShiftType))}
    profiles = {p.user_id: p for p in session.scalars(select(StaffProfile))}
    out = []
    for row in draft.roster:
        user_id, starts_at = int(row["person"]), datetime.fromisoformat(row["start"])
        profile = profiles.get(user_id)
        if starts_at < since or profile is None or row["shift"] not in kinds:
            continue
        out.append(
            Shift(
                user_id=user_id,
                shift_type_id=kinds[row["shift"]],
                starts_at=starts_at,
                ends_at=datetime.fromisoformat(row["end"]),
                skills=shift_skills(profile),
                source=ShiftSource.rotation,
            )
        )
    return out


def _clashes(shift: Shift, others: list[Shift]) -> bool:
    """Whether `shift` overlaps one of `others` or leaves less than the minimum rest."""
    return any(
        o.starts_at < shift.ends_at + MIN_REST and shift.starts_at < o.ends_at + MIN_REST
        for o in others
    )


def publish(session: Session, *, actor: User, draft_id: int, now: datetime) -> list[Slot]:
    """Put a finished draft in force from `now` on; the slots that changed, added or removed."""
    require(actor, Permission.roster_edit)
    # Locked: two schedulers pressing Publish at once must not both replace the roster.
    draft = session.get(RosterDraft, draft_id, with_for_update=True)
    if draft is None:
        raise NotFound("no such draft roster")
    if draft.status != DraftStatus.done:
        raise Conflict(f"only a finished draft can be published; this one is {draft.status}")
    start = period_start(draft.starts_on)
    since, until = max(start, now), start + timedelta(days=draft.days)
    old = list(
        session.scalars(select(Shift).where(Shift.starts_at >= since, Shift.starts_at < until))
    )
    kept_ids = _kept(session, old)
    kept = [s for s in old if s.id in kept_ids]
    kept_by_user: dict[int, list[Shift]] = defaultdict(list)
    for shift in kept:
        kept_by_user[shift.user_id].append(shift)
    # A kept shift wins: the draft's shifts for its holder are checked against it again (the
    # swap may have moved it after the draft was made), and one that overlaps it or leaves
    # less than the minimum rest beside it is not added.
    drafted = _new_shifts(session, draft, since)
    new = [s for s in drafted if not _clashes(s, kept_by_user[s.user_id])]
    dropped = [
        {"user_id": s.user_id, "starts_at": s.starts_at.isoformat()}
        for s in drafted
        if _clashes(s, kept_by_user[s.user_id])
    ]
    before = {(s.user_id, s.starts_at) for s in old if s.id not in kept_ids}
    after = {(s.user_id, s.starts_at) for s in new}
    for shift in old:
        if shift.id not in kept_ids:
            session.delete(shift)
    session.flush()
    session.add_all(new)
    draft.status = DraftStatus.published
    draft.published_by_id = actor.id
    draft.published_at = now
    changed = sorted(before ^ after)
    record_event(
        session,
        actor=actor_for(actor),
        action="roster_draft.publish",
        object_type="roster_draft",
        object_id=draft.id,
        before={"shifts": len(before) + len(kept)},
        after={"shifts": len(after) + len(kept)},
        detail={
            "starts_on": draft.starts_on.isoformat(),
            "days": draft.days,
            "replaced_from": since.isoformat(),
            "kept_for_swaps": sorted(kept_ids),
            "dropped_beside_swaps": dropped,
            "shifts_changed": len(changed),
        },
    )
    _tell(session, before, after, now)
    return changed


def _tell(session: Session, before: set[Slot], after: set[Slot], now: datetime) -> None:
    """Each person whose coming shifts changed hears how, on their own clock."""
    gained: dict[int, list[datetime]] = defaultdict(list)
    lost: dict[int, list[datetime]] = defaultdict(list)
    for user_id, at in after - before:
        gained[user_id].append(at)
    for user_id, at in before - after:
        lost[user_id].append(at)
    for user_id in sorted(set(gained) | set(lost)):
        person = session.get(User, user_id)
        if person is None:
            continue
        parts = []
        if gained[user_id]:
            parts.append(f"new shifts: {_when(sorted(gained[user_id]), person.timezone)}")
        if lost[user_id]:
            parts.append(f"no longer yours: {_when(sorted(lost[user_id]), person.timezone)}")
        body = f"A new roster was published; {'; '.join(parts)}. See My shifts."
        notify(session, user_id=person.id, request_id=None, body=body, at=now)


def _when(moments: list[datetime], zone: str) -> str:
    shown = ", ".join(f"{in_zone(m, zone):%a %d %b %H:%M}" for m in moments[:6])
    more = len(moments) - 6
    return shown + (f" and {more} more" if more > 0 else "")
