"""One intake record, assembled the way a genuine emergency request looks.

Patterns start from `request(...)` and change the one thing their trick changes, so every
fraud differs from a genuine request only where real frauds differ.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from exigent.verification.corpus import mail, narratives
from exigent.verification.corpus.agencies import Agency
from exigent.verification.corpus.people import (
    CHIEF_TITLES,
    SUPERVISOR_RANKS,
    Person,
    agency_numbers,
    badge_number,
    mailbox,
    officer,
    person,
    state_number,
)
from exigent.verification.corpus.tricks import pick
from exigent.verification.corpus.wording import STYLES, Scene

NATURES = (
    "suicide_self_harm",
    "suicide_self_harm",
    "violent_threat",
    "child_safety",
    "other_life_threat",
    "kidnapping",
    "terrorism",
    "violent_threat",
    "child_safety",
    "suicide_self_harm",
)
NETWORKS = (
    "microsoft",
    "microsoft",
    "microsoft",
    "google",
    "google",
    "onprem",
    "proofpoint",
    "mimecast",
)
RECEIVERS = (
    "google",
    "google",
    "google",
    "microsoft",
    "microsoft",
    "microsoft",
    "proofpoint",
    "mimecast",
    "postfix",
)


@dataclass(frozen=True)
class Sender:
    """Who a request says it is from, and the mailbox it really comes from."""

    agency: Agency
    who: Person
    badge: str | None
    address: str
    phone: str
    supervisor: str | None
    supervisor_phone: str | None

    @property
    def domain(self) -> str:
        return self.address.rpartition("@")[2]


def stable_choice(key: str, options: tuple[str, ...]) -> str:
    """The same agency always uses the same mail host."""
    digest = hashlib.sha256(key.encode()).digest()
    return options[digest[0] % len(options)]


def new_sender(rng: random.Random, agency: Agency, chief: bool = False) -> Sender:
    who = officer(rng, agency)
    if chief:
        who = replace(who, title=rng.choice(CHIEF_TITLES))
    phone, sup_phone = agency_numbers(rng, agency)
    boss: str | None = None
    boss_phone: str | None = None
    # Every genuine request in the labelled sample names a supervisor unless a chief wrote it;
    # only the number is sometimes left out.
    if not chief:
        sup = person(rng, ("",))
        rank = rng.choice(SUPERVISOR_RANKS)
        boss = f"{rank} {sup.name}".strip() if rng.random() < 0.3 else sup.name
        boss_phone = sup_phone if rng.random() < 0.9 else None
    return Sender(
        agency,
        who,
        badge_number(rng),
        f"{mailbox(rng, who)}@{agency.domain}",
        phone,
        boss,
        boss_phone,
    )


@dataclass
class Draft:
    """The choices one record is built from."""

    rng: random.Random
    split: str
    sender: Sender
    when: datetime
    via: str
    nature: str
    style: str

    @classmethod
    def make(
        cls,
        rng: random.Random,
        split: str,
        sender: Sender,
        when: datetime,
        via: str = "email",
        nature: str | None = None,
    ) -> Draft:
        style = pick(rng, split, "style", STYLES, reserved_share=0.25)
        return cls(rng, split, sender, when, via, nature or rng.choice(NATURES), style)


USERNAME_WORDS = (
    "wolf",
    "ghost",
    "moon",
    "tiger",
    "storm",
    "raven",
    "angel",
    "dragon",
    "king",
    "queen",
    "soldier",
    "bunny",
    "rose",
    "demon",
    "star",
    "midnight",
    "lonely",
    "silent",
    "golden",
    "sweet",
    "dark",
    "broken",
    "lil",
    "wild",
    "lost",
    "kitty",
)


TARGET_MAIL = ("gmail.com", "yahoo.com", "outlook.com", "hotmail.com", "icloud.com", "aol.com")


def username(rng: random.Random) -> str:
    from exigent.verification.corpus.people import FIRST_NAMES, LAST_NAMES

    first, last = rng.choice(FIRST_NAMES).lower(), rng.choice(LAST_NAMES).lower().replace("'", "")
    w1, w2 = rng.choice(USERNAME_WORDS), rng.choice(USERNAME_WORDS)
    n = rng.randint(1, 999)
    return rng.choice(
        (
            f"{last}{n}",
            f"{w1}_{w2}{n % 100}",
            f"xx{w1}{w2}xx",
            f"the.real.{last}{n % 90}",
            f"{first[0]}.{last}_{rng.randint(1995, 2012)}",
            f"{last}_0{n}",
            f"{w1}{n}",
            f"{first[0]}{last}.{w1}",
            f"{first}{w2}{n % 10}",
            f"{last}.{first}{rng.randint(1, 99)}",
            f"{w1}.{w2}",
        )
    )


def target(rng: random.Random, kind: str | None = None) -> tuple[dict[str, str], str]:
    """A target identifier and how a narrative names it."""
    kind = kind or rng.choice(
        ("username", "username", "username", "username", "email", "phone", "user_id")
    )
    if kind == "username":
        value = username(rng)
        text = rng.choice(
            (f"@{value}", f"username {value}", f'the account "{value}"', f'"{value}"', value)
        )
    elif kind == "email":
        value = f"{username(rng).replace('_', '.')}@{rng.choice(TARGET_MAIL)}"
        text = f"the account registered to {value}"
    elif kind == "phone":
        value = state_number(rng, rng.choice(("TX", "CA", "FL", "NY", "OH", "GA", "IL", "PA")))
        text = f"the account linked to {value}"
    else:
        value = str(rng.randint(10**15, 10**18))
        text = f"user ID {value}"
    return {"identifier_type": kind, "value": value}, text


def case_number(rng: random.Random, agency: Agency, when: datetime) -> str:
    yy, yyyy = when.strftime("%y"), when.strftime("%Y")
    if agency.foreign is not None:
        shape = rng.choice(agency.foreign.case_formats)
        digits = {f"n{k}": str(rng.randint(10 ** (k - 1), 10**k - 1)) for k in range(2, 10)}
        return shape.format(
            yy=yy,
            yyyy=yyyy,
            dd=when.strftime("%d"),
            mon=when.strftime("%b"),
            yymmdd=when.strftime("%y%m%d"),
            force=agency.initials,
            **digits,
        )
    n = rng.randint(1000, 99999)
    return rng.choice(
        (
            f"I{yy}-{n:05d}",
            f"{yyyy}{rng.randint(0, 99999999):08d}",
            f"{yy}-{rng.randint(0, 99999):06d}",
            f"{agency.initials}{yy}-{n:05d}",
            f"CR{yy}-{n:05d}",
            f"{agency.initials}-{yyyy}-{n}",
            f"{yy}{rng.randint(0, 999999):06d}",
            f"{yyyy}-{n:05d}",
            f"{agency.initials}{yyyy}{n:06d}",
        )
    )


def documents(
    rng: random.Random, case: str, agency: Agency, when: datetime
) -> list[dict[str, str]]:
    safe = case.replace("-", "_").replace("/", "_").replace(" ", "_")
    names = (
        f"EDR_{safe}.pdf",
        f"{agency.initials}_EDR_{when:%Y%m%d}.pdf",
        f"Emergency_Disclosure_Request_{safe}.pdf",
        f"exigent_request_{when:%m%d%y}.pdf",
        "EDR_form_signed.pdf",
        f"{agency.initials} exigent form.pdf",
    )
    docs = [
        {
            "sha256": rng.randbytes(32).hex(),
            "filename": rng.choice(names),
            "media_type": "application/pdf",
        }
    ]
    if rng.random() < 0.2:
        extra = rng.choice(
            (
                ("post_capture.jpg", "image/jpeg"),
                ("screenshot_1.png", "image/png"),
                (f"IMG_{rng.randint(1000, 9999)}.jpg", "image/jpeg"),
            )
        )
        docs.append(
            {"sha256": rng.randbytes(32).hex(), "filename": extra[0], "media_type": extra[1]}
        )
    return docs


def request(
    d: Draft, targets: list[tuple[dict[str, str], str]] | None = None, facts: str | None = None
) -> dict[str, Any]:
    """A complete, genuine-looking emergency request from the draft's sender."""
    rng, s, agency = d.rng, d.sender, d.sender.agency
    picked = targets or [target(rng)]
    scene = Scene.build(rng, d.when, agency.place, picked[0][1], age=_age(rng, d.nature))
    text = facts or narratives.facts(rng, d.nature, scene, d.style)
    case = case_number(rng, agency, d.when)
    foreign = agency.foreign is not None
    record: dict[str, Any] = {
        "id": f"gen-{rng.randbytes(6).hex()}",
        "kind": "emergency",
        "received_via": d.via,
        "received_at": d.when.isoformat(timespec="seconds"),
        "requester": requester(s),
        "case_number": case,
        "emergency": {
            "nature": d.nature,
            "facts": text,
            "persons_at_risk": narratives.persons_at_risk(rng, d.nature, scene, text),
            "why_no_legal_process": rng.choice(
                narratives.FOREIGN_WHY if foreign else narratives.WHY_NO_PROCESS
            ),
            "how_data_helps": narratives.how_data_helps(rng, scene),
        },
        "targets": [t for t, _ in picked],
        "data_requested": data_requested(rng, d.nature),
        "date_range": date_range(d.when, _genuine_span(rng)),
        "legal_authority": rng.choice(agency.foreign.laws if agency.foreign else narratives.US_LAW),
        "offense": rng.choice(narratives.OFFENSES[d.nature]),
        "nondisclosure_order": {"present": False, "expires_on": None},
        "user_notice_permitted": rng.random() < 0.15,
        "attestation": {
            "signed": True,
            "signed_at": (
                d.when - timedelta(minutes=rng.choice((0, 0, 2, 4, 7, 12, 18, 25)))
            ).isoformat(timespec="seconds"),
        },
        "documents": documents(rng, case, agency, d.when),
    }
    _drop_optional(rng, record, foreign)
    if d.via == "email":
        record["email"] = email_block(rng, s)
    return record


