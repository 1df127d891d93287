"""Building a production: fix the scope (DB), collect and package (files only), record (DB).

The middle step reads up to millions of records; it runs outside any database transaction
so the case's tables stay writable meanwhile. `build_production` runs the three steps, each
with its own commit; the services themselves never commit.
"""

from __future__ import annotations

import logging
import shutil
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, sessionmaker

from exigent.audit.service import record_event
from exigent.auth.models import User
from exigent.auth.permissions import Permission
from exigent.auth.refusals import refuse, require_or_refuse
from exigent.auth.service import actor_for, merged
from exigent.cases import service as cases
from exigent.cases.lifecycle import Status
from exigent.cases.models import Request
from exigent.config import Settings
from exigent.db import utcnow
from exigent.errors import ExigentError, NotFound
from exigent.files import FileStore
from exigent.legal.cases import mark_target_age
from exigent.legal.coppa import known_ages
from exigent.legal.models import ApprovalKind, Decision
from exigent.legal.targets import NO_ACCOUNT
from exigent.platform_data.adapter import PlatformAdapter
from exigent.production.build import Prepared, run_build
from exigent.production.collect import Preserved
from exigent.production.custody import custody
from exigent.production.models import (
    HoldStatus,
    PreservationHold,
    PreservationSnapshot,
    Production,
    ProductionStatus,
)
from exigent.production.package import BuildResult
from exigent.production.scope import Scope, approved_scope

log = logging.getLogger(__name__)

KIND_LABELS = {
    "emergency": "emergency disclosure request",
    "subpoena": "subpoena",
    "court_order": "court order under 18 U.S.C. 2703(d)",
    "search_warrant": "search warrant",
    "consent": "request with the account holder's consent",
    "real_time": "real-time request",
    "other": "request",
}
LEGAL_BASIS = {
    "emergency": "18 U.S.C. 2702(b)(8) and 2702(c)(4): voluntary disclosure on a good-faith "
    "belief that an emergency involving danger of death or serious physical injury requires "
    "disclosure without delay",
    "subpoena": "18 U.S.C. 2703(c)(2): basic subscriber information compelled by subpoena",
    "court_order": "18 U.S.C. 2703(c) and (d): records compelled by court order",
    "search_warrant": "18 U.S.C. 2703(a), (b) and (c): content and records compelled by warrant",
}


def production_reference(request: Request, production_id: int) -> str:
    return f"{request.reference}-P{production_id}"


def prepare(
    session: Session,
    *,
    user: User,
    request_id: int,
    settings: Settings,
    adapter: PlatformAdapter,
    categories: list[str] | None = None,
    now: datetime | None = None,
) -> tuple[Production, Prepared]:
    """Fix the approved scope in a new production row; 409 when the case is not approved or
    a target it would produce has no account on the platform."""
    now = now or utcnow()
    request = cases.load_for(session, user, request_id)
    require_or_refuse(
        user, Permission.production_build, action="production.build", request_id=request.id
    )
    try:
        scope = approved_scope(session, request)
    except Exception as exc:
        if getattr(exc, "status_code", None) == 409:
            raise refuse(
                user,
                str(exc),
                status_code=409,
                action="production.build",
                request_id=request.id,
            ) from None
        raise
    if categories is not None:
        scope = _narrowed(user, request, scope, categories)
    if not scope.items:
        raise refuse(
            user,
            f"the approved decision of case {request.reference} discloses nothing (every item "
            "is withheld); there is nothing to produce",
            status_code=409,
            action="production.build",
            request_id=request.id,
        )
    _refuse_unknown_targets(user, request, scope, adapter)
    decision = session.get(Decision, scope.decision_id)
    assert decision is not None
    production = Production(
        request_id=request.id,
        decision_id=decision.id,
        status=ProductionStatus.building,
        adapter=settings.platform_adapter,
        scope=scope.as_json(),
        withheld=[w.__dict__ for w in scope.withheld],
        counts=[],
        record_count=0,
        created_by_id=user.id,
        created_at=now,
    )
    session.add(production)
    session.flush()
    actor = actor_for(user)
    custody(
        session,
        request_id=request.id,
        production_id=production.id,
        actor=actor,
        event="collection_started",
        at=now,
        detail={
            "scope": [f"{i.target_label} / {i.category}" for i in scope.items],
            "range": [scope.start.isoformat(), scope.end.isoformat()],
            "adapter": settings.platform_adapter,
        },
    )
    prepared = Prepared(
        production_id=production.id,
        scope=scope,
        preserved=_preserved(session, request),
        facts=_facts(session, request, decision, production, scope, settings, now),
        root=settings.productions_root,
    )
    return production, prepared


