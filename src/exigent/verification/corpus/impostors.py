"""Impostors who do not control a genuine mailbox: look-alike domains, free mail,
spoofed senders that fail authentication, and foreign forces citing US law.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import replace

from exigent.verification.corpus import fraud_wording as fw
from exigent.verification.corpus import mail, tricks
from exigent.verification.corpus.agencies import Agency
from exigent.verification.corpus.fraud_patterns import _thin, impostor_sender
from exigent.verification.corpus.patterns import Pattern, Record, _label
from exigent.verification.corpus.records import Draft, Sender, email_block, request
from exigent.verification.corpus.timing import Ctx

ATTACKER_NETWORKS = ("google", "microsoft", "zoho", "vps", "vps")


def _attacker_outcome(rng: random.Random) -> mail.AuthOutcome:
    # The attacker owns the domain, so it usually authenticates; cheap setups skip DKIM/DMARC.
    return rng.choice(
        (
            mail.AuthOutcome.passing(),
            mail.AuthOutcome.passing(),
            mail.AuthOutcome("pass", "none", "none"),
            mail.AuthOutcome("pass", "pass", "none"),
        )
    )


def _impostor_record(
    ctx: Ctx,
    agency: Agency,
    sender: Sender,
    wire_domain: str | None = None,
    thin_share: float = 0.5,
) -> Record:
    rng = ctx.rng
    via = rng.choice(("email", "email", "email", "portal"))
    draft = Draft.make(rng, ctx.split, sender, ctx.when(agency, "fraud"), via)
    record = request(draft)
    if rng.random() < thin_share:
        _thin(rng, record, draft.nature)
    if via == "email":
        record["email"] = email_block(
            rng,
            sender,
            _attacker_outcome(rng),
            network=rng.choice(ATTACKER_NETWORKS),
            wire_domain=wire_domain,
        )
    return record


def _lookalike(ctx: Ctx, pattern: str, make: Callable[[str], str]) -> list[Record]:
    agency = ctx.agency()
    domain = make(agency.domain)
    sender = impostor_sender(ctx, agency, domain)
    return _label([_impostor_record(ctx, agency, sender)], pattern, "fraud")


def lookalike_typo(ctx: Ctx) -> list[Record]:
    kind = tricks.pick(ctx.rng, ctx.split, "typo_kind", tricks.TYPO_KINDS)
    return _lookalike(ctx, "lookalike_typo", lambda d: tricks.typo(ctx.rng, d, kind))


def lookalike_addword(ctx: Ctx) -> list[Record]:
    word = tricks.pick(ctx.rng, ctx.split, "add_word", tricks.ADD_WORDS)
    return _lookalike(ctx, "lookalike_addword", lambda d: tricks.add_word(d, word))


def lookalike_tld(ctx: Ctx) -> list[Record]:
    tld = tricks.pick(ctx.rng, ctx.split, "tld_swap", tricks.TLD_SWAPS)
    return _lookalike(ctx, "lookalike_tld", lambda d: tricks.tld_swap(d, tld))


def lookalike_subdomain(ctx: Ctx) -> list[Record]:
    family = tricks.pick(ctx.rng, ctx.split, "subdomain_family", tuple(tricks.SUBDOMAIN_FAMILIES))
    return _lookalike(ctx, "lookalike_subdomain", lambda d: tricks.subdomain(ctx.rng, d, family))


def lookalike_homoglyph(ctx: Ctx) -> list[Record]:
    rng = ctx.rng
    agency = ctx.agency()
    script = tricks.pick(rng, ctx.split, "homoglyph_script", tuple(tricks.HOMOGLYPHS))
    shown, wire = tricks.homoglyph(rng, agency.domain, script)
    # Mail clients and parsers show either form; the servers always see the ASCII one.
    sender = impostor_sender(ctx, agency, shown if rng.random() < 0.6 else wire)
    record = _impostor_record(ctx, agency, sender, wire_domain=wire)
    return _label([record], "lookalike_homoglyph", "fraud")


def _freemail_local(rng: random.Random, sender: Sender) -> str:
    first, last = sender.who.first.lower(), sender.who.last_slug
    ini = sender.agency.initials.lower()
    place = "".join(ch for ch in sender.agency.place.lower() if ch.isalpha())[:12]
    return rng.choice(
        (
            f"{first}.{last}.{ini}",
            f"{ini}.records",
            f"officer{last}{rng.randint(1, 99)}",
            f"{last}.{first}{rng.randint(1960, 2000)}",
            f"sgt.{last}.{ini}",
            f"det{last}{ini}",
            f"{place}police",
            f"{place}.pd.{rng.choice(('records', 'cid', 'detectives'))}",
            f"{first[0]}{last}.le",
            f"{ini}{rng.choice(('sheriff', 'dispatch', 'cid'))}",
            f"{last}{first[0]}.{ini}{rng.randint(1, 9)}",
        )
    )


def freemail(ctx: Ctx) -> list[Record]:
    rng = ctx.rng
    agency = ctx.agency(rng.choice(("listed", "listed", "listed", "unlisted")))
    provider = tricks.pick(rng, ctx.split, "free_mail", tricks.FREE_MAIL, reserved_share=0.3)
    sender = impostor_sender(ctx, agency, provider)
    sender = replace(sender, address=f"{_freemail_local(rng, sender)}@{provider}")
    via = rng.choice(("email", "email", "email", "portal"))
    draft = Draft.make(rng, ctx.split, sender, ctx.when(agency, "fraud"), via)
    record = request(draft)
    if rng.random() < 0.5:
        _thin(rng, record, draft.nature)
    if via == "email":
        ip = mail.provider_ip(rng, provider)
        header = mail.authentication_results(
            rng,
            sender.address,
            provider,
            ip,
            mail.AuthOutcome.passing(),
            rng.choice(("google", "microsoft", "proofpoint", "mimecast", "postfix")),
        )
        record["email"] = {
            "from": mail.display_from(rng, sender.who.title, sender.who.name, sender.address),
            "authentication_results": header,
            "received_ip": ip,
        }
    return _label([record], "freemail", "fraud")


FAILURES = (
    mail.AuthOutcome("fail", "none", "fail"),
    mail.AuthOutcome("softfail", "none", "fail"),
    mail.AuthOutcome("neutral", "none", "fail"),
    mail.AuthOutcome("fail", "fail", "fail"),
    mail.AuthOutcome("none", "none", "fail"),
    mail.AuthOutcome("softfail", "fail", "fail"),
    mail.AuthOutcome("fail", "pass", "fail"),
)


BOUNCE_BOXES = ("bounce", "noreply", "mailer", "return", "postmaster", "srs0")


def auth_fail(ctx: Ctx) -> list[Record]:
    """The genuine address forged from a server the agency does not use."""
    rng = ctx.rng
    agency = ctx.agency()
    sender = impostor_sender(ctx, agency, agency.domain)
    draft = Draft.make(rng, ctx.split, sender, ctx.when(agency, "fraud"), "email")
    record = request(draft)
    if rng.random() < 0.5:
        _thin(rng, record, draft.nature)
    reply = None
    if rng.random() < 0.6:
        first, last = sender.who.first.lower(), sender.who.last_slug
        provider = tricks.pick(rng, ctx.split, "free_mail", tricks.FREE_MAIL, reserved_share=0.2)
        reply = f"{first}.{last}.{agency.initials.lower()}@{provider}"
    if rng.random() < 0.35:
        # Spoofed From with the sender's own bounce domain: SPF passes for that domain,
        # DMARC fails because it does not align with the agency's.
        host = f"{rng.choice(tricks.RELAY_WORDS)}.{rng.choice(tricks.RELAY_TLDS)}"
        bounce = f"{rng.choice(BOUNCE_BOXES)}@{host}"
        outcome = rng.choice(
            (mail.AuthOutcome("pass", "none", "fail"), mail.AuthOutcome("pass", "fail", "fail"))
        )
        record["email"] = email_block(
            rng, sender, outcome, network="vps", reply_to=reply, envelope=bounce
        )
    else:
        record["email"] = email_block(
            rng, sender, rng.choice(FAILURES), network="vps", reply_to=reply
        )
    return _label([record], "auth_fail", "fraud")


def foreign_us_statute(ctx: Ctx) -> list[Record]:
    """A foreign force (real mailbox or free mail) invoking US law that does not bind it."""
    rng = ctx.rng
    agency = ctx.agency("foreign")
    if rng.random() < 0.5:
        sender = impostor_sender(ctx, agency, agency.domain)
        draft = Draft.make(
            rng, ctx.split, sender, ctx.when(agency, "fraud"), rng.choice(("email", "portal"))
        )
        record = request(draft)
    else:
        provider = tricks.pick(rng, ctx.split, "free_mail", tricks.FREE_MAIL, reserved_share=0.2)
        sender = impostor_sender(ctx, agency, provider)
        sender = replace(sender, address=f"{_freemail_local(rng, sender)}@{provider}")
        draft = Draft.make(rng, ctx.split, sender, ctx.when(agency, "fraud"), "email")
        record = request(draft)
        ip = mail.provider_ip(rng, provider)
        record["email"] = {
            "from": sender.address,
            "authentication_results": mail.authentication_results(
                rng, sender.address, provider, ip, mail.AuthOutcome.passing(), "microsoft"
            ),
            "received_ip": ip,
        }
    record["legal_authority"] = rng.choice(fw.FOREIGN_US_LAW)
    if rng.random() < 0.7:
        record["emergency"]["why_no_legal_process"] = rng.choice(fw.FOREIGN_US_WHY)
    if rng.random() < 0.3:
        _thin(rng, record, draft.nature)
    return _label([record], "foreign_us_statute", "fraud")


IMPOSTOR_PATTERNS: dict[str, Pattern] = {
    "lookalike_typo": lookalike_typo,
    "lookalike_addword": lookalike_addword,
    "lookalike_tld": lookalike_tld,
    "lookalike_subdomain": lookalike_subdomain,
    "lookalike_homoglyph": lookalike_homoglyph,
    "freemail": freemail,
    "auth_fail": auth_fail,
    "foreign_us_statute": foreign_us_statute,
}
