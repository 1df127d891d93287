"""Reading a law-enforcement email into an intake record, without ever raising.

What the message states is filled in; what it does not (data requested, dates, legal
authority) is left for the analyst. Problems are collected, not thrown: a message we cannot
read still becomes a case for a person to look at.
"""

from __future__ import annotations

import html
import ipaddress
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.utils import getaddresses, parsedate_to_datetime
from typing import Any

import phonenumbers

from exigent.cases.eu_certificate import (
    CONTENT_KINDS,
    EU_MEMBER_STATES,
    JUSTICE_KINDS,
    NOT_BOUND_BY_JUSTICE_MEASURES,
)
from exigent.cases.schemas import EU_ORDER_KINDS

MAX_BODY = 20_000
SHORT = 500

_KINDS = (
    # Orders from EU authorities first: a European Preservation Order also says "preservation".
    ("eu_removal_order", re.compile(r"2021/784|removal order|terrorist content", re.I)),
    ("eu_preservation_order", re.compile(r"European Preservation Order|EPOC-PR", re.I)),
    ("eu_production_order", re.compile(r"European Production Order|\bEPOC\b|2023/1543", re.I)),
    ("dsa_information_order", re.compile(r"order to provide (?:specific )?information", re.I)),
    ("dsa_order_to_act", re.compile(r"order to act against|2022/2065", re.I)),
    ("search_warrant", re.compile(r"search warrant", re.I)),
    ("court_order", re.compile(r"court order|2703\s*\(d\)", re.I)),
    ("subpoena", re.compile(r"subpoena", re.I)),
    ("preservation", re.compile(r"preserv(?:e|ation)|2703\s*\(f\)", re.I)),
    (
        "emergency",
        re.compile(
            r"emergency|exigent|imminent|danger of death|serious (?:physical )?injury", re.I
        ),
    ),
)
_BRACKET_IP = re.compile(r"\[([0-9a-fA-F:.]+)\]")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_HANDLE = re.compile(r"(?:^|\s)@([A-Za-z0-9_.]{2,30})\b")
_USERNAME = re.compile(
    r"\b(?:username|user name|account|handle)\s*[:#]?\s*@?([A-Za-z0-9_.]{2,30})", re.I
)
_CASE = re.compile(
    r"\b(?:case|report|incident)\s*(?:no\.?|number|#)\s*[:#]?\s*([A-Z0-9][\w-]{2,40})", re.I
)
_AGENCY = re.compile(
    r"^[^\n]{0,80}\b(?:police|sheriff|constabulary|marshal|state patrol|bureau)\b[^\n]{0,80}$",
    re.I | re.M,
)
_TAGS = re.compile(r"<[^>]+>")


@dataclass
class Attachment:
    filename: str
    media_type: str
    content: bytes


@dataclass
class ParsedEmail:
    """The record the message supports, its attachments, and what could not be read."""

    record: dict[str, Any]
    attachments: list[Attachment] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    forwarded: bool = False


def parse_message(raw: bytes, *, now: datetime) -> ParsedEmail:
    """Parse an RFC 5322 message; every failure becomes a listed problem, never an exception."""
    problems: list[str] = []
    try:
        message = BytesParser(policy=policy.default).parsebytes(raw)
    except Exception as exc:  # the parser is lenient; this is a last resort
        return ParsedEmail(record=_empty(now), problems=[f"message could not be parsed: {exc}"])
    problems += [f"header defect: {type(d).__name__}" for d in getattr(message, "defects", [])]
    sender_name, sender = _address(message, "From", problems)
    reply_to = _header(message, "Reply-To", problems)
    body, forwarded = _body(message, problems)
    kind = _kind(_header(message, "Subject", problems) or "", body)
    record: dict[str, Any] = {
        "kind": kind,
        "received_via": "email",
        "received_at": _received_at(message, now, problems).isoformat(),
        "requester": _requester(sender_name, sender, body),
        "targets": _targets(body, sender),
        "email": {
            "from": _clip(_header(message, "From", problems)),
            "reply_to": _clip(reply_to),
            "authentication_results": _header(message, "Authentication-Results", problems),
            "received_ip": first_external_ip(message),
        },
    }
    case = _CASE.search(body)
    if case:
        record["case_number"] = case.group(1)
    if kind == "emergency":
        record["emergency"] = {"facts": body[:MAX_BODY] or None}
    if kind in EU_ORDER_KINDS:
        # What the mail itself says; staff confirm the certificate's fields from its PDF.
        record["eu_order"] = _eu_order(kind, sender, body)
    if not sender:
        problems.append("no sender address in From")
    return ParsedEmail(
        record=record,
        attachments=_attachments(message, problems),
        problems=problems,
        forwarded=forwarded,
    )


def _empty(now: datetime) -> dict[str, Any]:
    return {"kind": "other", "received_via": "email", "received_at": now.isoformat()}


def _clip(value: str | None, size: int = SHORT) -> str | None:
    return value[:size] if value else None


def _header(message: Message, name: str, problems: list[str]) -> str | None:
    try:
        value = message.get(name)
        return " ".join(str(value).replace("\x00", "").split()) if value is not None else None
    except Exception as exc:  # undecodable or malformed header: keep going without it
        problems.append(f"{name}: unreadable ({type(exc).__name__})")
        return None


def _address(message: Message, name: str, problems: list[str]) -> tuple[str | None, str | None]:
    raw = _header(message, name, problems)
    if not raw:
        return None, None
    try:
        pairs = getaddresses([raw])
    except Exception:
        pairs = []
    for display, address in pairs:
        if "@" in address:
            return (display or None), _idn_to_ascii(address.strip().lower(), problems)
    problems.append(f"{name}: no address in {raw[:80]!r}")
    return None, None


