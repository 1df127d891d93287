"""Limits on request bodies that hold whatever the client declares: size and JSON depth.

A body is counted as it arrives, so a chunked body (no Content-Length) is stopped with 413 as
soon as it passes the limit, never read whole first. Only a multipart upload may carry a file
of `max_upload_bytes`; every other body (JSON, a form without files) is held to the much
smaller `max_json_bytes`. A JSON body is read whole (it is parsed whole anyway), and one
nested deeper than `max_json_depth` is refused with 422 before anything recurses through it.

A form that must never be refused for its attachment (the portal's emergency form) may carry
up to `ROOMY_FACTOR` times the upload limit: the page takes the emergency and leaves off the
file that is too large, saying so, instead of the whole request being turned away here.

Plain ASGI rather than BaseHTTPMiddleware, which costs every request a task and a copy.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection

from fastapi import Request
from fastapi.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from exigent.config import Settings
from exigent.errors import BadInput, ExigentError, PayloadTooLarge
from exigent.web.errors import error_page, wants_html

# A page that answers an error in one area of the site (the portal's, say).
ErrorPage = Callable[[Request, ExigentError], Response]

# Room for a multipart body's boundaries, part headers and small fields beside its file.
MULTIPART_OVERHEAD = 64 * 1024
# How much larger than one file's limit a roomy form's whole body may be. Starlette spools a
# file part to disk past 1 MB, so the cost is disk for the time of the request, not memory.
ROOMY_FACTOR = 4
BODY_FIELD = "(body)"

_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKET = bytes(b for b in range(256) if b not in b"[]{}")
_AS_SQUARE = bytes.maketrans(b"{}", b"[]")


def nested_deeper_than(body: bytes, limit: int) -> bool:
    """Whether arrays and objects in a JSON text nest more than `limit` levels deep.

    Brackets inside strings do not count. Cheap: a body with no more than `limit` opening
    brackets in all (nearly every one) is not scanned at all, and a scan removes the innermost
    level of every group per pass, in C, for at most `limit` passes.
    """
    if body.count(b"[") + body.count(b"{") <= limit:
        return False
    brackets = _STRING.sub(b"", body).translate(_AS_SQUARE, _NOT_BRACKET)
    if b"[" * (limit + 1) in brackets:  # the usual attack, found without a pass
        return True
    for _ in range(limit):
        shorter = brackets.replace(b"[]", b"")
        if len(shorter) == len(brackets):
            return False  # nothing left to open and close: unbalanced, for the parser to name
        brackets = shorter
    return b"[]" in brackets


def _size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):g} MB"
    return f"{n / 1024:g} KB" if n >= 1024 else f"{n} bytes"


class _Refused(Exception):
    """The body passed its limit and the answer has been sent: the app stops where it is."""


class BodyLimits:
    """Refuse a body over its limit as it arrives (413), and JSON nested too deep (422)."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        settings: Settings,
        portal_page: ErrorPage | None = None,
        roomy_paths: Collection[str] = (),
    ) -> None:
        self.app = app
        self.roomy_paths = frozenset(roomy_paths)
        self.roomy_limit = settings.max_upload_bytes * ROOMY_FACTOR + MULTIPART_OVERHEAD
        # The officers' portal answers with its own page (the portal is a screen above this
        # toolkit, so the application hands its page in).
        self.portal_page = portal_page
        self.max_upload_bytes = settings.max_upload_bytes
        self.upload_limit = settings.max_upload_bytes + MULTIPART_OVERHEAD
        self.json_limit = settings.max_json_bytes
        self.max_depth = settings.max_json_depth

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length: bytes | None = None
        chunked = False
        content_type = b""
        for name, value in scope["headers"]:
            if name == b"content-length":
                length = value
            elif name == b"transfer-encoding":
                chunked = b"chunked" in value.lower()
            elif name == b"content-type":
                content_type = value
        if length is None and not chunked:  # no body at all
            await self.app(scope, receive, send)
            return
        media_type = content_type.split(b";", 1)[0].strip().lower()
        upload = media_type == b"multipart/form-data"
        limit = self.upload_limit if upload else self.json_limit
        if upload and scope["path"] in self.roomy_paths:
            limit = self.roomy_limit
        if length is not None and length.isdigit() and int(length) > limit:
            await self.too_large(scope, send, upload, limit)
            return
        if not upload and _parsed_as_json(media_type):
            await self._json(scope, receive, send)
            return
        await _Counted(self, scope, receive, send, limit, upload).run()

    async def _json(self, scope: Scope, receive: Receive, send: Send) -> None:
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client left before sending the whole body: nobody to answer
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.json_limit:
                await self.too_large(scope, send, upload=False)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = chunks[0] if len(chunks) == 1 else b"".join(chunks)
        if nested_deeper_than(body, self.max_depth):
            problem = f"nested more than {self.max_depth} levels deep"
            error = BadInput(f"{BODY_FIELD}: {problem}", field=BODY_FIELD)
            problems = [{"field": BODY_FIELD, "problem": problem}]
            await _answer(scope, send, error, self.portal_page, problems=problems)
            return
        await self.app(scope, _replay(body, receive), send)

    async def too_large(
        self, scope: Scope, send: Send, upload: bool, limit: int | None = None
    ) -> None:
        if upload and limit == self.roomy_limit:
            message = (
                f"file: the files together are larger than the "
                f"{_size(self.roomy_limit - MULTIPART_OVERHEAD)} a request can carry, so it was "
                "not sent; send it again without the files and email them to the team"
            )
            error = PayloadTooLarge(message, field="file")
        elif upload:
            message = f"file: larger than the {_size(self.max_upload_bytes)} limit"
            error = PayloadTooLarge(message, field="file")
        else:
            message = (
                f"{BODY_FIELD}: larger than the {_size(self.json_limit)} limit for a request "
                "without files; send files as a multipart upload"
            )
            error = PayloadTooLarge(message, field=BODY_FIELD)
        await _answer(scope, send, error, self.portal_page)


