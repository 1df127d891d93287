"""Whether the accounts a request names fit the emergency it describes.

A genuine request names the accounts its story is about: the person at risk, and in a
kidnapping or a threat also the suspect. A stalker or data broker using an EDR adds people the
story never mentions, often of every kind (a phone, an email, a username) with nothing tying
them together, or names many accounts where only one person is in danger.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

from exigent.cases.schemas import EmergencyNature, IdentifierType

# How many accounts each kind of emergency plausibly involves: the person at risk (who may use
# two accounts) and, where there is one, the person threatening them and an accomplice.
TARGETS_EXPECTED = {
    EmergencyNature.suicide_self_harm: 2,
    EmergencyNature.other_life_threat: 2,
    EmergencyNature.child_safety: 3,
    EmergencyNature.kidnapping: 3,
    EmergencyNature.violent_threat: 3,
    EmergencyNature.terrorism: 4,
}
DEFAULT_EXPECTED = 3
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_NON_DIGIT = re.compile(r"\D+")
_PARTS = re.compile(r"[a-z]{4,}")


@dataclass(frozen=True, slots=True)
class NamedTarget:
    kind: IdentifierType
    value: str


class Narrative:
    """A narrative prepared for looking up identifiers however they are written in it."""

    def __init__(self, text: str) -> None:
        self.text = text.lower()

    # The squeezed forms are built only for a target not found as written.
    @cached_property
    def squeezed(self) -> str:
        return _NON_ALNUM.sub("", self.text)

    @cached_property
    def digit_runs(self) -> str:
        return _NON_DIGIT.sub("", self.text)

    def mentions(self, target: NamedTarget) -> bool:
        """Whether the narrative names the target (with or without @, in any case, as an
        email's local part, as a phone number in any formatting)."""
        value = target.value.strip().lstrip("@").lower()
        if not value:
            return True
        if value in self.text:
            return True
        if target.kind is IdentifierType.phone:
            digits = _NON_DIGIT.sub("", value)
            return len(digits) >= 7 and digits[-7:] in self.digit_runs
        candidates = {value}
        if target.kind is IdentifierType.email or "@" in value:
            candidates.add(value.partition("@")[0])
        for candidate in candidates:
            squeezed = _NON_ALNUM.sub("", candidate)
            if candidate in self.text or (len(squeezed) >= 4 and squeezed in self.squeezed):
                return True
        return False


def unexplained(narrative: Narrative, targets: Sequence[NamedTarget]) -> list[NamedTarget]:
    """The targets the narrative never mentions."""
    return [target for target in targets if not narrative.mentions(target)]


def linked(first: NamedTarget, second: NamedTarget) -> bool:
    """Whether two identifiers look like the same person's (a shared name part or number)."""
    # An email's domain (gmail.com) is shared by strangers; only its local part tells.
    a = first.value.lower().partition("@")[0] or first.value.lower()
    b = second.value.lower().partition("@")[0] or second.value.lower()
    if set(_PARTS.findall(a)) & set(_PARTS.findall(b)):
        return True
    digits_a, digits_b = _NON_DIGIT.sub("", a), _NON_DIGIT.sub("", b)
    return len(digits_a) >= 4 and digits_a[-4:] == digits_b[-4:]


def unlinked_mix(targets: Sequence[NamedTarget]) -> list[str] | None:
    """The kinds of identifier, when three or more kinds are named and none is tied to another."""
    kinds = sorted({target.kind.value for target in targets})
    if len(kinds) < 3:
        return None
    for index, target in enumerate(targets):
        if any(linked(target, other) for other in targets[index + 1 :]):
            return None
    return kinds


def expected_targets(nature: EmergencyNature | None) -> int:
    return TARGETS_EXPECTED.get(nature, DEFAULT_EXPECTED) if nature else DEFAULT_EXPECTED
