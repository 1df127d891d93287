"""Who to tell: proposing a referral's recipients from its facts, and the analyst's choices.

`propose_recipients` turns the referral's facts (and what the platform knows of where the
user was) into ranked `ReferralRecipient` rows with the reasons for each; the rules are in
`resolution.py`. Police numbers come from the directory (independently sourced), never from
the referral. Every change is audited and put on the case's timeline; nothing here commits.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from exigent.audit.service import Actor, record_event
from exigent.auth.models import User
from exigent.auth.permissions import Permission
from exigent.auth.service import actor_for, require
from exigent.cases import service as cases
from exigent.cases.models import Request, Target
from exigent.directory.models import Agency
from exigent.errors import BadInput, Conflict, NotFound
from exigent.platform_data.adapter import AdapterUnavailable, PlatformAdapter, iso
from exigent.referrals.agency_index import AgencyIndex, shipped_index
from exigent.referrals.eu import EuFacts, country_code
from exigent.referrals.models import (
    RecipientStatus,
    Referral,
    ReferralCall,
    ReferralOutcome,
    ReferralRecipient,
)
from exigent.referrals.resolution import Facts, Position, Proposal, resolve

# How far back the platform's location history is read for a position.
HISTORY = timedelta(days=30)
LIVE = (RecipientStatus.proposed, RecipientStatus.chosen)


def referral_of(session: Session, case: Request) -> Referral:
    found = session.execute(
        select(Referral).where(Referral.request_id == case.id)
    ).scalar_one_or_none()
    if found is None:
        raise NotFound(f"case {case.id} has no referral facts yet")
    return found


def recipients_of(session: Session, referral_id: int) -> list[ReferralRecipient]:
    return list(
        session.execute(
            select(ReferralRecipient)
            .where(ReferralRecipient.referral_id == referral_id)
            .order_by(ReferralRecipient.rank, ReferralRecipient.id)
        ).scalars()
    )


def facts_of(
    session: Session, referral: Referral, adapter: PlatformAdapter | None, now: datetime
) -> Facts:
    """The referral's facts, with the platform's positions of the user's account."""
    where = referral.location or {}
    eu = EuFacts(
        country_code("offence_country", referral.offence_country),
        country_code("victim_country", referral.victim_country),
        country_code("suspect_country", referral.suspect_country),
        country_code("location.country", where.get("country")),
    )
    facts = Facts(
        referral.harm_type,
        referral.imminent,
        eu,
        city=where.get("city") or None,
        region=where.get("region") or None,
    )
    point = _referral_point(where)
    if point is not None:
        facts.positions.append(point)
    if adapter is not None:
        _platform_positions(session, referral, adapter, now, facts)
    return facts


def _referral_point(where: dict[str, Any]) -> Position | None:
    lat, lon = where.get("latitude"), where.get("longitude")
    if lat is None or lon is None:
        return None
    try:
        latitude, longitude = float(lat), float(lon)
    except (TypeError, ValueError) as exc:
        raise BadInput("location: latitude and longitude must be numbers") from exc
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise BadInput("location: latitude or longitude out of range")
    seen = where.get("seen_at")
    return Position(latitude, longitude, "referral", _parse_time(seen) if seen else None)


