"""Legal instruments and claims a request cites, in whatever words it cites them.

An emergency disclosure is voluntary (18 U.S.C. 2702(b)(8), 2702(c)(4)): compulsory process
(warrants, court orders, subpoenas, grand juries) has no place in one, a foreign force acts
under its own law rather than a US statute, and a US agency has no use for a treaty. Genuine
requests mention these instruments too, but only as what there was no time for ("a warrant would
take hours") or what will follow ("legal process to follow"): such mentions are not citations.
"""

from __future__ import annotations

import re

# Compulsory process by any of its names, federal or state.
COMPULSORY_PROCESS = re.compile(
    r"\b270[35]\b|\bsubpoena\w*|duces tecum|court order|order of the court|judicial order|"
    r"(?:search|arrest|state|federal) warrant|\bwarrant\b|grand jury|patriot act|section 215|"
    r"\b2518\b|\b312[1-7]\b|pen register|trap and trace|wiretap|national security letter|\bnsl\b|"
    r"penal code (?:§ ?|section |s\. ?)?15\d\d|rule 41|code of criminal procedure|"
    r"crim(?:inal)? proc(?:edure)?|production order|\bsummons\b"
)
# Saying the provider has no choice, in any of the ways it is said.
COMPULSION_CLAIM = re.compile(
    r"\bcompel(?:s|led|ling)?\b|\bmandatory\b|\bcompulsory\b|required by (?:\w+ )?law|"
    r"legally (?:required|obligated|obliged|bound)|"
    r"(?:obliged|obligated|required|bound|compelled|legally required) to (?:disclose|provide|"
    r"produce|comply|release|respond|hand over)|"
    r"must (?:comply|disclose|provide|produce|release|respond)|"
    r"requires? (?:the )?(?:production|disclosure|compliance|your (?:\w+ )?(?:cooperation|"
    r"compliance))|duty to (?:disclose|provide|comply|produce)|"
    r"(?:have|has) no (?:choice|discretion|option)|shall (?:disclose|provide|produce)"
)
TREATY = re.compile(
    r"\bmlat\b|mutual legal assistance|\bmla request|\btreaty\b|letters? rogatory|"
    r"requesting (?:state|party|country|authority)|central authority|budapest convention|"
    r"convention on cybercrime|bilateral (?:agreement|treaty)|international (?:agreement|"
    r"convention)"
)
US_STATUTE = re.compile(
    r"u\.?\s?s\.?\s?c\b|united states code|title 18\b|cloud act|patriot act|"
    r"stored communications act|electronic communications privacy act|\becpa\b|\bfisa\b|"
    r"\b(?:us|u\.s\.|united states|american) (?:federal )?(?:law|statute|code)"
)
# A mention of an instrument the request does not have: denied, wished for or still to come.
_NOT_BEFORE = re.compile(
    r"(?:\bno\b|\bnot\b|\bnor\b|without|instead of|in lieu of|rather than|cannot wait for|"
    r"before (?:a|an|the)|time (?:for|to obtain|to get)|obtain(?:ing)?|get(?:ting)?|seek(?:ing)?|"
    r"apply(?:ing)? for|reach a judge for)\W+(?:\w+\W+){0,3}$"
)
_NOT_AFTER = re.compile(
    r"^\W*(?:\w+\W+){0,3}?(?:to follow|will follow|would take|takes|forthcoming|pending|"
    r"being (?:sought|obtained|prepared)|afterwards|if (?:needed|required)|cannot|could not|"
    r"is not|are not|not required|can't|would be too|(?:is|are) (?:\w+ ){0,2}away)"
)


def cited(pattern: re.Pattern[str], text: str) -> str | None:
    """The first mention of `pattern` in `text` that is asserted, not denied or deferred."""
    for match in pattern.finditer(text):
        if asserted(text, match):
            return match.group(0)
    return None


def asserted(text: str, match: re.Match[str]) -> bool:
    """Whether a mention is made as a fact, not denied, wished for or deferred."""
    before = text[max(0, match.start() - 60) : match.start()]
    after = text[match.end() : match.end() + 50]
    return not (_NOT_BEFORE.search(before) or _NOT_AFTER.search(after))