def _refuse_unknown_targets(
    user: User, request: Request, scope: Scope, adapter: PlatformAdapter
) -> None:
    """Refuse before anything is written: a package for an account that does not exist
    would be sealed, delivered and read as "no records", when the target was mistyped."""
    unknown = sorted(
        {
            i.target_label
            for i in scope.items
            if adapter.find_account(i.identifier_type, i.value) is None
        }
    )
    if unknown:
        raise refuse(
            user,
            f"{', '.join(unknown)}: {NO_ACCOUNT}, so nothing was built; correct the target "
            "with the requester, or withhold it in the decision",
            status_code=409,
            action="production.build",
            request_id=request.id,
            targets=unknown,
        )


def _narrowed(user: User, request: Request, scope: Scope, categories: list[str]) -> Scope:
    """A production of fewer categories than approved; asking for more is refused, audited."""
    approved = {i.category for i in scope.items}
    outside = sorted(set(categories) - approved)
    if outside:
        raise refuse(
            user,
            f"categories: {', '.join(outside)} outside the approved scope of case "
            f"{request.reference} (approved: {', '.join(sorted(approved)) or 'nothing'})",
            status_code=403,
            action="production.build",
            request_id=request.id,
            categories=outside,
        )
    items = tuple(i for i in scope.items if i.category in categories)
    return Scope(
        request_id=scope.request_id,
        decision_id=scope.decision_id,
        start=scope.start,
        end=scope.end,
        range_source=scope.range_source,
        items=items,
        withheld=scope.withheld,
    )


def related_requests(session: Session, request: Request) -> list[int]:
    """This case and the agency's earlier cases under the same case number: a preservation
    request is followed by legal process from the same agency, citing the same case."""
    ids = [request.id]
    if not (request.case_number and request.case_number.strip()):
        return ids
    same_agency = []
    if request.agency_id is not None:
        same_agency.append(Request.agency_id == request.agency_id)
    if request.agency_name:
        same_agency.append(func.lower(Request.agency_name) == request.agency_name.lower())
    if not same_agency:
        return ids
    statement = select(Request.id).where(
        Request.case_number == request.case_number, Request.id != request.id, or_(*same_agency)
    )
    return ids + list(session.execute(statement.order_by(Request.id)).scalars())


def _preserved(session: Session, request: Request) -> dict[tuple[str, str], Preserved]:
    """Snapshots the active holds of this case (and of the agency's related cases) keep;
    the oldest hold wins, since it preserves the most."""
    rows = session.execute(
        select(PreservationSnapshot)
        .join(PreservationHold, PreservationHold.id == PreservationSnapshot.hold_id)
        .where(
            PreservationHold.request_id.in_(related_requests(session, request)),
            PreservationHold.status == HoldStatus.active,
        )
        .order_by(PreservationHold.as_of.desc(), PreservationSnapshot.id.desc())
    ).scalars()
    return {
        (s.account_id, s.dataset): Preserved(s.hold_id, s.account_id, s.dataset, s.sha256, s.cutoff)
        for s in rows
    }


def _facts(
    session: Session,
    request: Request,
    decision: Decision,
    production: Production,
    scope: Scope,
    settings: Settings,
    now: datetime,
) -> dict[str, Any]:
    """What the manifest and the cover letter state about the production (plain JSON)."""
    record = request.record
    requester = record.get("requester") or {}
    names = _user_names(session, decision)
    approval = next((a for a in decision.approvals if a.kind == ApprovalKind.approval), None)
    sign_off = next((a for a in decision.approvals if a.kind == ApprovalKind.legal_sign_off), None)
    hold = session.execute(
        select(PreservationHold.as_of)
        .where(
            PreservationHold.request_id.in_(related_requests(session, request)),
            PreservationHold.status == HoldStatus.active,
        )
        .order_by(PreservationHold.as_of)
        .limit(1)
    ).scalar_one_or_none()
    return {
        "production_id": production.id,
        "production_reference": production_reference(request, production.id),
        "platform_name": settings.platform_name,
        "reference": request.reference,
        "case_number": request.case_number,
        "kind": request.kind,
        "kind_label": KIND_LABELS.get(request.kind, request.kind),
        "emergency_nature": (record.get("emergency") or {}).get("nature"),
        "received_at": request.received_at.strftime("%Y-%m-%d %H:%M UTC"),
        "requester": {k: requester.get(k) for k in ("name", "title", "email", "badge_number")},
        "agency": requester.get("agency_name") or request.agency_name or "",
        "legal_authority": record.get("legal_authority"),
        "legal_basis": LEGAL_BASIS.get(
            request.kind, "reviewed by legal: " + (record.get("legal_authority") or "see file")
        ),
        "start": scope.start.isoformat(),
        "end": scope.end.isoformat(),
        "range_source": scope.range_source,
        "decision_id": decision.id,
        "drafted_by": names.get(decision.drafted_by_id, "unknown"),
        "approved_by": names.get(approval.user_id, "unknown") if approval else "unknown",
        "approved_at": approval.created_at.strftime("%Y-%m-%d %H:%M UTC") if approval else "",
        "signed_off_by": names.get(sign_off.user_id) if sign_off else None,
        "withheld": [w.__dict__ for w in scope.withheld],
        "generated_at": now.strftime("%Y-%m-%d %H:%M:%S UTC"),
        "generated_on": now.strftime("%B %d, %Y").replace(" 0", " "),
        "preserved_as_of": hold.strftime("%Y-%m-%d %H:%M UTC") if hold else None,
        "adapter": production.adapter,
    }


