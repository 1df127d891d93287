"""Signals in what the request says: legal citations, threats, thin facts, scope."""

from __future__ import annotations

import re

from exigent.cases.schemas import DataCategory, EmergencyNature, RequestKind
from exigent.verification.coercion import pressures
from exigent.verification.context import Context, Finding
from exigent.verification.specificity import specificity

# An emergency disclosure is voluntary (2702(b)(8), 2702(c)(4)); these instruments compel
# disclosure through a court and have no place in an EDR.
_COMPULSORY_CITATION = re.compile(
    r"2703|2705|subpoena|court order|search warrant|\bwarrant\b|grand jury|patriot act|"
    r"section 215|2518|312[1-7]"
)
_COMPULSION_CLAIM = re.compile(
    r"\bcompels?\b|requires production|\brequired to (?:disclose|provide|produce)|"
    r"\bobliged\b|\bobligated\b|\bmandatory\b|legally required|you must (?:disclose|provide)|"
    r"requires your (?:immediate )?(?:cooperation|compliance)"
)
_MLAT_WORDING = re.compile(
    r"\bmlat\b|mutual legal assistance|\btreaty\b|letters? rogatory|requesting (?:state|authority)"
)
_US_STATUTE = re.compile(
    r"u\.?\s?s\.?\s?c\b|united states code|cloud act|patriot act|stored communications act|"
    r"\b(?:us|u\.s\.|united states) (?:federal )?(?:law|statute)"
)
_WITHHELD = re.compile(
    r"(?:cannot|can ?not|could not|are unable to|is unable to|not able to|will not) "
    r"(?:be )?(?:disclosed?|shared?|discussed?|released?|revealed?|provided?|given)|"
    r"(?:details|facts|specifics|circumstances) (?:are |remain )?(?:withheld|classified|"
    r"confidential|restricted|sensitive)|for (?:operational|security) reasons"
)

THIN_DETAILS = 3
VERY_THIN_DETAILS = 1
EMERGENCY_WINDOW_DAYS = 31
YEARS_WINDOW_DAYS = 365
MANY_TARGETS = 3
VERY_MANY_TARGETS = 5
# Natures where the person at risk is the account holder: their location and subscriber data
# help; years of their content or their social graph do not.
_SELF_NATURES = frozenset({EmergencyNature.suicide_self_harm, EmergencyNature.other_life_threat})
_BROAD = frozenset({DataCategory.content, DataCategory.connections, DataCategory.message_metadata})


def legal_signals(ctx: Context) -> list[Finding]:
    """Citations that do not fit the request's kind or country."""
    findings: list[Finding] = []
    authority = (ctx.record.legal_authority or "").lower()
    emergency = ctx.record.emergency
    why = (emergency.why_no_legal_process or "").lower() if emergency else ""
    if ctx.record.kind is RequestKind.emergency and _COMPULSORY_CITATION.search(authority):
        findings.append(
            Finding(
                "citation_compulsory_process",
                f"an emergency request citing compulsory process: '{ctx.record.legal_authority}'",
            )
        )
    if ctx.record.kind is RequestKind.emergency and _COMPULSION_CLAIM.search(why + " " + authority):
        findings.append(
            Finding(
                "citation_claims_compulsion",
                "claims the platform is compelled to disclose, but emergency "
                "disclosure is voluntary",
            )
        )
    if ctx.is_us and _MLAT_WORDING.search(authority + " " + why):
        findings.append(
            Finding(
                "citation_mlat_on_domestic", "treaty (MLAT) wording on a request from a US agency"
            )
        )
    # A foreign force acts under its own law; it may acknowledge that a US provider discloses
    # voluntarily under 2702, but citing US law as its authority, or as compelling, is wrong.
    us_law_as_authority = _US_STATUTE.search(authority) or (
        _US_STATUTE.search(why) and _COMPULSION_CLAIM.search(why)
    )
    if not ctx.is_us and us_law_as_authority:
        findings.append(
            Finding(
                "citation_us_law_foreign",
                f"an agency in {ctx.country} invoking US statute: "
                f"'{ctx.record.legal_authority or why}'",
            )
        )
    return findings


