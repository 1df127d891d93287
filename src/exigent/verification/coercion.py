"""Coercion in a request's wording, however it is phrased.

A genuine officer explains the danger; an impostor pressures the person reading. Pressure comes
in a few kinds, each recognised by the stems of a small vocabulary (so "prosecute",
"prosecution" and "prosecuted" are one word) combined with who it is aimed at: a legal threat
against the provider or its staff, blame for a death laid on them, going over their heads, and
a deadline for the answer. Each clause is judged on its own, and a clause that denies the
threat ("this is not a threat", "we are not threatening") does not count.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import cache

import Stemmer

from exigent.verification.text import stems_of


def _stems(words: str) -> frozenset[str]:
    return frozenset(_stemmer().stemWords(words.split()))


@cache
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("english")


@dataclass(frozen=True, slots=True)
class Pressure:
    """One kind of pressure found: its category and the words that showed it."""

    category: str
    words: tuple[str, ...]


# Stems are shared by unrelated words ("accountable" and "account", "reporters" and
# "report"): a vocabulary leaves out words whose stem the genuine narrative uses all the time.
@cache
def _vocabularies() -> dict[str, frozenset[str]]:
    return {
        # Consequences the law could bring on a person or company.
        "legal": _stems(
            "charges charged prosecution prosecute obstruction obstructing contempt liability "
            "liable penalties penalty sanctions arrest arrested indicted indictment hindering "
            "hinder lawsuit sue sued litigation fined fines punishment jail imprisonment "
            "accessory complicit criminally criminal culpable"
        ),
        # What a refusal is called when it is made out to be a crime ("withholding this is a
        # federal offence"): these words name crimes in genuine facts too, so they count only
        # beside a refusal.
        "crime": _stems("offence offense offences offenses crime crimes illegal felony"),
        # The provider, its staff or the reader, as the one a threat is aimed at.
        "addressee": _stems(
            "you your yours company companies staff employees employee platform provider "
            "custodian personnel corporation organisation organization firm team"
        ),
        # Not doing what is asked.
        "refusal": _stems(
            "failure fail fails failing refuse refusal noncompliance ignore ignoring decline "
            "declining delay delays delaying withhold withholding stall stalling hesitate"
        ),
        # Consequences that sound like a warning rather than a fact about the case.
        "modal": _stems("will may might could shall face facing held result"),
        # What may befall the person at risk; "if anything happens to her" is how blame is
        # usually put, and blame needs one of these beside words that lay it on the reader.
        "harm": _stems(
            "dies die died death dead killed kill harm harmed loss life blood hurt injured "
            "injury happens happen suffer suffers"
        ),
        "blame": _stems(
            "blame blamed fault responsible responsibility hands conscience liable guilt"
        ),
        "authority": _stems(
            "ceo ceos media press news journalist journalists fbi doj congress "
            "congressman senator regulator regulators ftc fcc board shareholders public "
            "headquarters leadership attorney prosecutor governor mayor superiors "
            "counsel lawyers ombudsman inspector"
        ),
        "escalate": _stems(
            "report reported escalate escalated notify notified inform informed contact "
            "contacted alert alerted expose exposed publicize publicise name named go "
            "complaint complain publish published refer referred forward forwarded raise "
            "raised tell"
        ),
        "answer": _stems(
            "respond response reply answer provide provided comply compliance disclose "
            "disclosure produce production send return turn fulfil fulfill records data "
            "information hear"
        ),
    }


_NEGATION = frozenset({"not", "no", "never", "without", "nor", "t"})
_CONDITION = frozenset({"if", "unless", "should", "fail", "failur"})
_NUMBER = (
    r"(?:\d+|an?|one|two|three|four|five|six|ten|fifteen|twenty|thirty|forty|forty-five|"
    r"forty five|sixty|ninety|half an?|a few|a couple of)"
)
_UNIT = r"(?:minutes?|mins?|hours?|hrs?|h)\b"
_TIME_LIMIT = re.compile(
    rf"\bwithin (?:the (?:next )?)?(?:{_NUMBER} ?-?)?{_UNIT}|"
    rf"\bin (?:the next )?{_NUMBER} ?-?{_UNIT}|"
    r"\b(?:by|before) (?:\d{1,2}(?::\d{2})? ?(?:a\.?m\b\.?|p\.?m\b\.?)|\d{3,4} ?(?:hrs|hours|h)\b|"
    r"noon\b|midnight\b|end of (?:the )?(?:day|business|shift)\b|close of business\b|cob\b|"
    r"eod\b|tonight\b|tomorrow\b)|"
    r"\b(?:minutes?|hours?|hrs?) from (?:now|receipt)\b|"
    r"\bno later than\b|\bdeadline\b|\bat the latest\b|\bno extensions?\b|"
    rf"\byou have (?:only )?(?:{_NUMBER} ?-?){_UNIT}|"
    r"\b(?:by|before) (?:[01]?\d|2[0-3]):[0-5]\d\b"
)
# "Answer now or else": a demand joined to a consequence needs no number to be a deadline.
_ULTIMATUM = re.compile(
    r"\b(?:asap|immediately|right now|at once|without delay|forthwith|now|today|tonight)"
    r"\W{0,3}or\b|\bfailure to (?:respond|reply|comply|provide|answer)\b|"
    r"\bany (?:further )?delay\b|"
    # A delay written down for later use is a threat without the words of one.
    r"\bdelays? (?:is |are |will be )?(?:being )?(?:logged|recorded|documented|noted|tracked)\b|"
    # Keeping the request from the provider's own reviewers is pressure to skip the check.
    r"\b(?:do not|don't|no need to) (?:forward|escalate|route|refer|send|pass|involve|consult|"
    r"wait for|loop in|copy)\b[^.;]{0,40}"
    r"\b(?:review|legal|lawyers?|counsel|supervisors?|managers?|compliance)\b|"
    r"\b(?:cannot|can't|will not|won't|does not|doesn't|should not) wait for (?:your |the |a )?"
    r"(?:usual |normal |standard |internal |legal )?(?:review|process|procedures?|approval)\b|"
    r"\b(?:bypass|skip|circumvent|set aside|waive|ignore) (?:your |the |any )?(?:usual |normal |"
    r"standard |internal )?(?:review|process|procedures?|polic(?:y|ies)|approval|legal)\b|"
    r"\b(?:overrides?|supersedes?) (?:your |any )?(?:polic(?:y|ies)|procedures?|terms)\b"
)
_LIMIT_WORDS = (
    "min hour hr later latest extension deadline noon midnight end close cob eod pm p.m a.m "
    "tonight tomorrow"
)
_LIMIT_HINTS = (
    *_LIMIT_WORDS.split(),
    " h",
    *(f"{word} {digit}" for word in ("by", "before") for digit in "012"),
    *(f"{digit}{space}am" for digit in "0123456789" for space in ("", " ")),
)
_BLAME_HINTS = (
    "on you",
    "of your",
    "could have",
    "the reason",
    "the cause",
    "blame",
    "fault",
    "in your hands",
    "because of you",
    "on your watch",
    "live with",
    "accountable",
    "liable",
    "responsible",
)
_NOW_HINTS = ("asap", "immediately", "right now", "at once", "forthwith", "now", "today", "tonight")
_DELAY_HINTS = (
    "failure to",
    "delay",
    "wait for",
    "bypass",
    "skip",
    "circumvent",
    "set aside",
    "waive",
    "ignore",
    "overrid",
    "supersede",
    *(
        f"{negation} {verb}"
        for negation in ("not", "n't", "need to")
        for verb in (
            "forward",
            "escalate",
            "route",
            "refer",
            "send",
            "pass",
            "involve",
            "consult",
            "loop",
            "copy",
        )
    ),
)


def _any(text: str, hints: tuple[str, ...]) -> bool:
    return any(hint in text for hint in hints)


_CLAUSE = re.compile(r"[.;!?\n]+")
_PART = re.compile(r",|\bbut\b|\bhowever\b")
_ON_YOU = re.compile(
    r"\bon (?:you|your (?:hands|head|conscience|shoulders))\b|"
    r"\b(?:in your hands|because of you|on your watch|"
    r"live with (?:it|that|this|the consequences|yourselves|yourself)|"
    r"(?:hold|held) (?:you|your \w+) (?:accountable|liable|responsible)|"
    r"(?:because|as a result) of your (?:delay|refusal|inaction|decision|silence)|"
    r"could have (?:prevented|stopped|saved))\b|"
    r"\b(?:you|your \w+) (?:will |would |'ll )?(?:be|are|is) the (?:reason|cause)\b|"
    r"\b(?:be|is|are|rests?|lies?|falls?) on your (?:company|firm|staff|people|team|business|"
    r"organi[sz]ation|corporation|employees)\b|"
    r"\b(?:you|your \w+) (?:will )?(?:be|are|is) (?:to blame|at fault)"
)
_WORD = re.compile(r"[a-z]+")
# A clause that is the consequence of no answer: "...; otherwise we will ...", "If we do not
# hear back today, ...". Such a clause is aimed at the provider without naming it.
_UNANSWERED = re.compile(
    r"^\W*(?:otherwise|or else|failing (?:that|this|which)|if not)\b|"
    r"\b(?:if|until) (?:we|i) (?:do not|don't|cannot|can't|have not|haven't|did not|"
    r"didn't) (?:hear|receive|get|have)\b|"
    r"\bunless (?:we|i) (?:\w+ )?(?:hear|receive|get|have)\b"
)


@cache
def _categories() -> dict[str, tuple[str, ...]]:
    """Each stem's categories, so a clause's words are looked up once."""
    categories: dict[str, list[str]] = {}
    for kind, stems in _vocabularies().items():
        for stem in stems:
            categories.setdefault(stem, []).append(kind)
    return {stem: tuple(kinds) for stem, kinds in categories.items()}


@cache
def _triggers() -> frozenset[str]:
    # A clause without one of these words (or a time limit) cannot be pressure of any kind.
    vocab = _vocabularies()
    return vocab["legal"] | vocab["blame"] | vocab["authority"] | vocab["crime"]


def pressures(text: str, names: frozenset[str] = frozenset()) -> list[Pressure]:
    """The kinds of pressure in a text, each once, with the words that showed it. Words in
    `names` (the requester's own town and agency) are names, never vocabulary: Superior
    Police Department's officer does not threaten to go to anyone's superiors."""
    lowered = text.lower().replace("non-compliance", "noncompliance")
    found: dict[str, Pressure] = {}
    for clause in _candidate_clauses(lowered):
        for pressure in _clause_pressures(clause, names):
            found.setdefault(pressure.category, pressure)
    return list(found.values())


def _candidate_clauses(text: str) -> list[str]:
    """The clauses that hold a trigger word or a time limit: one pass over the whole text, so
    the clause-by-clause reading is spent only where pressure is possible."""
    # Words each pattern needs, checked first: the patterns cost more than a substring test.
    patterns = [_TIME_LIMIT] if _any(text, _LIMIT_HINTS) else []
    if _any(text, _BLAME_HINTS):
        patterns.append(_ON_YOU)
    if (" or" in text and _any(text, _NOW_HINTS)) or _any(text, _DELAY_HINTS):
        patterns.append(_ULTIMATUM)
    positions = [match.start() for pattern in patterns for match in pattern.finditer(text)]
    triggers = _triggers()
    # Most narratives hold no trigger word: a set test over their stems settles it before any
    # word's position is looked up.
    if not triggers.isdisjoint(stems_of(_WORD.findall(text))):
        matches = list(_WORD.finditer(text))
        stems = stems_of([match.group(0) for match in matches])
        positions += [
            match.start() for match, stem in zip(matches, stems, strict=True) if stem in triggers
        ]
    if not positions:
        return []
    ends = [match.end() for match in _CLAUSE.finditer(text)]
    starts = [0, *ends]
    chosen = sorted({bisect_right(ends, position) for position in positions})
    clauses = [
        text[starts[index] : ends[index] if index < len(ends) else len(text)] for index in chosen
    ]
    return [clause for clause in clauses if len(clause) >= 8]


def _clause_pressures(clause: str, names: frozenset[str]) -> list[Pressure]:
    matches = list(_WORD.finditer(clause))
    words = [match.group(0) for match in matches]
    at: dict[str, list[int]] = {}
    categories = _categories()
    for index, stem in enumerate(stems_of(words)):
        if words[index] in names:
            continue
        for kind in categories.get(stem, ()):
            at.setdefault(kind, []).append(index)

    def hits(kind: str) -> list[int]:
        return at.get(kind, [])

    def denied(index: int) -> bool:
        return _denied(clause, matches[index].start())

    refused = bool(hits("refusal")) or _UNANSWERED.search(clause) is not None
    aimed = bool(hits("addressee")) or refused
    found: list[Pressure] = []
    legal = hits("legal")
    # A consequence is a threat when it is still to come ("will", "may") or is what refusing
    # brings; "the suspect was arrested" is neither.
    if legal and aimed and (hits("modal") or hits("refusal")) and not denied(legal[0]):
        found.append(Pressure("legal consequences", _words(words, legal)))
    elif hits("crime") and refused and not denied(hits("crime")[0]):
        found.append(Pressure("legal consequences", _words(words, hits("crime"))))
    harm, blame = hits("harm"), hits("blame")
    on_you = _ON_YOU.search(clause)
    if harm and (blame or on_you) and hits("addressee") and not denied(harm[0]):
        said = _words(words, blame + harm) + ((on_you.group(0),) if on_you else ())
        found.append(Pressure("blame for harm", said))
    authority, escalate = hits("authority"), hits("escalate")
    if authority and escalate and aimed and not denied(escalate[0]):
        found.append(Pressure("escalation", _words(words, escalate + authority)))
    limit = _TIME_LIMIT.search(clause)
    if limit and (hits("answer") or hits("addressee")) and not _denied(clause, limit.start()):
        found.append(Pressure("deadline", (limit.group(0),)))
    else:
        ultimatum = _ULTIMATUM.search(clause)
        if ultimatum and not _denied(clause, ultimatum.start()):
            found.append(Pressure("deadline", (ultimatum.group(0),)))
    return found


def _words(words: list[str], positions: list[int]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(words[index] for index in sorted(positions)))[:4]


def _denied(clause: str, position: int) -> bool:
    """A negation before the trigger, in the same part of the sentence, denies it ("this is
    not a threat"), unless it sits inside a condition ("if you do not respond ...", which is
    the threat itself)."""
    before = _PART.split(clause[:position])[-1]
    stems = _stemmer().stemWords(_WORD.findall(before))
    negations = [index for index, stem in enumerate(stems) if stem in _NEGATION]
    if not negations:
        return False
    return not any(stem in _CONDITION for stem in stems[: negations[0]])
