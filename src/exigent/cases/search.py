"""Finding a case by what people say on the phone: the EXG reference, the agency's own case
number, an account or other target identifier, or the requester's email or phone number.

Each kind of match is one indexed look-up, scoped to what the caller may read (`cases.scope`);
the results say which of them matched, so an analyst sees why a case came up.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import phonenumbers
from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.orm import Session

from exigent.auth.models import User
from exigent.cases.models import REFERENCE_PREFIX, Request, Requester, Target, parse_reference
from exigent.cases.queries import readable_requests
from exigent.db import MAX_ID

# More than this is not a search any more but a list: the queue's filters are for that.
MAX_FOUND = 50
# The longest text worth looking up: the longest identifier a case holds (a target's value).
MAX_SEARCH_LENGTH = 320


class MatchedBy(StrEnum):
    reference = "case reference"
    case_number = "agency case number"
    target = "target"
    requester_email = "requester email"
    requester_phone = "requester phone"


@dataclass(frozen=True)
class Found:
    case: Request
    matched_by: tuple[MatchedBy, ...]


def exact_reference(text: str) -> int | None:
    """The case a text names beyond doubt (`EXG-0001234`, `exg 1234`), for jumping straight
    to it. Bare digits are not enough: they may as well be an agency's case number or a phone."""
    spoken = text.strip().upper().replace(" ", "")
    if not spoken.startswith(REFERENCE_PREFIX.rstrip("-")):
        return None
    digits = spoken.removeprefix(REFERENCE_PREFIX.rstrip("-")).lstrip("-")
    if not (digits.isascii() and digits.isdigit()):
        return None
    number = int(digits)
    return number if 1 <= number <= MAX_ID else None


def find_cases(session: Session, user: User, text: str) -> list[Found]:
    """Cases `user` may read that `text` names, newest first, each with what matched."""
    text = text.strip()
    if not text or len(text) > MAX_SEARCH_LENGTH:
        return []
    matched: dict[int, list[MatchedBy]] = {}
    cases: dict[int, Request] = {}
    for how, statement in _lookups(user, text):
        for case in session.scalars(statement.limit(MAX_FOUND)):
            cases[case.id] = case
            matched.setdefault(case.id, []).append(how)
    newest_first = sorted(cases.values(), key=lambda c: (c.received_at, c.id), reverse=True)
    return [Found(case, tuple(matched[case.id])) for case in newest_first[:MAX_FOUND]]


def _lookups(user: User, text: str) -> list[tuple[MatchedBy, Select[Request]]]:
    scoped = readable_requests(user)
    spellings = _spellings(text)
    phone = _phone(text)
    lookups = [
        (MatchedBy.case_number, scoped.where(Request.case_number.in_(spellings))),
        (MatchedBy.target, scoped.where(_targeted(spellings | phone))),
    ]
    number = parse_reference(text)
    if number is not None and 1 <= number <= MAX_ID:
        lookups.insert(0, (MatchedBy.reference, scoped.where(Request.id == number)))
    if "@" in text.strip("@"):
        by_email = Requester.email == text.lower()
        lookups.append((MatchedBy.requester_email, scoped.where(_asked_by(by_email))))
    if phone:
        lookups.append(
            (MatchedBy.requester_phone, scoped.where(_asked_by(Requester.phone.in_(phone))))
        )
    return lookups


def _targeted(values: set[str]) -> ColumnElement[bool]:
    return Request.id.in_(select(Target.request_id).where(Target.value.in_(values)))


def _asked_by(condition: ColumnElement[bool]) -> ColumnElement[bool]:
    return Request.requester_id.in_(select(Requester.id).where(condition))


def _spellings(text: str) -> set[str]:
    """How the same identifier may have been typed: as said, in either case, with or without
    the `@` of a handle. Exact values keep every look-up on its index."""
    bare = text.lstrip("@")
    forms = {text, text.lower(), text.upper(), bare, bare.lower(), "@" + bare, "@" + bare.lower()}
    return {form for form in forms if form}


def _phone(text: str) -> set[str]:
    """The number in E.164, as intake stores it, when `text` reads as a phone number (US
    numbers may be said without the country code)."""
    if sum(ch.isdigit() for ch in text) < 7:
        return set()
    try:
        number = phonenumbers.parse(text, "US")
    except phonenumbers.NumberParseException:
        return set()
    if not phonenumbers.is_valid_number(number):
        return set()
    return {phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)}
