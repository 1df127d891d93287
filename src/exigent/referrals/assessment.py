"""The imminent-risk checklist: what its answers recommend, in words, and the laws it relies on.

Pure rules over the analyst's answers and the policy data; no database. The panel shows the
recommendation live as the analyst answers, and `service.py` saves it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from exigent.legal.policy import Policy
from exigent.referrals.models import HarmType, RecipientKind, Recommendation


class Answer(StrEnum):
    yes = "yes"
    no = "no"
    unknown = "unknown"


@dataclass(frozen=True)
class Item:
    key: str
    question: str
    # How the item reads in a reason when answered yes.
    said: str


CHECKLIST: tuple[Item, ...] = (
    Item("specific_threat", "Is there a specific threat (who, what)?", "a specific threat"),
    Item("means", "Does the person have the means to carry it out?", "the means"),
    Item("time_frame", "Is there a time frame (a date, tonight, soon)?", "a time frame"),
    Item("identifiable_victim", "Is there an identifiable victim?", "an identifiable victim"),
    Item(
        "age_indicators",
        "Are there indications that someone involved is under 18?",
        "indications of a person under 18",
    ),
    Item("prior_history", "Is there prior history (earlier threats, reports)?", "prior history"),
)
KEYS = tuple(item.key for item in CHECKLIST)
SAID = {item.key: item.said for item in CHECKLIST}
# The three that make a threat imminent together (DOMAIN.md: specific, able, soon).
CORE = ("specific_threat", "means", "time_frame")
LACKING = {"specific_threat": "specific threat", "means": "means", "time_frame": "time frame"}


@dataclass(frozen=True)
class Advice:
    """What the checklist recommends, and why in one or two sentences."""

    recommendation: Recommendation
    reason: str
    # The recipient the answers point to, beyond the facts: NCMEC for a child.
    to_ncmec: bool = False


def parse_answers(raw: Mapping[str, str]) -> dict[str, Answer]:
    """The checklist's answers by item; a missing or unknown value reads as `unknown`."""
    answers = {}
    for key in KEYS:
        value = (raw.get(key) or "unknown").strip()
        if value not in Answer.__members__:
            raise ValueError(f"{key}: answer yes, no or unknown (not {value!r})")
        answers[key] = Answer(value)
    return answers


def _listed(keys: Iterable[str]) -> str:
    words = [SAID[k] for k in keys]
    if len(words) < 2:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def advise(harm_type: HarmType, answers: Mapping[str, Answer]) -> Advice:
    """Recommend refer now, monitor or no action from the answers, saying why."""
    yes = [k for k in KEYS if answers.get(k) == Answer.yes]
    if harm_type == HarmType.child_sexual_exploitation and answers.get("age_indicators") == "yes":
        return Advice(
            Recommendation.refer_now,
            "Apparent child sexual exploitation with indications of a person under 18: the "
            "platform must report it to NCMEC's CyberTipline (18 U.S.C. 2258A).",
            to_ncmec=True,
        )
    if all(answers.get(k) == Answer.yes for k in CORE):
        return Advice(
            Recommendation.refer_now,
            f"There is {_listed(yes)}: a specific threat that the person can carry out within "
            "a time frame is an imminent risk, to refer now.",
        )
    core_yes = [k for k in CORE if answers.get(k) == Answer.yes]
    if (
        answers.get("specific_threat") == Answer.yes
        and answers.get("identifiable_victim") == Answer.yes
        and len(core_yes) >= 2
    ):
        return Advice(
            Recommendation.refer_now,
            f"There is {_listed(yes)}: a specific threat against an identifiable victim with "
            f"{SAID[core_yes[1]]} is an imminent risk, to refer now.",
        )
    if not yes and all(answers.get(k) == Answer.no for k in CORE):
        return Advice(
            Recommendation.no_action,
            "No specific threat, no means and no time frame: nothing to refer or watch.",
        )
    missing = [LACKING[k] for k in CORE if answers.get(k) != Answer.yes]
    lacking = ", ".join(missing[:-1]) + " or " + missing[-1] if len(missing) > 1 else missing[0]
    found = f"There is {_listed(yes)}, but no" if yes else "Nothing specific: no"
    return Advice(
        Recommendation.monitor,
        f"{found} {lacking} is established: monitor and assess again as more is known.",
    )


# EU Member States, for proposing DSA Art. 18 when the facts name one.
EU_MEMBER_STATES = frozenset(
    {"AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "IE", "IT"}
    | {"LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE"}
)


def recipient_kinds_from_facts(
    harm_type: HarmType, countries: Iterable[str | None], advice: Advice | None
) -> set[RecipientKind]:
    """The kinds of recipient the facts point to while none is chosen yet."""
    kinds: set[RecipientKind] = set()
    if harm_type == HarmType.child_sexual_exploitation or (advice and advice.to_ncmec):
        kinds.add(RecipientKind.ncmec)
    named = {c.upper() for c in countries if c}
    if named & EU_MEMBER_STATES:
        kinds.add(RecipientKind.eu_member_state)
    if not named or named - EU_MEMBER_STATES:
        kinds.add(RecipientKind.police)
    return kinds


def propose_bases(policy: Policy, harm_type: HarmType, recipient_kinds: Iterable[str]) -> list[str]:
    """The policy's legal bases that reach these recipients for this harm, in policy order."""
    kinds = {str(k) for k in recipient_kinds}
    proposed = []
    for basis_id, basis in policy.referrals.legal_bases.items():
        if not kinds & set(basis.recipient_kinds):
            continue
        if basis.harm_types and str(harm_type) not in basis.harm_types:
            continue
        proposed.append(basis_id)
    return proposed


def unknown_bases(policy: Policy, chosen: Iterable[str]) -> list[str]:
    """Chosen bases the policy does not name."""
    return [b for b in chosen if b not in policy.referrals.legal_bases]


def cite(policy: Policy, bases: Iterable[str]) -> list[str]:
    """Each basis as people read it: its citation and label."""
    known = policy.referrals.legal_bases
    return [f"{known[b].citation}: {known[b].label}" if b in known else b for b in bases]