def _parse_time(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        return None


def _platform_positions(
    session: Session, referral: Referral, adapter: PlatformAdapter, now: datetime, facts: Facts
) -> None:
    """The newest precise position and the last login IP area of the first known account."""
    targets = session.execute(
        select(Target).where(Target.request_id == referral.request_id).order_by(Target.position)
    ).scalars()
    try:
        for target in targets:
            account = adapter.find_account(str(target.identifier_type), target.value)
            if account is None:
                continue
            newest: dict[str, Position] = {}
            for row in adapter.stream(
                account, "locations", start=iso(now - HISTORY), end=iso(now + timedelta(seconds=1))
            ):
                at, lat, lon, _accuracy, source = row[:5]
                if lat is None or lon is None:
                    continue
                kind = "ip" if source == "ip" else str(source)
                newest[kind] = Position(float(lat), float(lon), kind, _parse_time(at))
            facts.positions.extend(newest.values())
            return
    except AdapterUnavailable as exc:
        facts.notes.append(f"Platform location history unavailable: {exc.message}")


def propose_recipients(
    session: Session,
    referral: Referral,
    adapter: PlatformAdapter | None,
    now: datetime,
    *,
    actor: Actor | None = None,
    index: AgencyIndex | None = None,
    notes: list[str] | None = None,
) -> list[ReferralRecipient]:
    """Replace the referral's open proposals with fresh ones from its facts; chosen and sent
    recipients stay as they are. `notes`: what could not be looked up, said on each row."""
    actor = actor or Actor.system("recipient resolver")
    facts = facts_of(session, referral, adapter, now)
    facts.notes.extend(notes or [])
    proposals = resolve(facts, index or shipped_index(), now)
    _with_directory_numbers(session, proposals)
    existing = recipients_of(session, referral.id)
    before = [_state(r) for r in existing if r.status is RecipientStatus.proposed]
    kept = [r for r in existing if r.status is not RecipientStatus.proposed]
    _drop_stale(session, [r for r in existing if r.status is RecipientStatus.proposed])
    taken = {_key(r.kind, r.ori, r.country, r.name) for r in kept if r.status in LIVE}
    rows = []
    for rank, p in enumerate(proposals, start=1):
        if _key(p.kind, p.ori, p.country, p.name) in taken:
            continue
        rows.append(_row(referral.id, rank, p, facts.notes, now))
    session.add_all(rows)
    session.flush()
    record_event(
        session,
        actor=actor,
        action="referral.recipients_proposed",
        object_type="referral",
        object_id=referral.id,
        before=before,
        after=[_state(r) for r in rows],
        at=now,
    )
    request = session.get(Request, referral.request_id)
    assert request is not None
    names = "; ".join(f"{r.rank}. {r.name}" for r in rows) or "nothing new"
    cases.timeline_entry(
        session, request, actor, "referral_recipients", now, body=f"Recipients proposed: {names}"
    )
    return rows


def _drop_stale(session: Session, stale: list[ReferralRecipient]) -> None:
    """Old proposals go; one a call or an outcome already names is withdrawn instead, so
    what was logged against it keeps its recipient."""
    if not stale:
        return
    ids = [r.id for r in stale]
    named = set(
        session.execute(
            select(ReferralCall.recipient_id).where(ReferralCall.recipient_id.in_(ids))
        ).scalars()
    ) | set(
        session.execute(
            select(ReferralOutcome.recipient_id).where(ReferralOutcome.recipient_id.in_(ids))
        ).scalars()
    )
    for row in stale:
        if row.id in named:
            row.status = RecipientStatus.withdrawn
        else:
            session.delete(row)


def _key(kind: Any, ori: str | None, country: str | None, name: str) -> tuple[str, str]:
    return str(kind), ori or country or name


def _row(
    referral_id: int, rank: int, p: Proposal, notes: list[str], now: datetime
) -> ReferralRecipient:
    return ReferralRecipient(
        referral_id=referral_id,
        kind=p.kind,
        status=RecipientStatus.proposed,
        name=p.name[:300],
        agency_id=p.agency_id,
        ori=p.ori,
        country=p.country,
        phone=p.phone,
        email=p.email,
        distance_km=p.distance_km,
        reasons=[*p.reasons, *notes],
        rank=rank,
        created_at=now,
    )


def _with_directory_numbers(session: Session, proposals: list[Proposal]) -> None:
    """Each police proposal gets its directory row and the number the directory vouches for."""
    oris = {p.ori for p in proposals if p.ori}
    if not oris:
        return
    agencies = {
        a.ori: a for a in session.execute(select(Agency).where(Agency.ori.in_(oris))).scalars()
    }
    for p in proposals:
        agency = agencies.get(p.ori) if p.ori else None
        if agency is None:
            p.reasons.append("Not in our directory yet: add it with a sourced number to call it")
            continue
        p.agency_id = agency.id
        p.name = agency.name
        if agency.verified_phone:
            p.phone = agency.verified_phone
            source = agency.phone_source or "the directory"
            p.reasons.append(f"Phone {agency.verified_phone} from {source}")
        else:
            p.reasons.append("No independently sourced number on file: find one before calling")


def _state(r: ReferralRecipient) -> dict[str, Any]:
    return {
        "kind": str(r.kind),
        "name": r.name,
        "ori": r.ori,
        "country": r.country,
        "phone": r.phone,
        "email": r.email,
        "status": str(r.status),
        "rank": r.rank,
    }


def load_recipient(session: Session, referral: Referral, recipient_id: int) -> ReferralRecipient:
    row = session.get(ReferralRecipient, recipient_id)
    if row is None or row.referral_id != referral.id:
        raise NotFound(f"no recipient {recipient_id} on this referral")
    return row


def choose(
    session: Session, *, user: User, case: Request, recipient_id: int, now: datetime
) -> ReferralRecipient:
    """The analyst settles on a proposed recipient: it is the one to tell."""
    require(user, Permission.referral_recipients)
    referral = referral_of(session, case)
    row = load_recipient(session, referral, recipient_id)
    if row.status is not RecipientStatus.proposed:
        raise Conflict(f"{row.name} is {row.status}, not proposed: it cannot be chosen")
    return _move(session, user, case, row, RecipientStatus.chosen, now, "chosen")


def withdraw(
    session: Session, *, user: User, case: Request, recipient_id: int, now: datetime
) -> ReferralRecipient:
    """Take a proposed or chosen recipient off the list (it stays on the record)."""
    require(user, Permission.referral_recipients)
    referral = referral_of(session, case)
    row = load_recipient(session, referral, recipient_id)
    if row.status not in LIVE:
        raise Conflict(f"{row.name} is {row.status}: only a proposed or chosen one is withdrawn")
    return _move(session, user, case, row, RecipientStatus.withdrawn, now, "withdrawn")


def _move(
    session: Session,
    user: User,
    case: Request,
    row: ReferralRecipient,
    status: RecipientStatus,
    now: datetime,
    verb: str,
) -> ReferralRecipient:
    before = _state(row)
    row.status = status
    if status is RecipientStatus.chosen:
        row.chosen_by_id, row.chosen_at = user.id, now
    actor = actor_for(user)
    record_event(
        session,
        actor=actor,
        action=f"referral.recipient_{verb}",
        object_type="referral_recipient",
        object_id=row.id,
        before=before,
        after=_state(row),
        detail={"request_id": case.id},
        at=now,
    )
    cases.timeline_entry(
        session, case, actor, "referral_recipients", now, body=f"Recipient {verb}: {row.name}"
    )
    return row
