"""Security headers on every answer, pages and API alike, from one plain ASGI middleware.

Every page runs only the scripts served from this origin: no inline script, no `eval`, no
inline style, and no other site may frame it. A response that brings its own policy keeps it,
because its route knows what it serves: a case document is shown in a sandbox that runs
nothing (`DOCUMENT_POLICY`), and the API docs show images from data: URLs (`API_DOCS_POLICY`).
Answers outside `/static/` carry case data or may, so no browser or proxy keeps a copy.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

PAGE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
# The page policy but for images: Swagger UI's own stylesheet draws its icons from data: URLs
# (an image cannot run script). Swagger UI runs from files like every page.
API_DOCS_POLICY = PAGE_POLICY.replace("img-src 'self'", "img-src 'self' data:")
# A submitted file shown in the browser: an opaque origin that runs no script and loads only
# itself. Inline style lets the browser's own image, media and PDF viewers lay the file out.
DOCUMENT_POLICY = (
    "sandbox; default-src 'none'; img-src 'self'; media-src 'self'; "
    "style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
STATIC_PREFIX = "/static/"
HSTS = "max-age=63072000; includeSubDomains"


def add_security_headers(headers: MutableHeaders, scope: Scope) -> None:
    """Set the headers on one response; a policy the route chose is kept, and so is a
    Cache-Control that already says no-store."""
    if "content-security-policy" not in headers:
        headers["Content-Security-Policy"] = PAGE_POLICY
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "no-referrer"
    if not scope["path"].startswith(STATIC_PREFIX) and "no-store" not in headers.get(
        "cache-control", ""
    ):
        headers["Cache-Control"] = "no-store"
    if scope.get("scheme") == "https":
        headers["Strict-Transport-Security"] = HSTS


class SecurityHeaders:
    """Add the security headers to every HTTP response as it starts.

    Plain ASGI rather than BaseHTTPMiddleware, which costs every request a task and a copy.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                add_security_headers(MutableHeaders(scope=message), scope)
            await send(message)

        await self.app(scope, receive, send_with_headers)
