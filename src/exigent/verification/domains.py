"""Small helpers on mail domains: split, normalise, registered domain."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import idna
import tldextract

# Offline: the bundled public-suffix snapshot, never a download at run time.
_EXTRACT = tldextract.TLDExtract(suffix_list_urls=(), include_psl_private_domains=False)
# The same list with its private section (us.com, herokuapp.com, blogspot.com): where anyone
# can get a name under somebody else's suffix, that name is what they registered.
_EXTRACT_PRIVATE = tldextract.TLDExtract(suffix_list_urls=(), include_psl_private_domains=True)
# Country-code endings that are not the code of the country they name.
_CCTLD_COUNTRY = {"uk": "GB", "eu": "EU"}
# Endings only US government bodies (and schools) can register under.
GOVERNMENT_SUFFIXES = frozenset({"gov", "mil", "us", "edu"})


@dataclass(frozen=True, slots=True)
class DomainParts:
    """A host split at the public suffix: `mail.parkerpd.com.relay.org` -> sub, label, suffix."""

    host: str
    subdomain: str
    label: str
    suffix: str

    @property
    def registered(self) -> str:
        """The domain someone registered: label plus public suffix."""
        return f"{self.label}.{self.suffix}" if self.suffix else self.label

    @property
    def subdomain_labels(self) -> tuple[str, ...]:
        return tuple(self.subdomain.split(".")) if self.subdomain else ()


def email_domain(address: str | None) -> str | None:
    """The lower-case domain of an address, or of `Name <address>` as found in a From header."""
    if not address:
        return None
    text = address.strip()
    if "<" in text and ">" in text:
        text = text[text.rindex("<") + 1 : text.rindex(">")]
    _, at, domain = text.rpartition("@")
    if not at or not domain:
        return None
    return domain.strip().strip(".").lower() or None


def email_address(address: str | None) -> str | None:
    """The bare lower-case address of `Name <address>` or of a plain address."""
    if not address:
        return None
    text = address.strip()
    if "<" in text and ">" in text:
        text = text[text.rindex("<") + 1 : text.rindex(">")]
    return text.strip().lower() or None


@lru_cache(maxsize=65_536)
def to_unicode(host: str) -> str:
    """The host with punycode labels decoded (`xn--...` -> the characters a reader sees)."""
    labels = []
    for label in host.split("."):
        if label.startswith("xn--"):
            try:
                labels.append(idna.decode(label))
            except idna.IDNAError:
                # Spoofing labels often break IDNA 2008 rules (mixed scripts) yet still
                # display as the characters they encode; decode the raw punycode then.
                try:
                    labels.append(label[4:].encode("ascii").decode("punycode"))
                except (UnicodeError, ValueError):
                    labels.append(label)
        else:
            labels.append(label)
    return ".".join(labels)


def is_ascii(text: str) -> bool:
    return text.isascii()


@lru_cache(maxsize=65_536)
def split_host(host: str) -> DomainParts:
    """Split a host at its public suffix (offline list)."""
    host = host.strip().strip(".").lower()
    parts = _EXTRACT(host)
    return DomainParts(
        host=host, subdomain=parts.subdomain, label=parts.domain, suffix=parts.suffix
    )


def strip_www(host: str) -> str:
    return host[4:] if host.startswith("www.") else host


def parents(host: str) -> list[str]:
    """The host and each parent down to (and including) its registered domain."""
    parts = split_host(host)
    found = [host]
    labels = host.split(".")
    for index in range(1, len(labels)):
        candidate = ".".join(labels[index:])
        if len(candidate) < len(parts.registered):
            break
        found.append(candidate)
    return found


@lru_cache(maxsize=65_536)
def split_host_private(host: str) -> DomainParts:
    """Split a host at its public suffix, counting the list's private suffixes (us.com)."""
    host = host.strip().strip(".").lower()
    parts = _EXTRACT_PRIVATE(host)
    return DomainParts(
        host=host, subdomain=parts.subdomain, label=parts.domain, suffix=parts.suffix
    )


@lru_cache(maxsize=65_536)
def is_domain_shaped(text: str) -> bool:
    """Whether labels read as a registrable domain on their own (`amadorsheriff.org`,
    `parkerpd.com.au`): a name followed by a public suffix."""
    parts = _EXTRACT(text)
    return bool(parts.suffix and parts.domain)


def domain_country(host: str) -> str | None:
    """The country of a host's country-code ending (`.nl` -> NL, `.gov.pl` -> PL), if any;
    .us is left out, since US agencies mostly use generic endings."""
    last = split_host(host).suffix.rsplit(".", 1)[-1]
    if len(last) != 2 or not last.isascii() or last == "us":
        return None
    return _CCTLD_COUNTRY.get(last, last.upper())
