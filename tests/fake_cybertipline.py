"""A local CyberTipline on 127.0.0.1 speaking the reporting API's endpoints over real sockets.

`/submit`, `/upload`, `/fileinfo`, `/finish`, `/retract` and `/status`, with basic auth,
answering `reportResponse` / `reportDoneResponse` XML. The XML it receives is validated
against the shipped XSD (read here with xmlschema, as NCMEC would), and it keeps each report's
state (open, finished, retracted, expired) so a second finish or a finish after expiry gets
the answer NCMEC would give. Failures are injected per endpoint: a response code, an HTTP
status, or a delay longer than the client's timeout (the call is still carried out, as when
an answer is lost on the way back). Start it with `with FakeCyberTipline() as ncmec:`.
"""

from __future__ import annotations

import base64
import hashlib
import threading
import time
import uuid
from collections import defaultdict, deque
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs
from xml.etree import ElementTree

import xmlschema

from net import free_port

XSD = Path(__file__).resolve().parents[1] / "src/exigent/referrals/cybertipline/cyber_tipline.xsd"
USERNAME, PASSWORD = "exigent-esp", "fake-cybertipline-password"

OK, SERVER_ERROR, NOT_AUTHORIZED, REJECTED = 0, 1000, 1100, 2000
NOT_OPEN, FINISHED, RETRACTED, FILE_REJECTED = 2100, 2101, 2102, 2200

_schema: xmlschema.XMLSchema | None = None


def schema() -> xmlschema.XMLSchema:
    global _schema
    if _schema is None:
        _schema = xmlschema.XMLSchema(XSD.read_text(encoding="utf-8"))
    return _schema


@dataclass
class FakeReport:
    id: int
    xml: str
    state: str = "open"  # open, finished, retracted, expired
    files: dict[str, dict[str, Any]] = field(default_factory=dict)
    details: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Call:
    path: str
    report_id: int | None
    code: int | None  # the responseCode answered; None for an HTTP error
    status: int


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        if self.path.rstrip("/").endswith("/status"):
            self._send(200, _response(OK))
        else:
            self._send(404, b"")

    def do_POST(self) -> None:
        fake = self.server.owner
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        path = "/" + self.path.rstrip("/").rsplit("/", 1)[-1]
        if not fake._authorised(self.headers.get("Authorization", "")):
            fake._record(Call(path, None, None, 401))
            self._send(401, b"")
            return
        status, delay = fake._injected_http(path)
        if status is not None:
            fake._record(Call(path, None, None, status))
            self._send(status, b"Service Unavailable")
            return
        code, payload, report_id = fake._handle(path, body, self.headers.get("Content-Type", ""))
        fake._record(Call(path, report_id, code, 200))
        if delay:
            time.sleep(delay)  # carried out, but the answer comes after the client gave up
        self._send(200, payload)

    def _send(self, status: int, payload: bytes) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/xml")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    owner: FakeCyberTipline


def _response(
    code: int, description: str = "", report_id: int | None = None, file_id: str | None = None
) -> bytes:
    parts = [f"<responseCode>{code}</responseCode>"]
    parts.append(f"<responseDescription>{_escape(description)}</responseDescription>")
    if report_id is not None:
        parts.append(f"<reportId>{report_id}</reportId>")
    if file_id is not None:
        parts.append(f"<fileId>{file_id}</fileId>")
    return f"<?xml version='1.0'?><reportResponse>{''.join(parts)}</reportResponse>".encode()


def _done(code: int, report_id: int, file_ids: list[str]) -> bytes:
    files = "".join(f"<fileId>{f}</fileId>" for f in file_ids)
    return (
        f"<?xml version='1.0'?><reportDoneResponse><responseCode>{code}</responseCode>"
        f"<reportId>{report_id}</reportId><files>{files}</files></reportDoneResponse>"
    ).encode()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


STATE_CODES = {"finished": FINISHED, "retracted": RETRACTED, "expired": NOT_OPEN}


