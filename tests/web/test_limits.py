"""Body limits that hold whatever the client declares: chunked bodies are counted as they
arrive and stopped at the limit, and JSON nested too deep is refused before it is parsed."""

from __future__ import annotations

import asyncio
import json
import select
import socket
import time
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from exigent.config import Settings
from exigent.web.limits import nested_deeper_than
from factories import emergency_record
from net import live_exigent

JSON_LIMIT = 64 * 1024
ATTACK = 200 * 1024 * 1024  # what the chunked attack would send in all


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"max_json_bytes": JSON_LIMIT})


@pytest.fixture
def live_server(settings: Settings) -> Iterator[int]:
    """A real uvicorn server on loopback, as `exigent serve` runs one; yields its port."""
    with live_exigent(settings) as url:
        yield int(url.rsplit(":", 1)[1])


def send_chunked(port: int, path: str, content_type: str, piece: bytes) -> tuple[bytes, int]:
    """POST a chunked body (no Content-Length) of up to ATTACK bytes, piece after piece,
    until the server answers; return its answer's head and body, and the bytes sent."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    sock.sendall(
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {content_type}\r\n"
        "Transfer-Encoding: chunked\r\n\r\n".encode()
    )
    chunk = b"%x\r\n" % len(piece) + piece + b"\r\n"
    sent = 0
    with sock:
        while sent < ATTACK:
            if select.select([sock], [], [], 0)[0]:
                break  # the answer is in
            try:
                sock.sendall(chunk)
            except (BrokenPipeError, ConnectionResetError, TimeoutError):
                break
            sent += len(piece)
        answer = b""
        while b"\r\n\r\n" not in answer or len(answer) < answer.index(b"\r\n\r\n") + 60:
            data = sock.recv(65536)
            if not data:
                break
            answer += data
    return answer, sent


def status_of(answer: bytes) -> int:
    return int(answer.split(b" ", 2)[1])


def body_of(answer: bytes) -> bytes:
    return answer.split(b"\r\n\r\n", 1)[1]


def test_a_chunked_json_body_is_stopped_at_the_limit_before_signing_in(live_server: int) -> None:
    started = time.monotonic()
    answer, sent = send_chunked(
        live_server, "/api/v1/auth/login", "application/json", b'{"email": "' + b"a" * 16384
    )
    took = time.monotonic() - started
    assert status_of(answer) == 413
    assert b"(body): larger than the 64 KB limit" in body_of(answer)
    assert b'"field":"(body)"' in body_of(answer)
    # Refused at the limit, not after the 200 MB: what was sent beyond it is what the client
    # could push into the loopback socket's buffers before the answer came back.
    assert sent < ATTACK // 8
    assert took < 5
    health = httpx.get(f"http://127.0.0.1:{live_server}/api/v1/health", timeout=5)
    assert health.status_code == 200


def test_a_chunked_upload_is_stopped_at_the_file_limit(live_server: int) -> None:
    boundary = "b0undary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="x.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    ).encode()
    started = time.monotonic()
    answer, sent = send_chunked(
        live_server,
        "/api/v1/requests/1/documents",
        f"multipart/form-data; boundary={boundary}",
        head + b"%" * 65536,  # each piece repeats the head: it only needs to be bytes
    )
    assert status_of(answer) == 413
    assert b"file: larger than the 1 MB limit" in body_of(answer)
    assert sent < ATTACK // 8
    assert time.monotonic() - started < 10
    health = httpx.get(f"http://127.0.0.1:{live_server}/api/v1/health", timeout=5)
    assert health.status_code == 200


async def _chunks(total: int, piece: bytes) -> AsyncIterator[bytes]:
    sent = 0
    while sent < total:
        yield piece
        sent += len(piece)


def streamed_post(app: FastAPI, path: str, content_type: str, total: int) -> httpx.Response:
    """POST a chunked body through the app in this process (httpx streams it in pieces)."""

    async def post() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            return await http.post(
                path,
                content=_chunks(total, b"a" * 8192),
                headers={"Content-Type": content_type, "Accept": "text/html"},
            )

    # A loop of its own, on a thread of its own: a browser test may leave one running here.
    with ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(asyncio.run, post()).result()


def test_a_chunked_portal_form_over_the_limit_gets_a_page_not_json(client) -> None:
    response = streamed_post(
        client.app, "/portal/sign-in", "application/x-www-form-urlencoded", 10 * JSON_LIMIT
    )
    assert response.status_code == 413
    assert response.headers["content-type"].startswith("text/html")
    assert "larger than the 64 KB limit" in response.text
    assert "Send a smaller file" in response.text  # what to do next, in the portal's words


def test_a_chunked_staff_form_over_the_limit_gets_a_page(client) -> None:
    response = streamed_post(
        client.app, "/login", "application/x-www-form-urlencoded", 10 * JSON_LIMIT
    )
    assert response.status_code == 413
    assert response.headers["content-type"].startswith("text/html")
    assert "larger than the 64 KB limit" in response.text


def test_a_declared_length_over_the_json_limit_is_refused_unread(client, officer) -> None:
    record = emergency_record(legal_authority="x" * (2 * JSON_LIMIT))
    response = client.post("/api/v1/requests", json=record, headers=officer.headers)
    assert response.status_code == 413
    assert response.json()["field"] == "(body)"


def test_json_under_the_limit_still_makes_a_case(client, officer) -> None:
    record = emergency_record(legal_authority="x" * 20_000)  # the longest the field takes
    response = client.post("/api/v1/requests", json=record, headers=officer.headers)
    assert response.status_code == 201, response.text


def deep(levels: int) -> str:
    return "[" * levels + "]" * levels


def test_json_nested_900_deep_is_refused_with_a_clear_422(client, officer) -> None:
    response = client.post(
        "/api/v1/requests",
        content=deep(900),
        headers={**officer.headers, "Content-Type": "application/json"},
    )
    assert response.status_code == 422
    assert response.json()["error"] == "(body): nested more than 64 levels deep"
    assert response.json()["problems"] == [
        {"field": "(body)", "problem": "nested more than 64 levels deep"}
    ]


def test_deep_json_is_refused_before_sign_in_and_inside_a_valid_record(client, officer) -> None:
    unsigned = client.post(
        "/api/v1/auth/login", content=deep(5000), headers={"Content-Type": "application/json"}
    )
    assert unsigned.status_code == 422
    assert unsigned.json()["field"] == "(body)"
    record: dict[str, Any] = emergency_record()
    nested: Any = {}
    for _ in range(900):
        nested = {"a": nested}
    record["email"] = nested
    inside = client.post("/api/v1/requests", json=record, headers=officer.headers)
    assert inside.status_code == 422
    assert inside.json()["error"].startswith("(body): nested more than 64 levels")
    # Without a content type FastAPI still parses JSON: the check covers it too.
    bare = client.post("/api/v1/requests", content=json.dumps(record), headers={**officer.headers})
    assert bare.status_code == 422


def test_brackets_inside_strings_are_not_nesting(client, officer) -> None:
    record = emergency_record(legal_authority="[" * 500 + '"{' * 200 + "\\")
    response = client.post("/api/v1/requests", json=record, headers=officer.headers)
    assert response.status_code == 201, response.text


def test_nesting_is_counted_exactly_at_the_limit() -> None:
    assert not nested_deeper_than(deep(64).encode(), 64)
    assert nested_deeper_than(deep(65).encode(), 64)
    mixed: Any = []
    for _ in range(70):
        mixed = [1, {}, {"k": mixed}]  # never two openings in a row
    assert nested_deeper_than(json.dumps(mixed).encode(), 64)
    wide = json.dumps([[{"a": [1]}] for _ in range(5000)]).encode()
    assert not nested_deeper_than(wide, 64)
    assert not nested_deeper_than(json.dumps({"s": "[" * 1000}).encode(), 64)