def _parsed_as_json(media_type: bytes) -> bool:
    """What FastAPI parses as JSON: no content type at all, or application/json or */*+json."""
    return not media_type or media_type == b"application/json" or media_type.endswith(b"+json")


def _replay(body: bytes, receive: Receive) -> Receive:
    """The body already read, as one message; after it, whatever the client sends next (its
    disconnect, which a streaming answer listens for)."""
    sent = False

    async def replayed() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replayed


class _Counted:
    """One request whose body is counted as the app reads it."""

    def __init__(
        self,
        limits: BodyLimits,
        scope: Scope,
        receive: Receive,
        send: Send,
        limit: int,
        upload: bool,
    ) -> None:
        self.limits = limits
        self.scope = scope
        self.receive = receive
        self.send = send
        self.limit = limit
        self.upload = upload
        self.received = 0
        self.started = False
        self.refused = False

    async def run(self) -> None:
        try:
            await self.limits.app(self.scope, self.counted_receive, self.guarded_send)
        except Exception:
            # Whatever the app made of the refusal (a parse error, say), the 413 was the answer.
            if not self.refused:
                raise

    async def counted_receive(self) -> Message:
        message = await self.receive()
        if message["type"] == "http.request":
            self.received += len(message.get("body", b""))
            if self.received > self.limit:
                first, self.refused = not self.refused, True
                # An answer the app already began cannot be replaced: it is cut off instead.
                if first and not self.started:
                    await self.limits.too_large(self.scope, self.send, self.upload, self.limit)
                raise _Refused
        return message

    async def guarded_send(self, message: Message) -> None:
        if self.refused:
            return  # the app's own answer to an aborted read: the 413 went out instead
        if message["type"] == "http.response.start":
            self.started = True
        await self.send(message)


async def _answer(
    scope: Scope,
    send: Send,
    error: ExigentError,
    portal_page: ErrorPage | None,
    problems: list[dict[str, str]] | None = None,
) -> None:
    """The refusal as JSON on API paths, as a page that says what to do next elsewhere."""
    request = Request(scope)
    response: Response
    path = request.url.path
    if portal_page is not None and (path == "/portal" or path.startswith("/portal/")):
        response = portal_page(request, error)
    elif wants_html(request):
        response = error_page(request, error.status_code, error.message)
    else:
        content: dict[str, object] = {"error": error.message, **error.detail}
        if problems:
            content["problems"] = problems
        response = JSONResponse(status_code=error.status_code, content=content)
    await response(scope, _no_body, send)


async def _no_body() -> Message:
    return {"type": "http.disconnect"}