def _idn_to_ascii(address: str, problems: list[str]) -> str:
    local, _, domain = address.rpartition("@")
    try:
        return f"{local}@{domain.encode('idna').decode('ascii')}"
    except UnicodeError:
        problems.append(f"From: domain {domain!r} is not a valid international name")
        return address


def first_external_ip(message: Message) -> str | None:
    """The sending host's address as recorded by the first hop outside private networks."""
    try:
        received = message.get_all("Received") or []
    except Exception:
        return None
    for header in received:
        for candidate in _BRACKET_IP.findall(str(header)):
            try:
                address = ipaddress.ip_address(candidate.removeprefix("IPv6:"))
            except ValueError:
                continue
            if address.is_global:
                return str(address)
    return None


def _received_at(message: Message, now: datetime, problems: list[str]) -> datetime:
    value = _header(message, "Date", problems)
    if value:
        try:
            parsed = parsedate_to_datetime(value)
            if parsed.tzinfo is not None and parsed <= now:
                return parsed
        except (TypeError, ValueError, IndexError):
            problems.append(f"Date: unreadable ({value[:60]!r})")
    return now.astimezone(UTC)


def _body(message: Message, problems: list[str]) -> tuple[str, bool]:
    forwarded = False
    texts: list[str] = []
    try:
        for part in message.walk():
            if part.get_content_type() == "message/rfc822":
                forwarded = True
            if part.get_content_maintype() != "text" or part.get_filename():
                continue
            content = _text_of(part, problems)
            if part.get_content_subtype() == "html":
                content = html.unescape(_TAGS.sub(" ", content))
            texts.append(content)
    except Exception as exc:
        problems.append(f"body: unreadable ({type(exc).__name__})")
    # NUL has no place in a message body and PostgreSQL text refuses it.
    text = "\n".join(texts).replace("\x00", "")
    forwarded = forwarded or bool(re.search(r"^-+ ?Forwarded message", text, re.M))
    return text[:MAX_BODY], forwarded


def _text_of(part: Message, problems: list[str]) -> str:
    try:
        if isinstance(part, EmailMessage):
            return str(part.get_content())
    except (LookupError, UnicodeError, AssertionError):
        problems.append("body: unknown or wrong character set; decoded leniently")
    payload = part.get_payload(decode=True)
    return payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""


def _kind(subject: str, body: str) -> str:
    text = f"{subject}\n{body[:4000]}"
    for kind, pattern in _KINDS:
        if pattern.search(text):
            return kind
    return "other"


_URL = re.compile(r"https?://[^\s<>\"')]+", re.I)


def _eu_order(kind: str, sender: str | None, body: str) -> dict[str, Any]:
    """The certificate's fields a mail shows: the sender as the authority, its Member State
    from the sender's country domain, the content's addresses for an order on content."""
    order: dict[str, Any] = {}
    if sender:
        order["issuing_authority"] = {"email": sender}
        state = sender.rsplit(".", 1)[-1].upper()
        state = "GR" if state == "EL" else state
        justice = kind in JUSTICE_KINDS
        if state in EU_MEMBER_STATES and not (justice and state in NOT_BOUND_BY_JUSTICE_MEASURES):
            order["issuing_state"] = state
    if kind in CONTENT_KINDS:
        urls = list(dict.fromkeys(u.rstrip(".,;") for u in _URL.findall(body)))[:50]
        order["content"] = [{"locator": url[:2000]} for url in urls]
    return order


def _requester(name: str | None, email: str | None, body: str) -> dict[str, Any]:
    requester: dict[str, Any] = {"name": _clip(name), "email": _clip(email)}
    agency = _AGENCY.search(body[-3000:])
    if agency:
        requester["agency_name"] = _clip(agency.group(0).strip(" -,"))
    phones = _phones(body)
    if phones:
        requester["phone"] = phones[-1]  # signatures come last; recorded, never called back
    return requester


def _phones(text: str) -> list[str]:
    found = []
    for match in phonenumbers.PhoneNumberMatcher(text[:MAX_BODY], "US"):
        found.append(phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164))
    return list(dict.fromkeys(found))


def _targets(body: str, sender: str | None) -> list[dict[str, str]]:
    targets: list[dict[str, str]] = []
    for value in _USERNAME.findall(body) + _HANDLE.findall(body):
        targets.append({"identifier_type": "username", "value": value.strip(".")})
    for value in _EMAIL.findall(body):
        if value.lower() != (sender or "") and not _is_signature_address(value, sender):
            targets.append({"identifier_type": "email", "value": value})
    unique = {(t["identifier_type"], t["value"].lower()): t for t in targets}
    return list(unique.values())[:50]


def _is_signature_address(value: str, sender: str | None) -> bool:
    # Colleagues at the sender's own agency are people to contact, not accounts to look up.
    return bool(sender) and value.lower().rpartition("@")[2] == (sender or "").rpartition("@")[2]


def _attachments(message: Message, problems: list[str]) -> list[Attachment]:
    found: list[Attachment] = []
    try:
        for part in message.walk():
            filename = part.get_filename()
            if not filename or part.is_multipart():
                continue
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes):
                found.append(Attachment(filename[:SHORT], part.get_content_type(), payload))
    except Exception as exc:
        problems.append(f"attachments: unreadable ({type(exc).__name__})")
    return found
