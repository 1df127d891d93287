"""Signals about how the requester can be called back: numbers, supervisor, redirections."""

from __future__ import annotations

import re
from functools import lru_cache

import phonenumbers
from phonenumbers import PhoneNumberType

from exigent.verification.context import US_TERRITORIES, Context, Finding
from exigent.verification.places import STATE_CODES, US_STATES, nanp_description, nanp_places

# An impostor wants the callback to reach them, not the agency's switchboard.
_REDIRECT = re.compile(
    r"only (?:on|at|via) my (?:cell|mobile|personal)|reach me only|call me (?:directly )?(?:on|at) "
    r"(?:my )?(?:cell|mobile)|do not call the (?:main|desk|station|office|dispatch)|"
    r"(?:desk|main|office) (?:line|number) is not (?:monitored|staffed)|"
    r"don't call the (?:main|desk|station|office)|\((?:mobile|cell)\)"
)
# Heads of an agency have nobody above them to confirm the request.
_HEAD_TITLES = re.compile(
    r"\bchief\b|\bsheriff\b|marshal|director|commissioner|"
    r"superintendent|constable\b|commander|colonel|undersheriff|captain"
)
_DEPUTY_TITLE = re.compile(r"^(?:deputy sheriff|deputy|sheriff'?s deputy)$")


def load_places() -> None:
    """Load the numbering plan's places now, so that the first number looked up is not the
    one that waits for them."""
    nanp_places()


@lru_cache(maxsize=16_384)
def phone_region(number: str) -> tuple[str | None, str | None, bool]:
    """(country, US state, mobile) for an E.164 number, from offline numbering data."""
    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        return None, None, False
    country = phonenumbers.region_code_for_number(parsed)
    mobile = phonenumbers.number_type(parsed) == PhoneNumberType.MOBILE
    if country not in US_TERRITORIES:
        return country, None, mobile
    description = nanp_description(parsed)
    state = US_STATES.get(description)
    if state is None and ", " in description:
        tail = description.rsplit(", ", 1)[1]
        state = tail if tail in STATE_CODES else None
    return country, state, mobile


# Numbers not tied to a place: anyone can get one online in minutes, and an area code says
# nothing of where they ring. Corporate access numbers (UAN, shared-cost, like +31 88) are
# left out: large bodies, police forces among them, put their switchboards on them.
_NON_GEOGRAPHIC = {
    PhoneNumberType.VOIP: "an internet (VoIP) number",
    PhoneNumberType.TOLL_FREE: "a toll-free number",
    PhoneNumberType.PERSONAL_NUMBER: "a personal follow-me number",
    PhoneNumberType.PREMIUM_RATE: "a premium-rate number",
    PhoneNumberType.PAGER: "a pager number",
}


@lru_cache(maxsize=16_384)
def normalised_number(number: str) -> str:
    """The number in E.164 form, or as written when it does not parse."""
    try:
        parsed = phonenumbers.parse(number, "US")
    except phonenumbers.NumberParseException:
        return number.strip()
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


@lru_cache(maxsize=16_384)
def non_geographic_kind(number: str) -> str | None:
    """What kind of placeless number this is (VoIP, toll-free...), or None."""
    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        return None
    return _NON_GEOGRAPHIC.get(phonenumbers.number_type(parsed))


def callback_signals(ctx: Context) -> list[Finding]:
    """Numbers that do not fit the agency and narratives that steer the callback."""
    findings: list[Finding] = []
    requester = ctx.record.requester
    if requester.phone:
        findings += _place_findings(
            ctx, requester.phone, "callback number", "callback_region_mismatch"
        )
    if requester.supervisor_phone:
        if requester.phone and normalised_number(requester.supervisor_phone) == normalised_number(
            requester.phone
        ):
            findings.append(
                Finding(
                    "supervisor_same_number",
                    "the supervisor's number is the requester's own number",
                )
            )
        else:
            findings += _place_findings(
                ctx, requester.supervisor_phone, "supervisor's number", "supervisor_region_mismatch"
            )
    redirect = _REDIRECT.search(ctx.narrative)
    if redirect:
        findings.append(
            Finding(
                "callback_redirect",
                f"asks to be called only on a personal number ('{redirect.group(0)}')",
            )
        )
    findings += _non_geographic_findings(ctx)
    findings += _mobile_findings(ctx)
    findings += supervisor_signals(ctx)
    return findings


def _non_geographic_findings(ctx: Context) -> list[Finding]:
    requester = ctx.record.requester
    numbers = (
        ("callback number", requester.phone),
        ("supervisor's number", requester.supervisor_phone),
    )
    for what, number in numbers:
        kind = non_geographic_kind(number) if number else None
        if kind is not None:
            return [
                Finding(
                    "callback_non_geographic",
                    f"the {what} {number} is {kind}, not a line at the agency's premises",
                )
            ]
    return []