AGE_RANGES = {
    "child_safety": (10, 17),
    "suicide_self_harm": (13, 71),
    "kidnapping": (4, 55),
    "violent_threat": (19, 60),
    "terrorism": (18, 45),
    "other_life_threat": (15, 84),
}


def _age(rng: random.Random, nature: str) -> int:
    low, high = AGE_RANGES[nature]
    return rng.randint(low, high)


def requester(s: Sender) -> dict[str, Any]:
    who = {
        "name": s.who.name,
        "title": s.who.title,
        "badge_number": s.badge,
        "email": s.address,
        "phone": s.phone,
        "agency_name": s.agency.name,
        "agency_country": s.agency.country,
        "agency_state": s.agency.state,
        "supervisor_name": s.supervisor,
        "supervisor_phone": s.supervisor_phone,
        "is_government": True,
    }
    return {k: v for k, v in who.items() if v is not None}


def data_requested(rng: random.Random, nature: str) -> list[str]:
    options = list(narratives.DATA_BY_NATURE[nature])
    return rng.sample(options, k=rng.randint(2, min(4, len(options))))


def _genuine_span(rng: random.Random) -> int:
    """Days of data a genuine emergency asks for: mostly the last days, sometimes the
    weeks or months a missing person or a long grooming contact goes back."""
    if rng.random() < 0.08:
        return rng.choice((45, 60, 90, 120))
    return rng.choice((1, 2, 3, 3, 4, 5, 7, 7, 10, 14, 30))


