"""create_app(): routers, middleware, the one error handler, and the embedded worker."""

from __future__ import annotations

import gc
import logging
import re
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy import text
from sqlalchemy.exc import StatementError
from sqlalchemy.orm import Session, sessionmaker
from starlette.exceptions import HTTPException as StarletteHTTPException

from exigent import __version__
from exigent.admin import api as admin_api
from exigent.admin import pages as admin_pages
from exigent.admin import token_pages, welcome_pages
from exigent.analytics import api as analytics_api
from exigent.analytics import pages as analytics_pages
from exigent.analytics import report_api as analytics_report_api
from exigent.analytics import report_pages as analytics_report_pages
from exigent.analytics import trend_api, trend_pages
from exigent.analytics.upkeep import install as keep_facts_current
from exigent.audit.checks import ChainChecker
from exigent.auditing import api as auditing_api
from exigent.auditing import pages as auditing_pages
from exigent.auth import api as auth_api
from exigent.auth.refusals import Refused, record_refusal
from exigent.auth.service import prepare_password_checks
from exigent.auth.token_cache import TokenCache
from exigent.briefs import critical_pages as briefs_critical_pages
from exigent.briefs import pages as briefs_pages
from exigent.cases import api as cases_api
from exigent.config import Settings, get_settings
from exigent.console import (
    case_actions,
    case_pages,
    decision_actions,
    escalation_form,
    policy_editor,
    policy_pages,
    queue_pages,
)
from exigent.db import READ_ONLY, EngineDep, make_engine, make_session_factory, utcnow
from exigent.deadlines import Worker
from exigent.directory import api as directory_api
from exigent.directory import pages as directory_pages
from exigent.errors import ExigentError, NotFound, ServiceUnavailable, describe_problems
from exigent.eu_orders import api as eu_order_api
from exigent.eu_orders import pages as eu_order_pages
from exigent.files import FileStore
from exigent.intake import api as intake_api
from exigent.intake import escalation_api
from exigent.intake.batcher import IntakeBatcher
from exigent.intake.ratelimit import IntakeLimiter
from exigent.legal import api as legal_api
from exigent.legal.pending import pending_approvals
from exigent.mail import api as mail_api
from exigent.notice import api as notice_api
from exigent.notice import pages as notice_pages
from exigent.officers import api as officers_api
from exigent.oncall import api as oncall_api
from exigent.oncall import pages as oncall_pages
from exigent.oncall import paging_api, paging_pages
from exigent.oncall.band import band_provider
from exigent.outages import RETRY_AFTER_SECONDS, database_lost, outage_of, unavailable
from exigent.portal import pages as portal_pages
from exigent.portal.pages import EMERGENCY_FORM
from exigent.portal.rendering import error_page as portal_error_page
from exigent.portal.rendering import not_found_page
from exigent.production import api as production_api
from exigent.production import pages as production_pages
from exigent.referrals import facts as referral_facts
from exigent.referrals import pages as referral_assessment_pages
from exigent.referrals import recipient_pages as referral_recipient_pages
from exigent.referrals.cybertipline import pages as cybertipline_pages
from exigent.staffing import api as staffing_api
from exigent.staffing import coverage_pages as staffing_coverage
from exigent.staffing import draft_api as staffing_draft_api
from exigent.staffing import draft_pages as staffing_drafts
from exigent.staffing import pages as staffing_pages
from exigent.staffing import person_pages as staffing_people
from exigent.staffing.drafts import Drafter
from exigent.verification import api as verification_api
from exigent.verification import pages as verification_pages
from exigent.verification.intake import warm_up
from exigent.web import account_pages, auth_pages
from exigent.web import pages as web_pages
from exigent.web.deps import LoginRequired
from exigent.web.errors import login_redirect, page_error, wants_html
from exigent.web.limits import BodyLimits
from exigent.web.security_headers import SecurityHeaders, add_security_headers
from exigent.wellbeing import pages as wellbeing_pages
from exigent.workflow.approval import approval_checks, approval_guard
from exigent.workflow.events import wire_events
from exigent.workflow.exposure import recent_exposure
from exigent.workflow.jobs import deadline_handlers, start_chains
from exigent.workflow.judging import AFTER_JUDGING
from exigent.workflow.reachable import with_contact_method

log = logging.getLogger(__name__)
YOUNG_COLLECTION_THRESHOLD = 20_000
# PostgreSQL's deadlock_detected and serialization_failure.
RETRYABLE_SQLSTATES = frozenset({"40P01", "40001"})


def _problem(status_code: int, message: str, **extra: object) -> JSONResponse:
    return JSONResponse(status_code=status_code, content={"error": message, **extra})


def _is_portal(request: Request) -> bool:
    """Portal pages answer refusals with a page that says what to do next, not JSON."""
    path = request.url.path
    return path == "/portal" or path.startswith("/portal/")


