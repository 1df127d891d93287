"""The scripts a country's own languages are written in, from Unicode CLDR (via Babel).

A Greek force may well write its domain in Greek letters and a German one with an umlaut; a US
agency has no reason to leave plain ASCII. English needs no letters beyond ASCII, so a country
whose only official language is English has no native script for a domain here.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache

from babel.core import get_global
from babel.languages import get_official_languages

# ISO 15924 codes (CLDR's) to the script names Unicode's data, and confusable_homoglyphs,
# use. A writing system such as Japanese is several scripts at once.
_UNICODE_SCRIPTS: dict[str, tuple[str, ...]] = {
    "Latn": ("LATIN",),
    "Cyrl": ("CYRILLIC",),
    "Grek": ("GREEK",),
    "Hans": ("HAN",),
    "Hant": ("HAN",),
    "Jpan": ("HAN", "HIRAGANA", "KATAKANA"),
    "Kore": ("HANGUL", "HAN"),
    "Arab": ("ARABIC",),
    "Hebr": ("HEBREW",),
    "Thai": ("THAI",),
    "Deva": ("DEVANAGARI",),
    "Beng": ("BENGALI",),
    "Taml": ("TAMIL",),
    "Telu": ("TELUGU",),
    "Knda": ("KANNADA",),
    "Mlym": ("MALAYALAM",),
    "Gujr": ("GUJARATI",),
    "Guru": ("GURMUKHI",),
    "Orya": ("ORIYA",),
    "Sinh": ("SINHALA",),
    "Geor": ("GEORGIAN",),
    "Armn": ("ARMENIAN",),
    "Ethi": ("ETHIOPIC",),
    "Khmr": ("KHMER",),
    "Laoo": ("LAO",),
    "Mymr": ("MYANMAR",),
    "Tibt": ("TIBETAN",),
    "Thaa": ("THAANA",),
    "Mong": ("MONGOLIAN",),
}


@cache
def native_scripts(country: str) -> frozenset[str]:
    """The Unicode scripts of `country`'s official languages (English aside), upper case."""
    likely = get_global("likely_subtags")
    scripts: set[str] = set()
    for language in get_official_languages(country.upper(), de_facto=True):
        if language == "en":
            continue
        scripts.update(_UNICODE_SCRIPTS.get(_script_of(language, likely), ()))
    return frozenset(scripts)


def _script_of(language: str, likely: Mapping[str, str]) -> str:
    """The ISO 15924 code of a language's script: `sr_Latn` names it, and `ru` gets it from
    CLDR's likely subtags (`ru_Cyrl_RU`)."""
    parts = language.split("_")
    if len(parts) < 2:
        parts = (likely.get(language) or "").split("_")
    return parts[1] if len(parts) > 1 else ""
