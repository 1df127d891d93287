"""Genuine requests, one function per pattern of the labelled sample and the variants
seen on unseen data. Each returns the records it makes (a follow-up also makes the request
it follows).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from exigent.verification.corpus import mail, narratives
from exigent.verification.corpus.records import (
    Draft,
    email_block,
    new_sender,
    request,
    target,
)
from exigent.verification.corpus.timing import Ctx, later
from exigent.verification.corpus.wording import Scene, clock

Record = dict[str, Any]
Pattern = Callable[[Ctx], list[Record]]


def _label(records: list[Record], pattern: str, label: str = "legit") -> list[Record]:
    for record in records:
        record["label"] = label
        record["pattern"] = pattern
    return records


def _simple(
    ctx: Ctx,
    group: str = "listed",
    via: str = "email",
    profile: str = "legit",
    chief: bool = False,
    nature: str | None = None,
) -> tuple[Draft, Record]:
    agency = ctx.agency(group)
    sender = new_sender(ctx.rng, agency, chief=chief)
    draft = Draft.make(ctx.rng, ctx.split, sender, ctx.when(agency, profile), via, nature)
    record = request(draft)
    if ctx.rng.random() < 0.12:
        # Genuine requests sometimes name a second account of the same person, and say so.
        second = target(ctx.rng)
        record["targets"].append(second[0])
        record["emergency"]["facts"] += " " + ctx.rng.choice(
            (
                f"A second account, {second[1]}, is linked to the same person.",
                f"The same person also uses {second[1]}.",
                f"Family say {second[1]} belongs to the same person.",
            )
        )
    return draft, record


def legit_email(ctx: Ctx) -> list[Record]:
    return _label([_simple(ctx)[1]], "legit_email")


def legit_portal(ctx: Ctx) -> list[Record]:
    return _label([_simple(ctx, via="portal")[1]], "legit_portal")


def legit_api(ctx: Ctx) -> list[Record]:
    draft, record = _simple(ctx, via="api")
    if "documents" not in record and ctx.rng.random() < 0.6:
        from exigent.verification.corpus.records import documents

        record["documents"] = documents(
            ctx.rng, record["case_number"], draft.sender.agency, draft.when
        )
    return _label([record], "legit_api")


def legit_phone(ctx: Ctx) -> list[Record]:
    _, record = _simple(ctx, via="phone")
    if ctx.rng.random() < 0.4:
        record["attestation"] = {"signed": False}
    return _label([record], "legit_phone")


def legit_chief(ctx: Ctx) -> list[Record]:
    # A chief or sheriff has nobody above them to name, and small towns have only a chief.
    via = ctx.rng.choice(("email", "email", "portal"))
    return _label([_simple(ctx, via=via, chief=True)[1]], "legit_chief")


def legit_latenight(ctx: Ctx) -> list[Record]:
    via = ctx.rng.choice(("email", "email", "portal"))
    return _label([_simple(ctx, via=via, profile="night")[1]], "legit_latenight")


def legit_umbrella_domain(ctx: Ctx) -> list[Record]:
    return _label([_simple(ctx, group="umbrella")[1]], "legit_umbrella_domain")


def legit_unlisted_domain(ctx: Ctx) -> list[Record]:
    # Departments without a web site write from a domain no directory lists.
    via = ctx.rng.choice(("email", "email", "email", "portal"))
    return _label([_simple(ctx, group="unlisted", via=via)[1]], "legit_unlisted_domain")


def legit_weakauth(ctx: Ctx) -> list[Record]:
    draft, record = _simple(ctx)
    outcome = ctx.rng.choice(
        (
            mail.AuthOutcome("pass", "none", "none"),
            mail.AuthOutcome("pass", "none", "none"),
            mail.AuthOutcome("softfail", "pass", "pass"),
            mail.AuthOutcome("neutral", "pass", "none"),
            mail.AuthOutcome("pass", "fail", "pass"),
        )
    )
    record["email"] = email_block(ctx.rng, draft.sender, outcome, network="onprem")
    return _label([record], "legit_weakauth")


REPLY_BOXES = (
    "cid",
    "cidunit",
    "detectives",
    "records",
    "dispatch",
    "investigations",
    "legalprocess",
    "ops",
    "watchcommander",
    "crimeanalysis",
)


def legit_replyto_samedomain(ctx: Ctx) -> list[Record]:
    draft, record = _simple(ctx)
    sender = draft.sender
    box = ctx.rng.choice(REPLY_BOXES)
    if sender.supervisor and ctx.rng.random() < 0.3:
        box = re.sub(
            r"\.+", ".", re.sub(r"[^a-z.]", "", sender.supervisor.lower().replace(" ", "."))
        )
        box = box.strip(".")
    record["email"] = email_block(ctx.rng, sender, reply_to=f"{box}@{sender.domain}")
    return _label([record], "legit_replyto_samedomain")


def legit_thin(ctx: Ctx) -> list[Record]:
    # Short but concrete: who called, when, what was posted, what was checked.
    draft, record = _simple(
        ctx, via=ctx.rng.choice(("email", "portal", "portal")), nature="suicide_self_harm"
    )
    rng = ctx.rng
    scene = Scene.build(rng, draft.when, draft.sender.agency.place, "")
    s = scene.slots()
    record["targets"] = record["targets"][:1]
    record["emergency"]["persons_at_risk"] = rng.choice(
        (f"The account holder, {scene.age}{s['sex']}", f"{scene.initials} ({scene.age})")
    )
    quote = rng.choice(narratives.QUOTES).replace("{tonight}", "tonight")
    record["emergency"]["facts"] = rng.choice(
        (
            f"{s['His']} {scene.relation} called at {clock(rng, draft.when)}: {scene.age} y/o "
            f'{s["noun"]} posted "{quote}" on your app. Not home, phone off.',
            f'RP ({scene.relation}) says {s["he"]} posted "{quote}" about an hour ago. '
            f"{s['He']} has pills at home. Not answering.",
            f'{scene.initials} {scene.age}{s["sex"]} suicidal post "{quote}", left home on foot '
            f"near {scene.street}. Phone off.",
        )
    )
    record["emergency"]["how_data_helps"] = rng.choice(
        (
            "Need location/IP to find him.",
            "Location of the device.",
            "To find her tonight.",
            "Last IP and location.",
        )
    )
    return _label([record], "legit_thin")


def legit_kidnap_2targets(ctx: Ctx) -> list[Record]:
    rng = ctx.rng
    agency = ctx.agency()
    sender = new_sender(rng, agency)
    draft = Draft.make(
        rng, ctx.split, sender, ctx.when(agency), rng.choice(("email", "portal")), "kidnapping"
    )
    suspect, victim = target(rng), target(rng)
    record = request(draft, targets=[suspect, victim])
    if rng.random() < 0.7:
        record["emergency"]["facts"] += rng.choice(
            (
                f" The victim's own account is {victim[1]}.",
                f" The victim also uses {victim[1]}; its recent activity may show where "
                "the victim was taken.",
                f" We also ask for {victim[1]}, the victim's account, last used this morning.",
            )
        )
    return _label([record], "legit_kidnap_2targets")


def legit_foreign(ctx: Ctx) -> list[Record]:
    via = ctx.rng.choice(("email", "email", "portal"))
    return _label([_simple(ctx, group="foreign", via=via)[1]], "legit_foreign")


def legit_followup(ctx: Ctx) -> list[Record]:
    """A request and, hours later, the same officer's update on the same case."""
    rng = ctx.rng
    draft, first = _simple(ctx, via=rng.choice(("email", "email", "portal")))
    _label([first], "legit_portal" if draft.via == "portal" else "legit_email")
    when = later(draft.when, rng.randint(25, 600))
    follow = Draft(rng, ctx.split, draft.sender, when, draft.via, draft.nature, draft.style)
    new_target = target(rng)
    record = request(follow, targets=[(t, "") for t in first["targets"]] + [new_target])
    case = first["case_number"]
    record["case_number"] = case
    lead = rng.choice(
        (
            f"UPDATE to our earlier request under case {case}: a witness identified another "
            f"account used by the subject, {new_target[1]}.",
            f"Follow-up to case {case} sent earlier today. We now also need {new_target[1]}, "
            "which the subject used after the first request.",
            f"Further to my request at {clock(rng, draft.when)} (ref. {case}): new information "
            f"links {new_target[1]} to this incident.",
        )
    )
    record["emergency"]["facts"] = f"{lead} {first['emergency']['facts']}"
    if draft.via == "email":
        record["email"] = email_block(rng, replace(draft.sender))
    return [first, *_label([record], "legit_followup")]


LEGIT_PATTERNS: dict[str, Pattern] = {
    "legit_email": legit_email,
    "legit_portal": legit_portal,
    "legit_api": legit_api,
    "legit_phone": legit_phone,
    "legit_chief": legit_chief,
    "legit_latenight": legit_latenight,
    "legit_umbrella_domain": legit_umbrella_domain,
    "legit_unlisted_domain": legit_unlisted_domain,
    "legit_weakauth": legit_weakauth,
    "legit_replyto_samedomain": legit_replyto_samedomain,
    "legit_thin": legit_thin,
    "legit_kidnap_2targets": legit_kidnap_2targets,
    "legit_foreign": legit_foreign,
    "legit_followup": legit_followup,
}
