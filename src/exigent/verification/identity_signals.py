"""Signals about who sent the request: the mail domain, the mail headers, the sending host."""

from __future__ import annotations

import ipaddress

from exigent.cases.schemas import ReceivedVia
from exigent.verification.agency_signals import (
    claimed_agency_known,
    label_names_place,
    serves_claimed_agency,
)
from exigent.verification.context import Context, Finding
from exigent.verification.directory_index import DomainFacts
from exigent.verification.domains import domain_country, email_domain, split_host
from exigent.verification.lookalike import (
    Lookalike,
    LookalikeKind,
    domain_scripts,
    mixed_script_label,
)
from exigent.verification.scripts import native_scripts


def domain_signals(ctx: Context) -> list[Finding]:
    """Free-mail, unlisted, look-alike and mismatched agency domains."""
    facts = ctx.domain_facts
    if facts is None or ctx.domain is None:
        return []
    if facts.disposable:
        return [
            Finding(
                "disposable_mail_domain",
                f"{ctx.domain} is a throwaway-mailbox service (disposable-email-domains list)",
            )
        ]
    if facts.free_mail:
        return [
            Finding(
                "free_mail_domain", f"{ctx.domain} is a free-mail provider anyone can sign up to"
            )
        ]
    findings = idn_findings(ctx.domain, ctx.country)
    if facts.listed:
        return findings + _listed_domain_findings(ctx, facts)
    lookalike = _foreign_lookalike_excused(ctx, ctx.directory.lookalikes.match(ctx.domain))
    findings.append(_unlisted_finding(ctx))
    if lookalike is not None:
        findings += _lookalike_findings(ctx, lookalike)
    elif facts.foreign_government_suffix and facts.foreign_government_suffix != ctx.country:
        findings.append(
            Finding(
                "domain_country_mismatch",
                f"{ctx.domain} is a government domain of "
                f"{facts.foreign_government_suffix}, the agency is in "
                f"{ctx.country}",
            )
        )
    else:
        place = label_names_place(ctx)
        if place is not None:
            findings.append(
                Finding(
                    "domain_names_agency_place",
                    f"{ctx.domain} carries '{place}', the place "
                    f"{ctx.record.requester.agency_name} serves",
                )
            )
    return findings


def _unlisted_finding(ctx: Context) -> Finding:
    # An unknown domain of an agency that exists is often a small town's new website; of an
    # agency nobody lists, it is the impostor's own.
    if claimed_agency_known(ctx):
        return Finding(
            "domain_unlisted_known_agency",
            f"{ctx.domain} is in no agency directory, though "
            f"{ctx.record.requester.agency_name} ({ctx.state}) is a listed agency",
        )
    return Finding("domain_unlisted", f"{ctx.domain} is in no agency directory")


def _foreign_lookalike_excused(ctx: Context, lookalike: Lookalike | None) -> Lookalike | None:
    """No look-alike when an agency abroad writes from its own country's domain and the
    domains it resembles are all other countries' (politie.be is not an imitation of
    politie.nl, nor policia.gob.es of a US policia.com)."""
    if lookalike is None or ctx.is_us or ctx.domain is None:
        return lookalike
    facts = ctx.domain_facts
    if facts is not None and facts.foreign_government_suffix == ctx.country:
        return None  # only that country's government registers under gov.pl, gob.es, go.th
    if domain_country(ctx.domain) != ctx.country:
        return lookalike
    if any(_imitated_country(ctx, domain) == ctx.country for domain in lookalike.imitated):
        return lookalike
    return None


def _imitated_country(ctx: Context, domain: str) -> str | None:
    facts = ctx.directory.facts(domain)
    if facts.foreign_country:
        return facts.foreign_country
    return "US" if facts.agencies else domain_country(domain)


def idn_findings(domain: str, country: str) -> list[Finding]:
    """Internationalised labels, and labels that mix scripts (a Cyrillic letter among Latin
    ones), which no real name needs. A foreign force's domain in its own country's script (a
    Greek force's Greek letters, a Japanese one's kanji and kana) is neither."""
    if domain.isascii() and "xn--" not in domain:
        return []
    native = native_scripts(country)
    if native and domain_scripts(domain) <= native:
        return []
    findings = [
        Finding(
            "idn_domain",
            f"{domain} uses internationalised characters, which no agency in the directories does",
        )
    ]
    mixed = mixed_script_label(domain)
    if mixed is not None:
        label, scripts = mixed
        findings.append(
            Finding(
                "mixed_script_domain",
                f"the label '{label}' of {domain} mixes {' and '.join(scripts)} letters",
            )
        )
    return findings


def _lookalike_findings(ctx: Context, lookalike: Lookalike) -> list[Finding]:
    code = f"lookalike_{lookalike.kind.value}"
    findings = [Finding(code, f"{ctx.domain} looks like a known agency domain: {lookalike.how}")]
    own = set(ctx.directory.agency_domains(ctx.record.requester.agency_name, ctx.state))
    imitated_own = [domain for domain in lookalike.imitated if split_host(domain).registered in own]
    if imitated_own:
        findings.append(
            Finding(
                "lookalike_of_claimed_agency",
                f"imitates {imitated_own[0]}, the directory's domain for "
                f"{ctx.record.requester.agency_name}",
            )
        )
    elif lookalike.kind is not LookalikeKind.subdomain and ctx.state:
        states = {
            ref.state
            for d in lookalike.imitated
            for ref in ctx.directory.facts(d).agencies
            if ref.state
        }
        if states and ctx.state not in states:
            findings.append(
                Finding(
                    "lookalike_other_state",
                    f"imitates a domain of an agency in {', '.join(sorted(states))}"
                    f", not {ctx.state}",
                )
            )
    return findings


