"""The EU side of who to tell: the Member State concerned under DSA Art. 18, or Europol.

Art. 18(1) names the Member State where the offence is suspected to take place, where the
suspect is, or where the victim is; Art. 18(2) sends the provider to Europol when it cannot
identify one with reasonable certainty. We weigh the facts in that order of strength: where
the offence happens, then the victim, then the suspect, then where the user was seen.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from exigent.errors import BadInput

CONTACTS_FILE = Path(__file__).parent / "data" / "dsa_art18_contacts.json"


@dataclass(frozen=True)
class MemberState:
    code: str
    name: str
    authority: str
    contact: str
    confirmed: bool


@dataclass(frozen=True)
class EuContacts:
    states: dict[str, MemberState]
    europol: MemberState
    aliases: dict[str, str] = field(default_factory=dict)


@lru_cache(maxsize=1)
def contacts() -> EuContacts:
    """The shipped Art. 18 contact points (see the data file for its sources)."""
    data: dict[str, Any] = json.loads(CONTACTS_FILE.read_text(encoding="utf-8"))
    states = {
        row["code"]: MemberState(
            row["code"],
            row["state"],
            row["authority"],
            row["contact"],
            row["status"] == "published",
        )
        for row in data["member_states"]
    }
    e = data["europol"]
    europol = MemberState("EU", "Europol", e["authority"], e["contact"], True)
    return EuContacts(states, europol, dict(data["aliases"]))


# Countries the resolver knows besides the Member States: the US has its own path.
OTHER_KNOWN = frozenset({"US"})


def country_code(field_name: str, value: str | None) -> str | None:
    """A fact's country as an ISO code; a code that is neither a Member State nor US is refused."""
    if value is None or not value.strip():
        return None
    code = value.strip().upper()
    eu = contacts()
    code = eu.aliases.get(code, code)
    if code in eu.states or code in OTHER_KNOWN:
        return code
    raise BadInput(f"{field_name}: {value!r} is not a known Member State code (nor US)")


@dataclass(frozen=True)
class EuFacts:
    offence_country: str | None
    victim_country: str | None
    suspect_country: str | None
    location_country: str | None

    def is_eu(self) -> bool:
        states = contacts().states
        return any(c in states for c in self.ordered().values())

    def ordered(self) -> dict[str, str]:
        """The facts that are known, strongest first."""
        pairs = {
            "offence": self.offence_country,
            "victim": self.victim_country,
            "suspect": self.suspect_country,
            "location": self.location_country,
        }
        return {k: v for k, v in pairs.items() if v}


SAYS = {
    "offence": "The offence is happening in {name} (offence country {code})",
    "victim": "The victim is in {name} (victim country {code})",
    "suspect": "The suspect is in {name} (suspect country {code})",
    "location": "The user was last located in {name} ({code})",
}


@dataclass(frozen=True)
class EuProposal:
    target: MemberState
    europol: bool
    reasons: list[str]


def resolve_eu(facts: EuFacts) -> list[EuProposal]:
    """Member States concerned, the most certain first; Europol first when none is certain."""
    eu = contacts()
    known = {k: v for k, v in facts.ordered().items() if v in eu.states}
    reasons_by_state: dict[str, list[str]] = {}
    for kind, code in known.items():
        state = eu.states[code]
        reasons_by_state.setdefault(code, []).append(SAYS[kind].format(name=state.name, code=code))
    proposals = [
        EuProposal(eu.states[code], False, reasons + _confirm(eu.states[code]))
        for code, reasons in reasons_by_state.items()
    ]
    offence = known.get("offence")
    people = {known[k] for k in ("victim", "suspect") if k in known}
    if offence is None and len(people) > 1:
        # Victim and suspect in different states and nothing says where the offence is.
        names = " and ".join(eu.states[c].name for c in sorted(people))
        why = (
            f"No single Member State with reasonable certainty: the facts point to {names} "
            "(DSA Art. 18(2): inform Europol)"
        )
        return [EuProposal(eu.europol, True, [why]), *proposals]
    if not proposals:
        why = "No fact names a Member State (DSA Art. 18(2): inform Europol)"
        return [EuProposal(eu.europol, True, [why])]
    return proposals


def _confirm(state: MemberState) -> list[str]:
    if state.confirmed:
        return []
    return [f"Contact point for {state.name} to be confirmed: find its published contact first"]
