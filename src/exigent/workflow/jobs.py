"""The deadline handlers of every domain, assembled for the worker (`create_app` and
`exigent worker` both start one with this registry), and the chains of deadlines a domain
keeps going (a daily check), started when a worker starts rather than by a page's GET."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from exigent.analytics import jobs as analytics_jobs
from exigent.briefs import jobs as briefs_jobs
from exigent.deadlines import Handler
from exigent.eu_orders import jobs as eu_order_jobs
from exigent.legal import jobs as legal_jobs
from exigent.legal import sla
from exigent.notice import jobs as notice_jobs
from exigent.officers import jobs as officer_jobs
from exigent.oncall import jobs as oncall_jobs
from exigent.production import jobs as production_jobs
from exigent.referrals import jobs as referral_jobs
from exigent.referrals import recipient_jobs
from exigent.referrals.cybertipline import jobs as cybertipline_jobs
from exigent.staffing import jobs as staffing_jobs
from exigent.workflow.reachable import with_contact_method


def _staffing_handlers() -> dict[str, Handler]:
    # Readiness counts a person with an enabled contact method as reachable.
    return staffing_jobs.handlers(reachable=with_contact_method)


# One line per domain that fires deadlines.
DOMAIN_HANDLERS = (
    sla.handlers,
    legal_jobs.handlers,
    notice_jobs.handlers,
    officer_jobs.handlers,
    oncall_jobs.handlers,
    production_jobs.handlers,
    _staffing_handlers,
    briefs_jobs.handlers,
    referral_jobs.handlers,
    recipient_jobs.handlers,
    cybertipline_jobs.handlers,
    eu_order_jobs.handlers,
    analytics_jobs.handlers,
)


def deadline_handlers() -> dict[str, Handler]:
    """Every kind of deadline and its handler; two domains claiming one kind is a wiring bug."""
    registry: dict[str, Handler] = {}
    for offered in DOMAIN_HANDLERS:
        for kind, handler in offered().items():
            if kind in registry:
                raise RuntimeError(f"two handlers for deadline kind {kind!r}")
            registry[kind] = handler
    return registry


# One line per domain that keeps a chain of deadlines going: each starts its chain if none
# is waiting, idempotently.
DOMAIN_CHAINS: tuple[Callable[[Session, datetime], None], ...] = (
    staffing_jobs.ensure_scheduled,
    briefs_jobs.ensure_planned,
    analytics_jobs.ensure_scheduled,
)


def start_chains(factory: sessionmaker[Session], now: datetime) -> None:
    """Start every domain's chain that is not waiting, in one transaction."""
    with factory() as session:
        for ensure in DOMAIN_CHAINS:
            ensure(session, now)
        session.commit()
