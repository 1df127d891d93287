"""How many cases one requester account may submit in a sliding window. Never commits.

The count is the account's cases in the database (one indexed query on `submitted_by_id,
created_at`), so it stays exact with any number of web processes. An emergency is never
refused for it: over the allowance it is accepted and flagged for review. Anything else over
the allowance is refused with 429 and the time until a case leaves the window. Staff accounts
are not limited: they type in what arrives by phone and mail, and are accountable by name.
"""

from __future__ import annotations

import logging
import math
import threading
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from fastapi.concurrency import run_in_threadpool
from sqlalchemy import ScalarSelect, func, select
from sqlalchemy.orm import Session, sessionmaker

from exigent.audit.service import Actor, record_event
from exigent.auth.accounts import PortalAccount
from exigent.auth.models import User
from exigent.cases.models import Request, Requester, TrustStatus
from exigent.cases.schemas import IntakeRecord, RequestKind
from exigent.cases.service import timeline_entry
from exigent.config import Settings
from exigent.db import begin_read_only, utcnow
from exigent.errors import ExigentError

log = logging.getLogger(__name__)
FIELD = "rate_limit"
# The header on an accepted emergency that was over the allowance.
FLAGGED_HEADER = "Exigent-Rate-Flagged"
LIMITER = Actor.system("intake-limit")


class RateLimited(ExigentError):
    status_code = 429


@dataclass(frozen=True)
class Allowance:
    """What one account may submit: `limit` cases in any `window`."""

    limit: int
    window: timedelta
    standing: str  # "verified" or "unverified"

    def describe(self) -> str:
        minutes = round(self.window.total_seconds() / 60)
        span = f"{minutes} minutes" if minutes != 60 else "hour"
        article = "an" if self.standing[0] in "aeiou" else "a"
        return f"{self.limit} requests per {span} for {article} {self.standing} account"


@dataclass(frozen=True)
class Verdict:
    """Whether a submission is over its account's allowance; `recent` counts the cases the
    account already has in the window."""

    allowance: Allowance | None  # None: a staff account, not limited
    recent: int = 0

    @property
    def over(self) -> bool:
        return self.allowance is not None and self.recent >= self.allowance.limit

    def flag_text(self) -> str:
        assert self.allowance is not None
        return f"over {self.allowance.describe()}; accepted as an emergency, flagged for review"


NOT_LIMITED = Verdict(allowance=None)


def _standing_of(user: User) -> ScalarSelect[str]:
    """The standing of the requester the account speaks for: its own, else its portal
    account's (a portal account keeps its requester apart until staff verify it)."""
    if user.requester_id is not None:
        which = Requester.id == user.requester_id
    else:
        portal = select(PortalAccount.requester_id).where(PortalAccount.user_id == user.id)
        which = Requester.id == portal.scalar_subquery()
    return select(Requester.status).where(which).scalar_subquery()


def _recent_and_standing(
    session: Session, user: User, since: datetime, cap: int
) -> tuple[int, str | None]:
    """The account's cases since `since` (counted up to `cap`) and its standing, in one
    statement: an index range scan of at most `cap` entries and a primary-key look-up."""
    recent = (
        select(Request.created_at)
        .where(Request.submitted_by_id == user.id, Request.created_at > since)
        .limit(cap)
        .subquery()
    )
    count = select(func.count()).select_from(recent).scalar_subquery()
    row = session.execute(select(count, _standing_of(user))).one()
    return int(row[0]), row[1]


def _allowance(settings: Settings, standing: str | None) -> Allowance:
    window = timedelta(seconds=settings.intake_window_seconds)
    if standing == TrustStatus.verified:
        return Allowance(settings.intake_limit_verified, window, "verified")
    return Allowance(settings.intake_limit_unverified, window, "unverified")


def _is_replay(session: Session, user: User, key: str | None) -> bool:
    """Whether a case for this key exists already: a retry is answered with it, not refused."""
    if not key:
        return False
    found = session.execute(
        select(Request.id).where(Request.submitted_by_id == user.id, Request.idempotency_key == key)
    ).first()
    return found is not None


def _retry_after(session: Session, user: User, allowance: Allowance, now: datetime) -> int:
    """Seconds until the account's allowance has room again: until the oldest of its newest
    `limit` cases leaves the window."""
    since = now - allowance.window
    oldest_counted = session.execute(
        select(Request.created_at)
        .where(Request.submitted_by_id == user.id, Request.created_at > since)
        .order_by(Request.created_at.desc())
        .offset(allowance.limit - 1)
        .limit(1)
    ).scalar()
    if oldest_counted is None:  # the allowance is held by submissions still being built
        return 1
    return max(1, math.ceil((oldest_counted + allowance.window - now).total_seconds()))