def _listed_domain_findings(ctx: Context, facts: DomainFacts) -> list[Finding]:
    if facts.foreign_country is not None:
        if facts.foreign_country != ctx.country:
            return [
                Finding(
                    "domain_country_mismatch",
                    f"{ctx.domain} belongs to {facts.foreign_agency} "
                    f"({facts.foreign_country}), the request says {ctx.country}",
                )
            ]
        return []
    if not ctx.is_us:
        return [
            Finding(
                "domain_country_mismatch",
                f"{ctx.domain} is a US agency domain, the request says {ctx.country}",
            )
        ]
    states = facts.states()
    # Federal and nationwide bodies have no state; a domain known only in other states is one
    # agency's mailbox being used to speak for another.
    if (
        ctx.state
        and states
        and ctx.state not in states
        and all(ref.state for ref in facts.agencies)
    ):
        owner = facts.agencies[0]
        return [
            Finding(
                "domain_agency_mismatch",
                f"{ctx.domain} belongs to {owner.name} ({owner.state}), the request "
                f"claims {ctx.record.requester.agency_name} ({ctx.state})",
            )
        ]
    return _other_agency_findings(ctx, facts)


def _other_agency_findings(ctx: Context, facts: DomainFacts) -> list[Finding]:
    # A real mailbox of one agency speaking for another in the same state: compromised or
    # borrowed. Federal and nationwide bodies (no state) may write for anyone.
    name = ctx.record.requester.agency_name
    if not name or not ctx.state or any(not ref.state for ref in facts.agencies):
        return []
    local = tuple(ref for ref in facts.agencies if ref.state == ctx.state)
    if not local or serves_claimed_agency(ctx, local):
        return []
    owners = ", ".join(sorted({ref.name for ref in local})[:3])
    return [
        Finding(
            "domain_other_agency",
            f"{ctx.domain} belongs to {owners} ({ctx.state}), not to {name}, nor is it "
            f"the domain of the government {name} belongs to",
        )
    ]


def email_signals(ctx: Context) -> list[Finding]:
    """Authentication results, From and Reply-To, and the sending host."""
    headers = ctx.record.email
    if headers is None:
        if ctx.record.received_via is ReceivedVia.email:
            return [
                Finding(
                    "email_headers_missing",
                    "arrived by email but no headers were kept to check the sender",
                )
            ]
        return []
    return [*_auth_findings(ctx), *_address_findings(ctx), *_ip_findings(ctx)]


def _auth_findings(ctx: Context) -> list[Finding]:
    auth = ctx.auth
    if not auth.results:
        if ctx.record.email and ctx.record.email.authentication_results:
            return [
                Finding(
                    "email_auth_unreadable",
                    "the Authentication-Results header has no SPF, DKIM or DMARC verdict",
                )
            ]
        return [Finding("email_auth_missing", "no Authentication-Results header was kept")]
    findings: list[Finding] = []
    for method in ("dmarc", "spf", "dkim"):
        result = auth.result(method)
        if result in ("fail", "softfail", "permerror"):
            findings.append(
                Finding(
                    f"email_{method}_failed",
                    f"{method.upper()}={result}: the receiving server could not "
                    f"confirm the message came from {auth.header_from or ctx.domain}",
                )
            )
    if not findings and auth.result("dmarc") in (None, "none") and auth.result("dkim") != "pass":
        findings.append(
            Finding(
                "email_auth_weak",
                "no DKIM signature and no DMARC result: the From address is "
                "not protected against forgery",
            )
        )
    return findings


def _address_findings(ctx: Context) -> list[Finding]:
    headers = ctx.record.email
    if headers is None:
        return []
    findings: list[Finding] = []
    from_domain = email_domain(headers.from_)
    if from_domain and ctx.domain and from_domain != ctx.domain:
        findings.append(
            Finding(
                "email_from_mismatch",
                f"the message came From {from_domain}, the requester's address is at {ctx.domain}",
            )
        )
    reply_domain = email_domain(headers.reply_to)
    sender_domain = from_domain or ctx.domain
    if reply_domain and sender_domain and not _same_organisation(reply_domain, sender_domain):
        reply_facts = ctx.directory.facts(reply_domain)
        free = reply_facts.free_mail or reply_facts.disposable
        kind = (
            " (a throwaway mailbox)"
            if reply_facts.disposable
            else (" (a free-mail provider)" if reply_facts.free_mail else "")
        )
        findings.append(
            Finding(
                "reply_to_free_mail" if free else "reply_to_other_domain",
                f"replies would go to {reply_domain}{kind}, not {sender_domain}",
            )
        )
    return findings


def _same_organisation(first: str, second: str) -> bool:
    return split_host(first).registered == split_host(second).registered


def _ip_findings(ctx: Context) -> list[Finding]:
    headers = ctx.record.email
    received = headers.received_ip if headers else None
    if not received:
        return []
    try:
        address = ipaddress.ip_address(received.strip())
    except ValueError:
        return [
            Finding(
                "sending_ip_inconsistent",
                f"the recorded sending IP '{received}' is not an IP address",
            )
        ]
    if not address.is_global:
        return [
            Finding(
                "sending_ip_inconsistent",
                f"the message was received from {address}, a private or reserved address",
            )
        ]
    header_ip = ctx.auth.sender_ip
    if header_ip and header_ip != str(address):
        return [
            Finding(
                "sending_ip_inconsistent",
                f"the Authentication-Results header names {header_ip} but the message "
                f"was received from {address}",
            )
        ]
    return []