def install_error_handlers(app: FastAPI) -> None:
    """JSON errors on API paths; on people's pages an HTML page that says what to do next."""

    @app.exception_handler(ExigentError)
    async def domain_error(request: Request, exc: ExigentError) -> Response:
        if isinstance(exc, ServiceUnavailable):
            outage_of(request.app.state.engine).refused()
        response = await _domain_error_response(request, exc)
        if "retry_after" in exc.detail:
            response.headers["Retry-After"] = str(exc.detail["retry_after"])
        return response

    async def _domain_error_response(request: Request, exc: ExigentError) -> Response:
        if _is_portal(request):
            return portal_error_page(request, exc)
        if wants_html(request):
            return await page_error(
                request,
                exc.status_code,
                exc.message,
                look_up=not isinstance(exc, ServiceUnavailable),
            )
        return _problem(exc.status_code, exc.message, **exc.detail)

    @app.exception_handler(Refused)
    async def refused(request: Request, exc: Refused) -> Response:
        # The attempt's transaction was rolled back: the refusal is written in one of its own.
        try:
            await run_in_threadpool(record_refusal, request.app.state.session_factory, exc)
        except StatementError as error:
            if not database_lost(error):
                raise
            return await domain_error(request, unavailable())  # nothing done, nothing recorded
        if wants_html(request):
            return await page_error(request, exc.status_code, exc.message)
        return _problem(exc.status_code, exc.message, **exc.detail)

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, exc: LoginRequired) -> Response:
        return login_redirect(request, exc)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if _is_portal(request) and exc.status_code == 404:
            return not_found_page(request)
        if wants_html(request):
            message = {404: f"There is no page at {request.url.path}."}.get(
                exc.status_code, str(exc.detail)
            )
            return await page_error(request, exc.status_code, message)
        return await http_exception_handler(request, exc)

    @app.exception_handler(StatementError)
    async def unstorable_value(request: Request, exc: StatementError) -> Response:
        if database_lost(exc):
            # A blip, not a bug: answered here (the connection stays open, the caller is told
            # when to retry) and logged once per outage by the engine, not once per request.
            return await domain_error(request, unavailable())
        status, message = 0, ""
        # PostgreSQL text cannot hold NUL; the driver refuses before anything is written.
        if re.search(r"\bNUL\b", str(exc.orig)):  # and not a NOT NULL constraint
            status, message = 422, "a text field contains a NUL character, which cannot be stored"
        # Two transactions that waited on each other: the database undid one of them whole.
        elif getattr(exc.orig, "sqlstate", None) in RETRYABLE_SQLSTATES:
            status, message = 409, "someone else changed this at the same moment; reload and retry"
        if not status:
            raise exc
        if wants_html(request):
            return await page_error(request, status, message)
        return _problem(status, message)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        problems = describe_problems(exc.errors())
        first = problems[0] if problems else {"field": "(body)", "problem": "is invalid"}
        if _is_portal(request):
            return portal_error_page(request, NotFound("There is no page at this address."))
        if wants_html(request):
            return await page_error(request, 422, f"{first['field']}: {first['problem']}")
        return _problem(422, f"{first['field']}: {first['problem']}", problems=problems)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        if wants_html(request):
            response: Response = await page_error(
                request, 500, "The server could not finish this page.", look_up=False
            )
        else:
            response = _problem(500, "internal error; try again, and report it if it persists")
        # This handler answers from outside every middleware, SecurityHeaders included.
        add_security_headers(response.headers, request.scope)
        return response