def _place_findings(ctx: Context, number: str, what: str, code: str) -> list[Finding]:
    country, state, _ = phone_region(number)
    if country is None:
        return [Finding(code, f"the {what} {number} is not a valid phone number")]
    if ctx.is_us:
        if country not in US_TERRITORIES:
            return [Finding(code, f"the {what} {number} is in {country}, the agency is in the US")]
        if state and ctx.state and state != ctx.state:
            return [
                Finding(
                    code, f"the {what} {number} is a {state} number, the agency is in {ctx.state}"
                )
            ]
        return []
    if country != ctx.country:
        return [
            Finding(code, f"the {what} {number} is in {country}, the agency is in {ctx.country}")
        ]
    return []


def _mobile_findings(ctx: Context) -> list[Finding]:
    requester = ctx.record.requester
    if not requester.phone:
        return []
    _, _, mobile = phone_region(requester.phone)
    supervisor_mobile = (
        bool(requester.supervisor_phone) and phone_region(requester.supervisor_phone or "")[2]
    )
    if mobile and (not requester.supervisor_phone or supervisor_mobile):
        return [
            Finding(
                "mobile_only_contact",
                "every number given is a mobile: no agency landline to call back",
            )
        ]
    return []


# Words that name a rank, a post or a shift rather than a person: "Sgt. on duty", "Watch
# commander", "On-call supervisor" give nobody the platform could ask for by name.
_ROLE_WORDS = frozenset(
    [
        "sgt",
        "sergeant",
        "lt",
        "lieutenant",
        "capt",
        "captain",
        "cmdr",
        "commander",
        "chief",
        "supervisor",
        "supervising",
        "shift",
        "on",
        "call",
        "oncall",
        "duty",
        "watch",
        "desk",
        "officer",
        "the",
        "of",
        "acting",
        "deputy",
        "sheriff",
        "inspector",
        "detective",
        "det",
        "corporal",
        "cpl",
        "major",
        "undersheriff",
        "superintendent",
        "supt",
        "sr",
        "sergeant-on-duty",
        "in",
        "charge",
        "my",
        "our",
        "unit",
        "division",
        "night",
        "day",
        "evening",
        "patrol",
        "lead",
        "senior",
    ]
)
_PLACEHOLDERS = frozenset(
    [
        "n/a",
        "na",
        "n.a.",
        "tbd",
        "tba",
        "none",
        "unknown",
        "pending",
        "same",
        "self",
        "nil",
        "null",
        "-",
        "--",
        "x",
        "xx",
        "?",
        "see",
        "above",
    ]
)
_NAME_WORD = re.compile(r"[a-z][a-z'.]*")


def _not_a_person(supervisor: str | None, requester: str | None) -> str | None:
    """Why a supervisor field names nobody (a placeholder, a role, the requester), or None."""
    text = (supervisor or "").strip().lower()
    if not text:
        return None
    if text in _PLACEHOLDERS or text.strip(".") in _PLACEHOLDERS:
        return "is a placeholder"
    words = [w.strip(".") for w in _NAME_WORD.findall(text)]
    if words and not [w for w in words if w not in _ROLE_WORDS and w not in _PLACEHOLDERS]:
        return "names a role, not a person"
    if requester and " ".join(words) == " ".join(
        w.strip(".") for w in _NAME_WORD.findall(requester.lower())
    ):
        return "is the requester themself"
    return None


def supervisor_signals(ctx: Context) -> list[Finding]:
    """A supervisor to confirm the request, unless the requester heads the agency."""
    requester = ctx.record.requester
    title = (requester.title or "").lower()
    is_head = bool(_HEAD_TITLES.search(title)) and not _DEPUTY_TITLE.search(title)
    not_a_person = _not_a_person(requester.supervisor_name, requester.name)
    if not_a_person and not is_head:
        return [
            Finding(
                "supervisor_missing",
                f"the supervisor given, '{requester.supervisor_name}', {not_a_person}: "
                f"nobody to confirm the request with",
            )
        ]
    if requester.supervisor_name and requester.supervisor_name.strip():
        if not requester.supervisor_phone:
            return [
                Finding(
                    "supervisor_phone_missing",
                    "a supervisor is named but no number to confirm with them",
                )
            ]
        return []
    if is_head:
        return []
    return [
        Finding(
            "supervisor_missing",
            f"no supervisor named to confirm the request (requester: "
            f"{requester.title or 'no title'})",
        )
    ]
