"""Domains fraudsters register to pass for an agency: typos, added words, TLD swaps,
subdomain tricks and homoglyphs (written as punycode on the wire, like real mail).

Every family of variants has a name, and the sets in `HELDOUT_ONLY` name the ones
kept out of training so the held-out split measures generalisation to unseen tricks.
"""

from __future__ import annotations

import random

from exigent.verification.corpus.wording import HELDOUT_STYLES

KEYBOARD = {
    "a": "qsz",
    "b": "vgn",
    "c": "xvd",
    "d": "sfe",
    "e": "wrd",
    "f": "dgr",
    "g": "fht",
    "h": "gjy",
    "i": "uok",
    "j": "hku",
    "k": "jli",
    "l": "kop",
    "m": "nj",
    "n": "bmh",
    "o": "ipl",
    "p": "ol",
    "q": "wa",
    "r": "etf",
    "s": "adw",
    "t": "ryg",
    "u": "yij",
    "v": "cbf",
    "w": "qes",
    "x": "zcs",
    "y": "tuh",
    "z": "xa",
}
TYPO_KINDS = ("omission", "transposition", "doubling", "keyboard", "vowel_swap")
ADD_WORDS = (
    "-police",
    "police",
    "-pd",
    "pd",
    "-gov",
    "gov",
    "records",
    "-records",
    "cid",
    "-cid",
    "secure",
    "-secure",
    "-le",
    "-leo",
    "-sheriff",
    "-dept",
    "portal",
    "-edr",
    "-legal",
    "-us",
    "online",
    "-911",
    "-ops",
)
TLD_SWAPS = (
    "com",
    "org",
    "us",
    "net",
    "co",
    "info",
    "gov.co",
    "org.co",
    "cc",
    "io",
    "pro",
    "us.org",
    "com.co",
    "online",
    "site",
    "gov.us",
)
SUBDOMAIN_FAMILIES = {
    # the agency's whole domain in front of the attacker's own domain
    "relay": ("{domain}.{word}.{tld}",),
    "mail_prefix": ("mail.{domain}.{word}.{tld}", "secure.{domain}.{word}.{tld}"),
    # 'gov' (or the agency) as a subdomain of a name the attacker owns
    "gov_prefix": ("gov.{label}.{tld}", "{label}.gov.{word}.{tld}"),
    # the agency label under a second-level suffix of another country
    "cc_second_level": (
        "{label}.org.uk",
        "{label}.co.uk",
        "{label}.com.au",
        "{label}.net.au",
        "{label}.com.mx",
        "{label}.co.nz",
    ),
    # registry-run private suffixes that read like US domains
    "centralnic": ("{label}.us.com", "{label}-pd.us.com", "{label}.us.org", "{label}.gov.us.org"),
}
RELAY_WORDS = (
    "secure-relay",
    "secure-mail",
    "edr-submit",
    "records-request",
    "mailprotect",
    "govmail",
    "lawenforcement-portal",
    "safe-send",
    "leo-mail",
    "cjis-mail",
    "evidence-share",
    "le-request",
)
RELAY_TLDS = ("org", "net", "com", "info", "co")
# Written as escapes: the look-alike letters are the point, and must not be mistyped.
HOMOGLYPHS = {
    "cyrillic": {
        "a": "\u0430",
        "c": "\u0441",
        "e": "\u0435",
        "o": "\u043e",
        "p": "\u0440",
        "x": "\u0445",
        "y": "\u0443",
        "s": "\u0455",
        "i": "\u0456",
        "j": "\u0458",
    },
    "greek": {
        "o": "\u03bf",
        "i": "\u03b9",
        "v": "\u03bd",
        "u": "\u03c5",
        "k": "\u03ba",
        "t": "\u03c4",
        "n": "\u03b7",
    },
    "armenian": {
        "o": "\u0585",
        "u": "\u057d",
        "n": "\u0578",
        "h": "\u0570",
        "g": "\u0581",
        "q": "\u0566",
    },
    "latin_lookalike": {
        "i": "\u0131",
        "a": "\u0251",
        "l": "\u0142",
        "g": "\u0261",
        "o": "\u00f8",
        "e": "\u0117",
    },
    "ascii_digits": {"o": "0", "l": "1", "i": "1", "m": "rn", "w": "vv", "e": "3"},
}
FREE_MAIL = (
    "gmail.com",
    "yahoo.com",
    "outlook.com",
    "hotmail.com",
    "aol.com",
    "icloud.com",
    "proton.me",
    "protonmail.com",
    "tutanota.com",
    "gmx.com",
    "gmx.net",
    "mail.com",
    "yandex.com",
    "zoho.com",
    "hushmail.com",
    "fastmail.com",
    "live.com",
    "me.com",
    "pm.me",
    "web.de",
    "mail.ru",
    "yahoo.co.uk",
    "btinternet.com",
    "libero.it",
    "orange.fr",
    "seznam.cz",
    "rediffmail.com",
    "usa.com",
    "email.com",
    "inbox.lv",
    "qq.com",
    "163.com",
    "naver.com",
    "wp.pl",
    "t-online.de",
    "bol.com.br",
    "laposte.net",
    "rocketmail.com",
    "ymail.com",
    "mailfence.com",
    "tuta.io",
)