def judge(
    session: Session,
    settings: Settings,
    *,
    user: User,
    emergency: bool,
    idempotency_key: str | None,
    now: datetime,
    in_flight: int = 0,
) -> Verdict:
    """The submission's verdict; a non-emergency over the allowance is refused (429) unless it
    is a retry of a case already made. `in_flight` adds submissions not yet committed."""
    if user.is_staff:
        return NOT_LIMITED
    cap = max(settings.intake_limit_verified, settings.intake_limit_unverified)
    since = now - timedelta(seconds=settings.intake_window_seconds)
    recent, standing = _recent_and_standing(session, user, since, cap)
    verdict = Verdict(_allowance(settings, standing), recent + in_flight)
    if not verdict.over or emergency or _is_replay(session, user, idempotency_key):
        return verdict
    assert verdict.allowance is not None
    wait = _retry_after(session, user, verdict.allowance, now)
    raise RateLimited(
        f"{FIELD}: this account has sent {verdict.allowance.describe()}; try again in "
        f"{_words(wait)}. An emergency is always accepted.",
        field=FIELD,
        limit=verdict.allowance.limit,
        window_seconds=int(verdict.allowance.window.total_seconds()),
        retry_after=wait,
    )


def _words(seconds: int) -> str:
    return f"{seconds} seconds" if seconds < 120 else f"{math.ceil(seconds / 60)} minutes"


def flag(session: Session, *, request_id: int, user: User, verdict: Verdict, now: datetime) -> None:
    """Mark an emergency accepted over its account's allowance for review: a timeline note for
    staff and a `request.rate_flagged` audit event."""
    assert verdict.allowance is not None
    detail = {
        "account": user.id,
        "recent": verdict.recent,
        "limit": verdict.allowance.limit,
        "window_seconds": int(verdict.allowance.window.total_seconds()),
        "standing": verdict.allowance.standing,
    }
    body = (
        f"Flagged for review: {user.email} had already sent {verdict.recent} requests within "
        f"the window, over {verdict.allowance.describe()}. Accepted because it is an emergency."
    )
    request = session.get(Request, request_id)
    assert request is not None
    timeline_entry(session, request, LIMITER, "rate_flagged", now, body=body, data=detail)
    record_event(
        session,
        actor=LIMITER,
        action="request.rate_flagged",
        object_type="request",
        object_id=request_id,
        detail=detail,
        at=now,
    )


class IntakeLimiter:
    """The allowance check of API intake. Beside the database's count it adds this process's
    submissions still waiting to be built, so a burst that lands in one batch is counted whole;
    another process's burst is counted once committed."""

    def __init__(self, factory: sessionmaker[Session], settings: Settings) -> None:
        self._factory = factory
        self._settings = settings
        self._lock = threading.Lock()
        self._in_flight: Counter[int] = Counter()

    async def admit(self, user: User, record: IntakeRecord, idempotency_key: str | None) -> Verdict:
        """The verdict, counted in flight until `done`; 429 for a non-emergency over it."""
        if user.is_staff:
            return NOT_LIMITED  # no query at all
        emergency = record.kind == RequestKind.emergency
        key = idempotency_key or record.id
        # Taken before counting, so two submissions racing in this process see each other.
        with self._lock:
            ahead = self._in_flight[user.id]
            self._in_flight[user.id] += 1
        try:
            return await run_in_threadpool(self._judge, user, emergency, key, ahead)
        except BaseException:  # refused, failed, or the caller went away meanwhile
            self._release(user.id)
            raise

    def _judge(self, user: User, emergency: bool, key: str | None, ahead: int) -> Verdict:
        with self._factory() as session:
            begin_read_only(session)
            return judge(
                session,
                self._settings,
                user=user,
                emergency=emergency,
                idempotency_key=key,
                now=utcnow(),
                in_flight=ahead,
            )

    def done(self, user: User, verdict: Verdict) -> None:
        """The submission was built (or failed): its case, if any, is in the database now."""
        if verdict.allowance is not None:
            self._release(user.id)

    def _release(self, user_id: int) -> None:
        with self._lock:
            self._in_flight[user_id] -= 1
            if self._in_flight[user_id] <= 0:
                del self._in_flight[user_id]

    async def flag(self, *, request_id: int, user: User, verdict: Verdict) -> None:
        await run_in_threadpool(self._flag, request_id, user, verdict)

    def _flag(self, request_id: int, user: User, verdict: Verdict) -> None:
        try:
            with self._factory() as session:
                flag(session, request_id=request_id, user=user, verdict=verdict, now=utcnow())
                session.commit()
        except Exception:  # the case is made and answered for; the flag is logged instead
            log.exception("flagging case %s for review (intake over allowance) failed", request_id)
