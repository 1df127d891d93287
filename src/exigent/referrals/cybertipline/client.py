"""The CyberTipline reporting API over HTTP: open, upload, file details, finish, retract.

Each call answers an `Answer` and never raises for what NCMEC or the network does: a
timeout, a refused connection or a 5xx is `retry`, a `responseCode` is classed by `codes.py`.
Retrying is the filing's business (durable steps with backoff, `steps.py`), not this client's,
so a call here is always exactly one request.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import httpx
from pydantic import ValidationError
from pydantic_xml import BaseXmlModel
from pydantic_xml.errors import ParsingError

from exigent.config import Settings
from exigent.errors import ExigentError
from exigent.referrals.cybertipline.codes import Verdict, verdict
from exigent.referrals.cybertipline.report import ReportDoneResponse, ReportResponse

XML = "text/xml; charset=utf-8"


class NotConfigured(ExigentError):
    status_code = 503


@dataclass(frozen=True)
class Answer:
    verdict: Verdict
    # What happened, in words, for the case's timeline.
    detail: str
    code: int | None = None
    report_id: int | None = None
    file_id: str | None = None
    file_ids: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.verdict is Verdict.ok


class CyberTiplineClient:
    def __init__(self, settings: Settings) -> None:
        if not settings.ncmec_api_url:
            raise NotConfigured(
                "the CyberTipline is not configured: set EXIGENT_NCMEC_API_URL and its "
                "credentials (EXIGENT_NCMEC_USERNAME, EXIGENT_NCMEC_PASSWORD)"
            )
        password = settings.ncmec_password.get_secret_value() if settings.ncmec_password else ""
        self._http = httpx.Client(
            base_url=settings.ncmec_api_url.rstrip("/"),
            auth=httpx.BasicAuth(settings.ncmec_username or "", password),
            timeout=settings.ncmec_timeout_seconds,
        )

    def __enter__(self) -> CyberTiplineClient:
        return self

    def __exit__(self, *_: object) -> None:
        self._http.close()

    def submit(self, report_xml: bytes) -> Answer:
        """Open a report; its id comes back."""
        return self._post("/submit", ReportResponse, content=report_xml, headers=_xml())

    def upload(self, report_id: int, filename: str, data: bytes, media_type: str) -> Answer:
        """Add one file to an open report; its file id comes back."""
        return self._post(
            "/upload",
            ReportResponse,
            data={"id": str(report_id)},
            files={"file": (filename, data, media_type)},
        )

    def file_info(self, details_xml: bytes) -> Answer:
        """Describe an uploaded file (`fileDetails`)."""
        return self._post("/fileinfo", ReportResponse, content=details_xml, headers=_xml())

    def finish(self, report_id: int) -> Answer:
        """Close the report: from here on NCMEC holds it as filed."""
        return self._post("/finish", ReportDoneResponse, data={"id": str(report_id)})

    def retract(self, report_id: int) -> Answer:
        """Withdraw a report that is open and not finished."""
        return self._post("/retract", ReportResponse, data={"id": str(report_id)})

    def _post(self, path: str, answer_type: type[BaseXmlModel], **kwargs: object) -> Answer:
        try:
            response = self._http.post(path, **kwargs)  # type: ignore[arg-type]
        except httpx.TimeoutException:
            return Answer(Verdict.retry, f"{path}: no answer within the timeout")
        except httpx.TransportError as exc:
            return Answer(
                Verdict.retry,
                f"{path}: could not reach NCMEC at {self._http.base_url} ({type(exc).__name__})",
            )
        if response.status_code >= 500:
            return Answer(Verdict.retry, f"{path}: NCMEC answered HTTP {response.status_code}")
        if response.status_code in (401, 403):
            return Answer(
                Verdict.final,
                f"{path}: NCMEC refused the reporting credentials (HTTP {response.status_code})",
            )
        return _read(path, response, answer_type)


def _xml() -> dict[str, str]:
    return {"Content-Type": XML}


def _parsed(content: bytes, answer_type: type[BaseXmlModel]) -> BaseXmlModel | None:
    try:
        return answer_type.from_xml(content)
    except (ValidationError, ParsingError, ValueError, SyntaxError):
        return None


def _read(path: str, response: httpx.Response, answer_type: type[BaseXmlModel]) -> Answer:
    # An error may come back as a plain `reportResponse` even where a `reportDoneResponse`
    # is due (/finish): either is read.
    parsed = _parsed(response.content, answer_type) or _parsed(response.content, ReportResponse)
    if parsed is None:
        return Answer(
            Verdict.final,
            f"{path}: NCMEC's answer (HTTP {response.status_code}) could not be read",
        )
    code = int(parsed.response_code)  # type: ignore[attr-defined]
    kind, meaning = verdict(code)
    described = getattr(parsed, "description", "") or ""
    detail = f"{path}: {meaning}" + (f" ({described})" if described and code else "")
    if kind is Verdict.ok and response.status_code != 200:
        kind, detail = Verdict.final, f"{path}: NCMEC answered HTTP {response.status_code}"
    files = getattr(parsed, "files", None)
    return Answer(
        kind,
        detail,
        code=code,
        report_id=parsed.report_id,  # type: ignore[attr-defined]
        file_id=getattr(parsed, "file_id", None),
        file_ids=list(files.file_ids) if files is not None else [],
    )