# Variants that appear only in the held-out split (trick families and wording styles).
HELDOUT_ONLY: dict[str, frozenset[str]] = {
    "style": HELDOUT_STYLES,
    "free_mail": frozenset({"yandex.com", "gmx.net"}),
    "homoglyph_script": frozenset({"armenian"}),
    "subdomain_family": frozenset({"centralnic"}),
    "tld_swap": frozenset({"info"}),
    "add_word": frozenset({"records", "-records"}),
    "typo_kind": frozenset({"vowel_swap"}),
}


def allowed(split: str, family: str, options: tuple[str, ...] | list[str]) -> list[str]:
    """The options a split may use: training never sees the held-out-only ones, and the
    held-out split draws them often enough to be measured."""
    reserved = HELDOUT_ONLY.get(family, frozenset())
    if split == "train":
        return [o for o in options if o not in reserved]
    return list(options)


def pick(
    rng: random.Random,
    split: str,
    family: str,
    options: tuple[str, ...] | list[str],
    reserved_share: float = 0.4,
) -> str:
    choices = allowed(split, family, options)
    reserved = [o for o in choices if o in HELDOUT_ONLY.get(family, frozenset())]
    if split == "heldout" and reserved and rng.random() < reserved_share:
        return rng.choice(reserved)
    return rng.choice(choices)


GENERIC_LABELS = frozenset({"co", "ci", "vi", "town", "city", "www", "mail", "twp", "tn"})


def split_domain(domain: str) -> tuple[str, str]:
    """(first label, the rest) for typo and homoglyph edits on the distinctive part."""
    labels = domain.split(".")
    if len(labels) >= 3 and labels[-1] == "us":
        # Locality domains (co.jefferson.wa.us, ci.x.mn.us): the name is all but the suffix.
        return "".join(labels[:-1]), "us"
    if len(labels) >= 3 and labels[0] in GENERIC_LABELS:
        return labels[0] + labels[1], ".".join(labels[2:])
    label, _, rest = domain.partition(".")
    return label, rest


def registrable(rest: str) -> str:
    """Where an impostor can register a name: never .gov, .edu or a US locality domain."""
    if rest.split(".")[-1] in ("gov", "edu", "mil") or (rest.endswith(".us") and "." in rest):
        return "com" if len(rest) % 2 else "org"
    return rest


def typo(rng: random.Random, domain: str, kind: str) -> str:
    label, rest = split_domain(domain)
    rest = registrable(rest)
    if len(label) < 4:
        return f"{label}{label[-1]}.{rest}"
    i = rng.randint(1, len(label) - 2)
    if kind == "omission":
        label = label[:i] + label[i + 1 :]
    elif kind == "transposition":
        label = label[:i] + label[i + 1] + label[i] + label[i + 2 :]
    elif kind == "doubling":
        label = label[:i] + label[i] + label[i:]
    elif kind == "keyboard" and label[i] in KEYBOARD:
        label = label[:i] + rng.choice(KEYBOARD[label[i]]) + label[i + 1 :]
    else:
        vowels = [j for j, ch in enumerate(label) if ch in "aeiou" and j > 0]
        j = rng.choice(vowels) if vowels else i
        label = label[:j] + rng.choice([v for v in "aeiou" if v != label[j]]) + label[j + 1 :]
    return f"{label}.{rest}"


def add_word(domain: str, word: str) -> str:
    label, rest = split_domain(domain)
    return f"{label}{word}.{registrable(rest)}"


def tld_swap(domain: str, tld: str) -> str:
    label, rest = split_domain(domain)
    if rest == tld:
        tld = "net" if tld != "net" else "org"
    return f"{label}.{tld}"


def subdomain(rng: random.Random, domain: str, family: str) -> str:
    label, _ = split_domain(domain)
    template = rng.choice(SUBDOMAIN_FAMILIES[family])
    return template.format(
        domain=domain, label=label, word=rng.choice(RELAY_WORDS), tld=rng.choice(RELAY_TLDS)
    )


def homoglyph(rng: random.Random, domain: str, script: str) -> tuple[str, str]:
    """(the domain as displayed, its ASCII form as mail servers see it)."""
    label, rest = split_domain(domain)
    rest = registrable(rest)
    table = HOMOGLYPHS[script]
    spots = [i for i, ch in enumerate(label) if ch in table]
    if not spots:
        return typo(rng, domain, "keyboard"), typo(rng, domain, "keyboard")
    chosen = sorted(rng.sample(spots, k=min(len(spots), rng.choice((1, 1, 2)))), reverse=True)
    for i in chosen:
        label = label[:i] + table[label[i]] + label[i + 1 :]
    shown = f"{label}.{rest}"
    try:
        wire = ".".join(part.encode("idna").decode("ascii") for part in shown.split("."))
    except UnicodeError:
        wire = shown
    return shown, wire
