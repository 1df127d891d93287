"""create_app(): routers, middleware, the one error handler, and the embedded worker."""

from __future__ import annotations

import gc
import logging
import re
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy import text
from sqlalchemy.exc import StatementError
from sqlalchemy.orm import Session, sessionmaker
from starlette.exceptions import HTTPException as StarletteHTTPException

from exigent import __version__
from exigent.auth.service import prepare_password_checks
from exigent.auth.token_cache import TokenCache
from exigent.config import Settings, get_settings
from exigent.db import make_engine, make_session_factory
from exigent.deadlines import Worker
from exigent.errors import ExigentError, NotFound, ServiceUnavailable, describe_problems
from exigent.files import FileStore
from exigent.outages import RETRY_AFTER_SECONDS, database_lost, outage_of, unavailable
from exigent.requests.batcher import IntakeBatcher
from exigent.requests.ratelimit import IntakeLimiter
from exigent.web.deps import LoginRequired
from exigent.web.errors import error_page, login_redirect, wants_html
from exigent.web.limits import BodyLimits
from exigent.web.security_headers import SecurityHeaders, add_security_headers

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
        response = _domain_error_response(request, exc)
        if "retry_after" in exc.detail:
            response.headers["Retry-After"] = str(exc.detail["retry_after"])
        return response

    def _domain_error_response(request: Request, exc: ExigentError) -> Response:
        if _is_portal(request):
            from exigent.portal.rendering import error_page as portal_error_page

            return portal_error_page(request, exc)
        if wants_html(request):
            return error_page(request, exc.status_code, exc.message)
        return _problem(exc.status_code, exc.message, **exc.detail)

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, exc: LoginRequired) -> Response:
        return login_redirect(request, exc)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if _is_portal(request) and exc.status_code == 404:
            from exigent.portal.rendering import not_found_page

            return not_found_page(request)
        if wants_html(request):
            message = {404: f"There is no page at {request.url.path}."}.get(
                exc.status_code, str(exc.detail)
            )
            return error_page(request, exc.status_code, message)
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
            return error_page(request, status, message)
        return _problem(status, message)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        problems = describe_problems(exc.errors())
        first = problems[0] if problems else {"field": "(body)", "problem": "is invalid"}
        if _is_portal(request):
            from exigent.portal.rendering import error_page as portal_error_page

            return portal_error_page(request, NotFound("There is no page at this address."))
        if wants_html(request):
            return error_page(request, 422, f"{first['field']}: {first['problem']}")
        return _problem(422, f"{first['field']}: {first['problem']}", problems=problems)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        if wants_html(request):
            response: Response = error_page(request, 500, "The server could not finish this page.")
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
    engine = make_engine(settings.database_url)
    factory = make_session_factory(engine)
    worker = Worker(factory, settings.worker_poll_seconds, settings)
    file_store = FileStore(settings.file_store)
    batcher = IntakeBatcher(factory, file_store)
    start_worker = settings.embedded_worker if run_worker is None else run_worker

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if start_worker:
            worker.start_in_background()
        if warm:
            threading.Thread(target=_warm_up, args=(factory,), name="warm-up", daemon=True).start()
        yield
        batcher.stop()
        worker.stop()
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
    app.state.intake_limiter = IntakeLimiter(factory, settings)
    app.state.token_cache = TokenCache()
    install_error_handlers(app)
    app.add_middleware(BodyLimits, settings=settings)
    app.add_middleware(SecurityHeaders)
    _include_routers(app)
    return app


def _warm_up(factory: sessionmaker[Session]) -> None:
    from exigent.verification.intake import warm_up

    try:
        warm_up(factory)
    except Exception as exc:  # the first request will load what is missing, only slower
        if not database_lost(exc):  # an outage is logged once, by the engine
            log.exception("warming the fraud checks' caches failed")
    prepare_password_checks()
    # What is loaded by now (modules, the directory index, the history mirror) lives as long
    # as the process: frozen, the collector stops re-scanning it in every full collection.
    gc.freeze()


def create_served_app() -> FastAPI:
    """What `exigent serve` runs in each web process."""
    # A request allocates thousands of short-lived objects; collecting the youngest
    # generation every 700 allocations (the default) spends more than it frees.
    gc.set_threshold(YOUNG_COLLECTION_THRESHOLD, *gc.get_threshold()[1:])
    return create_app(warm=True)


def _include_routers(app: FastAPI) -> None:
    from exigent.admin.api import router as admin_router
    from exigent.admin.pages import router as admin_pages_router
    from exigent.admin.token_pages import router as admin_token_pages_router
    from exigent.admin.welcome_pages import router as welcome_router
    from exigent.auth.api import router as auth_router
    from exigent.console.pages import router as console_router
    from exigent.directory.api import router as directory_router
    from exigent.legal.api import install as install_legal
    from exigent.mail.api import router as mail_router
    from exigent.notice.api import router as notice_router
    from exigent.notice.pages import router as notice_pages_router
    from exigent.portal.api import router as portal_api_router
    from exigent.portal.pages import router as portal_router
    from exigent.production.api import router as production_router
    from exigent.production.pages import router as production_pages_router
    from exigent.requests.api import router as requests_router
    from exigent.verification.api import router as verification_router
    from exigent.verification.gate import install_verification_gate
    from exigent.verification.pages import router as weights_pages_router
    from exigent.web.account_pages import router as account_pages_router
    from exigent.web.auth_pages import router as auth_pages_router
    from exigent.web.pages import mount_vendor
    from exigent.web.pages import router as web_router
    from exigent.wellbeing.pages import router as wellbeing_router

    app.include_router(auth_router)
    app.include_router(requests_router)
    install_legal(app)
    # Approval of a disclosure waits for a passed verification (callback or verified requester).
    install_verification_gate()
    app.include_router(directory_router)
    app.include_router(verification_router)
    app.include_router(mail_router)
    app.include_router(portal_api_router)
    app.include_router(portal_router)
    app.include_router(production_router)
    app.include_router(notice_router)
    app.include_router(web_router)
    app.include_router(auth_pages_router)
    app.include_router(account_pages_router)
    app.include_router(console_router)
    app.include_router(notice_pages_router)
    app.include_router(weights_pages_router)
    app.include_router(production_pages_router)
    app.include_router(wellbeing_router)
    app.include_router(admin_router)
    app.include_router(admin_pages_router)
    app.include_router(admin_token_pages_router)
    app.include_router(welcome_router)
    mount_vendor(app)

    @app.get(
        "/api/v1/health",
        tags=["meta"],
        responses={503: {"description": "the database is out of reach"}},
    )
    def health() -> Response:
        """Whether the service can answer: 503 while its database is out of reach."""
        try:
            with app.state.engine.connect() as connection:
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