def date_range(when: datetime, days: int) -> dict[str, str]:
    end = when.date()
    return {"start": (end - timedelta(days=days)).isoformat(), "end": end.isoformat()}


def _drop_optional(rng: random.Random, record: dict[str, Any], foreign: bool) -> None:
    # Portals, API clients and mail parsers fill different optional fields.
    if rng.random() < 0.22:
        del record["legal_authority"]
    if rng.random() < 0.42:
        del record["nondisclosure_order"]
    if rng.random() < 0.28:
        del record["user_notice_permitted"]
    if rng.random() < 0.55:
        del record["documents"]


def email_block(
    rng: random.Random,
    s: Sender,
    outcome: mail.AuthOutcome | None = None,
    network: str | None = None,
    reply_to: str | None = None,
    wire_domain: str | None = None,
    envelope: str | None = None,
) -> dict[str, str]:
    """The From, Reply-To and authentication facts of a message from this sender
    (`envelope`: a different bounce address, as spoofing senders use)."""
    domain = wire_domain or s.domain
    local = s.address.rpartition("@")[0]
    net = network or stable_choice(s.agency.domain, NETWORKS)
    ip = mail.host_ip(rng, net)
    signer = domain
    if net == "microsoft" and rng.random() < 0.12:
        signer = f"{domain.split('.')[0]}.onmicrosoft.com"
    header = mail.authentication_results(
        rng,
        envelope or f"{local}@{domain}",
        domain,
        ip,
        outcome or mail.AuthOutcome.passing(),
        rng.choice(RECEIVERS),
        signer,
    )
    block = {"from": mail.display_from(rng, s.who.title, s.who.name, s.address)}
    if reply_to:
        block["reply_to"] = reply_to
    block["authentication_results"] = header
    block["received_ip"] = ip
    return block


def reorder(record: dict[str, Any]) -> dict[str, Any]:
    """Keys in the order the intake schema lists them (as in the labelled sample)."""
    order = (
        "id",
        "kind",
        "received_via",
        "received_at",
        "requester",
        "case_number",
        "emergency",
        "targets",
        "data_requested",
        "date_range",
        "legal_authority",
        "offense",
        "nondisclosure_order",
        "user_notice_permitted",
        "attestation",
        "documents",
        "email",
        "label",
        "pattern",
    )
    return {k: record[k] for k in order if k in record}
