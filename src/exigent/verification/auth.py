"""Reading an Authentication-Results header (RFC 8601) the way receiving servers really write it.

Gmail writes a standard header with an authserv-id first; Microsoft 365 leaves the id out and
adds non-standard pieces (`action=none`, `compauth=pass reason=100`); others fold lines or
repeat methods. A lenient method-by-method reading handles every shape and is what normally
answers; `authres` (a full RFC 8601 parser, about 2.5 ms a header, more than the rest of an
assessment) is consulted only when the lenient reading finds nothing or finds one method
reported twice with different verdicts, where the grammar decides which result is which.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field

import authres

METHODS = ("spf", "dkim", "dmarc", "compauth", "arc")
_RESULT = re.compile(r"\b(spf|dkim|dmarc|compauth|arc)\s*=\s*([a-z]+)", re.IGNORECASE)
_IPV4 = re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}\b")
_IPV6 = re.compile(r"\b(?:[0-9a-f]{1,4}:){2,7}[0-9a-f]{0,4}\b", re.IGNORECASE)
_HEADER_FROM = re.compile(r"header\.from\s*=\s*([^\s;()]+)", re.IGNORECASE)
_MAILFROM = re.compile(r"smtp\.mailfrom\s*=\s*([^\s;()]+)", re.IGNORECASE)
# Results that mean "this message is not what it claims", as opposed to "nothing to check".
FAILING = frozenset({"fail", "softfail", "permerror"})
WEAK = frozenset({"none", "neutral", "temperror", "policy"})


@dataclass(frozen=True, slots=True)
class AuthResults:
    """The verdict of each authentication method, plus what the header says about the sender."""

    results: dict[str, str] = field(default_factory=dict)
    sender_ip: str | None = None
    header_from: str | None = None
    mail_from_domain: str | None = None
    parsed_strictly: bool = False

    def result(self, method: str) -> str | None:
        return self.results.get(method)

    def failing(self) -> list[str]:
        """Methods whose result says the message failed authentication."""
        return [m for m in METHODS if self.results.get(m) in FAILING]


def _strict(header: str) -> dict[str, str] | None:
    for candidate in (header, f"unknown; {header}"):
        try:
            parsed = authres.AuthenticationResultsHeader.parse_value(candidate)
        except Exception:  # authres raises its own SyntaxError and others on odd shapes
            continue
        found: dict[str, str] = {}
        for result in parsed.results:
            method = str(result.method).lower()
            # A message may carry several signatures: one failing DKIM among passes is normal.
            if method not in found or found[method] != "pass":
                found[method] = str(result.result).lower()
        if found:
            return found
    return None


def _lenient(header: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for method, result in _RESULT.findall(header):
        method, result = method.lower(), result.lower()
        if method not in found or found[method] != "pass":
            found[method] = result
    return found


def _ambiguous(header: str) -> bool:
    verdicts: dict[str, set[str]] = {}
    for method, result in _RESULT.findall(header):
        verdicts.setdefault(method.lower(), set()).add(result.lower())
    return any(len(found) > 1 for found in verdicts.values())


def _first_ip(header: str) -> str | None:
    for pattern in (_IPV4, _IPV6):
        for match in pattern.findall(header):
            try:
                return str(ipaddress.ip_address(match))
            except ValueError:
                continue
    return None


def _domain_of(value: str | None) -> str | None:
    if not value:
        return None
    return value.rpartition("@")[2].strip(".").lower() or None


def parse_authentication_results(header: str | None) -> AuthResults:
    """Parse the header; an empty or unreadable one gives no results rather than an error."""
    if not header or not header.strip():
        return AuthResults()
    unfolded = " ".join(header.split())
    results = _lenient(unfolded)
    strict = _strict(unfolded) if not results or _ambiguous(unfolded) else None
    if strict is not None:
        results = strict
    from_match = _HEADER_FROM.search(unfolded)
    mailfrom_match = _MAILFROM.search(unfolded)
    return AuthResults(
        results=results,
        sender_ip=_first_ip(unfolded),
        header_from=_domain_of(from_match.group(1)) if from_match else None,
        mail_from_domain=_domain_of(mailfrom_match.group(1)) if mailfrom_match else None,
        parsed_strictly=strict is not None,
    )
