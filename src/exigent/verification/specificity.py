"""How concrete a narrative is, measured without relying on any sample's phrases.

An officer working a real emergency writes down what they know: when, where, who, how old,
what was said, what the person drives or carries, what has been tried. A form filled in without
a case behind it has urgency words instead. Each kind of concrete detail is recognised by its
shape (a time, a date, an age, a quote, a street address, a name) or by a general vocabulary
(places, relatives, vehicles, means of harm, police actions), and the narrative's distinct
content words show how much it says at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from exigent.verification.text import STOPWORDS

_MONTHS = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
# Shapes, matched on the original text (capitals matter for names and places).
_SHAPES = {
    "time": r"\b\d{1,2}:\d{2}\b|\b\d{3,4} ?(?:hrs|hours|h)\b|\b\d{1,2} ?(?:[ap]\.?m\b)|"
    r"\b(?:noon|midnight)\b",
    "date": rf"\b\d{{1,2}}/\d{{1,2}}(?:/\d{{2,4}})?\b|\b\d{{4}}-\d{{2}}-\d{{2}}\b|"
    rf"\b(?:{_MONTHS})\.? \d{{1,2}}\b|\b\d{{1,2}} (?:{_MONTHS})\b|"
    r"\b(?:yesterday|last night|this (?:morning|afternoon)|earlier today|"
    r"(?:mon|tues|wednes|thurs|fri|satur|sun)day)\b",
    "age": r"\b\d{1,3}[- ]?(?:years?[- ]old|y/?o\b|yo\b|yrs? old)|\bage[ds]? \d{1,3}\b|"
    r"\(\d{1,3} ?[mf]?\)|\b\d{1,2}[mf]\b|\b(?:infant|toddler|teen(?:ager)?|elderly)\b",
    "quote": r"\"[^\"]{6,}\"|“[^”]{6,}”|'[^']{12,}'",
    "address": r"\b\d{1,6} [A-Z][a-z]+(?: [A-Z][a-z]+)* (?:St|Street|Ave|Avenue|Rd|Road|Dr|"
    r"Drive|Blvd|Ln|Lane|Hwy|Highway|Way|Ct|Court|Pl|Place|Pkwy)\b|"
    r"\b(?:cross street|intersection of|mile marker|exit \d+)\b",
    "named place": r"\b(?:in|at|near|from|outside|behind|on|about|to|into) (?:the )?"
    r"[A-Z][a-z]+(?: [A-Z][a-z]+)*",
    "named person": r"\b[A-Z]\.[A-Z]\.|\b[A-Z]\. [A-Z][a-z]+|"
    r"\b(?:Mr|Mrs|Ms|Dr|Officer|Deputy|Sgt|Det)\.? [A-Z][a-z]+",
    "description": r"\d'\d|\b(?:wearing|build|hair|tattoo|scar|height|weight)\b",
    "reference": r"\b(?:cad|incident|report|case|call|event) (?:number|no\.?|#)|"
    r"\b(?:atl|bolo|amber alert|attempt-to-locate)\b",
    "number": r"\+?\d[\d -]{6,}\d|\$\s?\d",
}
_VOCABULARIES = {
    "place": "school park bridge residence home house apartment store station campus hospital "
    "forest church motel hotel festival rally concert mall stadium arena venue shelter bus "
    "trail river lake beach parking lot highway interstate street road avenue canyon woods "
    "college university office restaurant bar club gym market mosque synagogue temple",
    "reporter": "mother father sister brother friend coworker roommate counselor teacher "
    "neighbor neighbour relative wife husband partner ex-partner ex-boyfriend ex-girlfriend "
    "grandmother grandfather aunt uncle stepfather stepmother cousin tipster witness caller "
    "parent daughter son girlfriend boyfriend principal",
    "vehicle": "vehicle car truck suv sedan van pickup motorcycle jeep bike bicycle",
    "action": "checked ping pinged units searched canvass canvassed responded broadcast "
    "interviewed dispatched located contacted notified patrols issued",
    "channel": "posted post message messages messaged messaging sent livestream livestreamed "
    "live dm chat story called 911 999 112 texted text profile manifesto video photo "
    "screenshot screenshots comment commented",
    "means": "gun firearm rifle handgun pistol knife pills medication rope razor overdose "
    "overdosed bomb weapon explosive explosives fentanyl blade",
}
# Words that say the matter is urgent without saying anything about it.
_URGENCY_WORDS = (
    "urgent urgently emergency immediate immediately imminent danger dangerous threat life "
    "risk critical asap now need needed required exigent serious grave active situation "
    "ongoing time urgency matter"
)
_URGENCY = frozenset(_URGENCY_WORDS.split())
_CASED = frozenset({"address", "named place", "named person"})
# Cheapest patterns first: the look-ups stop as soon as enough kinds are found.
_ORDER = (
    "quote",
    "time",
    "named place",
    "named person",
    "address",
    "number",
    "reference",
    "date",
    "description",
    "age",
)
_PATTERNS = {name: re.compile(_SHAPES[name]) for name in _ORDER}
_WORDS = {name: frozenset(words.split()) for name, words in _VOCABULARIES.items()}
_WORD = re.compile(r"[a-z0-9'-]+")


@dataclass(frozen=True, slots=True)
class Specificity:
    """The kinds of concrete detail a narrative has, and how much it says beyond urgency."""

    kinds: frozenset[str]
    content_words: int
    urgency_words: int

    @property
    def score(self) -> int:
        # Each kind of detail counts once; a long narrative with many distinct words earns up
        # to two more, since it says a lot even where no pattern recognises it.
        return len(self.kinds) + min(2, self.content_words // 25)

    @property
    def mostly_urgency(self) -> bool:
        """More urgency words than kinds of concrete detail."""
        return self.urgency_words > len(self.kinds) + 1


def specificity(text: str, enough: int = 5) -> Specificity:
    """Measure how concrete a narrative is (shapes stop being looked for at `enough` kinds:
    the costly patterns run only while the answer could still be "thin")."""
    lowered = text.lower()
    tokens = _WORD.findall(lowered)
    words = {word.strip("'-") for word in tokens}
    stems = words | {word[:-1] for word in words if word.endswith("s")}
    kinds = {name for name, vocabulary in _WORDS.items() if vocabulary & stems}
    for name, pattern in _PATTERNS.items():
        if len(kinds) >= enough:
            break
        source = text if name in _CASED else lowered
        if name not in kinds and pattern.search(source):
            kinds.add(name)
    content = {word for word in words if word not in STOPWORDS and len(word) > 2}
    urgency = sum(1 for word in tokens if word in _URGENCY)
    return Specificity(frozenset(kinds), len(content - _URGENCY), urgency)