class FakeCyberTipline:
    def __init__(self) -> None:
        self.port = free_port()
        self.reports: dict[int, FakeReport] = {}
        self.calls: list[Call] = []
        self.rejected: list[str] = []  # schema errors of documents refused
        self._next_id = 70_000_000
        self._lock = threading.Lock()
        self._codes: dict[str, deque[int]] = defaultdict(deque)
        self._statuses: dict[str, deque[int]] = defaultdict(deque)
        self._delays: dict[str, deque[float]] = defaultdict(deque)
        self._server = _Server(("127.0.0.1", self.port), _Handler)
        self._server.owner = self
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/ispws"

    def __enter__(self) -> FakeCyberTipline:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    # What a test injects, per endpoint ("/submit", "/upload", "/fileinfo", "/finish", ...).
    def answer_codes(self, path: str, *codes: int) -> None:
        """The next calls to `path` answer these response codes, without acting."""
        self._codes[path].extend(codes)

    def answer_statuses(self, path: str, *statuses: int) -> None:
        """The next calls to `path` answer these HTTP statuses (500, 503, ...)."""
        self._statuses[path].extend(statuses)

    def delay(self, path: str, seconds: float, times: int = 1) -> None:
        """The next calls to `path` are carried out, then answered `seconds` late."""
        self._delays[path].extend([seconds] * times)

    def expire_open_reports(self) -> list[int]:
        """Every open report lapses, as NCMEC does with one left unfinished too long."""
        with self._lock:
            lapsed = [r.id for r in self.reports.values() if r.state == "open"]
            for report_id in lapsed:
                self.reports[report_id].state = "expired"
        return lapsed

    def finished(self) -> list[FakeReport]:
        return [r for r in self.reports.values() if r.state == "finished"]

    def calls_to(self, path: str) -> list[Call]:
        return [c for c in self.calls if c.path == path]

    # The server's side.
    def _authorised(self, header: str) -> bool:
        expected = base64.b64encode(f"{USERNAME}:{PASSWORD}".encode()).decode()
        return header == f"Basic {expected}"

    def _record(self, call: Call) -> None:
        with self._lock:
            self.calls.append(call)

    def _injected_http(self, path: str) -> tuple[int | None, float]:
        with self._lock:
            status = self._statuses[path].popleft() if self._statuses[path] else None
            delay = self._delays[path].popleft() if self._delays[path] else 0.0
        return status, delay

    def _handle(self, path: str, body: bytes, content_type: str) -> tuple[int, bytes, int | None]:
        with self._lock:
            if self._codes[path]:
                code = self._codes[path].popleft()
                return code, _response(code, "injected failure"), None
            match path:
                case "/submit":
                    return self._submit(body)
                case "/upload":
                    return self._upload(body, content_type)
                case "/fileinfo":
                    return self._file_info(body)
                case "/finish":
                    return self._finish(body)
                case "/retract":
                    return self._retract(body)
        return REJECTED, _response(REJECTED, f"no endpoint {path}"), None

    def _invalid(self, body: bytes) -> str | None:
        errors = list(schema().iter_errors(body.decode("utf-8", "replace")))
        if errors:
            self.rejected.append(str(errors[0].reason))
            return str(errors[0].reason)
        return None

    def _submit(self, body: bytes) -> tuple[int, bytes, int | None]:
        problem = self._invalid(body)
        if problem:
            return REJECTED, _response(REJECTED, problem), None
        self._next_id += 1
        report = FakeReport(self._next_id, body.decode())
        self.reports[report.id] = report
        return OK, _response(OK, "", report.id), report.id

    def _open(self, report_id: int | None) -> tuple[FakeReport | None, int | None]:
        report = self.reports.get(report_id or -1)
        if report is None:
            return None, NOT_OPEN
        if report.state != "open":
            return report, STATE_CODES[report.state]
        return report, None

    def _upload(self, body: bytes, content_type: str) -> tuple[int, bytes, int | None]:
        fields = _multipart(body, content_type)
        report_id = int(fields["id"][1]) if "id" in fields else None
        report, refused = self._open(report_id)
        if refused is not None or report is None:
            code = refused or NOT_OPEN
            return code, _response(code, "report not open", report_id), report_id
        if "file" not in fields or not fields["file"][1]:
            return FILE_REJECTED, _response(FILE_REJECTED, "no file", report_id), report_id
        name, data = fields["file"]
        file_id = uuid.uuid4().hex
        report.files[file_id] = {"name": name, "md5": hashlib.md5(data).hexdigest()}
        return OK, _response(OK, "", report_id, file_id), report_id

    def _file_info(self, body: bytes) -> tuple[int, bytes, int | None]:
        problem = self._invalid(body)
        if problem:
            return REJECTED, _response(REJECTED, problem), None
        root = ElementTree.fromstring(body)
        report_id = int(root.findtext("reportId") or 0)
        report, refused = self._open(report_id)
        if refused is not None or report is None:
            code = refused or NOT_OPEN
            return code, _response(code, "report not open", report_id), report_id
        if root.findtext("fileId") not in report.files:
            return FILE_REJECTED, _response(FILE_REJECTED, "unknown file", report_id), report_id
        report.details.append(body.decode())
        return OK, _response(OK, "", report_id), report_id

    def _finish(self, body: bytes) -> tuple[int, bytes, int | None]:
        report_id = _form_id(body)
        report, refused = self._open(report_id)
        if refused is not None or report is None:
            code = refused or NOT_OPEN
            return code, _done(code, report_id or 0, []), report_id
        report.state = "finished"
        return OK, _done(OK, report.id, list(report.files)), report.id

    def _retract(self, body: bytes) -> tuple[int, bytes, int | None]:
        report_id = _form_id(body)
        report, refused = self._open(report_id)
        if refused is not None or report is None:
            code = refused or NOT_OPEN
            return code, _response(code, "report not open", report_id), report_id
        report.state = "retracted"
        return OK, _response(OK, "", report.id), report.id


def _form_id(body: bytes) -> int | None:
    values = parse_qs(body.decode()).get("id")
    return int(values[0]) if values else None


def _multipart(body: bytes, content_type: str) -> dict[str, tuple[str | None, bytes]]:
    """The form's fields by name: (file name, bytes)."""
    message = BytesParser(policy=HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + body
    )
    fields: dict[str, tuple[str | None, bytes]] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        if isinstance(name, str) and isinstance(payload, bytes):
            fields[name] = (part.get_filename(), payload)
    return fields