_PRESSURE_CODES = {
    "legal consequences": "threatening_language",
    "blame for harm": "threatening_blame",
    "escalation": "threatening_escalation",
    "deadline": "threatening_deadline",
}


def pressure_signals(ctx: Context) -> list[Finding]:
    """Threats and deadlines, which weigh more when the facts behind them are thin."""
    findings = [
        Finding(
            _PRESSURE_CODES[pressure.category],
            f"{pressure.category} aimed at the provider: '{', '.join(pressure.words)}'",
        )
        for pressure in pressures(ctx.narrative)
    ]
    if _WITHHELD.search(ctx.narrative):
        findings.append(Finding("facts_withheld", "says the facts cannot be disclosed"))
    return findings


def facts_signals(ctx: Context) -> list[Finding]:
    """Facts too thin for the stated emergency: few kinds of concrete detail, or more urgency
    words than details."""
    emergency = ctx.record.emergency
    if ctx.record.kind is not RequestKind.emergency or emergency is None:
        return []
    facts = emergency.facts or ""
    measured = specificity(facts + " " + (emergency.persons_at_risk or ""))
    nature = emergency.nature.value.replace("_", " ") if emergency.nature else "emergency"
    found = ", ".join(sorted(measured.kinds)) or "none"
    summary = (
        f"{len(facts.split())} words, {measured.content_words} distinct content words, "
        f"{measured.urgency_words} urgency words; details: {found}"
    )
    if measured.score <= VERY_THIN_DETAILS:
        return [
            Finding(
                "facts_very_thin",
                f"the {nature} is described with almost no concrete detail ({summary})",
            )
        ]
    if measured.score <= THIN_DETAILS or (
        measured.mostly_urgency and len(measured.kinds) <= THIN_DETAILS + 1
    ):
        return [Finding("facts_thin", f"few concrete details for a {nature} ({summary})")]
    return []


def scope_signals(ctx: Context) -> list[Finding]:
    """Requests broader than an emergency needs: long ranges, broad data, many targets."""
    findings: list[Finding] = []
    record = ctx.record
    if record.kind is not RequestKind.emergency:
        return findings
    findings += _date_range_findings(ctx)
    nature = record.emergency.nature if record.emergency else None
    broad = sorted(category.value for category in _BROAD.intersection(record.data_requested))
    if nature in _SELF_NATURES and broad and DataCategory.content in record.data_requested:
        findings.append(
            Finding(
                "scope_broad_categories",
                f"asks for {', '.join(broad)} to find a person at risk, where "
                f"location and subscriber data are what help",
            )
        )
    count = len(record.targets)
    if count >= VERY_MANY_TARGETS:
        findings.append(Finding("scope_many_targets", f"{count} target accounts in one emergency"))
    elif count >= MANY_TARGETS:
        findings.append(Finding("scope_several_targets", f"{count} target accounts"))
    findings += _unexplained_target_findings(ctx)
    return findings


def _date_range_findings(ctx: Context) -> list[Finding]:
    span = ctx.record.date_range
    if span is None or span.start is None or span.end is None:
        return []
    days = (span.end - span.start).days
    if days > YEARS_WINDOW_DAYS:
        return [
            Finding(
                "scope_date_range_years",
                f"asks for {days} days of data ({span.start} to {span.end}) for an "
                f"emergency happening now",
            )
        ]
    if days > EMERGENCY_WINDOW_DAYS:
        return [Finding("scope_date_range_long", f"asks for {days} days of data")]
    return []


def _unexplained_target_findings(ctx: Context) -> list[Finding]:
    # A target nobody mentions in the narrative is somebody the emergency does not explain,
    # and asking for their location is how a stalker would use an EDR.
    if len(ctx.record.targets) < 2:
        return []
    text = ctx.narrative
    unexplained = [t.value for t in ctx.record.targets if t.value.lstrip("@").lower() not in text]
    if len(unexplained) < 2:
        return []
    wants_location = DataCategory.location in ctx.record.data_requested
    what = "including their location" if wants_location else "with no reason given"
    return [
        Finding(
            "scope_unexplained_targets",
            f"{len(unexplained)} targets never mentioned in the facts, {what}: "
            f"{', '.join(unexplained[:3])}",
        )
    ]
