"""What each CyberTipline answer means for the filing: done, try again, start over, or stop.

NCMEC answers every call with a `responseCode` (0 is success; its documentation defines the
others). The codes Exigent acts on are classed here, in one place, and `docs/ncmec.md`
explains each class; a code not listed stops the filing for a person to read, because
guessing that an unknown error may pass could file nothing while the case looks in hand.
"""

from __future__ import annotations

from enum import StrEnum


class Verdict(StrEnum):
    ok = "ok"
    # It may pass: the same call again later, with backoff (NCMEC's server, timeouts, 5xx).
    retry = "retry"
    # The open report is no longer open at NCMEC (it expired before it was finished): open a
    # new one and send everything again; the old id is kept on the filing.
    expired = "expired"
    # NCMEC already holds the report as finished: a finish sent before a crash went through.
    already_finished = "already_finished"
    # Nothing sent again will change the answer (credentials, a rejected document or file).
    final = "final"


SUCCESS = 0
SERVER_ERROR = 1000
UNAVAILABLE = 1001
NOT_AUTHORIZED = 1100
DOCUMENT_REJECTED = 2000
REPORT_NOT_OPEN = 2100
REPORT_FINISHED = 2101
REPORT_RETRACTED = 2102
FILE_REJECTED = 2200

CODES: dict[int, tuple[Verdict, str]] = {
    SUCCESS: (Verdict.ok, "accepted"),
    SERVER_ERROR: (Verdict.retry, "NCMEC's server failed"),
    UNAVAILABLE: (Verdict.retry, "NCMEC's service is unavailable for now"),
    NOT_AUTHORIZED: (Verdict.final, "NCMEC did not accept the reporting credentials"),
    DOCUMENT_REJECTED: (Verdict.final, "NCMEC rejected the document"),
    REPORT_NOT_OPEN: (Verdict.expired, "the report is no longer open at NCMEC (expired)"),
    REPORT_FINISHED: (Verdict.already_finished, "NCMEC already holds the report as finished"),
    REPORT_RETRACTED: (Verdict.final, "the report was retracted at NCMEC"),
    FILE_REJECTED: (Verdict.final, "NCMEC rejected the file"),
}


def verdict(code: int) -> tuple[Verdict, str]:
    """The class of `code` and what it means in words."""
    return CODES.get(
        code, (Verdict.final, f"NCMEC answered with code {code}, not one Exigent knows")
    )
