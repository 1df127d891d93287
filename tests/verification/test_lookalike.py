"""Look-alike domains of real agencies are caught, real and unrelated domains are not."""

from __future__ import annotations

import time

import pytest

from exigent.verification.directory_index import default_directory
from exigent.verification.lookalike import LookalikeKind, skeleton


@pytest.mark.parametrize(
    ("domain", "kind", "imitated"),
    [
        ("cloverdaie.net", LookalikeKind.homoglyph, "cloverdale.net"),  # l -> i
        ("clover-dale.net", LookalikeKind.homoglyph, "cloverdale.net"),  # hyphen inserted
        ("cl0verdale.net", LookalikeKind.homoglyph, "cloverdale.net"),  # o -> 0
        ("dobbsf\u0435rry.gov", LookalikeKind.homoglyph, "dobbsferry.gov"),  # Cyrillic e
        ("xn--dobbsfrry-l0h.com", LookalikeKind.homoglyph, "dobbsferry.gov"),  # punycode form
        ("clovredale.net", LookalikeKind.typo, "cloverdale.net"),  # transposition
        ("cloverdalle.net", LookalikeKind.typo, "cloverdale.net"),  # doubled letter
        ("lagrandepolicdept.org", LookalikeKind.typo, "lagrandepolicedept.org"),  # dropped letter
        ("cloverdale-police.com", LookalikeKind.added_word, "cloverdale.net"),
        ("cloverdalepd-cid.net", LookalikeKind.added_word, None),
        ("cloverdale.co", LookalikeKind.tld_swap, "cloverdale.net"),
        ("dobbsferry.gov.co", LookalikeKind.tld_swap, "dobbsferry.gov"),
        ("cloverdale.net.secure-relay.org", LookalikeKind.subdomain, "cloverdale.net"),
        ("mail.ghostcounty.us.records-portal.com", LookalikeKind.subdomain, None),
        # Dressed as government: a name sold under us.org, a "gov" label on a shop's domain.
        ("quietharborpd.us.org", LookalikeKind.subdomain, "us.org"),
        ("gov.quietharbor-records.net", LookalikeKind.subdomain, "gov"),
    ],
)
def test_each_kind_of_lookalike_is_named(
    domain: str, kind: LookalikeKind, imitated: str | None
) -> None:
    found = default_directory().lookalikes.match(domain)
    assert found is not None, domain
    assert found.kind is kind
    if imitated:
        assert imitated in found.imitated


def test_punycode_and_unicode_spellings_are_flagged_as_idn() -> None:
    found = default_directory().lookalikes.match("xn--dobbsfrry-l0h.com")
    assert found is not None and found.idn


@pytest.mark.parametrize(
    "domain",
    [
        "cloverdale.net",
        "mail.cloverdale.net",
        "dobbsferry.gov",
        "kent.police.uk",
        "quietharborvillagepd.org",
        "example-unrelated-widgets.com",
        # Real government second levels and a city's own police subdomain.
        "northmoorcouncil.gov.uk",
        "interieur.gouv.fr",
        "pd.quietharborvillage.org",
    ],
)
def test_known_and_unrelated_domains_are_not_lookalikes(domain: str) -> None:
    assert default_directory().lookalikes.match(domain) is None


def test_skeleton_folds_look_alike_characters() -> None:
    assert skeleton("c1tyofr0me") == skeleton("cityofrome")
    assert skeleton("westfieldborouqh") == skeleton("westfieldborough")


def test_lookalike_check_is_fast_against_the_whole_directory() -> None:
    lookalikes = default_directory().lookalikes
    queries = [f"cloverdaie{n}.net" for n in range(200)] + ["clovredale.net"] * 50
    started = time.perf_counter()
    for query in queries:
        lookalikes.match(query)
    mean_ms = (time.perf_counter() - started) * 1000 / len(queries)
    assert mean_ms < 5