def _user_names(session: Session, decision: Decision) -> dict[int, str]:
    ids = {decision.drafted_by_id, *(a.user_id for a in decision.approvals)}
    rows = session.execute(select(User.id, User.name, User.role).where(User.id.in_(ids)))
    return {uid: f"{name} ({role})" for uid, name, role in rows}


def record_built(
    session: Session,
    *,
    user: User,
    production_id: int,
    result: BuildResult,
    now: datetime | None = None,
) -> Production:
    now = now or utcnow()
    production = session.get(Production, production_id)
    if production is None:
        raise NotFound(f"no production {production_id}")
    production.status = ProductionStatus.built
    production.counts = result.counts
    production.record_count = result.record_count
    production.package_path = str(result.directory)
    production.manifest_sha256 = result.manifest_sha256
    production.cover_letter_sha256 = result.letter_sha256
    production.built_at = now
    actor = actor_for(user)
    custody(
        session,
        request_id=production.request_id,
        production_id=production.id,
        actor=actor,
        event="collected",
        at=now,
        detail={"records": result.record_count, "datasets": result.counts},
    )
    custody(
        session,
        request_id=production.request_id,
        production_id=production.id,
        actor=actor,
        event="packaged",
        at=now,
        sha256=result.manifest_sha256,
        detail={"files": len(result.files) + 3, "cover_letter_sha256": result.letter_sha256},
    )
    note_children(
        session, user=user, request_id=production.request_id, ages=result.children, now=now
    )
    request = session.get(Request, production.request_id)
    assert request is not None
    if request.status is Status.approved:
        cases.transition(
            session,
            user=user,
            request_id=request.id,
            to=Status.producing,
            reason=f"Production {production_reference(request, production.id)} built.",
            now=now,
        )
    return production


def note_children(
    session: Session, *, user: User, request_id: int, ages: dict[int, int], now: datetime
) -> None:
    """Record what the platform says about a child's age, so the case is flagged for COPPA."""
    if not ages:
        return
    known = known_ages(session, request_id)
    for target_id, age in sorted(ages.items()):
        if known.get(target_id) != age:
            mark_target_age(
                session,
                user=user,
                request_id=request_id,
                target_id=target_id,
                age=age,
                source="platform records (account birth date)",
                now=now,
            )


def record_failed(
    session: Session, *, user: User, production_id: int, error: str, now: datetime | None = None
) -> None:
    now = now or utcnow()
    production = session.get(Production, production_id)
    if production is None:
        return
    production.status = ProductionStatus.failed
    production.error = error[:2000]
    record_event(
        session,
        actor=actor_for(user),
        action="production.failed",
        object_type="production",
        object_id=production.id,
        detail={"request_id": production.request_id, "error": production.error},
        at=now,
    )


class BuildFailed(ExigentError):
    status_code = 500


def failure_reason(exc: BaseException) -> str:
    """What a failed production's row says: a domain error in its own words; anything else by
    its kind only, since its text may name places on the server (the log has it in full)."""
    if isinstance(exc, ExigentError):
        return exc.message
    return f"the package could not be built ({type(exc).__name__}); the server log has details"


def build_production(
    factory: sessionmaker[Session],
    *,
    user: User,
    request_id: int,
    settings: Settings,
    adapter: PlatformAdapter,
    categories: list[str] | None = None,
) -> int:
    """The three steps, each committed; returns the production's id."""
    with factory() as session:
        user = merged(session, user)
        production, prepared = prepare(
            session,
            user=user,
            request_id=request_id,
            settings=settings,
            adapter=adapter,
            categories=categories,
        )
        session.commit()
    try:
        result = run_build(prepared, adapter, FileStore(settings.file_store))
    except Exception as exc:
        if not isinstance(exc, ExigentError):
            log.exception("production %s could not be built", production.id)
        reason = failure_reason(exc)
        with factory() as session:
            user = merged(session, user)
            record_failed(session, user=user, production_id=production.id, error=reason)
            session.commit()
        if isinstance(exc, ExigentError):
            raise
        # Said in the page next to the button, without the server's paths (the log has them).
        raise BuildFailed(reason) from exc
    try:
        with factory() as session:
            user = merged(session, user)
            record_built(session, user=user, production_id=production.id, result=result)
            session.commit()
    except BaseException:
        # A package no row describes would be an orphan: remove it.
        shutil.rmtree(result.directory, ignore_errors=True)
        raise
    return production.id
