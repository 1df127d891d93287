"""Signals in what the request says: legal citations, threats, thin facts, scope."""

from __future__ import annotations

import re

from exigent.cases.schemas import DataCategory, EmergencyNature, RequestKind
from exigent.verification.citations import (
    COMPULSION_CLAIM,
    COMPULSORY_PROCESS,
    TREATY,
    US_STATUTE,
    asserted,
    cited,
)
from exigent.verification.coercion import pressures
from exigent.verification.context import Context, Finding
from exigent.verification.specificity import specificity
from exigent.verification.target_fit import (
    NamedTarget,
    Narrative,
    expected_targets,
    unexplained,
    unlinked_mix,
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
    cited_by = authority + "\n" + why
    if ctx.record.kind is RequestKind.emergency:
        process = cited(COMPULSORY_PROCESS, authority) or _attached(why)
        if process:
            findings.append(
                Finding(
                    "citation_compulsory_process",
                    f"an emergency request citing compulsory process ('{process}'): "
                    f"'{ctx.record.legal_authority or why}'",
                )
            )
        claim = cited(COMPULSION_CLAIM, cited_by)
        if claim:
            findings.append(
                Finding(
                    "citation_claims_compulsion",
                    f"claims the platform is compelled to disclose ('{claim}'), but emergency "
                    "disclosure is voluntary",
                )
            )
    treaty = cited(TREATY, cited_by)
    if ctx.is_us and treaty:
        findings.append(
            Finding(
                "citation_mlat_on_domestic",
                f"treaty wording ('{treaty}') on a request from a US agency",
            )
        )
    # A foreign force acts under its own law; it may acknowledge that a US provider discloses
    # voluntarily under 2702, but citing US law as its authority, or as compelling, is wrong.
    statute = cited(US_STATUTE, authority) or (
        cited(COMPULSION_CLAIM, why) and cited(US_STATUTE, why)
    )
    if not ctx.is_us and statute:
        findings.append(
            Finding(
                "citation_us_law_foreign",
                f"an agency in {ctx.country} invoking US statute ('{statute}'): "
                f"'{ctx.record.legal_authority or why}'",
            )
        )
    return findings


# In the explanation, process counts only when the request says it comes with it or acts
# under it ("the attached subpoena", "pursuant to the court order").
_ATTACHED = re.compile(
    r"(?:attached|enclosed|accompanying|pursuant to|per|under|issued|signed)"
    r"(?: [\w.()§-]+){0,3} ?$|"
    # "this warrant", "our court order": the instrument itself, not "at this hour a warrant".
    r"\b(?:this|our)(?: (?:signed|sealed|attached|state|federal))? ?$"
)


def _attached(why: str) -> str | None:
    """Compulsory process the explanation says the request comes with or acts under."""
    for match in COMPULSORY_PROCESS.finditer(why):
        before = why[max(0, match.start() - 50) : match.start()]
        if _ATTACHED.search(before) and asserted(why, match):
            return match.group(0)
    return None


# One of these is in every text the withholding pattern matches: checked first, as the
# pattern costs more (most genuine narratives say "not" somewhere, few say "cannot be").
_WITHHELD_HINTS = (
    "cannot",
    "can not",
    "could not",
    "unable to",
    "not able to",
    "will not",
    "withheld",
    "classified",
    "confidential",
    "restricted",
    "sensitive",
    "reasons",
)
_PRESSURE_CODES = {
    "legal consequences": "threatening_language",
    "blame for harm": "threatening_blame",
    "escalation": "threatening_escalation",
    "deadline": "threatening_deadline",
}


# Words of an agency's name that say what it is, not where: these keep their meaning.
_AGENCY_KIND_WORDS = frozenset(
    re.findall(
        r"\w+",
        "police department dept sheriff sheriffs office county city town village borough "
        "township of the and pd public safety state patrol division bureau marshal marshals "
        "constable force service",
    )
)


def _own_names(ctx: Context) -> frozenset[str]:
    """The distinctive words of the requester's own agency name (its town, usually)."""
    words = re.findall(r"[a-z]+", (ctx.record.requester.agency_name or "").lower())
    return frozenset(word for word in words if word not in _AGENCY_KIND_WORDS)


def pressure_signals(ctx: Context) -> list[Finding]:
    """Threats and deadlines, which weigh more when the facts behind them are thin."""
    findings = [
        Finding(
            _PRESSURE_CODES[pressure.category],
            f"{pressure.category} aimed at the provider: '{', '.join(pressure.words)}'",
        )
        for pressure in pressures(ctx.narrative, _own_names(ctx))
    ]
    text = ctx.narrative
    if any(word in text for word in _WITHHELD_HINTS) and _WITHHELD.search(text):
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
    targets = [NamedTarget(t.identifier_type, t.value) for t in ctx.record.targets]
    if len(targets) < 2:
        return []  # one account: it is the one the emergency is about
    missing = unexplained(Narrative(ctx.narrative), targets)
    findings: list[Finding] = []
    if len(targets) >= 2 and len(missing) >= 2:
        wants_location = DataCategory.location in ctx.record.data_requested
        what = "including their location" if wants_location else "with no reason given"
        findings.append(
            Finding(
                "scope_unexplained_targets",
                f"{len(missing)} targets never mentioned in the facts, {what}: "
                f"{', '.join(t.value for t in missing[:3])}",
            )
        )
    kinds = unlinked_mix(targets)
    if kinds and missing:
        findings.append(
            Finding(
                "scope_unlinked_targets",
                f"{len(targets)} targets of {len(kinds)} kinds ({', '.join(kinds)}) with no "
                f"name or number in common, {len(missing)} of them not in the facts",
            )
        )
    nature = ctx.record.emergency.nature if ctx.record.emergency else None
    expected = expected_targets(nature)
    if len(targets) > expected:
        what = nature.value.replace("_", " ") if nature else "emergency"
        findings.append(
            Finding(
                "scope_targets_beyond_nature",
                f"{len(targets)} targets for a {what}, which involves at most {expected} "
                f"people's accounts ({len(missing)} not in the facts)",
            )
        )
    return findings
