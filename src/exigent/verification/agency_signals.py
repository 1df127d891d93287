"""Signals about the agency a request claims to come from: does it exist, and is the mail
domain one it (or the government it belongs to) would use."""

from __future__ import annotations

from exigent.verification.agency_names import (
    AgencyName,
    ListedAgency,
    parse_agency_name,
    same_agency,
)
from exigent.verification.context import Context, Finding
from exigent.verification.directory_index import AgencyRef
from exigent.verification.domains import split_host
from exigent.verification.places import STATE_NAMES

# FBI agency kinds that are arms of a state, which may write from the state's own domain.
STATE_AGENCY_TYPES = frozenset({"State Police", "Other State Agency", "University or College"})
# Governments (not police agencies) whose domain their police or sheriff may use.
GENERAL_GOVERNMENT_KINDS = ("City", "County", "Tribal", "Special district", "local", "county")
STATE_GOVERNMENT_KINDS = ("State or territory", "state")


def agency_signals(ctx: Context) -> list[Finding]:
    """Whether the claimed agency is a real one: the FBI list for US agencies, the country's
    official domains for agencies abroad."""
    name = (ctx.record.requester.agency_name or "").strip()
    if not name:
        return []
    if not ctx.is_us:
        return _foreign_agency_findings(ctx)
    if not ctx.state or _federal_domain(ctx):
        # The FBI list is of state and local agencies: a federal office writing from its
        # department's .gov domain is known by that domain, not by the list.
        return []
    match = ctx.directory.listed_agency(name, ctx.state)
    if match is not None:
        agency, near = match
        spelled = f", listed as '{agency.name}'" if near or agency.name != name else ""
        where = (
            f"the FBI agency list: ORI {agency.ori}"
            if agency.ori
            else "the Police Data Accessibility Project directory (no FBI ORI)"
        )
        return [Finding("agency_listed", f"{name} ({ctx.state}) is in {where}{spelled}")]
    if ctx.directory.agency_known(name, ctx.state):
        return [
            Finding(
                "agency_listed",
                f"{name} ({ctx.state}) is in the Police Data Accessibility Project directory "
                f"(no FBI ORI)",
            )
        ]
    parsed = parse_agency_name(name)
    return [
        Finding(
            "agency_not_listed",
            f"no agency in {ctx.state} matches '{name}' in the FBI or PDAP agency lists "
            f"(looked for the place '{parsed.place or name}', "
            f"{'role ' + parsed.role if parsed.role else 'any role'})",
        )
    ]


def _federal_domain(ctx: Context) -> bool:
    facts = ctx.domain_facts
    return facts is not None and any(
        ref.source == "dotgov" and ref.state is None for ref in facts.agencies
    )


def _foreign_agency_findings(ctx: Context) -> list[Finding]:
    # Abroad the FBI list says nothing; each country's own domain rules do (police.uk,
    # politie.nl, gouv.fr): a domain under them for an agency of that country is official.
    facts = ctx.domain_facts
    if facts is None:
        return []
    if facts.foreign_country == ctx.country:
        return [
            Finding(
                "foreign_official_domain",
                f"{ctx.domain} is an official domain of {facts.foreign_agency} ({ctx.country})",
            )
        ]
    if facts.foreign_government_suffix == ctx.country:
        suffix = split_host(facts.domain).suffix
        return [
            Finding(
                "foreign_official_domain",
                f"{ctx.domain} is under .{suffix}, which only {ctx.country}'s government registers",
            )
        ]
    return []


def claimed_agency_known(ctx: Context) -> bool:
    """Whether a directory knows the claimed agency (by FBI list or PDAP)."""
    name = ctx.record.requester.agency_name
    if not ctx.is_us or not name or not ctx.state:
        return False
    return ctx.directory.listed_agency(name, ctx.state) is not None or ctx.directory.agency_known(
        name, ctx.state
    )


def label_names_place(ctx: Context) -> str | None:
    """The claimed agency's place as it appears in the domain's registered label
    (`capecarteret` in townofcapecarteret.org), if it does."""
    name = ctx.record.requester.agency_name
    if not name or ctx.domain is None:
        return None
    place = parse_agency_name(name).compact
    label = split_host(ctx.domain).label.replace("-", "")
    # Four letters or more: "erie" in a label is a place, "ely" could be anything.
    if len(place) >= 4 and place in label:
        return place
    return None


def serves_claimed_agency(ctx: Context, refs: tuple[AgencyRef, ...]) -> bool:
    """Whether a listed domain is the claimed agency's own, or its government's: a city or
    county domain used by its police or sheriff, a state domain used by a state body."""
    name = ctx.record.requester.agency_name or ""
    claimed = parse_agency_name(name)
    if any(same_agency(name, ref.name) for ref in refs):
        return True
    if label_names_place(ctx) is not None:
        return True
    for ref in refs:
        if ref.kind.startswith(GENERAL_GOVERNMENT_KINDS) and _same_place(claimed, ref.name):
            return True
        if ref.kind.startswith(STATE_GOVERNMENT_KINDS) and _is_state_body(ctx, claimed):
            return True
    return False


def _same_place(claimed: AgencyName, government: str) -> bool:
    # "City of Winthrop" is the government of "Winthrop Police Department".
    # Whole words only: Lee is not Leesburg.
    core = claimed.core
    return bool(core) and f" {core} " in f" {parse_agency_name(government).place} "


def _is_state_body(ctx: Context, claimed: AgencyName) -> bool:
    listed: tuple[ListedAgency, bool] | None = ctx.directory.listed_agency(
        ctx.record.requester.agency_name, ctx.state
    )
    if listed is not None and listed[0].agency_type in STATE_AGENCY_TYPES:
        return True
    state_name = STATE_NAMES.get(ctx.state or "", "").lower()
    if state_name and state_name in claimed.place:
        return True
    return "state" in claimed.place.split()
