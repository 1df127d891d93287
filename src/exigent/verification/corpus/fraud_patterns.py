"""Fraudulent requests, one function per trick.

Compromised genuine mailboxes (`comp_*`) authenticate perfectly and carry exactly one
anomaly; impostor domains (look-alikes, free mail) carry the domain trick and, as in
reality, often sloppier details around it.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import tzinfo

from exigent.verification.corpus import fraud_wording as fw
from exigent.verification.corpus import tricks
from exigent.verification.corpus.agencies import Agency
from exigent.verification.corpus.patterns import Pattern, Record, _label
from exigent.verification.corpus.people import (
    TOLL_FREE,
    foreign_number,
    mailbox,
    nanp_number,
    state_number,
)
from exigent.verification.corpus.records import (
    Draft,
    Sender,
    date_range,
    email_block,
    new_sender,
    request,
    target,
)
from exigent.verification.corpus.timing import Ctx, later

FOREIGN_MOBILES = (
    ("+447", 12),
    ("+2348", 13),
    ("+639", 12),
    ("+919", 12),
    ("+2547", 12),
    ("+3706", 11),
    ("+4917", 13),
    ("+5511", 13),
    ("+2376", 12),
)


def _compromised(
    ctx: Ctx, via: str = "email", nature: str | None = None, profile: str = "fraud"
) -> tuple[Draft, Record]:
    agency = ctx.agency()
    sender = new_sender(ctx.rng, agency)
    draft = Draft.make(ctx.rng, ctx.split, sender, ctx.when(agency, profile), via, nature)
    return draft, request(draft)


def _thin(rng: random.Random, record: Record, nature: str) -> None:
    value = record["targets"][0]["value"]
    handle = rng.choice(
        (
            f"the account {value}",
            f"the account {value}",
            value,
            f"@{value}" if record["targets"][0]["identifier_type"] == "username" else value,
        )
    )
    record["emergency"]["facts"] = fw.thin_facts(rng, nature, handle)
    record["emergency"]["how_data_helps"] = rng.choice(fw.THIN_HELPS)
    record["emergency"]["persons_at_risk"] = rng.choice(fw.THIN_RISK)


def comp_replyto(ctx: Ctx) -> list[Record]:
    rng = ctx.rng
    draft, record = _compromised(ctx)
    s = draft.sender
    first, last = s.who.first.lower(), s.who.last_slug
    initials = s.agency.initials.lower()
    word = tricks.pick(rng, ctx.split, "add_word", tricks.ADD_WORDS)
    options = (
        f"{first}.{last}.{initials}@{tricks.pick(rng, ctx.split, 'free_mail', tricks.FREE_MAIL)}",
        f"{first[0]}{last}.le@{tricks.pick(rng, ctx.split, 'free_mail', tricks.FREE_MAIL)}",
        f"{mailbox(rng, s.who)}@{tricks.typo(rng, s.domain, 'omission')}",
        f"{mailbox(rng, s.who)}@{tricks.add_word(s.domain, word)}",
        f"records@{rng.choice(tricks.RELAY_WORDS)}.{rng.choice(tricks.RELAY_TLDS)}",
        f"{last}@{ctx.agency().domain}",
    )
    record["email"] = email_block(rng, s, reply_to=rng.choice(options))
    return _label([record], "comp_replyto", "fraud")


def comp_nosupervisor(ctx: Ctx) -> list[Record]:
    rng = ctx.rng
    draft, record = _compromised(ctx)
    who = record["requester"]
    who.pop("supervisor_phone", None)
    way = rng.random()
    if way < 0.45:
        who.pop("supervisor_name", None)
    elif way < 0.8:
        who["supervisor_name"] = rng.choice(fw.SUPERVISOR_PLACEHOLDERS)
    else:
        who["supervisor_name"] = draft.sender.who.name
        if rng.random() < 0.5:
            who["supervisor_phone"] = draft.sender.phone
    return _label([record], "comp_nosupervisor", "fraud")


def comp_targets(ctx: Ctx) -> list[Record]:
    rng = ctx.rng
    _, record = _compromised(ctx)
    extra = [target(rng)[0] for _ in range(rng.choice((2, 3, 4, 5, 6, 8, 10)))]
    record["targets"] = record["targets"] + extra
    rng.shuffle(record["targets"])
    return _label([record], "comp_targets", "fraud")


def bad_callback(rng: random.Random, agency: Agency) -> str:
    kind = rng.choice(("other_state", "toll_free", "nongeo", "foreign", "other_state"))
    if kind == "toll_free":
        return nanp_number(rng, rng.choice(TOLL_FREE))
    if kind == "nongeo":
        return nanp_number(rng, rng.choice(("500", "521", "522", "533", "544", "566", "577")))
    if kind == "foreign":
        prefix, length = rng.choice(FOREIGN_MOBILES)
        return foreign_number(rng, (prefix,), length)
    states = [
        st
        for st in ("TX", "CA", "FL", "NY", "AZ", "NV", "GA", "WA", "MI", "OH", "NJ")
        if st != agency.state
    ]
    return state_number(rng, rng.choice(states))


def comp_callback(ctx: Ctx) -> list[Record]:
    rng = ctx.rng
    draft, record = _compromised(ctx)
    phone = bad_callback(rng, draft.sender.agency)
    record["requester"]["phone"] = phone
    if rng.random() < 0.5:
        record["requester"]["supervisor_phone"] = (
            phone if rng.random() < 0.4 else phone[:-4] + f"{rng.randint(0, 9999):04d}"
        )
    if rng.random() < 0.65:
        record["emergency"]["facts"] += " " + fw.CALLBACK_LINES[
            rng.randrange(len(fw.CALLBACK_LINES))
        ].format(phone=phone)
    return _label([record], "comp_callback", "fraud")


def comp_citation(ctx: Ctx) -> list[Record]:
    rng = ctx.rng
    _, record = _compromised(ctx, via=rng.choice(("email", "email", "portal")))
    where = rng.random()
    if where < 0.8:
        record["legal_authority"] = rng.choice(fw.WRONG_CITATION_LAW)
    if where > 0.4:
        record["emergency"]["why_no_legal_process"] = rng.choice(fw.WRONG_CITATION_WHY)
    return _label([record], "comp_citation", "fraud")


def comp_threat(ctx: Ctx) -> list[Record]:
    rng = ctx.rng
    draft, record = _compromised(ctx)
    deadline = later(draft.when, rng.choice((30, 45, 60, 120))).strftime("%H:%M")
    line = _threat_line(rng, ctx.split, deadline)
    if rng.random() < 0.5:
        _thin(rng, record, draft.nature)
    if rng.random() < 0.7:
        record["emergency"]["facts"] += " " + line
    else:
        record["emergency"]["why_no_legal_process"] = line
    return _label([record], "comp_threat", "fraud")


# Threat wordings kept for the held-out split: the same pressure, phrased unseen.
HELDOUT_THREATS = frozenset({fw.THREATS[12], fw.THREATS[14]})


def _threat_line(rng: random.Random, split: str, deadline: str) -> str:
    options = [t for t in fw.THREATS if split == "heldout" or t not in HELDOUT_THREATS]
    line = fw.assembled_threat(rng, deadline) if rng.random() < 0.4 else rng.choice(options)
    return fw.fill(
        line, {"minutes": str(rng.choice((15, 20, 30, 45, 60, 90))), "deadline": deadline}
    )


def comp_scope(ctx: Ctx) -> list[Record]:
    rng = ctx.rng
    draft, record = _compromised(ctx)
    record["date_range"] = date_range(draft.when, rng.randint(200, 2400))
    wide = [
        "content",
        "connections",
        "message_metadata",
        "subscriber_info",
        "location",
        "account_activity",
    ]
    record["data_requested"] = rng.sample(wide, k=rng.randint(3, 6))
    if "content" not in record["data_requested"]:
        record["data_requested"].append("content")
    return _label([record], "comp_scope", "fraud")


def comp_thin(ctx: Ctx) -> list[Record]:
    draft, record = _compromised(ctx)
    _thin(ctx.rng, record, draft.nature)
    return _label([record], "comp_thin", "fraud")


def comp_other_agency(ctx: Ctx) -> list[Record]:
    """A real mailbox of one agency used to claim to be another agency."""
    rng = ctx.rng
    draft, record = _compromised(ctx)
    claimed = ctx.neighbour(draft.sender.agency, same_state=rng.random() < 0.6)
    record["requester"]["agency_name"] = claimed.name
    record["requester"]["agency_state"] = claimed.state
    if rng.random() < 0.5:
        record["requester"]["phone"] = state_number(rng, claimed.state or "TX")
    return _label([record], "comp_other_agency", "fraud")


def comp_burst(ctx: Ctx) -> list[Record]:
    """One hijacked mailbox firing many requests within minutes."""
    rng = ctx.rng
    agency = ctx.agency()
    sender = new_sender(rng, agency)
    when = ctx.when(agency, "fraud")
    records = []
    for _ in range(rng.randint(4, 9)):
        draft = Draft.make(rng, ctx.split, sender, when, "email")
        record = request(draft)
        if rng.random() < 0.3:
            _thin(rng, record, draft.nature)
        records.append(record)
        when = later(when, rng.uniform(1, 15))
    return _label(records, "comp_burst", "fraud")


def template_reuse(ctx: Ctx) -> list[Record]:
    """One circulated text sent by several senders, each lightly reworded. The text is a
    known skeleton, or a genuine-looking request copied with the names swapped."""
    rng = ctx.rng
    skeleton = rng.choice(fw.TEMPLATES)
    copied: tuple[str, str, str] | None = None  # facts, the target's mention, the place
    start = ctx.when(ctx.agency(), "fraud")
    records = []
    for i in range(rng.randint(3, 6)):
        agency = ctx.agency()
        when = later(start, rng.uniform(0, 60 * 24 * 20) if i else 0).astimezone(_zone(agency))
        via = rng.choice(("email", "email", "portal"))
        draft = Draft.make(rng, ctx.split, new_sender(rng, agency), when, via, skeleton["nature"])
        picked = target(rng)
        record = request(draft, targets=[picked])
        emergency = record["emergency"]
        if i == 0 and rng.random() < 0.4:
            copied = (emergency["facts"], picked[1], agency.place)
        elif copied is not None:
            facts, mention, place = copied
            facts = facts.replace(mention, picked[1]).replace(place, agency.place)
            emergency["facts"] = fw.paraphrase(rng, facts)
        else:
            slots = _slots(rng, draft, _bare(picked[0]))
            emergency["facts"] = fw.paraphrase(rng, fw.fill(skeleton["facts"], slots))
            emergency["how_data_helps"] = fw.fill(skeleton["helps"], slots)
            emergency["why_no_legal_process"] = skeleton["why"]
        records.append(record)
    return _label(records, "template_reuse", "fraud")


def _zone(agency: Agency) -> tzinfo:
    from exigent.verification.corpus.timing import zone

    return zone(agency.zone)


def _bare(found: dict[str, str]) -> str:
    """The identifier as a template names it after "the account"."""
    value = found["value"]
    return {
        "username": f'"{value}"',
        "user_id": f"with user ID {value}",
        "phone": f"linked to {value}",
        "email": f"registered to {value}",
    }[found["identifier_type"]]


def _slots(rng: random.Random, draft: Draft, handle: str) -> dict[str, str]:
    from exigent.verification.corpus.records import _age
    from exigent.verification.corpus.wording import Scene

    scene = Scene.build(
        rng, draft.when, draft.sender.agency.place, handle, age=_age(rng, draft.nature)
    )
    return scene.slots()


FRAUD_PATTERNS_A: dict[str, Pattern] = {
    "comp_replyto": comp_replyto,
    "comp_nosupervisor": comp_nosupervisor,
    "comp_targets": comp_targets,
    "comp_callback": comp_callback,
    "comp_citation": comp_citation,
    "comp_threat": comp_threat,
    "comp_scope": comp_scope,
    "comp_thin": comp_thin,
    "comp_other_agency": comp_other_agency,
    "comp_burst": comp_burst,
    "template_reuse": template_reuse,
}


def impostor_sender(ctx: Ctx, agency: Agency, domain: str, local: str | None = None) -> Sender:
    """A fake officer of a real agency writing from `domain`, often with a number from
    elsewhere and no supervisor to call."""
    rng = ctx.rng
    sender = new_sender(rng, agency)
    address = f"{local or sender.address.rpartition('@')[0]}@{domain}"
    sender = replace(sender, address=address)
    if rng.random() < 0.35 and agency.foreign is None:
        sender = replace(sender, phone=bad_callback(rng, agency))
    if rng.random() < 0.25:
        sender = replace(sender, supervisor=None, supervisor_phone=None)
    return sender
