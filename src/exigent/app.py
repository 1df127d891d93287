"""create_app(): routers, middleware, the one error handler, and the embedded worker."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.exc import StatementError
from starlette.types import ASGIApp, Receive, Scope, Send

from exigent import __version__
from exigent.config import Settings, get_settings
from exigent.db import make_engine, make_session_factory
from exigent.deadlines import Worker
from exigent.errors import ExigentError, describe_problems
from exigent.files import FileStore

log = logging.getLogger(__name__)
MULTIPART_OVERHEAD = 64 * 1024


def _problem(status_code: int, message: str, **extra: object) -> JSONResponse:
    return JSONResponse(status_code=status_code, content={"error": message, **extra})


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ExigentError)
    async def domain_error(_: Request, exc: ExigentError) -> JSONResponse:
        return _problem(exc.status_code, exc.message, **exc.detail)

    @app.exception_handler(StatementError)
    async def unstorable_value(_: Request, exc: StatementError) -> JSONResponse:
        # PostgreSQL text cannot hold NUL; the driver refuses before anything is written.
        if "NUL" in str(exc.orig):
            return _problem(422, "a text field contains a NUL character, which cannot be stored")
        raise exc

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_: Request, exc: RequestValidationError) -> JSONResponse:
        problems = describe_problems(exc.errors())
        first = problems[0] if problems else {"field": "(body)", "problem": "is invalid"}
        return _problem(422, f"{first['field']}: {first['problem']}", problems=problems)


class BodySizeLimit:
    """Refuse an oversize body from its Content-Length before reading a byte of it.

    Plain ASGI rather than BaseHTTPMiddleware, which costs every request a task and a copy.
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            length = dict(scope["headers"]).get(b"content-length", b"")
            if length.isdigit() and int(length) > self.max_bytes + MULTIPART_OVERHEAD:
                limit_mb = self.max_bytes // (1024 * 1024)
                response = _problem(413, f"file: larger than the {limit_mb} MB limit", field="file")
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


def create_app(settings: Settings | None = None, *, run_worker: bool | None = None) -> FastAPI:
    settings = settings or get_settings()
    engine = make_engine(settings.database_url)
    factory = make_session_factory(engine)
    worker = Worker(factory, settings.worker_poll_seconds, settings)
    start_worker = settings.embedded_worker if run_worker is None else run_worker

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if start_worker:
            worker.start_in_background()
        yield
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
    app.state.file_store = FileStore(settings.file_store)
    install_error_handlers(app)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_upload_bytes)
    _include_routers(app)
    return app


def _include_routers(app: FastAPI) -> None:
    from exigent.auth.api import router as auth_router
    from exigent.directory.api import router as directory_router
    from exigent.legal.api import install as install_legal
    from exigent.mail.api import router as mail_router
    from exigent.notice.api import router as notice_router
    from exigent.requests.api import router as requests_router
    from exigent.verification.api import router as verification_router
    from exigent.verification.gate import install_verification_gate
    from exigent.web.pages import mount_vendor
    from exigent.web.pages import router as web_router

    app.include_router(auth_router)
    app.include_router(requests_router)
    install_legal(app)
    # Approval of a disclosure waits for a passed verification (callback or verified requester).
    install_verification_gate()
    app.include_router(directory_router)
    app.include_router(verification_router)
    app.include_router(mail_router)
    app.include_router(notice_router)
    app.include_router(web_router)
    mount_vendor(app)

    @app.get("/api/v1/health", tags=["meta"])
    def health() -> dict[str, str]:
        with app.state.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return {"status": "ok", "version": __version__}
