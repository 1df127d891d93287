"""The directory parsers read the packaged files and a newer export given by path."""

from __future__ import annotations

from pathlib import Path

from exigent.directory import sources
from exigent.verification.directory_index import default_directory


def test_packaged_directories_parse_into_typed_records() -> None:
    dotgov = next(sources.iter_dotgov())
    assert dotgov.domain.endswith(".gov") and dotgov.domain_type
    agency = next(sources.iter_fbi_agencies())
    assert len(agency.ori) == 9 and len(agency.state) == 2
    homepage = next(sources.iter_agency_homepages())
    assert homepage.homepage_host and homepage.ori
    assert sum(1 for _ in sources.iter_pdap_agencies()) > 20_000
    assert "gmail.com" in sources.free_mail_domains()
    assert any(entry.domain == "police.uk" for entry in sources.iter_foreign_police())


def test_a_newer_export_can_be_read_from_a_path(tmp_path: Path) -> None:
    path = tmp_path / "dotgov.csv"
    path.write_text(
        "Domain name,Domain type,Organization name,Suborganization name,City,State,"
        "Security contact email\nNEWTOWNPD.GOV,City,Town of Newtown,,Newtown,CT,(blank)\n",
        encoding="utf-8",
    )
    (row,) = sources.iter_dotgov(path)
    assert row.domain == "newtownpd.gov" and row.security_contact_email is None


def test_directory_ignores_third_party_homepage_hosts() -> None:
    directory = default_directory()
    assert not directory.facts("facebook.com").agencies
    assert directory.facts("kent.police.uk").foreign_country == "GB"
    assert directory.facts("mail.cloverdale.net").agencies