def create_app(
    settings: Settings | None = None, *, run_worker: bool | None = None, warm: bool = False
) -> FastAPI:
    """The web app; `warm` loads the fraud checks' directory and history in the background
    as the server starts (what `exigent serve` does) instead of on the first request."""
    settings = settings or get_settings()
    # Case events that page whoever is on call and brief legal and leadership.
    wire_events()
    keep_facts_current()
    engine = make_engine(settings.database_url)
    factory = make_session_factory(engine)
    worker = Worker(factory, deadline_handlers(), settings.worker_poll_seconds, settings)
    file_store = FileStore(settings.file_store)
    batcher = IntakeBatcher(factory, file_store)
    # Verifications of the audit chain asked for from the audit log page or its API.
    checker = ChainChecker(factory)
    # Draft rosters asked for by schedulers; exposure comes from wellbeing through workflow.
    drafter = Drafter(factory, recent_exposure)
    start_worker = settings.embedded_worker if run_worker is None else run_worker

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if start_worker:
            worker.listen(settings.database_url)
            start_chains(factory, utcnow())
            worker.start_in_background()
        if warm:
            threading.Thread(target=_warm_up, args=(factory,), name="warm-up", daemon=True).start()
        yield
        batcher.stop()
        worker.stop()
        checker.wait(timeout=30)
        drafter.wait(timeout=5)
        engine.dispose()

    app = FastAPI(
        docs_url=None,
        redoc_url=None,
        title="Exigent",
        version=__version__,
        lifespan=lifespan,
        description="Emergency response operations: law-enforcement requests, verification, "
        "legal review, production and audit.",
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.session_factory = factory
    app.state.file_store = file_store
    app.state.intake_batcher = batcher
    app.state.chain_checker = checker
    app.state.drafter = drafter
    app.state.intake_limiter = IntakeLimiter(factory, settings)
    app.state.token_cache = TokenCache()
    # Approval's checks, contributed by legal, verification and notice; the case page runs
    # them without approving, so it never offers an approval that would be refused.
    app.state.approval_checks = approval_checks()
    app.state.move_guard = approval_guard(app.state.approval_checks, settings)
    # What other domains keep in step when a case is judged again (notice's user notices).
    app.state.after_judging = AFTER_JUDGING
    # Counts beside the navigation's links on every staff page (`web.nav_counts`).
    app.state.nav_counts = {"approvals": pending_approvals}
    # The scheduler's readiness summary counts contact methods; staffing cannot read on call.
    app.state.reachable = with_contact_method
    # Who is on call and the person's open pages, under every staff page's header.
    app.state.header_band = band_provider(settings.oncall_head_email)
    install_error_handlers(app)
    app.add_middleware(
        BodyLimits,
        settings=settings,
        portal_page=portal_error_page,
        # An emergency is taken even when its attachment is too large: the page leaves it off.
        roomy_paths={EMERGENCY_FORM},
    )
    app.add_middleware(SecurityHeaders)
    _include_routers(app)
    return app


def _warm_up(factory: sessionmaker[Session]) -> None:
    try:
        warm_up(factory)
    except Exception as exc:  # the first request will load what is missing, only slower
        if not database_lost(exc):  # an outage is logged once, by the engine
            log.exception("warming the fraud checks' caches failed")
    try:
        prepare_password_checks()
    finally:
        # What is loaded by now (modules, the directory index, the history mirror) lives as
        # long as the process: frozen, the collector stops re-scanning it in every full
        # collection. `exigent serve` starts with the collector off until this point.
        gc.freeze()
        gc.enable()


def create_served_app() -> FastAPI:
    """What `exigent serve` runs in each web process."""
    # A request allocates thousands of short-lived objects; collecting the youngest
    # generation every 700 allocations (the default) spends more than it frees.
    gc.set_threshold(YOUNG_COLLECTION_THRESHOLD, *gc.get_threshold()[1:])
    return create_app(warm=True)


# Every screen and domain route, in the order they are matched. A new domain adds its routers
# here.
ROUTERS = (
    auth_api.router,
    intake_api.router,
    escalation_api.router,
    referral_facts.router,
    escalation_form.router,
    cases_api.router,
    legal_api.router,
    directory_api.router,
    verification_api.router,
    mail_api.router,
    officers_api.router,
    portal_pages.router,
    production_api.router,
    eu_order_api.router,
    eu_order_pages.router,
    analytics_api.router,
    analytics_pages.router,
    notice_api.router,
    web_pages.router,
    auth_pages.router,
    account_pages.router,
    queue_pages.router,
    case_pages.router,
    case_actions.router,
    decision_actions.router,
    policy_pages.router,
    policy_editor.router,
    notice_pages.router,
    verification_pages.router,
    directory_pages.router,
    production_pages.router,
    referral_recipient_pages.router,
    cybertipline_pages.router,
    referral_assessment_pages.router,
    wellbeing_pages.router,
    staffing_api.router,
    staffing_draft_api.router,
    staffing_drafts.router,
    staffing_pages.router,
    staffing_people.router,
    staffing_coverage.router,
    staffing_pages.calendars,
    oncall_api.router,
    oncall_pages.router,
    briefs_pages.router,
    briefs_critical_pages.router,
    paging_api.router,
    paging_pages.router,
    admin_api.router,
    admin_pages.router,
    token_pages.router,
    welcome_pages.router,
    auditing_pages.router,
    auditing_api.router,
    trend_api.router,
    trend_pages.router,
    analytics_report_api.router,
    analytics_report_pages.router,
)


def _include_routers(app: FastAPI) -> None:
    for router in ROUTERS:
        app.include_router(router)
    web_pages.mount_vendor(app)

    @app.get(
        "/api/v1/health",
        tags=["meta"],
        responses={503: {"description": "the database is out of reach"}},
    )
    def health(engine: EngineDep) -> Response:
        """Whether the service can answer: 503 while its database is out of reach."""
        try:
            # A reader: on SQLite it must not queue for the write lock behind a slow writer.
            with engine.connect().execution_options(**{READ_ONLY: True}) as connection:
                connection.execute(text("SELECT 1"))
        except StatementError as exc:
            if not database_lost(exc):
                raise
            return JSONResponse(
                {"status": "unavailable", "database": "unreachable", "version": __version__},
                status_code=503,
                headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
            )
        return JSONResponse({"status": "ok", "database": "reachable", "version": __version__})
